"""``import_reviews``: a file of the format in DESIGN.md into the database,
all or nothing, through the editing service. Line numbers in error messages
are checked against the line the test text puts the offending key on."""

from datetime import UTC, datetime
from unittest import mock

from django.core.files.storage import default_storage
from django.test import override_settings

from people.models import Author, Person
from reviews.interchange import ImportFailed, import_review_file
from reviews.models import Character, Drama, Quote, Review
from tests.factories import (
    FULL,
    HERO,
    SLUG,
    FilesTestCase,
    counts,
    image_bytes,
    line_of,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_review,
    stored_bytes,
    stored_files,
)


class ImportTests(FilesTestCase):
    def test_a_full_file_creates_the_review_and_everything_around_it(self):
        result = import_review_file(path=self.write(FULL))

        self.assertEqual((result.created, result.changed, result.warnings), (True, True, []))
        review = Review.objects.select_related("author", "column").get()
        self.assertEqual(review, result.review)
        self.assertEqual(review.title, "Rewind: Run On, a love story that keeps its pace")
        self.assertEqual(review.slug, SLUG)
        self.assertEqual(
            review.standfirst,
            "A sprinter and a subtitle translator learn to listen — still generous years on.",
        )
        self.assertEqual(
            review.body,
            "Seon-gyeom runs; Mi-joo translates. Dan-ah keeps the books — and “everyone’s” "
            "pace.\n\nA closing line in 런 온 and trailing spaces.  \n",
        )
        self.assertEqual(
            (review.column.name, review.column.slug), ("K-Drama Rewind", "k-drama-rewind")
        )
        self.assertEqual(
            (review.author.name, review.author.slug, review.author.job_title),
            ("Hana Seo", "hana-seo", "Senior Culture Writer"),
        )
        self.assertEqual(review.status, Review.Status.PUBLISHED)
        self.assertEqual(review.published_at, datetime(2024, 7, 4, 5, tzinfo=UTC))
        self.assertEqual(review.updated_at, datetime(2024, 7, 5, 8, 30, tzinfo=UTC))
        self.assertTrue(review.is_published())
        self.assertEqual(sorted(t.name for t in review.tags.all()), ["Romance", "Run On", "런 온"])

        drama = review.dramas.get()
        self.assertEqual(
            (drama.title, drama.slug, drama.original_title, drama.year, drama.network),
            ("Run On", "run-on", "런 온", 2020, "JTBC"),
        )
        self.assertEqual(drama.episodes, 16)
        characters = {c.name: c for c in drama.characters.select_related("played_by")}
        self.assertEqual(
            {name: (c.played_by.name, c.played_by.slug, c.role) for name, c in characters.items()},
            {
                "Ki Seon-gyeom": ("Im Si-wan", "im-si-wan", "lead"),
                "Oh Mi-joo": ("Shin Se-kyung", "shin-se-kyung", "lead"),
                "Seo Dan-ah": ("Choi Soo-young", "choi-soo-young", "supporting"),
            },
        )
        self.assertEqual(characters["Ki Seon-gyeom"].alias_list, ["Seon-gyeom", "Gyeom"])
        self.assertEqual(
            sorted(p.name for p in review.featured_people.all()),
            ["Choi Soo-young", "Im Si-wan", "Shin Se-kyung"],
        )
        self.assertEqual(
            sorted((q.character.name, q.text, q.episode, q.context) for q in review.quotes.all()),
            [
                ("Ki Seon-gyeom", "I only know how to run forward.", None, ""),
                (
                    "Oh Mi-joo",
                    "A subtitle is a promise: you will understand me.",
                    3,
                    "At a festival screening",
                ),
            ],
        )

        self.assertEqual(
            (review.hero_alt, review.hero_caption, review.hero_credit),
            (
                "Two figures on an empty running track at dusk",
                "Out of breath, and in no hurry.",
                "Illustration: the Rewind desk",
            ),
        )
        self.assertEqual((review.hero_width, review.hero_height), (1300, 700))
        self.assertEqual(stored_bytes(review.hero_image), HERO)
        renditions = review.hero_image.renditions
        self.assertEqual([r.width for r in renditions], [480, 800, 1200, 1300])
        self.assertTrue(all(default_storage.exists(r.name) for r in renditions))

    def test_importing_the_same_file_twice_changes_nothing(self):
        path = self.write(FULL)
        import_review_file(path=path)
        before, files = counts(), stored_files()
        modified = Review.objects.get().modified_at

        result = import_review_file(path=path)

        self.assertEqual((result.created, result.changed), (False, False))
        self.assertEqual(counts(), before)
        self.assertEqual(stored_files(), files, "no second copy of the image")
        self.assertEqual(Review.objects.get().modified_at, modified)

    def test_an_image_with_the_same_bytes_under_another_name_is_not_stored_again(self):
        import_review_file(path=self.write(FULL))
        stored = Review.objects.get().hero_image.name
        files = stored_files()
        (self.folder / "images" / "renamed.jpg").write_bytes(HERO)

        import_review_file(path=self.write(FULL.replace("run-on.jpg", "renamed.jpg")))

        self.assertEqual(Review.objects.get().hero_image.name, stored)
        self.assertEqual(stored_files(), files)

    def test_a_changed_file_updates_the_review_in_place(self):
        path = self.write(FULL)
        import_review_file(path=path)
        review = Review.objects.get()
        old_files = {review.hero_image.name, *(r.name for r in review.hero_image.renditions)}
        new_hero = image_bytes(size=(900, 500), color=(200, 200, 20))
        (self.folder / "images" / "run-on.jpg").write_bytes(new_hero)
        changed = (
            FULL.replace('title = "Rewind: Run On', 'slug = "' + SLUG + '"\ntitle = "Run On')
            .replace('tags = ["Run On", "Romance", "런 온"]', 'tags = ["Run On", "Sports"]')
            .replace("I only know how to run forward.", "Forward is the only way I know.")
            .replace('character = "Seo Dan-ah"', 'character = "Seo Dan-ah"\nrole = "lead"')
            .replace('status = "published"', 'status = "draft"')
            .replace("updated = 2024-07-05T12:30:00+04:00", "updated = 2024-08-01T08:00:00+04:00")
            .replace("Dan-ah keeps the books", "Dan-ah runs the agency")
        )

        with self.captureOnCommitCallbacks(execute=True):
            result = import_review_file(path=self.write(changed))

        self.assertEqual((result.created, result.changed), (False, True))
        review = Review.objects.get()
        self.assertEqual(review.title, "Run On, a love story that keeps its pace")
        self.assertEqual(review.slug, SLUG)
        self.assertEqual(review.status, Review.Status.DRAFT)
        self.assertEqual(review.updated_at, datetime(2024, 8, 1, 4, tzinfo=UTC))
        self.assertIn("runs the agency", review.body)
        self.assertEqual(sorted(t.name for t in review.tags.all()), ["Run On", "Sports"])
        self.assertEqual(
            sorted(q.text for q in review.quotes.all()),
            ["A subtitle is a promise: you will understand me.", "Forward is the only way I know."],
        )
        self.assertEqual(Character.objects.get(name="Seo Dan-ah").role, "lead")
        self.assertEqual(Character.objects.count(), 3)
        self.assertEqual(stored_bytes(review.hero_image), new_hero)
        self.assertEqual(review.hero_width, 900)
        self.assertTrue(
            all(default_storage.exists(name) for name in old_files),
            "the replaced image stays in media storage, so History can restore it",
        )

    def test_a_file_without_a_hero_removes_the_stored_one(self):
        import_review_file(path=self.write(FULL))
        hero = Review.objects.get().hero_image.name
        without = FULL[: FULL.index("[hero]")] + FULL[FULL.index("+++\nSeon-gyeom") :]

        with self.captureOnCommitCallbacks(execute=True):
            import_review_file(path=self.write(without))

        review = Review.objects.get()
        self.assertFalse(review.hero_image)
        self.assertEqual((review.hero_alt, review.hero_caption, review.hero_credit), ("", "", ""))
        self.assertTrue(default_storage.exists(hero), "kept for History to restore")

    def test_what_the_desk_already_has_is_found_not_duplicated_or_renamed(self):
        drama = make_drama("Run On", slug="run-on-2020", year=2020, synopsis="Kept.")
        author = make_author("Hana Seo", slug="hana", job_title="Writer")
        column = make_column("K-Drama Rewind", slug="rewind")
        actor = make_person("Shin Se-kyung", aliases="Shin Se-kyeong")
        make_character(drama, "Oh Mi-joo", played_by=actor, billing=2)
        text = FULL.replace('person = "Shin Se-kyung"', 'person = "Shin Se-kyeong"')

        result = import_review_file(path=self.write(text))

        review = result.review
        self.assertEqual(list(review.dramas.all()), [drama])
        self.assertEqual((review.author, review.column), (author, column))
        self.assertEqual(Drama.objects.get().synopsis, "Kept.")
        self.assertEqual(Author.objects.get().job_title, "Senior Culture Writer")
        mi_joo = Character.objects.get(name="Oh Mi-joo")
        self.assertEqual((mi_joo.played_by, mi_joo.billing), (actor, 2))
        self.assertEqual(Person.objects.filter(name__startswith="Shin").count(), 1)
        self.assertIn(
            "“Shin Se-kyeong” is another name of Shin Se-kyung; linked to Shin Se-kyung",
            result.warnings,
        )

    def test_a_hangul_title_gets_a_unicode_slug(self):
        text = (
            '+++\ntitle = "런 온 다시 보기"\nauthor = "서하나"\ncolumn = "다시 보기"\n'
            'tags = ["로맨스"]\n\n[drama]\ntitle = "런 온"\nyear = 2020\n+++\n본문입니다.\n'
        )
        review = import_review_file(path=self.write(text, "hangul.md")).review
        self.assertEqual(review.slug, "런-온-다시-보기")
        self.assertEqual(
            (review.author.slug, review.column.slug, review.dramas.get().slug),
            ("서하나", "다시-보기", "런-온"),
        )
        self.assertEqual(review.tags.get().slug, "로맨스")

    def test_html_in_a_body_is_kept_as_written_and_sanitized_on_the_page(self):
        text = FULL.replace(
            "A closing line",
            '<script>alert("rewind")</script>\n\n<b onclick="x()">Bold</b> A closing line',
        )
        review = import_review_file(path=self.write(text)).review
        self.assertIn('<script>alert("rewind")</script>', review.body)

        page = self.client.get(review.get_absolute_url())

        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Mi-joo translates")
        self.assertNotContains(page, "<script>alert")
        self.assertNotContains(page, "<b onclick")

    def test_control_characters_in_the_body_or_escaped_in_the_front_matter_are_settled(self):
        text = (
            FULL.replace('network = "JTBC"', 'network = "JTBC\\u0000"')
            .replace('text = "I only know', 'text = "I only\\u000b know')
            .replace("Seon-gyeom runs;", "Seon-gyeom runs;\x0b\x00")
        )
        text = text.replace('character = "Oh Mi-joo"', 'character = "Oh\\u000bMi-joo"')
        review = import_review_file(path=self.write(text)).review
        self.assertIn("Seon-gyeom runs;\n Mi-joo", review.body)
        self.assertEqual(review.dramas.get().network, "JTBC")
        self.assertTrue(Quote.objects.filter(text="I only\n know how to run forward.").exists())
        self.assertTrue(Character.objects.filter(name="Oh Mi-joo").exists())
        before = counts()
        self.assertFalse(import_review_file(path=self.write(text)).changed)
        self.assertEqual(counts(), before)

    def test_the_body_is_everything_after_the_closing_line(self):
        body = "\n  Leading blank line kept.\n+++\nA fence inside the body is text.\n\n\n"
        review = import_review_file(
            path=self.write(f'+++\ntitle = "T"\nauthor = "A"\n+++\n{body}')
        ).review
        self.assertEqual(review.body, body)

    def test_windows_line_endings_and_a_byte_order_mark_are_read(self):
        text = "\ufeff" + FULL.replace("\n", "\r\n")
        review = import_review_file(path=self.write(text)).review
        self.assertEqual(review.title, "Rewind: Run On, a love story that keeps its pace")
        self.assertNotIn("\r", review.body)
        self.assertEqual(import_review_file(path=self.write(text)).changed, False)

    def test_updated_is_the_editorial_time_not_the_save_time(self):
        first = import_review_file(path=self.write(FULL)).review
        second = import_review_file(
            path=self.write(FULL.replace("keeps the books", "keeps the accounts"))
        ).review
        self.assertGreater(second.modified_at, first.modified_at)
        self.assertEqual(second.updated_at, datetime(2024, 7, 5, 8, 30, tzinfo=UTC))
        self.assertEqual(second.last_updated, second.updated_at)

    def test_a_draft_needs_no_publish_time(self):
        review = import_review_file(
            path=self.write('+++\ntitle = "Notes"\nauthor = "A"\nstatus = "review"\n+++\nText\n')
        ).review
        self.assertEqual((review.status, review.published_at), ("review", None))
        self.assertFalse(review.is_published())

    def test_several_dramas_and_people_featured_outside_the_cast(self):
        text = """+++
title = "Two runners"
author = "Hana Seo"
featured = ["Kang Tae-oh"]

[[drama]]
title = "Run On"
year = 2020

[[drama]]
title = "Start-Up"
year = 2020

[[cast]]
drama = "Run On"
person = "Im Si-wan"
character = "Ki Seon-gyeom"

[[cast]]
drama = "Start-Up"
person = "Bae Suzy"
character = "Seo Dal-mi"
featured = false

[[quotes]]
character = "Seo Dal-mi"
text = "Start again."
+++
Seon-gyeom and Dal-mi. Kang Tae-oh appears too.
"""
        review = import_review_file(path=self.write(text)).review
        self.assertEqual(sorted(d.title for d in review.dramas.all()), ["Run On", "Start-Up"])
        self.assertEqual(
            sorted(p.name for p in review.featured_people.all()), ["Im Si-wan", "Kang Tae-oh"]
        )
        self.assertEqual(review.quotes.get().character.drama.title, "Start-Up")

    def test_warns_about_cast_the_body_never_mentions(self):
        text = FULL.replace("Dan-ah keeps the books", "Someone keeps the books")
        result = import_review_file(path=self.write(text))
        self.assertEqual(
            result.warnings,
            ["the cast lists Choi Soo-young as Seo Dan-ah, but the body never mentions them"],
        )


class BadFileTests(FilesTestCase):
    def test_broken_toml(self):
        text = FULL.replace("episodes = 16", "episodes = = 16")
        self.assert_refused(
            text, "the front matter is not valid TOML: Invalid value", line_of(text, "episodes")
        )

    def test_a_front_matter_never_closed(self):
        self.assert_refused('+++\ntitle = "T"\nauthor = "A"\nBody\n', "never closed", 1)

    def test_a_file_without_front_matter(self):
        self.assert_refused("# Just Markdown\n", "must begin with a +++ line", 1)

    def test_missing_title_or_author(self):
        for key in ("title", "author"):
            with self.subTest(key):
                start = FULL.index(f"\n{key} = ")
                text = FULL[:start] + FULL[FULL.index("\n", start + 1) :]
                self.assert_refused(text, f"“{key}” is required", None)

    def test_an_unknown_key_is_named(self):
        text = FULL.replace('title = "Rewind', 'titel = "Rewind')
        self.assert_refused(text, "unknown key “titel”", 2)
        text = FULL.replace("network =", "netwrok =")
        self.assert_refused(text, "unknown key “netwrok” in [drama]", line_of(text, "netwrok"))

    def test_unknown_status(self):
        text = FULL.replace('status = "published"', 'status = "live"')
        self.assert_refused(text, "unknown status “live”; use one of: draft, review", 7)

    def test_bad_dates(self):
        cases = [
            ('published = "2024-07-04 09:00"', "must be a TOML date-time such as"),
            ("published = 2024-07-04T09:00:00", "“published” needs a UTC offset"),
            ("published = 2024-07-04", "needs a time and a UTC offset"),
            ("published = 2024", "must be a TOML date-time"),
        ]
        for value, message in cases:
            with self.subTest(value):
                text = FULL.replace("published = 2024-07-04T09:00:00+04:00", value)
                self.assert_refused(text, message, 8)

    def test_a_live_review_needs_a_publish_time(self):
        for status in ("scheduled", "published"):
            with self.subTest(status):
                text = FULL.replace('status = "published"', f'status = "{status}"').replace(
                    "published = 2024-07-04T09:00:00+04:00\n", ""
                )
                self.assert_refused(text, f"a {status} review needs a “published” date-time", 7)

    def test_updated_before_published(self):
        text = FULL.replace("updated = 2024-07-05", "updated = 2024-07-01")
        self.assert_refused(text, "“updated” cannot be before “published”", 9)

    def test_wrong_types(self):
        cases = [
            ("year = 2020", 'year = "2020"', "“year” in [drama] must be a whole number"),
            ("episodes = 16", "episodes = 0", "“episodes” in [drama] must be at least 1"),
            ('tags = ["Run On", "Romance", "런 온"]', 'tags = "Run On"', "list of strings"),
            ("episode = 3", "episode = 3.5", "“episode” in quote 1 must be a whole number"),
            ('role = "lead"', 'role = "star"', "“role” in cast entry 1 must be “lead”"),
            ('aliases = ["Seon-gyeom", "Gyeom"]', 'aliases = "Gyeom"', "list of strings"),
            ("[hero]", "[[hero]]", "“hero” must be a table"),
            ('standfirst = "A sprinter', 'standfirst = ["A sprinter"]\n#', "must be a string"),
        ]
        for old, new, message in cases:
            with self.subTest(new):
                text = FULL.replace(old, new, 1)
                self.assert_refused(text, message, line_of(text, new.split("\n")[0]))

    def test_a_quote_must_name_a_cast_character(self):
        text = FULL.replace('character = "Ki Seon-gyeom"\ntext', 'character = "Ki Sun-gyeom"\ntext')
        self.assert_refused(
            text,
            "quote 2: “Ki Sun-gyeom” is not a character in [[cast]]",
            line_of(text, 'character = "Ki Sun-gyeom"'),
        )

    def test_missing_image(self):
        text = FULL.replace("images/run-on.jpg", "images/missing.jpg")
        self.assert_refused(
            text,
            "[hero] file “images/missing.jpg” is missing or not allowed",
            line_of(text, "file ="),
        )

    def test_invalid_images(self):
        images = self.folder / "images"
        (images / "still.gif").write_bytes(image_bytes(size=(20, 20), format="GIF"))
        (images / "photo.png").write_bytes(image_bytes(size=(20, 20), format="JPEG"))
        (images / "notes.jpg").write_bytes(b"not an image at all")
        (images / "cut.jpg").write_bytes(HERO[: len(HERO) // 2])
        cases = [
            ("still.gif", "Only JPEG, PNG or WebP images are accepted; this file is GIF."),
            ("photo.png", "is named “photo.png” but holds a JPEG image; rename it to .jpg"),
            ("notes.jpg", "The file is not a readable image"),
            ("cut.jpg", "is refused: The file is not a readable image (JPEG, PNG or WebP)."),
        ]
        for name, message in cases:
            with self.subTest(name):
                text = FULL.replace("run-on.jpg", name)
                self.assert_refused(text, message, line_of(text, "file ="))

    @override_settings(IMAGE_MAX_BYTES=1000)
    def test_an_image_over_the_size_limit(self):
        self.assert_refused(FULL, "the limit is 1000\xa0bytes", line_of(FULL, "file ="))

    def test_an_absolute_image_path(self):
        text = FULL.replace("images/run-on.jpg", str(self.folder / "images" / "run-on.jpg"))
        self.assert_refused(text, "is missing or not allowed", line_of(text, "file ="))

    def test_a_file_that_is_not_utf8(self):
        path = self.folder / "latin1.md"
        path.write_bytes('+++\ntitle = "Café"\nauthor = "A"\n+++\n'.encode("latin-1"))
        self.assert_refused("", "the file is not UTF-8 text", 2, path=path)

    def test_a_failure_after_the_image_is_stored_removes_it(self):
        # The headline's length is checked against the model when the review
        # is saved, after its hero image has been written to storage.
        text = FULL.replace("Rewind: Run On, a love story that keeps its pace", "x" * 301)
        self.assert_refused(text, "“title”: Ensure this value has at most 300 characters", 2)

    def test_a_failed_update_leaves_the_previous_version_and_image_intact(self):
        import_review_file(path=self.write(FULL))
        review = Review.objects.values().get()
        hero = Review.objects.get().hero_image.name
        (self.folder / "images" / "run-on.jpg").write_bytes(image_bytes(size=(600, 400)))

        self.assert_refused(
            FULL.replace("Out of breath", "x" * 501), "“caption”: Ensure this value", 47
        )

        self.assertEqual(Review.objects.values().get(), review)
        self.assertEqual(stored_bytes(Review.objects.get().hero_image), HERO)
        self.assertTrue(default_storage.exists(hero))

    def test_a_name_without_letters_cannot_make_an_address(self):
        text = FULL.replace('author = "Hana Seo"', 'author = "???"')
        self.assert_refused(text, "“author” needs a letter or a digit", 5)


class ImportCommandTests(FilesTestCase):
    def test_a_bad_file_is_reported_and_the_others_still_import(self):
        good = self.write(FULL)
        bad = self.write('+++\ntitle = "No author"\nstatus = "published"\n+++\n', "a-bad.md")

        status, out, err = self.run_command("import_reviews", str(self.folder))

        self.assertEqual(status, 1)
        self.assertIn(f"error: {bad}: “author” is required\n", err)
        self.assertIn("CommandError: 1 file(s) could not be imported", err)
        self.assertNotIn("Traceback", err)
        self.assertNotIn(str(good), err)
        self.assertIn("2 file(s): 1 created, 0 updated, 0 unchanged, 1 failed.", out)
        self.assertEqual(Review.objects.get().slug, SLUG)

    def test_success_exits_zero_and_reports_what_changed(self):
        path = self.write(FULL)
        self.assertEqual(
            self.run_command("import_reviews", str(path)),
            (0, "1 file(s): 1 created, 0 updated, 0 unchanged, 0 failed.\n", ""),
        )
        self.assertEqual(
            self.run_command("import_reviews", str(path)),
            (0, "1 file(s): 0 created, 0 updated, 1 unchanged, 0 failed.\n", ""),
        )

    def test_errors_name_the_file_and_line(self):
        path = self.write(FULL.replace('status = "published"', 'status = "live"'))
        status, out, err = self.run_command("import_reviews", str(path))
        self.assertEqual(status, 1)
        self.assertIn(f"error: {path}:7: unknown status “live”", err)

    def test_warnings_go_to_the_output_one_line_each_naming_the_file(self):
        body = FULL[FULL.index("+++\nSeon-gyeom") :]
        path = self.write(FULL.replace(body, "+++\nSeon-gyeom runs alone.\n"))
        status, out, err = self.run_command("import_reviews", str(path))
        self.assertEqual((status, err), (0, ""))
        warnings = [line for line in out.splitlines() if line.startswith("warning:")]
        self.assertEqual(
            warnings,
            [
                f"warning: {path}: the cast lists Shin Se-kyung as Oh Mi-joo, "
                "but the body never mentions them",
                f"warning: {path}: the cast lists Choi Soo-young as Seo Dan-ah, "
                "but the body never mentions them",
            ],
        )

    def test_two_files_with_one_slug_are_pointed_out(self):
        first = self.write(FULL, "a.md")
        second = self.write(FULL.replace("Out of breath", "Still out of breath"), "b.md")
        status, out, _ = self.run_command("import_reviews", str(first), str(second))
        self.assertEqual(status, 0)
        self.assertIn(f"warning: {second}: {first} has the same slug “{SLUG}”", out)

    def test_long_runs_print_progress(self):
        for number in range(25):
            self.write(f'+++\ntitle = "Note {number}"\nauthor = "A"\n+++\nText\n', f"{number}.md")
        status, out, _ = self.run_command("import_reviews", str(self.folder))
        self.assertEqual(status, 0)
        self.assertIn("Imported 20/25 …", out)
        self.assertIn("25 file(s): 25 created", out)

    def test_a_missing_path(self):
        status, out, err = self.run_command("import_reviews", str(self.folder / "nope.md"))
        self.assertEqual(status, 1)
        self.assertIn("nope.md: no such file or folder", err)


class ImportThroughTheEditingServiceTests(FilesTestCase):
    """An import is a change like any other: checked against what it started from."""

    def save_while_reading_the_image(self, save):
        """Run ``save`` at the moment an import has read the review's version
        and is reading its image (seconds, for a large photograph)."""
        from reviews.interchange import importer

        real = importer.read_hero

        def read_then_someone_saves(*args, **kwargs):
            hero = real(*args, **kwargs)
            save()
            return hero

        return mock.patch.object(importer, "read_hero", read_then_someone_saves)

    def test_an_editor_saving_during_an_import_is_not_overwritten(self):
        from reviews.services import ReviewEdit, edit_review
        from tests.factories import make_user

        import_review_file(path=self.write(FULL))
        review = Review.objects.get()
        editor = make_user("eddie", superuser=True)
        changed = FULL.replace("Dan-ah keeps the books", "Dan-ah runs the agency")

        def save():
            edit_review(
                review=Review.objects.get(pk=review.pk),
                edit=ReviewEdit(fields={"standfirst": "The editor’s standfirst"}),
                by=editor,
                via="the review form",
            )

        with self.save_while_reading_the_image(save):
            with self.assertRaises(ImportFailed) as failed:
                import_review_file(path=self.write(changed))
        message = str(failed.exception)
        self.assertRegex(
            message,
            r"run-on\.md: the review was changed at \d\d:\d\d on .* by eddie "
            r"\(the review form\) since this import began; run again to overwrite",
        )
        stored = Review.objects.get()
        self.assertEqual(stored.standfirst, "The editor’s standfirst")
        self.assertNotIn("runs the agency", stored.body)
        # Run again: it starts from the editor's version and overwrites it, on the record.
        result = import_review_file(path=self.write(changed))
        self.assertTrue(result.changed)
        versions = list(
            stored.revisions.order_by("created_at", "id").values_list("version", flat=True)
        )
        self.assertEqual(versions, sorted(versions))
        self.assertEqual(Review.objects.get().version, versions[-1])
        self.assertEqual(stored.revisions.first().via, "imported from run-on.md")

    def test_a_review_created_meanwhile_is_not_overwritten(self):
        def create():
            make_review("Made in the admin", slug=SLUG)

        with self.save_while_reading_the_image(create):
            with self.assertRaisesMessage(ImportFailed, "was created since this import began"):
                import_review_file(path=self.write(FULL))
        self.assertEqual(Review.objects.get().title, "Made in the admin")

    def test_a_slug_still_leading_to_another_review_is_refused(self):
        from reviews.services import ReviewEdit, edit_review

        other = make_review("Other", slug=SLUG)
        edit_review(review=other, edit=ReviewEdit(fields={"slug": "other"}), by=None, via="x")
        with self.assertRaisesMessage(ImportFailed, f"“{SLUG}” is an old address of “Other”"):
            import_review_file(path=self.write(FULL))

    def test_a_shared_thing_the_file_changes_is_noted_on_live_reviews_showing_it(self):
        from reviews.models import Revision

        import_review_file(path=self.write(FULL))
        other = make_review("Another live review", dramas=[Drama.objects.get()])
        import_review_file(path=self.write(FULL.replace("episodes = 16", "episodes = 17")))
        note = other.revisions.get(kind=Revision.Kind.SHARED)
        self.assertEqual(note.via, "imported from run-on.md")
        self.assertIn("changed episodes", note.summary)

    def test_a_quote_or_character_the_file_adds_is_noted_on_live_reviews_showing_the_drama(self):
        from reviews.models import Revision

        import_review_file(path=self.write(FULL))
        other = make_review("Another live review", dramas=[Drama.objects.get()])
        added = FULL.replace(
            "[[quotes]]\n",
            '[[cast]]\nperson = "Kim Tae-ri"\ncharacter = "A newcomer"\n\n'
            '[[quotes]]\ncharacter = "A newcomer"\ntext = "Hello, track."\n\n[[quotes]]\n',
            1,
        )
        import_review_file(path=self.write(added))
        notes = other.revisions.filter(kind=Revision.Kind.SHARED).order_by("id")
        self.assertEqual(
            [n.summary for n in notes],
            ["Character “A newcomer (Run On)”: added", "Quote “Hello, track.” (A newcomer): added"],
        )
        self.assertEqual({n.via for n in notes}, {"imported from run-on.md"})
