"""Flat editorial pages: written in the admin, shown at their address."""

from io import StringIO

from django.contrib.flatpages.models import FlatPage
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings

from tests.admin_smoke import AdminSmokeMixin
from tests.factories import make_user

FOOTER_PAGES = ["/about/", "/contact/", "/corrections-policy/", "/privacy/", "/terms/"]


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = FlatPage.objects.create(
            url="/about/",
            title="About the desk",
            content="We watch **every** episode.\n\n<script>alert(1)</script>\n\n"
            "[Write to us](javascript:alert(1))",
        )

    def test_the_page_is_its_markdown_rendered_and_sanitized(self):
        response = self.client.get("/about/")
        self.assertContains(response, "<h1>About the desk</h1>", html=True)
        self.assertContains(response, "<strong>every</strong>")
        self.assertNotContains(response, "<script>alert")
        self.assertNotRegex(response.content.decode(), r"href=\"javascript")
        self.assertContains(response, "<title>About the desk | K-Drama Rewind</title>")

    def test_an_address_without_its_slash_is_redirected_and_an_unknown_one_is_404(self):
        self.assertRedirects(self.client.get("/about"), "/about/", status_code=301)
        response = self.client.get("/nothing-here/")
        self.assertContains(response, "We couldn’t find that page", status_code=404)
        self.assertEqual(self.client.get("/nothing-here").status_code, 404)

    def test_a_page_for_staff_only_asks_readers_to_sign_in(self):
        FlatPage.objects.create(url="/desk-notes/", title="Notes", registration_required=True)
        response = self.client.get("/desk-notes/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
        self.client.force_login(make_user(staff=True))
        self.assertContains(self.client.get("/desk-notes/"), "Notes")

    def test_one_query(self):
        with self.assertNumQueries(1):  # the page by its address
            self.client.get("/about/")

    @override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300)
    def test_cached_and_fresh_after_an_edit(self):
        cache.clear()
        self.client.get("/about/")
        with self.assertNumQueries(0):
            self.client.get("/about/")
        with self.captureOnCommitCallbacks(execute=True):
            self.page.title = "About us"
            self.page.save()
        self.assertContains(self.client.get("/about/"), "<h1>About us</h1>", html=True)


class PageAdminTests(AdminSmokeMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)
        cls.page = FlatPage.objects.create(url="/terms/", title="Terms", content="Be kind.")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_every_admin_page_opens(self):
        self.assert_admin_pages_open(self.page)

    def test_an_editor_adds_a_page_in_markdown(self):
        response = self.client.post(
            "/admin/flatpages/flatpage/add/",
            {"url": "/privacy/", "title": "Privacy", "content": "We keep *little*."},
        )
        self.assertEqual(response.status_code, 302)
        page = FlatPage.objects.get(url="/privacy/")
        self.assertEqual(page.sites.count(), 1)
        self.assertContains(self.client.get("/privacy/"), "We keep <em>little</em>.")

    def test_an_address_the_site_already_uses_is_refused(self):
        for url in ["/reviews/", "/admin/", "/terms/"]:
            with self.subTest(url=url):
                response = self.client.post(
                    "/admin/flatpages/flatpage/add/", {"url": url, "title": "X", "content": "x"}
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["adminform"].form.errors["url"])
        self.assertEqual(FlatPage.objects.count(), 1)


class DemoPagesTests(TestCase):
    def test_the_demo_writes_every_footer_page_once_and_keeps_an_editors_changes(self):
        call_command("load_demo", stdout=StringIO())
        for url in FOOTER_PAGES:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'href="{url}"')  # the footer links it
        FlatPage.objects.filter(url="/about/").update(content="Edited by the desk.")
        out = StringIO()
        call_command("load_demo", stdout=out)
        self.assertIn("nothing changed", out.getvalue())
        self.assertContains(self.client.get("/about/"), "Edited by the desk.")
