from kdrama_rewind.caching.dependencies import depends_on
from kdrama_rewind.web.sitemaps import DatedSitemap

from .models import Author, Person


class PersonSitemap(DatedSitemap):
    changefreq = "monthly"
    limit = 5000
    dated_by = "modified_at"

    def items(self):
        depends_on("list:people")
        return Person.objects.only("slug", "modified_at").order_by("pk")

    def lastmod(self, person):
        return person.modified_at


class AuthorSitemap(DatedSitemap):
    changefreq = "weekly"
    dated_by = "modified_at"

    def items(self):
        depends_on("list:authors")
        return Author.objects.only("slug", "modified_at").order_by("pk")

    def lastmod(self, author):
        return author.modified_at
