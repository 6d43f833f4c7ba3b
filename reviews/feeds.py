"""RSS 2.0 and Atom feeds: the whole site, and each column, tag and author.

Items carry the standfirst, never the body, so nothing inside a spoiler
block reaches a feed reader.

Every text here is plain text, and feed readers render some elements as
HTML: RSS descriptions always, RSS titles whenever they look like markup,
Atom's ``summary type="html"``. Text bound for such an element is
HTML-escaped by the feed type that writes it (on top of the XML escaping), so
a reader shows ``<svg onload=…>`` as those characters, and an honest “&”
or “<3” as itself. Atom titles and subtitles are typed as text and are
written as they are.
"""

import functools
import io
import mimetypes
from collections import defaultdict
from xml.sax.saxutils import XMLGenerator

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db import router
from django.db.models import DateTimeField, IntegerField, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from kdrama_rewind.caching.dependencies import depends_on, key_for
from kdrama_rewind.caching.pages import remembered
from kdrama_rewind.data.statements import Loaded, Slot, Statement, numbered, numbered_values
from kdrama_rewind.media.sizes import stored_sizes
from kdrama_rewind.web.escaping import NOT_XML
from people.models import Author

from .models import Column, Review, Tag, TaggedReview

FEED_LENGTH = 30
ENCLOSURE_WIDTH = 1200  # an item's image: its narrowest rendition this wide, or its widest
# What an item shows: its headline, standfirst, address, dates, byline,
# column and the hero image's renditions (for the enclosure).
ITEM_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "published_at",
    "updated_at",
    "hero_image",
    "hero_width",
    "hero_height",
    "author__name",
    "column__name",
)


# A feed's slots: the moment it is read, and the id of what it is about.
NOW, ABOUT = Slot("now", DateTimeField()), Slot("about", IntegerField())


def _items(feed: type["ReviewFeed"]) -> QuerySet:
    """The items of one kind of feed, newest first (``ITEMS``): the columns
    ``_item_columns`` names, the byline and column joined for them."""
    listed = feed.listed().newest_first().values_list(*_item_columns().columns())
    return listed[:FEED_LENGTH]


@functools.cache
def _item_columns() -> Loaded:
    return Loaded.of(Review.objects.select_related("author", "column").only(*ITEM_FIELDS))


def _tag_names(count: int) -> QuerySet:
    """``(review id, tag id, tag name)`` for ``count`` reviews, by name (``TAG_NAMES``)."""
    tagged = TaggedReview.objects.filter(content_object__pk__in=numbered("id", count))
    return tagged.order_by("tag__name").values_list("content_object_id", "tag_id", "tag__name")


# Kept: building the two queries cost the worker more than running them.
ITEMS = Statement(_items)
TAG_NAMES = Statement(_tag_names)


def _escaped(text):
    return escape(text) if text else text


class UncheckedXMLGenerator(SimplerXMLGenerator):
    """Django's feed writer without its check of each text and attribute
    for control characters, which failed the whole feed: ``WrittenAtOnce``
    takes them out of the document at once (``NOT_XML``). The check went
    through a lazily compiled pattern, 15% of the site's feed in the worker
    (43.4M instructions, 36.9M without)."""

    characters = XMLGenerator.characters

    def startElement(self, name, attrs):
        # Attributes in order, as Django's writer writes them.
        XMLGenerator.startElement(self, name, dict(sorted(attrs.items())) if attrs else attrs)


class WrittenAtOnce:
    """A feed whose XML is written into a string and handed over at once:
    written to the response piece by piece (about fifty pieces an item),
    each piece was encoded and added on its own, a fifth of the feed's time.
    ``write_document`` is the feed type's own ``write()`` with the writer
    above."""

    def write(self, outfile, encoding):
        text = io.StringIO()
        self.write_document(UncheckedXMLGenerator(text, encoding, short_empty_elements=True))
        outfile.write(NOT_XML.sub("", text.getvalue()).encode(encoding))


class InertRssFeed(WrittenAtOnce, Rss201rev2Feed):
    """RSS 2.0 whose titles and descriptions are HTML-escaped text."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(_escaped(title), link, _escaped(description), **kwargs)

    def write_document(self, handler):
        handler.startDocument()
        self.add_stylesheets(handler)  # after the document starts, before any element
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")

    def add_item(self, title, link, description, **kwargs):
        super().add_item(_escaped(title), link, _escaped(description), **kwargs)


class InertAtomFeed(WrittenAtOnce, Atom1Feed):
    """Atom whose item summaries (``type="html"``) are HTML-escaped text."""

    def write_document(self, handler):
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item(self, title, link, description, **kwargs):
        super().add_item(title, link, _escaped(description), **kwargs)


class ReviewFeed(Feed):
    """The newest public reviews of the site."""

    feed_type = InertRssFeed
    description = "The newest reviews from the K-drama desk."

    def title(self, obj):
        return settings.SITE_NAME

    def link(self, obj):
        return reverse("reviews:front_page")

    @classmethod
    def listed(cls) -> QuerySet:
        """The public reviews this kind of feed lists: the slot ``NOW`` for
        the moment, ``ABOUT`` for the id of what the feed is about."""
        return Review.objects.published(at=NOW)

    def list_key(self, obj) -> str:
        """The list this feed shows (``kdrama_rewind.caching.dependencies``)."""
        return "list:reviews"

    def items(self, obj):
        using, loaded = router.db_for_read(Review), _item_columns()
        about = obj.pk if obj is not None else None
        rows = ITEMS.rows((type(self),), using=using, now=timezone.now(), about=about)
        items = [loaded.instance(using, row) for row in rows]
        # Tags' names through their link rows: one query of plain values for
        # all items (as objects, the links and tags were a third of the feed's
        # time). Values record no keys by themselves: a tag renamed must
        # change the feeds naming it.
        names, tags = defaultdict(list), set()
        ids = numbered_values("id", [item.pk for item in items])
        for review_id, tag_id, name in (
            TAG_NAMES.rows((len(items),), using=using, **ids) if items else ()
        ):
            names[review_id].append(name)
            tags.add(tag_id)
        depends_on(*(key_for(Tag, tag_id) for tag_id in tags))
        for item in items:
            item.tag_names = names[item.pk]
        # The enclosures' sizes, remembered: on object storage each is a request.
        enclosures = {item.pk: item.hero_image.rendition(ENCLOSURE_WIDTH) for item in items}
        named = [rendition.name for rendition in enclosures.values() if rendition]
        storage = Review._meta.get_field("hero_image").storage
        sizes = stored_sizes(storage, named)
        for item in items:
            rendition = enclosures[item.pk]
            item.enclosure = (rendition, sizes[rendition.name]) if rendition else None
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_author_name(self, item):
        return item.author.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_updated

    def item_categories(self, item):
        categories = item.tag_names
        return [item.column.name, *categories] if item.column else categories

    def item_enclosures(self, item):
        if item.enclosure is None:
            return []
        # A length of 0: missing, or media storage unreachable; the feed goes out anyway.
        rendition, length = item.enclosure
        mime_type = mimetypes.guess_type(rendition.name)[0] or "image/webp"
        return [Enclosure(rendition.url, str(length), mime_type)]

    def get_feed(self, obj, request):
        """The feed's items, assembled once until anything changes (like a
        template fragment); the XML is written for each request."""
        return remembered(
            f"feed:{request.build_absolute_uri()}",
            lambda: self.assemble(obj, request),
            depends=[self.list_key(obj)],
        )

    def assemble(self, obj, request):
        feed = super().get_feed(obj, request)
        # Enclosure addresses must be absolute; the request knows the host.
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(e.url), e.length, e.mime_type)
                for e in item["enclosures"]
            ]
        return feed


class AtomMixin:
    feed_type = InertAtomFeed

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)


class ReviewAtomFeed(AtomMixin, ReviewFeed):
    pass


class ColumnFeed(ReviewFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Column, slug=slug)

    def title(self, column):
        return f"{column.name} | {settings.SITE_NAME}"

    def link(self, column):
        return column.get_absolute_url()

    def description(self, column):
        return column.description or f"The newest reviews in {column.name}."

    @classmethod
    def listed(cls):
        return super().listed().filter(column=ABOUT)

    def list_key(self, column):
        return f"list:column:{column.pk}"


class TagFeed(ReviewFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag.objects.in_use(), slug=slug)

    def title(self, tag):
        return f"{tag.name} | {settings.SITE_NAME}"

    def link(self, tag):
        return tag.get_absolute_url()

    def description(self, tag):
        return f"The newest reviews about {tag.name}."

    @classmethod
    def listed(cls):
        return super().listed().filter(tags=ABOUT)

    def list_key(self, tag):
        return f"list:tag:{tag.pk}"


class AuthorFeed(ReviewFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.name} | {settings.SITE_NAME}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The newest reviews by {author.name}."

    @classmethod
    def listed(cls):
        return super().listed().filter(author=ABOUT)

    def list_key(self, author):
        return f"list:author:{author.pk}"


class ColumnAtomFeed(AtomMixin, ColumnFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass
