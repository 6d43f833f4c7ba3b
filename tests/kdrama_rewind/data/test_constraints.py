"""The shared constraints: a name or slug is never blank, and a stored image
always has alt text; the database refuses what the admin would."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from people.models import Author, Person
from reviews.models import Drama, Review
from tests.factories import image_upload, make_author, make_drama, make_person, make_review


def refused_by_the_database(test, changes):
    """Each (model, row, values) update fails on a constraint."""
    for model, obj, values in changes:
        with test.subTest(model=model.__name__), test.assertRaises(IntegrityError):
            with transaction.atomic():
                model.objects.filter(pk=obj.pk).update(**values)


class NotBlankTests(TestCase):
    def test_a_blank_slug_or_name_is_refused_by_the_database(self):
        refused_by_the_database(
            self,
            [
                (Person, make_person("Im Si-wan"), {"slug": ""}),
                (Author, make_author("Mina Park"), {"name": ""}),
                (Drama, make_drama("Run On"), {"title": ""}),
                (Review, make_review("Run On, rewatched"), {"slug": ""}),
            ],
        )

    def test_the_message_names_what_is_missing(self):
        review = make_review("Run On, rewatched")
        review.title = ""
        with self.assertRaisesMessage(ValidationError, "A headline is required."):
            review.validate_constraints()


class ImageHasAltTests(TestCase):
    def test_an_image_without_alt_text_is_refused_by_the_database(self):
        image = "somewhere/image.jpg"
        refused_by_the_database(
            self,
            [
                (Person, make_person("Im Si-wan"), {"photo": image}),
                (Author, make_author("Mina Park"), {"photo": image}),
                (Drama, make_drama("Run On"), {"poster": image}),
                (Review, make_review("Run On, rewatched"), {"hero_image": image}),
            ],
        )

    def test_the_message_says_which_image(self):
        drama = make_drama("Run On", poster=image_upload("run-on.jpg"), poster_alt="A poster")
        drama.poster_alt = ""
        with self.assertRaisesMessage(ValidationError, "Add alt text describing the poster."):
            drama.validate_constraints()


class ChecksInOneQueryTests(TestCase):
    """A review's check constraints are validated together, in one query,
    with the messages Django's own validation gives."""

    def test_every_broken_check_is_reported_from_one_query(self):
        review = make_review("Run On, rewatched")
        review.title, review.hero_focus_x = "", 140
        # Inside a transaction: a savepoint, the query, its release (Django
        # alone spends these three on each of the seven checks).
        with self.assertNumQueries(3):
            failed = review.failed_checks()
        self.assertCountEqual(
            [check.name for check in failed],
            ["review_title_not_empty", "review_hero_focus_in_image"],
        )
        with self.assertRaises(ValidationError) as raised:
            review.validate_constraints()
        self.assertCountEqual(
            raised.exception.messages,
            ["A headline is required.", "The focal point must lie in the image (0 to 100%)."],
        )

    def test_a_valid_review_passes_and_an_undecidable_condition_passes_too(self):
        review = make_review("Run On, rewatched")
        review.updated_at = None  # the "updated after published" check reads NULL: it holds
        self.assertEqual(review.failed_checks(), [])
        review.validate_constraints()

    def test_a_check_on_an_excluded_field_waits_as_in_django(self):
        review = make_review("Run On, rewatched")
        review.title = ""
        self.assertEqual(review.failed_checks(exclude={"title"}), [])
        review.validate_constraints(exclude={"title"})
