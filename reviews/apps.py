from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from django.contrib.flatpages.models import FlatPage

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
                FlatPage,
            ]
        )
