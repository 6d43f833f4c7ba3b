from django.contrib.sitemaps import Sitemap

from kdrama_rewind.caching.dependencies import depends_on

from .models import Author, Person


class PersonSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        depends_on("list:people")
        return Person.objects.only("slug", "modified_at").order_by("pk")

    def lastmod(self, person):
        return person.modified_at


class AuthorSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        depends_on("list:authors")
        return Author.objects.only("slug", "modified_at").order_by("pk")

    def lastmod(self, author):
        return author.modified_at
