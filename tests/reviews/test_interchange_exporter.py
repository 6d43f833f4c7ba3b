"""``export_reviews``: every review written out as a file, and read back."""

import re
import tomllib
from datetime import timedelta
from io import StringIO

from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from people.models import Person
from reviews.interchange import export_reviews, import_review_file, parse
from reviews.models import Review
from tests.factories import (
    FULL,
    HERO,
    MODELS,
    SLUG,
    FilesTestCase,
    counts,
    folder,
    image_bytes,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
)


class ExportTests(FilesTestCase):
    def export(self) -> dict[str, bytes]:
        target = folder(self, "kdr-export-")
        call_command("export_reviews", str(target), stdout=StringIO())
        return {
            str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()
        }

    def build_newsroom(self) -> None:
        """Reviews that use every part of the format, some made as the admin would."""
        import_review_file(path=self.write(FULL))
        (self.folder / "images" / "poster.png").write_bytes(
            image_bytes(size=(640, 360), format="PNG")
        )
        hangul = f"""+++
title = "런 온, 다시 달리다"
standfirst = "Quotes \\" and back\\\\slashes,\\na new line,\\ttab and a bell \\u0007 — “kept”."
author = "Hana Seo"
status = "scheduled"
published = {(timezone.now() + timedelta(days=3)).replace(microsecond=0).isoformat()}
tags = ["런 온", "Sports"]
featured = ["Kang Tae-oh"]

[[drama]]
title = "Run On"
year = 2020

[[drama]]
title = "Start-Up"
original_title = "스타트업"
year = 2020
network = "tvN"

[[cast]]
drama = "Start-Up"
person = "Bae Suzy"
character = "Seo Dal-mi"
aliases = ["Dal-mi"]

[[cast]]
drama = "Run On"
person = "Shin Se-kyung"
character = "Oh Mi-joo"
featured = false

[[quotes]]
character = "Oh Mi-joo"
text = "Slowly, please."

[hero]
file = "images/poster.png"
alt = "A poster"
+++
No final newline; Dal-mi and Mi-joo.   """
        import_review_file(path=self.write(hangul, "hangul.md"))
        # As an editor might leave things in the admin:
        author = make_author("Min Ji-ho", slug="jiho", job_title="")
        make_review("An idea, still a draft", published=False, author=author, body="Draft\n")
        make_review("Waiting for the desk", status=Review.Status.REVIEW, author=author)
        remake = make_drama("Hometown", slug="hometown-2021", year=2021, network="tvN")
        other = make_drama("Other Drama", year=2019)
        billed = make_character(remake, "Zoe", played_by=make_person("Actor Z"), billing=1)
        make_character(remake, "Ann", played_by=make_person("Actor A"), billing=2)
        review = make_review(
            "Hometown revisited",
            author=author,
            dramas=[remake],
            people=[billed.played_by, *Person.objects.filter(name="Actor A")],
            tags=["hometown", "Mystery"],
            column=make_column("Weekend Watch"),
        )
        review.quotes.add(
            make_quote(make_character(other, "Stranger"), "Not from here.", episode=2)
        )

    def wipe(self) -> None:
        for model in MODELS:
            model.objects.all().delete()
        self.assertEqual(set(counts().values()), {0})

    def test_export_then_import_into_an_empty_database_then_export_gives_the_same_files(self):
        self.build_newsroom()
        first = self.export()
        self.assertEqual(self.export(), first, "same database, same bytes")
        self.assertEqual(len([name for name in first if name.endswith(".md")]), 5)
        exported = folder(self, "kdr-reimport-")
        for name, data in first.items():
            (exported / name).write_bytes(data)

        before = counts()
        status, out, err = self.run_command("import_reviews", str(exported))
        self.assertEqual((status, err), (0, ""), out)
        self.assertIn("5 file(s): 0 created, 0 updated, 5 unchanged, 0 failed.", out)
        self.assertEqual(counts(), before, "over its own database an export changes nothing")

        self.wipe()
        status, out, err = self.run_command("import_reviews", str(exported))
        self.assertEqual((status, err), (0, ""), out)
        self.assertEqual(counts(), before)
        self.assertEqual(self.export(), first)

    def test_restoring_an_export_into_an_empty_database_gives_the_same_site(self):
        self.build_newsroom()
        exported = folder(self, "kdr-restore-")
        for name, data in self.export().items():
            (exported / name).write_bytes(data)
        before = self.public_site()
        self.wipe()
        status, out, err = self.run_command("import_reviews", str(exported))
        self.assertEqual((status, err), (0, ""), out)
        after = self.public_site()
        self.assertEqual(sorted(after), sorted(before))
        for address, text in before.items():
            with self.subTest(address=address):
                self.assertEqual(after[address], text)

    def public_site(self) -> dict[str, str]:
        """What readers read: each public review's article and the front
        page's list, as text, by address."""
        pages = {"/": self.reading(self.client.get("/"), "main")}
        for review in Review.objects.published():
            url = review.get_absolute_url()
            pages[url] = self.reading(self.client.get(url), "article")
        return pages

    @staticmethod
    def reading(response, element: str) -> str:
        html = response.content.decode()
        part = html[html.index(f"<{element}") : html.index(f"</{element}>")]
        return " ".join(re.sub(r"<[^>]+>", " ", part).split())

    def test_every_review_is_written_with_its_original_image_beside_it(self):
        self.build_newsroom()
        files = self.export()
        self.assertEqual(
            sorted(files),
            sorted(
                [
                    f"{SLUG}.md",
                    f"{SLUG}.jpg",
                    "런-온-다시-달리다.md",
                    "런-온-다시-달리다.png",
                    "an-idea-still-a-draft.md",
                    "waiting-for-the-desk.md",
                    "hometown-revisited.md",
                ]
            ),
        )
        self.assertEqual(files[f"{SLUG}.jpg"], HERO)
        self.assertEqual(
            files["런-온-다시-달리다.png"], (self.folder / "images" / "poster.png").read_bytes()
        )
        statuses = {
            name: tomllib.loads(data.decode().split("+++\n")[1])["status"]
            for name, data in files.items()
            if name.endswith(".md")
        }
        self.assertEqual(
            sorted(statuses.values()), ["draft", "published", "published", "review", "scheduled"]
        )
        self.assertIn(f'file = "{SLUG}.jpg"', files[f"{SLUG}.md"].decode())

    def test_an_exported_file_reads_back_as_the_review(self):
        import_review_file(path=self.write(FULL))
        files = self.export()
        text = files[f"{SLUG}.md"].decode()
        document = parse(text)
        original = parse(FULL)
        self.assertEqual(document.body, original.body)
        self.assertEqual(document.published, original.published)
        self.assertEqual(document.cast, original.cast)
        self.assertEqual(
            sorted(document.quotes, key=lambda q: q.text),
            sorted(original.quotes, key=lambda q: q.text),
        )
        self.assertEqual(document.hero.file, f"{SLUG}.jpg")
        self.assertEqual(
            (document.title, document.slug, document.standfirst, document.column),
            (original.title, SLUG, original.standfirst, original.column),
        )
        self.assertEqual(sorted(document.tags), sorted(original.tags))

    @override_settings(TIME_ZONE="Asia/Seoul")
    def test_datetimes_are_written_in_the_site_time_zone_with_their_offset(self):
        import_review_file(path=self.write(FULL))
        text = self.export()[f"{SLUG}.md"].decode()
        self.assertIn("\npublished = 2024-07-04 14:00:00+09:00\n", text)
        self.assertIn("\nupdated = 2024-07-05 17:30:00+09:00\n", text)

    def test_strings_are_escaped_for_toml_and_hangul_is_kept_literally(self):
        make_review(
            '큰따옴표 "와" 역슬래시 \\',
            slug="escapes",
            standfirst="Line one\nline two\ttabbed \x07 “curly” 런 온",
            published=False,
        )
        text = self.export()["escapes.md"].decode()
        self.assertIn('title = "큰따옴표 \\"와\\" 역슬래시 \\\\"\n', text)
        self.assertIn('standfirst = "Line one\\nline two\ttabbed \\u0007 “curly” 런 온"\n', text)
        # Read back, the bell stored before texts were settled is left out.
        self.assertEqual(parse(text).standfirst, "Line one\nline two\ttabbed  “curly” 런 온")

    def test_a_missing_image_file_is_a_clear_error(self):
        import_review_file(path=self.write(FULL))
        default_storage.delete(Review.objects.get().hero_image.name)
        with self.assertRaisesMessage(CommandError, f"review “{SLUG}”: its hero image"):
            call_command("export_reviews", str(folder(self, "kdr-export-")), stdout=StringIO())

    def test_a_directory_that_cannot_be_written(self):
        blocked = self.folder / "a-file"
        blocked.write_text("in the way")
        status, out, err = self.run_command("export_reviews", str(blocked))
        self.assertEqual(status, 1)
        self.assertIn("cannot write there", err)
        self.assertNotIn("Traceback", err)

    def test_long_runs_print_progress(self):
        author = make_author()
        for number in range(25):
            make_review(f"Review {number}", author=author)
        target = folder(self, "kdr-export-")
        status, out, _ = self.run_command("export_reviews", str(target))
        self.assertEqual(status, 0)
        self.assertIn("Exported 20/25 …", out)
        self.assertIn(f"Exported 25 review(s) to {target}.", out)

    def test_the_function_returns_the_paths_it_wrote(self):
        import_review_file(path=self.write(FULL))
        target = folder(self, "kdr-export-")
        written = export_reviews(directory=target)
        self.assertEqual(sorted(written), sorted(target.iterdir()))


class DemoRoundTripTests(FilesTestCase):
    def test_the_demo_site_survives_export_and_import(self):
        call_command("load_demo", stdout=StringIO())
        first = folder(self, "kdr-demo-export-")
        export_reviews(directory=first)
        files = {p.name: p.read_bytes() for p in first.iterdir()}
        for model in MODELS:
            model.objects.all().delete()

        status, out, err = self.run_command("import_reviews", str(first))
        self.assertEqual((status, err), (0, ""), out)

        second = folder(self, "kdr-demo-export-")
        export_reviews(directory=second)
        self.assertEqual({p.name: p.read_bytes() for p in second.iterdir()}, files)
