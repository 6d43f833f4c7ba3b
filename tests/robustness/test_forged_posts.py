"""Forged admin posts naming other people's objects change nothing of theirs."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from reviews.models import Correction, PreviewLink
from tests.factories import change_form_data, make_review, make_role_user


class ForgedInlineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "editor")
        cls.writer = make_role_user("Writer", "writer", author_name="Mina Park")
        cls.other_writer = make_role_user("Writer", "other", author_name="Joel Fernandes")
        cls.mine = make_review("My draft", published=False, author=cls.writer.author)
        cls.theirs = make_review("Their review", author=cls.other_writer.author)
        cls.their_link = PreviewLink.objects.create(
            review=cls.theirs, expires_at=timezone.now() + timedelta(days=2)
        )
        cls.their_correction = Correction.objects.create(review=cls.theirs, text="Their note.")

    def post(self, user, review, data):
        self.client.force_login(user)
        return self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)

    def test_another_review_s_preview_link_cannot_be_revoked_from_this_one(self):
        self.client.force_login(self.writer)
        data = change_form_data(self.client, self.mine)
        data.update(
            {
                "preview_links-TOTAL_FORMS": "1",
                "preview_links-INITIAL_FORMS": "1",
                "preview_links-0-id": str(self.their_link.pk),
                "preview_links-0-review": str(self.mine.pk),
                "preview_links-0-expires_at_0": "2030-01-01",
                "preview_links-0-expires_at_1": "00:00:00",
                "preview_links-0-revoke": "on",
            }
        )
        self.post(self.writer, self.mine, data)
        self.their_link.refresh_from_db()
        self.assertIsNone(self.their_link.revoked_at)
        self.assertEqual(self.their_link.review, self.theirs)

    def test_another_review_s_correction_cannot_be_rewritten_from_this_one(self):
        self.client.force_login(self.editor)
        live = make_review("Editor's review", author=self.writer.author)
        data = change_form_data(self.client, live)
        data.update(
            {
                "corrections-TOTAL_FORMS": "1",
                "corrections-INITIAL_FORMS": "1",
                "corrections-0-id": str(self.their_correction.pk),
                "corrections-0-review": str(live.pk),
                "corrections-0-kind": "correction",
                "corrections-0-noted_at_0": "2026-01-01",
                "corrections-0-noted_at_1": "00:00:00",
                "corrections-0-text": "Rewritten by a forged post.",
            }
        )
        self.post(self.editor, live, data)
        self.their_correction.refresh_from_db()
        self.assertEqual(self.their_correction.text, "Their note.")
        self.assertEqual(self.their_correction.review, self.theirs)

    def test_a_writer_cannot_put_their_draft_under_another_byline(self):
        self.client.force_login(self.writer)
        data = change_form_data(self.client, self.mine, author=str(self.other_writer.author.pk))
        self.post(self.writer, self.mine, data)
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.author, self.writer.author)
