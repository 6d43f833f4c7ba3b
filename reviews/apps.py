from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the newsroom's dashboard as its home page."""

    default = False
    default_site = "reviews.admin_site.NewsroomAdminSite"


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from kdrama_rewind.page_cache import connect_invalidation
        from people.models import Author, Person

        from . import models

        connect_invalidation(
            [
                models.Review,
                models.Revision,
                models.Correction,
                models.SlugRedirect,
                models.Drama,
                models.Character,
                models.Quote,
                models.Genre,
                models.Column,
                models.Tag,
                models.TaggedReview,
                Person,
                Author,
            ]
        )
