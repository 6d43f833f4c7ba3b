"""What a change to a review must pass before it is written: the user's
right to make it, tags only editors may add, and addresses still in use.
The review form asks the same questions to say so before saving."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from .. import permissions
from ..models import Review, SlugRedirect, Tag
from ..models.tags import tag_name_problems
from .transitions import TransitionError, check_transition

# Snapshot keys (see ``snapshots.FIELDS``) by what changing them means.
STATE_FIELDS = {"status", "published_at"}
# What the desk may change when it plans the calendar, without editing rights.
PLANNING_FIELDS = {"column"}


def check_rights(
    *, by, stored: Review | None, wanted: Review, changed: set | None, apply_at: datetime | None
) -> None:
    """Refuse what ``by`` may not do. ``changed`` names what differs from
    the stored review (None: the review is new)."""
    if apply_at is not None and not permissions.can_schedule(by):
        raise TransitionError("Only the desk or an editor can schedule an update.")
    content = None if changed is None else changed - STATE_FIELDS
    if content is None or content:
        planning = content is not None and content <= PLANNING_FIELDS
        if not (permissions.can_edit(by, stored) or (planning and permissions.can_schedule(by))):
            raise TransitionError("You may not edit this review.")
    author = wanted.author if wanted.author_id else None
    if (
        author is not None
        and (stored is None or stored.author_id != author.pk)
        and not by.has_perm(permissions.EDIT_ANY)
        and author.user_id != by.pk
    ):
        raise TransitionError("Write under your own byline; an editor can change it.")
    reason = check_transition(
        user=by,
        review=stored or Review(author=author),
        status=wanted.status,
        at=wanted.published_at,
    )
    if reason:
        raise TransitionError(reason)


def check_tag_names(tags: list[str]) -> None:
    """Each tag a name a tag can have (a letter or a digit, not too long)."""
    if problems := tag_name_problems(tags):
        raise ValidationError({"tags": problems})


def check_tags(*, by, tags: list[str]) -> None:
    """Only those who may add tags make new ones; others use the tags that exist."""
    if by.has_perm("reviews.add_tag"):
        return
    if unknown := unknown_tags(tags):
        raise TransitionError(unknown_tags_message(unknown))


def check_address(*, stored: Review | None, wanted: Review) -> None:
    """A slug that still leads readers to another review is not free."""
    if stored is not None and stored.slug == wanted.slug:
        return
    taken = (
        SlugRedirect.objects.filter(old_slug=wanted.slug)
        .exclude(review_id=stored.pk if stored else None)
        .select_related("review")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {"slug": address_taken_message(wanted.slug, taken.review)}, code="address_taken"
        )


def unknown_tags(names) -> list[str]:
    """The names among ``names`` that no tag has (in any case)."""
    names = list(dict.fromkeys(names))
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(name__iexact=name)
    known = {name.casefold() for name in Tag.objects.filter(query).values_list("name", flat=True)}
    return [name for name in names if name.casefold() not in known]


def unknown_tags_message(unknown: list[str]) -> str:
    listed = ", ".join(f"“{name}”" for name in unknown)
    return (
        f"There is no tag {listed} yet, and only an editor can add tags. Use tags that "
        "exist, or ask an editor to add it."
        if len(unknown) == 1
        else f"There are no tags {listed} yet, and only an editor can add tags. Use tags that "
        "exist, or ask an editor to add them."
    )


def address_taken_message(slug: str, other: Review) -> str:
    return (
        f"“{slug}” is an old address of “{other}”, and readers with old links still reach "
        "that review through it. Choose another slug, or ask an editor to release the old "
        "address on that review’s History page."
    )
