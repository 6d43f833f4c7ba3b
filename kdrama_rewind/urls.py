from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from kdrama_rewind.caching.pages import public_page
from kdrama_rewind.media.serving import media
from kdrama_rewind.web.icons import favicon, web_manifest
from kdrama_rewind.web.signin import ThrottledAdminAuthenticationForm
from people.sitemaps import AuthorSitemap, PersonSitemap
from reviews.pages import EditorialPageView
from reviews.sitemaps import (
    CharacterSitemap,
    ColumnSitemap,
    DramaSitemap,
    PageSitemap,
    ReviewSitemap,
    TagSitemap,
)

sitemaps = {
    "reviews": ReviewSitemap,
    "dramas": DramaSitemap,
    "characters": CharacterSitemap,
    "people": PersonSitemap,
    "authors": AuthorSitemap,
    "columns": ColumnSitemap,
    "tags": TagSitemap,
    "pages": PageSitemap,
}

admin.site.site_header = "K-Drama Rewind newsroom"
admin.site.site_title = "K-Drama Rewind admin"
admin.site.index_title = "Write, edit and schedule"
admin.site.login_form = ThrottledAdminAuthenticationForm

handler500 = "kdrama_rewind.web.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("site.webmanifest", web_manifest, name="web_manifest"),
    # An index of sections, each in pages of its Sitemap.limit addresses, so
    # search engines reach the whole archive, however large.
    path(
        "sitemap.xml",
        public_page(sitemap_views.index, params=("p",)),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemaps/<slug:section>.xml",
        public_page(sitemap_views.sitemap, params=("p",)),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("", include("people.urls")),
    path("", include("reviews.urls")),
]

# Uploaded images, served with headers that keep them from running as pages
# (a CDN or the front web server may serve MEDIA_ROOT instead, with the same).
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media))

# Flat editorial pages (/about/, /privacy/, …) at whatever address an editor
# gives them; every other address of the site comes first.
urlpatterns.append(
    path("<path:url>", public_page(EditorialPageView.as_view()), name="flatpage"),
)
