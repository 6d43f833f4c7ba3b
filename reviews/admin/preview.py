"""The live preview: the review form's current, unsaved values drawn by the
public review template, as readers would see them.

Nothing here saves, caches or calls the editing service. The review is a
copy in memory of the stored one (or a new one) with each field the form
can clean set from the posted values; a field that does not clean yet (a
half-typed date) keeps its stored value. The page's parts come from the
form too: dramas, people (with those the body names, as saving would add
them), pull quotes, tags. The template's fragment cache is bypassed. A hero
whose focal point moved (or one kept from an earlier try) is cut in memory
and sent inline, since its stored crops are cut around the saved point.
"""

from __future__ import annotations

import base64
import copy
import io
from functools import cached_property

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from PIL import Image, ImageOps

from kdrama_rewind.caching.pages import fragment_context
from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.media.images import RenditionImageFieldFile
from kdrama_rewind.media.renditions import Crop, Rendition, focal_box
from people.models import Person

from ..models import Review, Tag, UploadStash
from ..models.tags import tag_name_problems
from ..names import Registry, mentioned_people
from ..rendering import render_body
from ..review_page import ReviewPage
from ..services.edits import tag_names

# The form's fields a preview shows, set on the review as they clean.
REVIEW_FIELDS = (
    "title", "slug", "standfirst", "body", "hero_alt", "hero_caption", "hero_credit",
    "hero_focus_x", "hero_focus_y", "author", "column", "status", "published_at", "updated_at",
)  # fmt: skip
INLINE_WIDTH = 800  # a hero cut in memory is sent at this width


def posted_values(form) -> dict:
    """Each preview field of a bound ``form`` that cleans, by name."""
    values = {}
    for name in (*REVIEW_FIELDS, "dramas", "featured_people", "quotes", "tags"):
        field = form.fields.get(name)
        if field is None or field.disabled:
            continue
        raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        try:
            values[name] = field.clean(raw)
        except ValidationError:
            continue
    return values


def unsaved_review(form, stored: Review | None, *, user) -> tuple[Review, PreviewPage]:
    """The review and its page as the form's values would make them."""
    values = posted_values(form)
    review = copy.copy(stored) if stored is not None else Review()
    for name in REVIEW_FIELDS:
        if name in values:
            setattr(review, name, values[name])
    review.body = (review.body or "").replace("\r\n", "\n")
    if review.slug == "" and review.title:
        review.slug = slug_for(review.title)
    hero = _preview_hero(review, form, stored, user=user)
    if hero is not None:
        review.__dict__["hero_image"] = hero  # not the descriptor: it would open the file
    page = PreviewPage(review, values, stored=stored)
    # Drawn from what was typed, whatever the review keeps stored.
    rendered = render_body(
        review.body, dramas=page.dramas, people=page.featured_people, quotes=page.pull_quotes
    )
    review.body_html, review.placed_quotes = rendered.html, rendered.placed_quotes
    review.word_count = rendered.word_count
    return review, page


def render_preview(request, form, stored: Review | None) -> HttpResponse:
    review, page = unsaved_review(form, stored, user=request.user)
    context = {
        "review": review,
        "page": page,
        "is_preview": True,
        **fragment_context(request, cacheable=False),
    }
    response = HttpResponse(render_to_string("reviews/review_detail.html", context, request))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class PreviewPage(ReviewPage):
    """The page's parts from the form instead of the stored review."""

    def __init__(self, review: Review, values: dict, *, stored: Review | None):
        super().__init__(review, absolute=lambda path: path)
        self.values, self.stored = values, stored
        self.social_image = None
        self.structured_data = {}
        self.up_next = []

    def chosen(self, name: str, stored_attr: str):
        if name in self.values:
            return list(self.values[name])
        return list(getattr(self.stored, stored_attr).all()) if self.stored else []

    @cached_property
    def dramas(self):
        return self.chosen("dramas", "dramas")

    @cached_property
    def featured_people(self):
        people = {person.pk: person for person in self.chosen("featured_people", "featured_people")}
        named = mentioned_people(self.review.body, Registry.load()) - set(people)
        people.update((p.pk, p) for p in Person.objects.filter(pk__in=named))
        return list(people.values())

    @cached_property
    def pull_quotes(self):
        if "quotes" in self.values:
            return list(self.values["quotes"])  # the form's choices bring the actors along
        if self.stored is None:
            return []
        return list(self.stored.quotes.select_related("character__played_by"))

    @cached_property
    def tags(self):
        if "tags" not in self.values:
            return list(self.stored.tags.order_by("name")) if self.stored else []
        # As saving would keep them: one line each, none a tag cannot be.
        names = [name for name in tag_names(self.values["tags"]) if not tag_name_problems([name])]
        names = list(dict.fromkeys(names))
        known = {tag.name.casefold(): tag for tag in Tag.objects.filter(name__in=names)}
        tags = [known.get(name.casefold()) or Tag(name=name, slug=slug_for(name)) for name in names]
        return sorted(tags, key=lambda tag: tag.name.casefold())

    @cached_property
    def corrections(self):
        return list(self.stored.corrections.all()) if self.stored else []


# ---------------------------------------------------------------- the hero


def _preview_hero(review: Review, form, stored: Review | None, *, user):
    """A hero file whose crops are cut in memory, when the stored crops do
    not show what the form says: an image kept from an earlier try, or a
    focal point moved since the last save. None: the stored hero will do."""
    token = form.data.get(form.add_prefix("hero_stash"))
    stash = UploadStash.objects.find(token, user=user) if token else None
    if stash is not None:
        return InMemoryHero(review, stash.file)
    if not review.hero_image:
        return None
    saved = (stored.hero_focus_x, stored.hero_focus_y) if stored else None
    if saved == (review.hero_focus_x, review.hero_focus_y):
        return None
    return InMemoryHero(review, review.hero_image)


class InMemoryHero(RenditionImageFieldFile):
    """The review's hero as the preview draws it: each crop cut on request
    from ``source`` (a stored file) and sent inline as a data address."""

    def __init__(self, review: Review, source):
        field = Review._meta.get_field("hero_image")
        super().__init__(review, field, source.name)
        self.source = source

    @property
    def crops(self):
        return _LazyCrops(self)

    def cut(self, shape) -> Crop:
        with self.source.storage.open(self.source.name, "rb") as file, Image.open(file) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            box = focal_box(image.width, image.height, shape, self.focus)
            cut = image.crop(box)
        width = min(INLINE_WIDTH, cut.width)
        height = max(1, round(width * cut.height / cut.width))
        buffer = io.BytesIO()
        cut.resize((width, height), Image.Resampling.LANCZOS).save(buffer, "WEBP", quality=70)
        url = "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        return Crop([Rendition(width, "", url)], cut.width, cut.height)


class _LazyCrops(dict):
    """``crops.wide`` in a template cuts that crop only."""

    def __init__(self, hero: InMemoryHero):
        super().__init__()
        self.hero = hero

    def __missing__(self, kind):
        shape = self.hero.field.crops.get(kind)
        if shape is None:
            raise KeyError(kind)
        self[kind] = crop = self.hero.cut(shape)
        return crop
