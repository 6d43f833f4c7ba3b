"""The synthetic archive generator behind the benchmark at scale."""

import io

from django.core.management import CommandError, call_command
from django.test import TestCase

from people.models import Person
from reviews.models import Quote, Review
from reviews.search import search

SMALL = ["--reviews=60", "--dramas=6", "--people=20", "--quotes=40"]


def generate(*args):
    out = io.StringIO()
    call_command("generate_archive", *args, stdout=out)
    return out.getvalue()


class GenerateArchiveTests(TestCase):
    def test_makes_the_archive_asked_for_with_a_progress_bar(self):
        output = generate(*SMALL)
        self.assertEqual(Review.objects.filter(slug__startswith="synthetic-").count(), 60)
        self.assertEqual(Person.objects.filter(slug__startswith="synthetic-").count(), 20)
        self.assertEqual(Quote.objects.count(), 40)
        self.assertIn("reviews        [##############################]      60/60", output)
        self.assertTrue(Review.objects.published().exists())

    def test_what_save_would_derive_is_there_for_search(self):
        generate(*SMALL)
        person = Person.objects.filter(slug__startswith="synthetic-").first()
        self.assertTrue(person.search_names)
        review = Review.objects.published().filter(slug__startswith="synthetic-").first()
        self.assertTrue(review.search_text)
        word = review.title.split()[0]
        self.assertTrue(search(word).reviews.paginator.count)

    def test_a_second_run_refuses_unless_told_to_keep_it(self):
        generate(*SMALL)
        with self.assertRaisesMessage(CommandError, "already there"):
            generate(*SMALL)
        self.assertIn("Keeping the synthetic archive", generate("--if-missing", *SMALL))
        self.assertEqual(Review.objects.filter(slug__startswith="synthetic-").count(), 60)

    def test_clear_removes_only_the_synthetic_archive(self):
        from tests.factories import make_review

        kept = make_review("A real review")
        generate(*SMALL)
        generate("--clear")
        self.assertFalse(Review.objects.filter(slug__startswith="synthetic-").exists())
        self.assertTrue(Review.objects.filter(pk=kept.pk).exists())

    def test_sizes_must_be_positive(self):
        with self.assertRaisesMessage(CommandError, "--reviews must be at least 1"):
            generate("--reviews=0")
