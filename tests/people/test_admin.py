from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from people.models import Author, Person, Subscriber
from tests.admin_smoke import AdminSmokeMixin
from tests.factories import image_bytes, image_upload, make_author, make_person, make_user


class PeopleAdminTests(AdminSmokeMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", superuser=True)
        cls.person = make_person("Shin Se-kyung", hangul_name="신세경", aliases="Shin Se-kyeong")
        cls.author = make_author("Mina Park", user=cls.admin)
        cls.subscriber = Subscriber.objects.create(email="reader@example.com")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_every_admin_page_opens(self):
        for obj in (self.person, self.author, self.subscriber):
            self.assert_admin_pages_open(obj)

    def test_person_changelist_query_count_does_not_grow(self):
        # session, user, count, filtered count, page of people
        with self.assertNumQueries(5):
            self.client.get("/admin/people/person/")
        for i in range(10):
            make_person(
                f"Extra {i}", photo=image_upload(f"p{i}.jpg", size=(300, 300)), photo_alt="x"
            )
        with self.assertNumQueries(5):
            response = self.client.get("/admin/people/person/")
        self.assertContains(response, 'class="kdr-thumb"')

    def test_author_changelist_query_count_does_not_grow(self):
        # session, user, count, filtered count, authors with their logins
        with self.assertNumQueries(5):
            self.client.get("/admin/people/author/")
        for i in range(10):
            make_author(f"Writer {i}", user=make_user(f"writer{i}"))
        with self.assertNumQueries(5):
            self.client.get("/admin/people/author/")

    def test_search_finds_a_person_by_alias_and_hangul(self):
        for query in ("Se-kyeong", "신세경"):
            with self.subTest(query=query):
                response = self.client.get("/admin/people/person/", {"q": query})
                self.assertContains(response, "Shin Se-kyung")

    def test_people_autocomplete_costs_a_fixed_number_of_queries(self):
        url = "/admin/autocomplete/"
        params = {
            "app_label": "reviews",
            "model_name": "review",
            "field_name": "featured_people",
            "term": "shin",
        }
        # session, user, page of matching people (counted by the paginator)
        with self.assertNumQueries(4):
            response = self.client.get(url, params)
        self.assertEqual([r["text"] for r in response.json()["results"]], ["Shin Se-kyung"])

    def test_adding_a_person_with_a_photo_keeps_the_original_and_makes_renditions(self):
        original = image_bytes(size=(900, 1200))
        upload = image_upload("im.jpg", size=(900, 1200))
        response = self.client.post(
            "/admin/people/person/add/",
            {
                "name": "Im Si-wan",
                "hangul_name": "임시완",
                "aliases": "Yim Si-wan\n\n  Im Siwan ",
                "slug": "im-si-wan",
                "photo": upload,
                "photo_alt": "Portrait",
                "bio": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(slug="im-si-wan")
        self.assertEqual(person.alias_list, ["Yim Si-wan", "Im Siwan"])
        with default_storage.open(person.photo.name, "rb") as stored:
            self.assertEqual(stored.read(), original)
        self.assertTrue(all(default_storage.exists(r.name) for r in person.photo.renditions))

    def test_a_photo_without_alt_text_is_refused_with_a_clear_message(self):
        response = self.client.post(
            "/admin/people/person/add/",
            {"name": "No Alt", "slug": "no-alt", "photo": image_upload("n.jpg", size=(100, 100))},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Add alt text describing the photo.")
        self.assertFalse(Person.objects.filter(slug="no-alt").exists())

    def test_a_bad_photo_is_refused_and_nothing_is_saved(self):
        cases = {
            "a GIF": SimpleUploadedFile("a.gif", image_bytes(size=(20, 20), format="GIF")),
            "a JPEG named .png": SimpleUploadedFile("a.png", image_bytes(size=(20, 20))),
            "text": SimpleUploadedFile("a.jpg", b"hello"),
        }
        for case, upload in cases.items():
            with self.subTest(case=case):
                response = self.client.post(
                    "/admin/people/person/add/",
                    {"name": "Bad", "slug": "bad", "photo": upload, "photo_alt": "x"},
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["adminform"].form.errors["photo"])
        self.assertFalse(Person.objects.filter(slug="bad").exists())
        self.assertEqual(Author.objects.count(), 1)

    def test_change_pages_cost_a_fixed_number_of_queries(self):
        pages = {
            # session, user, the person
            f"/admin/people/person/{self.person.pk}/change/": 3,
            # session, user, the author, and the login that labels the user picker
            f"/admin/people/author/{self.author.pk}/change/": 4,
        }
        for url, expected in pages.items():
            with self.subTest(url=url):
                self.client.get(url)  # content types are cached from the first page on
                with self.assertNumQueries(expected):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_subscriber_list_cost_does_not_grow(self):
        # session, user, count, filtered count, the page, and the date hierarchy's
        # first and last dates and the dates between
        with self.assertNumQueries(7):
            self.client.get("/admin/people/subscriber/")
        for i in range(10):
            Subscriber.objects.create(email=f"reader{i}@example.com")
        with self.assertNumQueries(7):
            response = self.client.get("/admin/people/subscriber/", {"q": "reader"})
        self.assertContains(response, "reader9@example.com")


class UserDatesTests(TestCase):
    """The user form's dates stay where a page can show them: a date in
    year 1 saved, the user's own page failed from then on."""

    def test_a_joining_date_outside_the_sites_years_is_refused(self):
        root = make_user("root", superuser=True)
        other = make_user("mina")
        self.client.force_login(root)
        url = f"/admin/auth/user/{other.pk}/change/"
        form = self.client.get(url).context["adminform"].form
        data = {
            "username": "mina",
            "is_active": "on",
            "date_joined_0": "0001-01-01",
            "date_joined_1": "00:00:00",
            "last_login_0": "9999-12-31",
            "last_login_1": "23:59:59",
            **{name: "" for name in ("first_name", "last_name", "email")},
        }
        self.assertIn("date_joined", form.fields)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors
        self.assertIn("date_joined", errors)
        self.assertIn("last_login", errors)
        other.refresh_from_db()
        self.assertGreater(other.date_joined.year, 2000)
        self.assertEqual(self.client.get(url).status_code, 200)
        data.update(date_joined_0="2024-05-01", last_login_0="2025-01-02")
        self.assertEqual(self.client.post(url, data).status_code, 302)
        other.refresh_from_db()
        self.assertEqual(other.date_joined.year, 2024)
