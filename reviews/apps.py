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
        from kdrama_rewind.media.files import keep_media

        from . import cache_keys, models, social
        from .services import derived

        # An older version of a review can bring its image back.
        keep_media(lambda: models.Revision.objects.values_list("snapshot__hero_image", flat=True))
        keep_media(social.cards_in_use, folder=social.FOLDER)
        # Images kept for a form's next try: their rows name them while they last.
        keep_media(lambda: (), folder=models.workflow.STASH_FOLDER)

        derived.connect()
        cache_keys.connect()
