import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from people.models import Author, Person
from reviews.interchange import ImportFailed, export_reviews, import_review_file
from reviews.models import Character, Column, Drama, Quote, Review, Tag
from tests.factories import image_bytes, make_person, make_review

HERO = image_bytes(size=(1400, 800))

FULL = """+++
title = "Run On, rewatched: kindness at full speed"
standfirst = "Im Si-wan and Shin Se-kyung make tenderness look easy."
column = "K-Drama Rewind"
author = "Mina Park"
author_title = "Assistant Features Editor"
status = "published"
published = 2024-07-04T09:00:00+04:00
updated = 2024-07-05T12:30:00+04:00
tags = ["Run On", "Rewind"]

[drama]
title = "Run On"
original_title = "런 온"
year = 2020
network = "JTBC"
episodes = 16

[[cast]]
person = "Im Si-wan"
character = "Ki Seon-gyeom"
aliases = ["Seon-gyeom"]
role = "lead"

[[cast]]
person = "Shin Se-kyung"
character = "Oh Mi-joo"

[[quotes]]
character = "Oh Mi-joo"
text = "Say it in words."
episode = 2

[hero]
file = "images/run-on.jpg"
alt = "A running track under floodlights"
caption = "Where it starts."
credit = "Illustration: the desk"
+++
Seon-gyeom runs and Mi-joo translates. It’s “simple”: 런 온.
"""


def temporary_folder(test, prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    return folder


def media_files() -> set[str]:
    root = Path(default_storage.location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


class ImportTestCase(TestCase):
    def setUp(self):
        self.folder = temporary_folder(self, "kdr-import-")
        (self.folder / "images").mkdir()
        (self.folder / "images" / "run-on.jpg").write_bytes(HERO)

    def write(self, text, name="run-on.md") -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def counts(self):
        models = [Review, Drama, Character, Quote, Person, Author, Column, Tag]
        return {m.__name__: m.objects.count() for m in models}


class ImportTests(ImportTestCase):
    def test_a_full_file_creates_the_review_and_everything_around_it(self):
        result = import_review_file(path=self.write(FULL))
        self.assertTrue(result.created)
        review = Review.objects.select_related("author", "column").get()
        self.assertEqual(review.slug, "run-on-rewatched-kindness-at-full-speed")
        self.assertEqual(
            review.standfirst, "Im Si-wan and Shin Se-kyung make tenderness look easy."
        )
        self.assertEqual(
            review.body, "Seon-gyeom runs and Mi-joo translates. It’s “simple”: 런 온.\n"
        )
        self.assertEqual(
            (review.author.name, review.author.job_title),
            ("Mina Park", "Assistant Features Editor"),
        )
        self.assertEqual(review.column.slug, "k-drama-rewind")
        self.assertTrue(review.is_published())
        self.assertEqual(review.published_at.isoformat(), "2024-07-04T05:00:00+00:00")
        self.assertEqual(review.updated_at.isoformat(), "2024-07-05T08:30:00+00:00")
        self.assertCountEqual([t.name for t in review.tags.all()], ["Run On", "Rewind"])
        drama = review.dramas.get()
        self.assertEqual(
            (drama.title, drama.original_title, drama.year, drama.network, drama.episodes),
            ("Run On", "런 온", 2020, "JTBC", 16),
        )
        lead = Character.objects.get(name="Ki Seon-gyeom")
        self.assertEqual(
            (lead.played_by.name, lead.role, lead.alias_list), ("Im Si-wan", "lead", ["Seon-gyeom"])
        )
        self.assertCountEqual(
            [p.name for p in review.featured_people.all()], ["Im Si-wan", "Shin Se-kyung"]
        )
        quote = review.quotes.get()
        self.assertEqual(
            (quote.text, quote.episode, quote.character.name), ("Say it in words.", 2, "Oh Mi-joo")
        )
        self.assertEqual(review.hero_alt, "A running track under floodlights")
        with default_storage.open(review.hero_image.name, "rb") as stored:
            self.assertEqual(stored.read(), HERO)
        self.assertTrue(all(default_storage.exists(r.name) for r in review.hero_image.renditions))

    def test_importing_the_same_file_twice_changes_nothing(self):
        path = self.write(FULL)
        import_review_file(path=path)
        before, files = self.counts(), media_files()
        modified = Review.objects.get().modified_at
        result = import_review_file(path=path)
        self.assertFalse(result.created)
        self.assertFalse(result.changed)
        self.assertEqual(self.counts(), before)
        self.assertEqual(media_files(), files)
        self.assertEqual(Review.objects.get().modified_at, modified)

    def test_a_changed_file_updates_the_same_review(self):
        path = self.write(FULL)
        import_review_file(path=path)
        old_hero = Review.objects.get().hero_image.name
        (self.folder / "images" / "run-on.jpg").write_bytes(
            image_bytes(size=(900, 600), color=(1, 2, 3))
        )
        with self.captureOnCommitCallbacks(execute=True):
            result = import_review_file(
                path=self.write(FULL.replace("Say it in words.", "Say it again."))
            )
        self.assertTrue(result.changed)
        review = Review.objects.get()
        self.assertEqual(review.quotes.get().text, "Say it again.")
        self.assertEqual(review.hero_width, 900)
        self.assertFalse(default_storage.exists(old_hero), "the replaced image is removed")

    def test_an_import_never_renames_what_the_desk_named(self):
        make_person("Shin Se-kyung", aliases="Shin Se-kyeong")
        import_review_file(
            path=self.write(FULL.replace('person = "Shin Se-kyung"', 'person = "Shin Se-kyeong"'))
        )
        self.assertEqual(Person.objects.filter(name__startswith="Shin").count(), 1)
        self.assertEqual(Character.objects.get(name="Oh Mi-joo").played_by.name, "Shin Se-kyung")

    def test_a_hangul_title_gets_a_unicode_slug(self):
        result = import_review_file(
            path=self.write('+++\ntitle = "런 온 다시 보기"\nauthor = "박민아"\n+++\n본문')
        )
        self.assertEqual(result.review.slug, "런-온-다시-보기")
        self.assertEqual(result.review.author.slug, "박민아")

    def test_html_in_a_body_is_kept_but_sanitized_on_the_page(self):
        text = FULL.replace("It’s “simple”", '<script>alert("x")</script> It’s “simple”')
        review = import_review_file(path=self.write(text)).review
        self.assertIn("<script>", review.body)
        page = self.client.get(review.get_absolute_url())
        self.assertNotContains(page, "<script>alert")

    def test_warns_about_a_cast_member_the_body_never_mentions(self):
        text = FULL.replace("Seon-gyeom runs and Mi-joo translates.", "Mi-joo translates.")
        result = import_review_file(path=self.write(text))
        self.assertEqual(
            result.warnings,
            ["the cast lists Im Si-wan as Ki Seon-gyeom, but the body never mentions them"],
        )


class BadFileTests(ImportTestCase):
    def assert_refused(self, text, message, line=None):
        path = self.write(text)
        before, files = self.counts(), media_files()
        with self.assertRaises(ImportFailed) as caught:
            import_review_file(path=path)
        self.assertIn(message, str(caught.exception))
        self.assertTrue(str(caught.exception).startswith(f"{path}:{line}:" if line else f"{path}:"))
        self.assertEqual(self.counts(), before, "nothing from the file is saved")
        self.assertEqual(media_files(), files, "no stray media file is left")

    def test_broken_toml(self):
        self.assert_refused(FULL.replace("episodes = 16", "episodes = = 16"), "not valid TOML", 17)

    def test_missing_title(self):
        self.assert_refused(
            FULL.replace('title = "Run On, rewatched: kindness at full speed"\n', ""),
            "“title” is required",
        )

    def test_unknown_status(self):
        self.assert_refused(
            FULL.replace('status = "published"', 'status = "live"'), "unknown status “live”", 7
        )

    def test_bad_date(self):
        self.assert_refused(
            FULL.replace("published = 2024-07-04T09:00:00+04:00", 'published = "4 July"'),
            "date-time",
            8,
        )

    def test_missing_image(self):
        self.assert_refused(
            FULL.replace("images/run-on.jpg", "images/missing.jpg"),
            "“images/missing.jpg” was not found",
        )

    def test_invalid_images(self):
        (self.folder / "images" / "anim.gif").write_bytes(image_bytes(size=(10, 10), format="GIF"))
        (self.folder / "images" / "liar.png").write_bytes(image_bytes(size=(10, 10)))
        (self.folder / "images" / "text.jpg").write_bytes(b"not an image")
        for name, message in [
            ("anim.gif", "Only JPEG, PNG or WebP"),
            ("liar.png", "holds a JPEG image"),
            ("text.jpg", "not a readable image"),
        ]:
            with self.subTest(name):
                self.assert_refused(FULL.replace("images/run-on.jpg", f"images/{name}"), message)

    @override_settings(IMAGE_MAX_BYTES=100)
    def test_an_image_over_the_size_limit(self):
        self.assert_refused(FULL, "the limit is 100")

    def test_an_absolute_image_path(self):
        self.assert_refused(
            FULL.replace("images/run-on.jpg", "/etc/passwd"), "must be a path relative"
        )

    def test_not_utf8(self):
        path = self.folder / "latin1.md"
        path.write_bytes('+++\ntitle = "Caf\xe9"\nauthor = "A"\n+++\n'.encode("latin-1"))
        with self.assertRaisesMessage(ImportFailed, "not UTF-8 text"):
            import_review_file(path=path)

    def test_a_failure_after_the_image_was_stored_leaves_no_file_behind(self):
        # The headline is checked against the database's limit only when the
        # review itself is saved, after its hero image has been written.
        self.assert_refused(
            FULL.replace("Run On, rewatched: kindness at full speed", "x" * 400), "title"
        )

    def test_a_failed_update_leaves_the_previous_version_intact(self):
        import_review_file(path=self.write(FULL))
        before = Review.objects.values().get()
        self.assert_refused(
            FULL.replace('status = "published"', 'status = "gone"'), "unknown status"
        )
        self.assertEqual(Review.objects.values().get(), before)


class CommandTests(ImportTestCase):
    def test_import_reports_per_file_and_exits_non_zero_when_one_fails(self):
        self.write(FULL)
        self.write('+++\ntitle = "No author"\n+++\n', name="bad.md")
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "1 file(s) could not be imported"):
            call_command("import_reviews", str(self.folder), stdout=out, stderr=err)
        self.assertIn(f"error: {self.folder / 'bad.md'}: “author” is required", err.getvalue())
        self.assertIn("2 file(s): 1 created, 0 updated, 0 unchanged, 1 failed.", out.getvalue())
        self.assertEqual(Review.objects.count(), 1)

    def test_import_prints_warnings_naming_the_file(self):
        path = self.write(
            FULL.replace("Seon-gyeom runs and Mi-joo translates.", "Mi-joo translates.")
        )
        out = StringIO()
        call_command("import_reviews", str(path), stdout=out)
        self.assertIn(f"warning: {path}: the cast lists Im Si-wan as Ki Seon-gyeom", out.getvalue())

    def test_a_missing_path_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "no such file or folder"):
            call_command("import_reviews", str(self.folder / "nope.md"), stdout=StringIO())


class ExportTests(ImportTestCase):
    def export(self) -> dict[str, bytes]:
        folder = temporary_folder(self, "kdr-export-")
        call_command("export_reviews", str(folder), stdout=StringIO())
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    def test_export_import_export_gives_identical_files(self):
        import_review_file(path=self.write(FULL))
        make_review(
            "A draft with no drama", published=False, standfirst='Line one\nline two "quoted"'
        )
        several = make_review(
            "Two dramas",
            dramas=[Drama.objects.get(), Drama.objects.create(title="Other", year=2019)],
        )
        several.featured_people.add(make_person("Only featured"))
        several.quotes.add(Quote.objects.get())
        first = self.export()
        self.assertEqual(first, self.export(), "same database, same bytes")

        for model in (Review, Quote, Character, Drama, Person, Author, Column, Tag):
            model.objects.all().delete()
        folder = temporary_folder(self, "kdr-reimport-")
        for name, data in first.items():
            (folder / name).write_bytes(data)
        call_command("import_reviews", str(folder), stdout=StringIO())
        self.assertEqual(self.export(), first)

    def test_every_status_is_exported_with_the_original_image_bytes(self):
        import_review_file(path=self.write(FULL))
        make_review("Still a draft", published=False)
        make_review("In review", status=Review.Status.REVIEW)
        files = self.export()
        self.assertIn("still-a-draft.md", files)
        self.assertIn('status = "review"', files["in-review.md"].decode())
        self.assertEqual(files["run-on-rewatched-kindness-at-full-speed.jpg"], HERO)

    def test_export_reports_progress(self):
        for i in range(25):
            make_review(f"Review {i}")
        out = StringIO()
        call_command("export_reviews", str(temporary_folder(self, "kdr-export-")), stdout=out)
        self.assertIn("Exported 20/25", out.getvalue())
        self.assertIn("Exported 25 review(s)", out.getvalue())

    def test_export_function_returns_what_it_wrote(self):
        import_review_file(path=self.write(FULL))
        folder = temporary_folder(self, "kdr-export-")
        written = export_reviews(directory=folder)
        self.assertEqual(sorted(p.name for p in written), sorted(p.name for p in folder.iterdir()))
