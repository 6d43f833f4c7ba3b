from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from kdrama_rewind.data.constraints import image_has_alt, not_blank
from kdrama_rewind.data.slugs import AutoSlugMixin, split_lines
from kdrama_rewind.data.text import PlainTextMixin
from kdrama_rewind.media.images import RenditionImageField
from kdrama_rewind.web.links import page_url

from .romanization import SearchNamesMixin

IMAGE_ALT_REQUIRED = "Describe the image for readers who cannot see it."


class Person(PlainTextMixin, SearchNamesMixin, AutoSlugMixin, models.Model):
    """An actor or other figure a review can write about."""

    name = models.CharField(
        max_length=200,
        help_text="The romanized name as the desk spells it, e.g. “Shin Se-kyung”.",
    )
    hangul_name = models.CharField(
        "Hangul name", max_length=100, blank=True, help_text="e.g. 신세경"
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other spellings and romanizations readers use, one per line "
        "(e.g. “Shin Se-kyeong”).",
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The end of the person’s page address, e.g. /people/im-si-wan/.",
    )
    photo = RenditionImageField(
        upload_to="people/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="JPEG, PNG or WebP. The original is kept; smaller copies are made for pages.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        "photo alt text", max_length=300, blank=True, help_text=IMAGE_ALT_REQUIRED
    )
    bio = models.TextField(blank=True, help_text="A short biography shown on the person’s page.")
    search_names = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Every name and its romanization key, for search; filled on save.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            not_blank("name"),
            not_blank("slug"),
            image_has_alt("photo", describing="the photo"),
        ]
        # The people index reads its pages from it, not from a sort of everyone.
        indexes = [models.Index(fields=["name", "id"], name="person_name_order")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("people:person_detail", slug=self.slug)

    def clean(self):
        self.aliases = "\n".join(split_lines(self.aliases))

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def known_names(self) -> list[str]:
        """Every name the person is known by: canonical, Hangul, aliases."""
        return [n for n in [self.name, self.hangul_name, *self.alias_list] if n]


class Author(PlainTextMixin, AutoSlugMixin, models.Model):
    """A bylined member of staff."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The end of the byline page’s address, e.g. /authors/mina-park/.",
    )
    job_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown in the byline, e.g. “Assistant Features Editor”.",
    )
    bio = models.TextField(blank=True)
    photo = RenditionImageField(
        upload_to="authors/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="JPEG, PNG or WebP.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        "photo alt text", max_length=300, blank=True, help_text=IMAGE_ALT_REQUIRED
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The login this author writes under, if any.",
    )
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            not_blank("name"),
            not_blank("slug"),
            image_has_alt("photo", describing="the photo"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("people:author_detail", slug=self.slug)


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Confirmed and not unsubscribed: the Daily Briefing goes to these."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscriber(models.Model):
    """A reader who signed up for the Daily Briefing newsletter. Nothing is
    sent until the address is confirmed from the email it was sent."""

    email = models.EmailField(max_length=254, help_text="Stored lower-cased.")
    subscribed_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-subscribed_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="subscriber_email_unique_ci",
                violation_error_message="This address is already subscribed.",
            ),
        ]

    def __str__(self):
        return self.email
