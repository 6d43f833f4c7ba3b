"""Which cached pages a change touches: the desk's dependency keys.

Pages record the objects they show by themselves (``review:12``,
``drama:3``…, see ``kdrama_rewind.caching.dependencies``) and declare the lists they
show. A change invalidates, once it has committed:

- the changed object's own key: every page, fragment and value showing it
  is made again (an edit, a correction, a rename, a review taken down);
- the lists it *joins*: a review that becomes public or scheduled, or moves
  column, author or publish time, refreshes ``list:front``,
  ``list:reviews``, ``list:tags`` and the lists of its column, author,
  tags, dramas and people (they did not show it, so they do not know it);
  a new drama, person, quote… refreshes its index;
- ``search`` for anything search finds, and ``search:names`` for what a
  search's names depend on: dramas, characters and people, and which
  reviews are about them (of any status: the ranking picks the public ones).

A published review edited in place touches only ``review:<id>`` and
``search``: lists that show it are made again because they show it, the
others stay, and searches find the same names without looking again.
``coming_moments`` tells the page cache when a scheduled review or update
goes out by itself and which keys it touches then.
"""

import hashlib
from collections import defaultdict

from django.contrib.flatpages.models import FlatPage
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone

from kdrama_rewind.caching.dependencies import invalidate_on_commit, register_moments, track
from people.models import Author, Person

from .models import (
    Character,
    Column,
    Correction,
    Drama,
    Genre,
    Quote,
    Review,
    Revision,
    SlugRedirect,
    Tag,
    TaggedReview,
    UpNextEntry,
)
from .status import is_approved

TRACKED = {
    Review: "review",
    Drama: "drama",
    Character: "character",
    Quote: "quote",
    Genre: "genre",
    Column: "column",
    Tag: "tag",
    Person: "person",
    Author: "author",
    FlatPage: "flatpage",
}
# What a review's place in lists depends on.
LISTING_FIELDS = ("status", "published_at", "column_id", "author_id", "slug")
# Review's many-to-many relations whose lists a review joins: the key kind.
JOINED_LISTS = {"dramas": "drama", "featured_people": "person", "tags": "tag"}
# Review's relations that say what it is about, to a search for a name.
NAMED = {"dramas", "featured_people"}
NAMES = "search:names"


def review_lists(reviews) -> set[str]:
    """The list keys of every list these (approved) reviews appear in."""
    return set().union(*lists_by_review(reviews).values())


def lists_by_review(reviews) -> dict[int, set[str]]:
    """For each review, the keys of the lists it appears in, in four queries."""
    found = {}
    reviews = Review.objects.filter(pk__in=[r.pk for r in reviews]).prefetch_related(
        "dramas", "featured_people", "tags"
    )
    for review in reviews.only("column_id", "author_id"):
        keys = found[review.pk] = {"list:front", "list:reviews", "list:tags", "search"}
        keys.add(f"list:author:{review.author_id}")
        if review.column_id:
            keys.add(f"list:column:{review.column_id}")
        for relation, kind in JOINED_LISTS.items():
            keys.update(f"list:{kind}:{obj.pk}" for obj in getattr(review, relation).all())
    return found


def address_key(slug: str) -> str:
    """The key of the public review at an address (found or not): hashed,
    since a slug may be long or not ASCII and the key goes in a header."""
    return f"address:review:{hashlib.sha256(slug.encode()).hexdigest()[:16]}"


def up_next_lists(review, dramas, people, tags) -> list[str]:
    """The lists Up Next draws from: its review's dramas, people, tags,
    column, and its own stored list (``up_next_key``)."""
    keys = [f"list:drama:{d.pk}" for d in dramas] + [f"list:person:{p.pk}" for p in people]
    keys += [f"list:tag:{t.pk}" for t in tags]
    keys.append(up_next_key(review.pk))
    return keys + ([f"list:column:{review.column_id}"] if review.column_id else [])


def up_next_key(review_id: int) -> str:
    """The key of a review's stored “Up Next” list: moved when the list is
    made again differently, and when a review it holds goes live by itself
    (a pinned pick shares nothing with the review that pins it)."""
    return f"list:upnext:{review_id}"


def _listing(review: Review) -> tuple:
    # Fields not loaded count as unknown: a change then refreshes the lists.
    return tuple(review.__dict__.get(field) for field in LISTING_FIELDS)


def _review_loaded(sender, instance, **kwargs):
    instance._listed_as = _listing(instance) if instance.pk else None


def _review_saved(sender, instance, **kwargs):
    before, after = getattr(instance, "_listed_as", None), _listing(instance)
    instance._listed_as = after
    keys = {f"review:{instance.pk}", address_key(instance.slug)}
    was_approved = before is not None and is_approved(before[0])
    if not (was_approved or is_approved(instance.status)):
        invalidate_on_commit(keys)  # a draft: no public page shows it
        return
    keys.add("search")
    if before == after:
        invalidate_on_commit(keys)
        return
    columns = {state[2] for state in (before, after) if state and state[2]}
    authors = {state[3] for state in (before, after) if state and state[3]}
    if before and before[4] and before[4] != after[4]:
        keys.add(address_key(before[4]))
    keys.update(f"list:column:{pk}" for pk in columns)
    keys.update(f"list:author:{pk}" for pk in authors)
    invalidate_on_commit(lambda: keys | review_lists([instance]))


def _review_deleting(sender, instance, **kwargs):
    """The lists a public review leaves, found while its links still exist
    (the admin refuses to delete one; the shell or a script may)."""
    if is_approved(instance.status):
        instance._leaves_lists = review_lists([instance])


def _review_deleted(sender, instance, **kwargs):
    keys = {f"review:{instance.pk}", address_key(instance.slug), "search"}
    invalidate_on_commit(keys | instance.__dict__.pop("_leaves_lists", set()))


# The link rows' two sides: (the review's, the other's), by relation.
LINK_SIDES = {"tags": ("content_object", "tag")}


def linked_reviews(sender, instance) -> set[int]:
    """The reviews linked to ``instance`` from the other side of ``sender``
    (a review's links' table): what a clear from that side will unlink."""
    relation = RELATION_OF_THROUGH[sender]
    if relation in LINK_SIDES:
        own, other = LINK_SIDES[relation]
    else:
        field = Review._meta.get_field(relation)
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    rows = sender.objects.filter(**{f"{other}_id": instance.pk})
    return set(rows.values_list(f"{own}_id", flat=True))


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A review's dramas, people, tags, pull quotes or picks changed."""
    if action == "pre_clear" and reverse:
        # ``drama.reviews.clear()`` names no review after it: found before.
        instance._cache_keys_clearing = linked_reviews(sender, instance)
        return
    if not action.startswith("post_"):
        return
    if action == "post_clear" and reverse:
        pk_set = instance.__dict__.pop("_cache_keys_clearing", set())
    relation = RELATION_OF_THROUGH[sender]
    kind = JOINED_LISTS.get(relation)
    if reverse and isinstance(instance, Review):  # picked_by: the picking reviews changed
        reviews, joined = set(pk_set or ()), set()
    elif reverse:  # from the drama's, person's or tag's side
        reviews, joined = set(pk_set or ()), {instance.pk}
    else:
        reviews, joined = {instance.pk}, set(pk_set or ()) if action == "post_add" else set()
    keys = {f"review:{pk}" for pk in reviews}
    if relation in NAMED:  # whichever way, whatever the review's status
        keys |= {NAMES, "search"}

    def work_out():
        if kind and joined and Review.objects.approved().filter(pk__in=reviews).exists():
            return keys | {f"list:{kind}:{pk}" for pk in joined} | {"search", "list:tags"}
        return keys

    invalidate_on_commit(work_out)


def _tagging_saved(sender, instance, **kwargs):
    """Tags added one link at a time (not through ``review.tags``)."""
    review, tag = instance.content_object_id, instance.tag_id

    def work_out():
        keys = {f"review:{review}"}
        if Review.objects.approved().filter(pk=review).exists():
            keys |= {f"list:tag:{tag}", "list:tags", "search"}
        return keys

    invalidate_on_commit(work_out)


def _genres_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:  # ``genre.dramas.clear()``: found before
        rows = sender.objects.filter(genre_id=instance.pk)
        instance._cache_keys_clearing = set(rows.values_list("drama_id", flat=True))
    elif action.startswith("post_"):
        if action == "post_clear" and reverse:
            pk_set = instance.__dict__.pop("_cache_keys_clearing", set())
        dramas = (pk_set or ()) if reverse else [instance.pk]
        invalidate_on_commit([*(f"drama:{pk}" for pk in dramas), "list:dramas"])


def _changed(keys_of):
    def receiver(sender, instance, **kwargs):
        invalidate_on_commit(keys_of(instance))

    return receiver


# The quotes index is ordered by drama title: a drama renamed, or a
# character moved to another drama, moves quotes to pages that do not show
# them (and those pages' quotes along).
ORDERS_QUOTES = {Drama: "title", Character: "drama_id"}


def _before_save(sender, instance, **kwargs):
    """Remember the title or drama as saved before, in one short query."""
    saved = sender._default_manager.filter(pk=instance.pk)
    before = saved.values_list(ORDERS_QUOTES[sender], flat=True).first() if instance.pk else None
    instance._orders_quotes_as = before


def _moved_quotes(instance) -> list[str]:
    """``list:quotes`` if the save moved this drama's or character's quotes
    in the quotes index."""
    before = getattr(instance, "_orders_quotes_as", None)
    after = getattr(instance, ORDERS_QUOTES[type(instance)])
    return ["list:quotes"] if before is not None and before != after else []


def _quote_keys(quote):
    def work_out():
        drama = Character.objects.filter(pk=quote.character_id).values_list("drama_id", flat=True)
        keys = {f"quote:{quote.pk}", "list:quotes", f"list:quotes:character:{quote.character_id}"}
        return keys | {f"list:quotes:drama:{pk}" for pk in drama}

    return work_out


KEYS_OF = {
    Correction: lambda c: [f"list:corrections:review:{c.review_id}"],
    # Nothing shows revisions; a scheduled update changes the coming moments.
    Revision: lambda r: [f"list:revisions:review:{r.review_id}"],
    SlugRedirect: lambda r: [f"review:{r.review_id}", address_key(r.old_slug)],
    Drama: lambda d: [f"drama:{d.pk}", "list:dramas", "search", NAMES, *_moved_quotes(d)],
    Genre: lambda g: [f"genre:{g.pk}", "list:dramas"],
    Character: lambda c: [
        f"character:{c.pk}",
        f"list:characters:drama:{c.drama_id}",
        f"list:characters:person:{c.played_by_id}",
        "list:characters",
        "search",
        NAMES,
        *_moved_quotes(c),
    ],
    Quote: _quote_keys,
    # Which column is featured decides the front page's lead and sections.
    Column: lambda c: [f"column:{c.pk}", "list:columns", "list:front"],
    Tag: lambda t: [f"tag:{t.pk}", "list:tags"],
    Person: lambda p: [f"person:{p.pk}", "list:people", "search", NAMES],
    Author: lambda a: [f"author:{a.pk}", "list:authors"],
    FlatPage: lambda p: [f"flatpage:{p.pk}", "list:pages"],
}
RELATION_OF_THROUGH = {
    Review.dramas.through: "dramas",
    Review.featured_people.through: "featured_people",
    Review.quotes.through: "quotes",
    Review.up_next_picks.through: "up_next_picks",
    TaggedReview: "tags",
}


def coming_moments() -> list[tuple]:
    """When scheduled reviews and updates go out by themselves, soonest
    first, and the keys each touches then."""
    upcoming = Review.objects.upcoming().order_by("published_at").only("slug", "published_at")
    upcoming = list(upcoming[:20])
    lists = lists_by_review(upcoming)
    offered = defaultdict(set)
    if upcoming:
        offering = UpNextEntry.objects.filter(candidate__in=upcoming)
        for candidate, review in offering.values_list("candidate_id", "review_id"):
            offered[candidate].add(up_next_key(review))
    moments = [
        (
            r.published_at,
            lists.get(r.pk, set()) | offered[r.pk] | {f"review:{r.pk}", address_key(r.slug)},
        )
        for r in upcoming
    ]
    updates = Revision.objects.pending_updates().order_by("apply_at").only("review_id", "apply_at")
    for update in updates[:20]:
        moments.append((update.apply_at, {f"review:{update.review_id}"}))
    now = timezone.now()
    return sorted((m for m in moments if m[0] > now), key=lambda m: m[0])


def connect() -> None:
    """Record what pages show, and invalidate what each change touches."""
    for model, prefix in TRACKED.items():
        track(model, prefix)
    uid = "cache-keys"
    post_init.connect(_review_loaded, sender=Review, dispatch_uid=f"{uid}-review-loaded")
    post_save.connect(_review_saved, sender=Review, dispatch_uid=f"{uid}-review")
    pre_delete.connect(_review_deleting, sender=Review, dispatch_uid=f"{uid}-review")
    post_delete.connect(_review_deleted, sender=Review, dispatch_uid=f"{uid}-review")
    for through in RELATION_OF_THROUGH:
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}-{through}")
    post_save.connect(_tagging_saved, sender=TaggedReview, dispatch_uid=f"{uid}-tagged")
    post_delete.connect(_tagging_saved, sender=TaggedReview, dispatch_uid=f"{uid}-tagged")
    m2m_changed.connect(_genres_changed, sender=Drama.genres.through, dispatch_uid=f"{uid}-genres")
    for model in ORDERS_QUOTES:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-{model._meta.label}")
    for model, keys_of in KEYS_OF.items():
        receiver = _changed(keys_of)
        label = model._meta.label
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-{label}", weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-{label}", weak=False)
    register_moments(coming_moments)
