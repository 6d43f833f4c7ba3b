from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q

from kdrama_rewind.data.constraints import image_has_alt, not_blank
from kdrama_rewind.data.slugs import AutoSlugMixin, slug_for, split_lines
from kdrama_rewind.data.text import PlainTextMixin
from kdrama_rewind.media.images import RenditionImageField
from kdrama_rewind.web.links import page_url
from people.models import IMAGE_ALT_REQUIRED, Person
from people.romanization import SearchNamesMixin

from .counts import every_quote


class Genre(PlainTextMixin, AutoSlugMixin, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("reviews:drama_list") + f"?genre={self.slug}"


class Drama(PlainTextMixin, SearchNamesMixin, AutoSlugMixin, models.Model):
    slug_source = "title"

    title = models.CharField(max_length=200, help_text="The English title, e.g. “Run On”.")
    original_title = models.CharField(
        max_length=200, blank=True, help_text="The title in Korean, e.g. 런 온."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The end of the drama page’s address, e.g. /dramas/run-on/.",
    )
    year = models.PositiveSmallIntegerField(help_text="The year it first aired.")
    first_aired = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the first episode, if known: "
        "the Rewind desk plans anniversaries by it.",
    )
    network = models.CharField(
        max_length=100,
        blank=True,
        help_text="Broadcaster or streaming platform, e.g. JTBC, Netflix.",
    )
    episodes = models.PositiveSmallIntegerField(null=True, blank=True)
    synopsis = models.TextField(blank=True)
    poster = RenditionImageField(
        upload_to="dramas/",
        blank=True,
        width_field="poster_width",
        height_field="poster_height",
        help_text="JPEG, PNG or WebP.",
    )
    poster_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_alt = models.CharField(
        "poster alt text", max_length=300, blank=True, help_text=IMAGE_ALT_REQUIRED
    )
    genres = models.ManyToManyField(Genre, blank=True, related_name="dramas")
    modified_at = models.DateTimeField(auto_now=True)
    search_names = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Every name and its romanization key, for search; filled on save.",
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            not_blank("title"),
            models.CheckConstraint(
                condition=Q(year__gte=1950) & Q(year__lte=2100),
                name="drama_year_plausible",
                violation_error_message="The year must be between 1950 and 2100.",
            ),
            models.CheckConstraint(
                condition=Q(first_aired__isnull=True) | Q(first_aired__year=F("year")),
                name="drama_first_aired_in_year",
                violation_error_message="The first episode’s date must fall in the drama’s year.",
            ),
            models.CheckConstraint(
                condition=Q(episodes__isnull=True) | Q(episodes__gte=1),
                name="drama_episodes_positive",
                violation_error_message="A drama has at least one episode.",
            ),
            image_has_alt("poster", describing="the poster"),
        ]
        # The dramas index and the quotes index (ordered by drama first) read
        # their first page from it, not from a sort of every drama or quote.
        indexes = [models.Index(fields=["title", "id"], name="drama_title_order")]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return page_url("reviews:drama_detail", slug=self.slug)

    @property
    def known_names(self) -> list[str]:
        return [n for n in [self.title, self.original_title] if n]


class Character(PlainTextMixin, SearchNamesMixin, models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        SUPPORTING = "supporting", "Supporting"

    drama = models.ForeignKey(Drama, on_delete=models.CASCADE, related_name="characters")
    name = models.CharField(max_length=200, help_text="As the drama’s English subtitles spell it.")
    hangul_name = models.CharField("Hangul name", max_length=100, blank=True)
    aliases = models.TextField(
        blank=True, help_text="Other names or spellings the character goes by, one per line."
    )
    played_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roles",
        help_text="The actor who plays the character.",
    )
    role = models.CharField(max_length=20, choices=Role, default=Role.SUPPORTING)
    billing = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the cast list; lower comes first."
    )
    search_names = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Every name and its romanization key, for search; filled on save.",
    )

    class Meta:
        ordering = ["role", "billing", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["drama", "name"],
                name="character_unique_name_per_drama",
                violation_error_message="This drama already has a character of that name.",
            ),
            not_blank("name"),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "supporting"]),
                name="character_role_valid",
                violation_error_message="A character is a lead or supporting role.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.drama.title})"

    def get_absolute_url(self):
        return page_url("reviews:character_detail", drama_slug=self.drama.slug, slug=self.slug)

    @property
    def slug(self) -> str:
        """Unique within the drama, as names are (a name with no letter or
        digit, refused since, is addressed by its id)."""
        return slug_for(self.name) or f"character-{self.pk}"

    def clean(self):
        self.aliases = "\n".join(split_lines(self.aliases))
        if self.name and not slug_for(self.name):
            raise ValidationError(
                {"name": "A name needs a letter or a digit: it makes the character's address."}
            )

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def known_names(self) -> list[str]:
        return [n for n in [self.name, self.hangul_name, *self.alias_list] if n]


# How deep in the quotes index a slice is found from each drama's count of
# quotes rather than by sorting every quote before it (``ids_by_drama``):
# about where the two cost the same at 200,000 quotes, counting uncached.
COUNTED_FROM = 50_000


class QuoteQuerySet(models.QuerySet):
    def total(self) -> int:
        """How many quotes there are: ``count()`` of every quote, without
        counting the table on PostgreSQL (``counts``)."""
        if self.query.has_filters():
            raise TypeError("total() counts every quote: call it on Quote.objects")
        return every_quote(self.model, self.db)

    def by_drama(self):
        """In the quotes index's order: drama by drama, A–Z (dramas of one
        title by their id, so that each drama's quotes stay together), each
        drama's quotes by episode."""
        return self.order_by("character__drama__title", "character__drama_id", "episode", "id")

    def per_drama(self) -> list[tuple[int, int]]:
        """``(drama id, how many quotes)`` for each drama with quotes, in
        ``by_drama``'s order: counted by drama, then put in the dramas'
        order (78 ms at 200,000 quotes; counted in that order in one
        statement, PostgreSQL read each drama's quotes by index, 158 ms)."""
        counted = self.values_list("character__drama_id").annotate(quotes=Count("id"))
        quotes = dict(counted.order_by())
        in_order = Drama.objects.using(self.db).order_by("title", "id").values_list("pk", flat=True)
        return [(drama, quotes[drama]) for drama in in_order.iterator() if drama in quotes]

    def ids_by_drama(self, bottom: int, top: int, per_drama=None) -> list[int]:
        """The ids of the quotes from ``bottom`` to ``top`` (not included) in
        ``by_drama``'s order. To skip to a deep page PostgreSQL sorts every
        quote before it (4,000 pages at 200,000 quotes: 85 ms for page
        1,000, 300 ms for the last). From ``COUNTED_FROM`` on, the quotes are
        counted drama by drama (``per_drama()``, or ``per_drama``: a callable
        that may keep them), and only the dramas the slice falls in sorted."""
        if bottom < COUNTED_FROM:
            return list(self.by_drama().values_list("pk", flat=True)[bottom:top])
        dramas, before, first = [], 0, None
        for drama, quotes in (per_drama or self.per_drama)():
            if before >= top:
                break
            if before + quotes > bottom:
                first = before if first is None else first
                dramas.append(drama)
            before += quotes
        if not dramas:
            return []
        ids = self.filter(character__drama__in=dramas).by_drama().values_list("pk", flat=True)
        return list(ids[bottom - first : top - first])


class Quote(PlainTextMixin, models.Model):
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField(help_text="The words as the character says them.")
    episode = models.PositiveSmallIntegerField(null=True, blank=True)
    context = models.TextField(blank=True, help_text="Optional: the scene, for readers.")

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "id"]
        constraints = [
            not_blank("text", "A quote needs its words."),
            models.CheckConstraint(
                condition=Q(episode__isnull=True) | Q(episode__gte=1),
                name="quote_episode_positive",
                violation_error_message="Episodes are numbered from 1.",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"“{text}” ({self.character.name})"

    def get_absolute_url(self):
        return self.character.get_absolute_url() + f"#quote-{self.pk}"
