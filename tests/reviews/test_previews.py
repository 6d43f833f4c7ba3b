from datetime import timedelta

from django.core import signing
from django.test import TestCase
from django.utils import timezone

from reviews.models import PreviewLink, Review
from tests.clock import clock_at
from tests.factories import (
    change_form_data,
    make_drama,
    make_review,
    make_role_user,
    make_user,
    pin,
)


class PreviewLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "editor", author_name="Mina Park")
        cls.drama = make_drama("Run On")
        cls.draft = make_review(
            "Draft about Run On", published=False, dramas=[cls.drama], author=cls.editor.author
        )
        cls.other_draft = make_review("Secret other draft", published=False, dramas=[cls.drama])
        cls.live = make_review("Live about Run On", dramas=[cls.drama])
        pin(cls.draft, cls.other_draft, cls.live)
        cls.link = PreviewLink.objects.create(
            review=cls.draft, created_by=cls.editor, expires_at=timezone.now() + timedelta(days=2)
        )

    def test_someone_without_an_account_sees_the_draft_marked_and_not_indexed(self):
        response = self.client.get(self.link.get_absolute_url())
        self.assertContains(response, "Draft about Run On")
        self.assertContains(response, "Preview:")
        self.assertContains(response, "This shared link works until")
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=True)

    def test_it_shows_no_other_unpublished_review(self):
        response = self.client.get(self.link.get_absolute_url())
        self.assertContains(response, "Live about Run On")
        self.assertNotContains(response, "Secret other draft")

    def assert_expired_page(self, response):
        """Gone (410), said in words, and nothing of the review."""
        self.assertContains(response, "This preview link has expired", status_code=410)
        self.assertNotContains(response, "Draft about Run On", status_code=410)
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_stops_working_when_it_expires(self):
        url = self.link.get_absolute_url()
        with clock_at(self.link.expires_at + timedelta(seconds=1)):
            self.assert_expired_page(self.client.get(url))

    def test_it_stops_working_when_revoked(self):
        url = self.link.get_absolute_url()
        self.link.revoked_at = timezone.now()
        self.link.save()
        self.assert_expired_page(self.client.get(url))

    def test_a_forged_or_tampered_token_shows_nothing(self):
        other_key = signing.Signer(salt=PreviewLink.SALT).sign("not-a-key")
        unsigned = self.link.key
        tampered = self.link.get_absolute_url().rstrip("/").split("/")[-1][:-2] + "xx"
        for token in (other_key, unsigned, tampered, "garbage"):
            with self.subTest(token=token):
                self.assertEqual(self.client.get(f"/preview/{token}/").status_code, 404)

    def test_an_editor_makes_and_revokes_links_in_the_admin(self):
        self.client.force_login(self.editor)
        review = Review.objects.get(pk=self.draft.pk)
        expires = timezone.localtime() + timedelta(days=3)
        current = timezone.localtime(self.link.expires_at)
        data = change_form_data(
            self.client,
            review,
            **{
                "preview_links-TOTAL_FORMS": "2",
                "preview_links-INITIAL_FORMS": "1",
                "preview_links-0-id": str(self.link.pk),
                "preview_links-0-review": str(review.pk),
                "preview_links-0-expires_at_0": f"{current:%Y-%m-%d}",
                "preview_links-0-expires_at_1": f"{current:%H:%M:%S}",
                "preview_links-0-revoke": "on",
                "preview_links-1-review": str(review.pk),
                "preview_links-1-expires_at_0": f"{expires:%Y-%m-%d}",
                "preview_links-1-expires_at_1": f"{expires:%H:%M:%S}",
            },
        )
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.revoked_at)
        new = review.preview_links.exclude(pk=self.link.pk).get()
        self.assertEqual(new.created_by, self.editor)
        self.assertTrue(new.is_usable())
        page = self.client.get(f"/admin/reviews/review/{review.pk}/change/")
        self.assertContains(page, new.get_absolute_url())

    def test_the_admin_shows_each_links_full_address_to_copy(self):
        self.client.force_login(self.editor)
        page = self.client.get(f"/admin/reviews/review/{self.draft.pk}/change/")
        address = "http://127.0.0.1:8000" + self.link.get_absolute_url()
        self.assertContains(
            page,
            f'<input type="text" class="vTextField kdr-copy__address" readonly value="{address}" '
            'aria-label="Preview link address">',
            html=True,
        )
        self.assertContains(page, "/static/admin/kdr/desk/fields.js")  # draws the copy button
        self.assertContains(page, "works until")

    def test_a_revoked_link_stays_revoked_whatever_is_posted(self):
        self.link.revoked_at = timezone.now()
        self.link.save()
        self.client.force_login(self.editor)
        review = Review.objects.get(pk=self.draft.pk)
        page = self.client.get(f"/admin/reviews/review/{review.pk}/change/")
        inline = page.context["inline_admin_formsets"][-1].formset.forms[0]
        self.assertTrue(inline.fields["expires_at"].disabled and inline.fields["revoke"].disabled)
        self.assertContains(page, "revoked ")
        later = timezone.localtime() + timedelta(days=30)
        data = change_form_data(
            self.client,
            review,
            **{
                "preview_links-TOTAL_FORMS": "1",
                "preview_links-INITIAL_FORMS": "1",
                "preview_links-0-id": str(self.link.pk),
                "preview_links-0-review": str(review.pk),
                "preview_links-0-expires_at_0": f"{later:%Y-%m-%d}",
                "preview_links-0-expires_at_1": f"{later:%H:%M:%S}",
            },
        )
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        before = self.link.expires_at
        self.link.refresh_from_db()
        self.assertEqual(self.link.expires_at, before)
        self.assertIsNotNone(self.link.revoked_at)
        self.client.logout()  # as the person the link was sent to
        self.assert_expired_page(self.client.get(self.link.get_absolute_url()))


class StaffPreviewTests(TestCase):
    def test_staff_who_may_view_reviews_preview_any_state(self):
        viewer = make_role_user("Desk", "desk")
        reviews = [
            make_review("Draft", published=False),
            make_review("In review", status=Review.Status.REVIEW),
            make_review(
                "Scheduled",
                status=Review.Status.SCHEDULED,
                published_at=timezone.now() + timedelta(days=1),
            ),
        ]
        self.client.force_login(viewer)
        for review in reviews:
            with self.subTest(review=review.title):
                response = self.client.get(review.get_absolute_url())
                self.assertContains(response, "Preview:")
                self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.client.force_login(make_user())  # an account without the permission
        for review in reviews:
            self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 404)


class PreviewSecretTests(TestCase):
    def test_the_secret_link_is_never_the_pages_canonical_or_shared_address(self):
        link = PreviewLink.objects.create(
            review=make_review("Draft", published=False),
            expires_at=timezone.now() + timedelta(days=1),
        )
        response = self.client.get(link.get_absolute_url())
        html = response.content.decode()
        self.assertNotIn(link.get_absolute_url(), html)
        self.assertIn('<link rel="canonical" href="http://testserver/">', html)
