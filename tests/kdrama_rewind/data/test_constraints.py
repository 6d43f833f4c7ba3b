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
