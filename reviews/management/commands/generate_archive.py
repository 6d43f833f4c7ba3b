"""Fill the database with a synthetic archive, to measure the site at scale.

Everything it makes has a slug starting with ``synthetic-`` and can be
removed with ``--clear``. Rows go in with ``bulk_create`` in batches, so
100,000 reviews take minutes, not hours; images are shared: a handful of
hero images, made once, are used by every review.
"""

import random
import time
from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from kdrama_rewind.caching.pages import content_changed
from kdrama_rewind.media.images import RenditionImageFieldFile
from people.models import Author, Person
from people.romanization import search_names
from reviews.models import Character, Column, Drama, Quote, Review, Tag, TaggedReview
from reviews.services.derived import refresh_bodies, refresh_cards
from reviews.services.up_next import refresh_up_next

PREFIX = "synthetic-"
BATCH = 2000
SYLLABLES = (
    "min ji seo yeon ha jun woo hyun soo bin tae ri na ra ye eun do yoon si a hye jin "
    "kyung won sung hee young ho gyu chan mi rae bo ram"
).split()
SURNAMES = (
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song".split()
)
WORDS = (
    "drama episode heart rain winter station letter promise secret family city night "
    "memory summer friend song river window dream hospital office court kitchen school "
    "star garden road season mother father brother sister village ocean light shadow"
).split()
NETWORKS = ["JTBC", "tvN", "KBS2", "MBC", "SBS", "Netflix", "ENA", "OCN"]
SENTENCES = [
    "The {w1} scenes carry more weight than the plot around them.",
    "Every {w1} in this drama feels lived in, down to the {w2} on the table.",
    "It takes its time with the {w1}, and the patience pays off.",
    "The {w1} subplot drags in the middle episodes.",
    "Few shows of its year understood the {w1} as well as this one.",
    "What stays with you is the {w1}, not the {w2}.",
]


def korean_name(rng) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(SYLLABLES).title()}-{rng.choice(SYLLABLES)}"


def title(rng, words=3) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).title()


def body(rng, paragraphs=5) -> str:
    return "\n\n".join(
        " ".join(
            rng.choice(SENTENCES).format(w1=rng.choice(WORDS), w2=rng.choice(WORDS))
            for _ in range(6)
        )
        for _ in range(paragraphs)
    )


class Progress:
    def __init__(self, out, label: str, total: int):
        self.out, self.label, self.total, self.done = out, label, total, 0
        self.started = time.monotonic()

    def add(self, count: int) -> None:
        self.done += count
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.started
        self.out.write(
            f"\r{self.label:<14} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:>7}/{self.total} {elapsed:5.1f}s",
            ending="",
        )
        self.out.flush()
        if self.done >= self.total:
            self.out.write("")


class Command(BaseCommand):
    help = "Generate a synthetic archive (reviews, dramas, people, quotes) for measurements."

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=int, default=100_000)
        parser.add_argument("--dramas", type=int, default=5_000)
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--quotes", type=int, default=200_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--clear", action="store_true", help="Remove the synthetic archive and stop."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Keep a synthetic archive already there instead of stopping with an error.",
        )

    def handle(self, *args, **options):
        if options["clear"]:
            self.clear()
            return
        there = Review.objects.filter(slug__startswith=PREFIX).count()
        if there and options["if_missing"]:
            self.stdout.write(f"Keeping the synthetic archive already there ({there} reviews).")
            return
        if there:
            raise CommandError("A synthetic archive is already there; run with --clear first.")
        for key in ("reviews", "dramas", "people", "quotes"):
            if options[key] < 1:
                raise CommandError(f"--{key} must be at least 1.")
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        started = time.monotonic()
        with transaction.atomic():
            self.generate(options)
        content_changed()  # bulk_create sends no signals: cached pages go stale here
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, the visibility map for
            # index-only scans, and the trigram indexes' pending lists merged
            # (VACUUM cannot run inside a transaction, as in tests).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated the synthetic archive in {time.monotonic() - started:.0f}s."
            )
        )

    def clear(self):
        with transaction.atomic():
            for model in (Review, Drama, Person, Author, Column, Tag):
                deleted, _ = model.objects.filter(slug__startswith=PREFIX).delete()
                self.stdout.write(f"Removed {deleted} rows with {model._meta.verbose_name_plural}.")
        content_changed()

    def bulk(self, model, objects, label, total=None):
        """``bulk_create`` in batches. It skips ``save()``, so what ``save()``
        derives is set here: the names search looks in."""
        if hasattr(model, "known_names"):
            for obj in objects:
                obj.search_names = search_names(obj.known_names)
        progress = Progress(self.stdout, label, total or len(objects))
        made = []
        for start in range(0, len(objects), BATCH):
            batch = objects[start : start + BATCH]
            made += model.objects.bulk_create(batch, batch_size=BATCH)
            progress.add(len(batch))
        return made

    def generate(self, options):
        rng = self.rng
        heroes = self.hero_images()
        authors = self.bulk(
            Author,
            [
                Author(
                    name=f"Synthetic Writer {i}",
                    slug=f"{PREFIX}writer-{i}",
                    job_title="Features Writer",
                )
                for i in range(50)
            ],
            "authors",
        )
        columns = self.bulk(
            Column,
            [Column(name=f"Synthetic Column {i}", slug=f"{PREFIX}column-{i}") for i in range(5)],
            "columns",
        )
        people = self.bulk(
            Person,
            [
                Person(name=f"{korean_name(rng)} {i}", slug=f"{PREFIX}person-{i}")
                for i in range(options["people"])
            ],
            "people",
        )
        dramas = self.bulk(
            Drama,
            [
                Drama(
                    title=f"{title(rng)} {i}",
                    slug=f"{PREFIX}drama-{i}",
                    year=rng.randint(1995, 2025),
                    network=rng.choice(NETWORKS),
                    episodes=rng.choice([12, 16, 20, 24]),
                )
                for i in range(options["dramas"])
            ],
            "dramas",
        )
        characters = self.bulk(
            Character,
            [
                Character(
                    drama=drama,
                    name=f"{korean_name(rng)} {n}",
                    played_by=rng.choice(people),
                    role=Character.Role.LEAD if n < 2 else Character.Role.SUPPORTING,
                    billing=n,
                )
                for drama in dramas
                for n in range(4)
            ],
            "characters",
        )
        quotes = self.bulk(
            Quote,
            [
                Quote(
                    character=rng.choice(characters),
                    text=rng.choice(SENTENCES).format(w1=rng.choice(WORDS), w2=rng.choice(WORDS)),
                    episode=rng.randint(1, 16),
                )
                for _ in range(options["quotes"])
            ],
            "quotes",
        )
        tags = self.bulk(
            Tag,
            [
                Tag(name=f"Synthetic {word} {i}", slug=f"{PREFIX}tag-{i}")
                for i, word in enumerate(WORDS * 15)
            ],
            "tags",
        )
        reviews = []
        for i in range(options["reviews"]):
            status = rng.choices(
                [Review.Status.PUBLISHED, Review.Status.DRAFT, Review.Status.SCHEDULED],
                weights=[96, 3, 1],
            )[0]
            published_at = self.now - timedelta(minutes=rng.randint(60, 60 * 24 * 365 * 15))
            if status == Review.Status.SCHEDULED:
                published_at = self.now + timedelta(minutes=rng.randint(60, 60 * 24 * 60))
            hero = rng.choice(heroes)
            reviews.append(
                Review(
                    title=f"{title(rng, 5)}: a second look {i}",
                    slug=f"{PREFIX}review-{i}",
                    standfirst=f"Why {title(rng, 2).lower()} still matters.",
                    body=body(rng),
                    author=rng.choice(authors),
                    column=rng.choice(columns) if rng.random() < 0.7 else None,
                    status=status,
                    published_at=published_at
                    if status != Review.Status.DRAFT or rng.random() < 0.5
                    else None,
                    hero_image=hero.name,
                    hero_width=hero.original_width,
                    hero_height=hero.original_height,
                    hero_alt="A still from the drama",
                    version=1,
                )
            )
        reviews = self.bulk(Review, reviews, "reviews")
        Dramas, People, Quotes = (
            Review.dramas.through,
            Review.featured_people.through,
            Review.quotes.through,
        )
        drama_links, people_links, quote_links, tag_links = [], [], [], []
        for review in reviews:
            drama = rng.choice(dramas)
            drama_links.append(Dramas(review_id=review.pk, drama_id=drama.pk))
            for person in rng.sample(people, 3):
                people_links.append(People(review_id=review.pk, person_id=person.pk))
            for quote in rng.sample(quotes, 2):
                quote_links.append(Quotes(review_id=review.pk, quote_id=quote.pk))
            for tag in rng.sample(tags, 3):
                tag_links.append(TaggedReview(content_object_id=review.pk, tag_id=tag.pk))
        self.bulk(Dramas, drama_links, "review dramas")
        self.bulk(People, people_links, "review people")
        self.bulk(Quotes, quote_links, "pull quotes")
        self.bulk(TaggedReview, tag_links, "review tags")
        # What the editing service derives when a review is saved.
        pks = [review.pk for review in reviews]
        for label, refresh, size in (
            ("bodies", refresh_bodies, 200),
            ("cards", refresh_cards, 200),
            ("up next", refresh_up_next, 500),
        ):
            progress = Progress(self.stdout, label, len(pks))
            for start in range(0, len(pks), size):
                progress.add(refresh(review_ids=pks[start : start + size]))

    def hero_images(self) -> list[RenditionImageFieldFile]:
        """A few hero images, stored once (with renditions) and shared."""
        field = Review._meta.get_field("hero_image")
        files = []
        for index, colour in enumerate(
            [(120, 40, 60), (30, 70, 120), (40, 110, 80), (150, 110, 30)]
        ):
            buffer = BytesIO()
            Image.new("RGB", (1600, 900), colour).save(buffer, "JPEG", quality=80)
            holder = Review(slug=f"{PREFIX}hero-{index}")
            image = field.attr_class(holder, field, None)
            image.save(f"{PREFIX}hero-{index}.jpg", ContentFile(buffer.getvalue()), save=False)
            files.append(image)
        return files
