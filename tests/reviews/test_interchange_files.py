"""Import stays in its folder and within the admin's limits.

A hero image path resolves, links followed, inside the folder of its .md
file, and every refusal reads the same whether or not something exists at
the path. A file the admin could not save (too big, a body or standfirst too
long, lists too long) is refused with its file and line.
"""

import os

from django.test import override_settings

from reviews.interchange import MAX_ENTRIES, ImportFailed, import_review_file
from reviews.models import Review
from tests.factories import (
    FULL,
    HERO,
    FilesTestCase,
    change_form_data,
    folder,
    image_bytes,
    line_of,
    make_author,
    make_user,
)

NOT_ALLOWED = "is missing or not allowed"


class HeroConfinementTests(FilesTestCase):
    def setUp(self):
        super().setUp()
        # A real image outside the import folder, beside it.
        self.outside = folder(self, "kdr-outside-")
        (self.outside / "real.jpg").write_bytes(image_bytes(size=(40, 30)))

    def refused_with(self, hero_path: str) -> str:
        text = FULL.replace("images/run-on.jpg", hero_path)
        self.assert_refused(text, NOT_ALLOWED, line_of(text, "file ="))
        return text

    def message_for(self, hero_path: str) -> str:
        text = FULL.replace("images/run-on.jpg", hero_path)
        try:
            import_review_file(path=self.write(text))
        except ImportFailed as error:
            return error.message.replace(hero_path, "PATH")
        self.fail(f"{hero_path} was imported")

    def test_a_path_that_climbs_out_is_refused_whether_or_not_the_file_exists(self):
        real = os.path.relpath(self.outside / "real.jpg", self.folder)
        missing = os.path.relpath(self.outside / "nothing.jpg", self.folder)
        self.assertTrue(real.startswith(".."))
        self.refused_with(real)
        self.refused_with(missing)
        self.refused_with("images/../images/run-on.jpg")
        self.assertEqual(self.message_for(real), self.message_for(missing))

    def test_an_absolute_path_is_refused_whether_or_not_the_file_exists(self):
        self.refused_with(str(self.outside / "real.jpg"))
        self.refused_with(str(self.outside / "nothing.jpg"))
        self.refused_with("/etc/passwd")
        self.assertEqual(
            self.message_for(str(self.outside / "real.jpg")),
            self.message_for(str(self.outside / "nothing.jpg")),
        )

    def test_a_link_out_of_the_folder_is_refused(self):
        (self.folder / "images" / "linked.jpg").symlink_to(self.outside / "real.jpg")
        (self.folder / "elsewhere").symlink_to(self.outside, target_is_directory=True)
        (self.folder / "images" / "dangling.jpg").symlink_to(self.outside / "nothing.jpg")
        for path in ["images/linked.jpg", "elsewhere/real.jpg", "images/dangling.jpg"]:
            with self.subTest(path=path):
                self.refused_with(path)
        self.assertEqual(
            self.message_for("images/linked.jpg"), self.message_for("images/dangling.jpg")
        )

    def test_what_is_not_a_plain_file_is_refused_like_a_missing_one(self):
        os.mkfifo(self.folder / "images" / "pipe.jpg")  # reading it would wait for ever
        for path in ["images/pipe.jpg", "images", ".", "images/"]:
            with self.subTest(path=path):
                self.refused_with(path)

    def test_a_link_inside_the_folder_is_followed(self):
        (self.folder / "images" / "alias.jpg").symlink_to(self.folder / "images" / "run-on.jpg")
        text = FULL.replace("images/run-on.jpg", "images/alias.jpg")
        review = import_review_file(path=self.write(text)).review
        with review.hero_image.open("rb") as stored:
            self.assertEqual(stored.read(), HERO)


class SizeLimitTests(FilesTestCase):
    def test_a_50_mb_body_is_refused_without_reading_it_whole(self):
        path = self.write(FULL)
        with path.open("ab") as file:
            chunk = b"All work and no play makes a long review.\n" * 25_000
            while file.tell() < 50 * 1024 * 1024:
                file.write(chunk)
        self.assert_refused(
            "",
            "the file is over 5.0\xa0MB, more than the admin can save; a review’s body "
            "may have at most 200,000 characters",
            line_of(FULL, "+++", 1) + 1,
            path=path,
        )

    def test_a_body_over_the_limit_is_refused_at_its_line(self):
        text = FULL + "x" * Review.BODY_MAX_LENGTH
        body = text[text.index("+++\nSeon-gyeom") + 4 :]
        self.assert_refused(
            text,
            f"the body (after the closing +++) has {len(body):,} characters; a review may "
            "have at most 200,000",
            line_of(text, "+++", 1) + 1,
        )

    def test_a_standfirst_longer_than_the_admin_takes(self):
        text = FULL.replace("A sprinter and", "A sprinter" + " and" * 150)
        self.assert_refused(text, "“standfirst” has 675 characters; the admin takes at most 600", 3)

    def test_a_tag_longer_than_a_tag_may_be(self):
        text = FULL.replace('"Romance"', '"' + "Romance" * 20 + '"')
        self.assert_refused(text, "a tag in “tags” has 140 characters", line_of(text, "tags"))

    def test_lists_longer_than_the_admin_can_save(self):
        tags = ", ".join(f'"tag {n}"' for n in range(MAX_ENTRIES + 1))
        text = FULL.replace('tags = ["Run On", "Romance", "런 온"]', f"tags = [{tags}]")
        self.assert_refused(text, "“tags” has 201 entries", line_of(text, "tags"))
        quote = '[[quotes]]\ncharacter = "Oh Mi-joo"\ntext = "Line {n}"\n\n'
        quotes = "".join(quote.format(n=n) for n in range(MAX_ENTRIES + 1))
        text = FULL.replace("[hero]", quotes + "[hero]")
        self.assert_refused(text, "“quotes” has 203 entries", line_of(text, "[[quotes]]"))

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
    def test_the_file_limit_is_the_admins_request_limit(self):
        text = FULL + "y" * 2000
        self.assert_refused(text, "the file is over 2.0\xa0KB", line_of(text, "+++", 1) + 1)


class AdminBodyLimitTests(FilesTestCase):
    def test_the_admin_refuses_the_same_body_with_a_form_error(self):
        self.client.force_login(make_user(superuser=True))
        review = Review.objects.create(
            title="Long", slug="long", body="Short.", author=make_author("Hana Seo")
        )
        data = change_form_data(self.client, review, body="x" * (Review.BODY_MAX_LENGTH + 1))
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "a review may have at most 200,000", str(response.context["adminform"].form.errors)
        )
        self.assertEqual(Review.objects.get(pk=review.pk).body, "Short.")
