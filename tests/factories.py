"""Small factory functions: each fills sensible defaults and takes overrides;
and the review files the import and export tests share."""

import io
import itertools
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import load_command_class
from django.db import connections
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from people.models import Author, Person
from reviews.interchange import ImportFailed, import_review_file
from reviews.models import Character, Column, Drama, Quote, Review, Tag
from reviews.services.derived import refresh_review
from reviews.services.editing import ReviewEdit, edit_review

_counter = itertools.count(1)


def image_bytes(*, size=(1600, 900), format="JPEG", color=(180, 60, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format)
    return buffer.getvalue()


def file_upload(name, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


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


# ---------------------------------------------------------------- the review form


def review_form(author, **overrides):
    """The fields the review add/change form posts, filled for a draft."""
    data = {
        "title": "Run On, rewatched",
        "slug": "run-on-rewatched",
        "standfirst": "A gentle drama about running.",
        "author": author.pk,
        "column": "",
        "body": "It’s a quiet drama.\n\nAnd a kind one.",
        "hero_alt": "",
        "hero_caption": "",
        "hero_credit": "",
        "tags": "Run On, Rewind",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        **inline_management("corrections"),
        **inline_management("preview_links"),
    }
    data.update(overrides)
    return data


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def change_form_data(client, review, **overrides):
    """What the change form would post back unchanged, with ``overrides``."""
    form = client.get(f"/admin/reviews/review/{review.pk}/change/").context["adminform"].form
    data = review_form(review.author)
    for name in form.fields:
        value = form[name].value()
        if name == "published_at" or name == "updated_at":
            moment = value and timezone.localtime(value)
            data[f"{name}_0"] = f"{moment:%Y-%m-%d}" if moment else ""
            data[f"{name}_1"] = f"{moment:%H:%M:%S.%f}" if moment else ""
        elif name == "tags":
            data[name] = ", ".join(t.name for t in review.tags.all())
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif name not in ("hero_image", "update_at"):
            data[name] = "" if value is None else value
    for key in ("minor_edit", "confirm_names", "overwrite"):
        if not data.get(key) or data[key] == "False":
            data.pop(key, None)
    data.update(overrides)
    return data


class AdminReviewTestCase(TestCase):
    """Editors, a desk member and a writer, and a drama with a quoted character,
    for tests that write reviews through the admin's form."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "editor", author_name="Mina Park")
        cls.second_editor = make_role_user("Editor", "second", author_name="Joel Fernandes")
        cls.desk = make_role_user("Desk", "desk")
        cls.writer = make_role_user("Writer", "writer", author_name="Amira Haddad")
        cls.drama = make_drama("Run On")
        cls.person = make_person("Im Si-wan")
        cls.quote = make_quote(make_character(cls.drama, "Ki Seon-gyeom", played_by=cls.person))

    def setUp(self):
        self.client.force_login(self.editor)

    def create_through_admin(self, **overrides):
        data = review_form(
            self.editor.author,
            dramas=[self.drama.pk],
            featured_people=[self.person.pk],
            quotes=[self.quote.pk],
            hero_image=image_upload(),
            hero_alt="A track at dusk",
            **overrides,
        )
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertEqual(
            response.status_code,
            302,
            response.context and response.context["adminform"].form.errors,
        )
        return Review.objects.get(slug=data["slug"])

    def save(self, review, expect=302, **overrides):
        data = change_form_data(self.client, review, **overrides)
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        self.assertEqual(response.status_code, expect)
        review.refresh_from_db()
        return response


# ---------------------------------------------------------------- review files
# The import/export tests' shared file: every key of the format, a hero
# image beside it. Stored images go to the test media storage (or a bucket on
# moto's S3 server for the classes tests/kdrama_rewind/media/test_s3.py runs).

HERO = image_bytes(size=(1300, 700), color=(40, 90, 160))

FULL = """+++
title = "Rewind: Run On, a love story that keeps its pace"
standfirst = "A sprinter and a subtitle translator learn to listen — still generous years on."
column = "K-Drama Rewind"
author = "Hana Seo"
author_title = "Senior Culture Writer"
status = "published"
published = 2024-07-04T09:00:00+04:00
updated = 2024-07-05T12:30:00+04:00
tags = ["Run On", "Romance", "런 온"]

[drama]
title = "Run On"
original_title = "런 온"
year = 2020
network = "JTBC"
episodes = 16

[[cast]]
person = "Im Si-wan"
character = "Ki Seon-gyeom"
aliases = ["Seon-gyeom", "Gyeom"]
role = "lead"

[[cast]]
person = "Shin Se-kyung"
character = "Oh Mi-joo"
role = "lead"

[[cast]]
person = "Choi Soo-young"
character = "Seo Dan-ah"

[[quotes]]
character = "Oh Mi-joo"
text = "A subtitle is a promise: you will understand me."
episode = 3
context = "At a festival screening"

[[quotes]]
character = "Ki Seon-gyeom"
text = "I only know how to run forward."

[hero]
file = "images/run-on.jpg"
alt = "Two figures on an empty running track at dusk"
caption = "Out of breath, and in no hurry."
credit = "Illustration: the Rewind desk"
+++
Seon-gyeom runs; Mi-joo translates. Dan-ah keeps the books — and “everyone’s” pace.

A closing line in 런 온 and trailing spaces.\x20\x20
"""
SLUG = "rewind-run-on-a-love-story-that-keeps-its-pace"
MODELS = (Review, Quote, Character, Drama, Person, Author, Column, Tag)


def folder(test, prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    test.addCleanup(shutil.rmtree, path, ignore_errors=True)
    return path


def stored_bytes(field_file) -> bytes:
    with default_storage.open(field_file.name, "rb") as stored:
        return stored.read()


def line_of(text: str, start: str, occurrence: int = 0) -> int:
    """The 1-based number of the line of ``text`` that begins with ``start``."""
    numbers = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start)]
    return numbers[occurrence]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


class FilesTestCase(TestCase):
    def setUp(self):
        self.folder = folder(self, "kdr-import-")
        (self.folder / "images").mkdir()
        (self.folder / "images" / "run-on.jpg").write_bytes(HERO)

    def write(self, text: str, name: str = "run-on.md") -> Path:
        path = self.folder / name
        path.write_bytes(text.encode("utf-8"))
        return path

    def run_command(self, name: str, *args: str) -> tuple[int, str, str]:
        """Run a command as ``manage.py`` does: its exit status and output."""
        out, err = StringIO(), StringIO()
        # run_from_argv closes the connections when done; the test's
        # transaction needs this one open.
        with (
            mock.patch.object(connections, "close_all"),
            redirect_stdout(out),
            redirect_stderr(err),
        ):
            command = load_command_class("reviews", name)
            try:
                command.run_from_argv(["manage.py", name, *args])
                status = 0
            except SystemExit as exit:
                status = exit.code
        return status, out.getvalue(), err.getvalue()

    def assert_refused(self, text: str, message: str, line: int | None, *, path=None):
        path = path or self.write(text)
        before, files = counts(), stored_files()

        with self.assertRaises(ImportFailed) as caught:
            import_review_file(path=path)

        where = f"{path}:{line}: " if line else f"{path}: "
        self.assertTrue(
            str(caught.exception).startswith(where), f"{caught.exception!s} starts with {where}"
        )
        self.assertIn(message, str(caught.exception))
        self.assertEqual(counts(), before, "nothing from the file is saved")
        self.assertEqual(stored_files(), files, "no stray media file is left")


def pin(review, *picks):
    """Pin picks the way editors do: through the editing service."""
    edit_review(review=review, edit=ReviewEdit(up_next_picks=list(picks)), by=None, via="test")
