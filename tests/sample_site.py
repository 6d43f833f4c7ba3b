from datetime import timedelta
from xml.etree import ElementTree

from django.contrib.flatpages.models import FlatPage
from django.test import TestCase
from django.utils import timezone

from reviews.models import Genre
from tests.factories import (
    image_upload,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
)


class PublicSiteTestCase(TestCase):
    """A small site: the Rewind column on Run On, with its cast, quotes and tags."""

    @classmethod
    def setUpTestData(cls):
        cls.rewind = make_column("K-Drama Rewind", is_featured=True, description="Old dramas.")
        cls.author = make_author("Mina Park", job_title="Assistant Features Editor")
        cls.run_on = make_drama("Run On", original_title="런 온", network="JTBC", episodes=16)
        cls.run_on.genres.add(Genre.objects.create(name="Romance"))
        cls.im = make_person("Im Si-wan", hangul_name="임시완")
        cls.shin = make_person("Shin Se-kyung", hangul_name="신세경", aliases="Shin Se-kyeong")
        cls.seon_gyeom = make_character(cls.run_on, "Ki Seon-gyeom", played_by=cls.im, role="lead")
        cls.mi_joo = make_character(cls.run_on, "Oh Mi-joo", played_by=cls.shin, role="lead")
        cls.quote = make_quote(cls.seon_gyeom, "I came without a reason.", episode=5)
        cls.review = make_review(
            "Run On is a drama about running towards yourself",
            standfirst="Im Si-wan and Shin Se-kyung at their gentlest.",
            body="It’s a quiet drama.\n\n" + "word " * 600,
            author=cls.author,
            column=cls.rewind,
            dramas=[cls.run_on],
            people=[cls.im, cls.shin],
            tags=["Run On", "Romance"],
            hero_image=image_upload(),
            hero_alt="Two runners on a track at dusk",
            hero_caption="The track at night.",
            hero_credit="Illustration: the desk",
            published_at=timezone.now() - timedelta(days=2),
            updated_at=timezone.now() - timedelta(days=1),
        )
        cls.review.quotes.add(cls.quote)
        cls.other = make_review(
            "Another look at Run On", author=cls.author, dramas=[cls.run_on], tags=["Run On"]
        )
        cls.about = FlatPage.objects.create(
            url="/about/", title="About the desk", content="We watch *every* episode."
        )

    @classmethod
    def grow(cls, n=5):
        """More rows of every related kind, to show query counts stay flat."""
        for i in range(n):
            drama = make_drama(f"Grown drama {i}")
            person = make_person(f"Grown person {i}")
            character = make_character(drama, f"Grown character {i}", played_by=cls.im)
            make_character(cls.run_on, f"Extra {i}", played_by=person)
            make_quote(make_character(cls.run_on, f"Quoted {i}"), f"Line {i}")
            review = make_review(
                f"Grown review {i}",
                author=cls.author,
                column=cls.rewind,
                dramas=[cls.run_on, drama],
                people=[cls.im, cls.shin, person],
                tags=["Run On", "Romance", f"grown-{i}"],
                hero_image=image_upload(size=(500, 300)),
                hero_alt="An image",
            )
            review.quotes.add(make_quote(character, f"Grown line {i}"))
        cls.review.up_next_picks.add(review)

    def urls(self):
        return {
            "front page": "/",
            "review": self.review.get_absolute_url(),
            "column": "/columns/k-drama-rewind/",
            "tag": "/tags/run-on/",
            "drama list": "/dramas/",
            "drama list by genre": "/dramas/?genre=romance",
            "drama": "/dramas/run-on/",
            "drama list filtered": "/dramas/?network=JTBC&year=2020",
            "character": "/dramas/run-on/characters/oh-mi-joo/",
            "quotes": "/quotes/",
            "person": "/people/im-si-wan/",
            "author": "/authors/mina-park/",
            "search": "/search/?q=run",
            "rss": "/feeds/reviews/",
            "atom": "/feeds/reviews/atom/",
            "sitemap": "/sitemap.xml",
            "sitemap section": "/sitemaps/reviews.xml",
            "robots": "/robots.txt",
            "newsletter": "/newsletter/",
            "reviews index": "/reviews/",
            "columns index": "/columns/",
            "tags index": "/tags/",
            "people index": "/people/",
            "authors index": "/authors/",
            "flat page": "/about/",
        }


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITEMAP_SECTIONS = [
    "reviews",
    "dramas",
    "characters",
    "people",
    "authors",
    "columns",
    "tags",
    "pages",
]


def sitemap_entries(client) -> dict[str, str | None]:
    """Every address the sitemap index leads to, with its last-modified date."""
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    entries = {}
    for sitemap in index.iter(f"{SITEMAP_NS}sitemap"):
        page = client.get(sitemap.findtext(f"{SITEMAP_NS}loc"))
        for url in ElementTree.fromstring(page.content).iter(f"{SITEMAP_NS}url"):
            entries[url.findtext(f"{SITEMAP_NS}loc")] = url.findtext(f"{SITEMAP_NS}lastmod")
    return entries
