"""Small factory functions: each fills sensible defaults and takes overrides."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from people.models import Author, Person
from reviews.models import Character, Column, Drama, Quote, Review
from reviews.services.derived import refresh_review

_counter = itertools.count(1)


def image_bytes(*, size=(1600, 900), format="JPEG", color=(180, 60, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format)
    return buffer.getvalue()


def image_upload(name="hero.jpg", *, size=(1600, 900), format="JPEG") -> SimpleUploadedFile:
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[format]
    return SimpleUploadedFile(name, image_bytes(size=size, format=format), content_type)


def make_person(name=None, **fields) -> Person:
    return Person.objects.create(name=name or f"Person {next(_counter)}", **fields)


def make_author(name=None, **fields) -> Author:
    fields.setdefault("job_title", "Features Writer")
    return Author.objects.create(name=name or f"Author {next(_counter)}", **fields)


def make_column(name=None, **fields) -> Column:
    return Column.objects.create(name=name or f"Column {next(_counter)}", **fields)


def make_drama(title=None, **fields) -> Drama:
    fields.setdefault("year", 2020)
    return Drama.objects.create(title=title or f"Drama {next(_counter)}", **fields)


def make_character(drama=None, name=None, **fields) -> Character:
    return Character.objects.create(
        drama=drama or make_drama(), name=name or f"Character {next(_counter)}", **fields
    )


def make_quote(character=None, text=None, **fields) -> Quote:
    return Quote.objects.create(
        character=character or make_character(), text=text or f"Line {next(_counter)}", **fields
    )


def make_review(title=None, *, published=True, dramas=(), people=(), tags=(), **fields) -> Review:
    """A review; published an hour ago unless ``published=False`` or a status is given."""
    if published and "status" not in fields:
        fields["status"] = Review.Status.PUBLISHED
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    fields.setdefault("body", "A few words about a drama.")
    if "author" not in fields:
        fields["author"] = make_author()
    review = Review.objects.create(title=title or f"Review {next(_counter)}", **fields)
    review.dramas.set(dramas)
    review.featured_people.set(people)
    if tags:
        review.tags.set(tags)
    refresh_review(review)  # what the editing service derives when it saves
    return review


def make_user(username=None, *, staff=False, superuser=False, perms=()):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_counter)}",
        password="correct horse battery staple",
        is_staff=staff or superuser,
        is_superuser=superuser,
    )
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_role_user(role: str, username=None, *, author_name=None):
    """A staff user in one of the newsroom's groups (Writer, Editor, Desk),
    with an author byline of their own when ``author_name`` is given."""
    from django.contrib.auth.models import Group

    user = make_user(username or f"{role.lower()}{next(_counter)}", staff=True)
    user.groups.add(Group.objects.get(name=role))
    if author_name:
        make_author(author_name, user=user)
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def stored_files(storage=None) -> set[str]:
    """Every file in media storage, found through the storage API, so a
    folder on disk and a bucket are looked at alike."""
    storage = storage or default_storage

    def walk(folder):
        try:
            directories, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for file in files:
            yield f"{folder}/{file}" if folder else file
        for directory in directories:
            yield from walk(f"{folder}/{directory}" if folder else directory)

    return set(walk(""))
