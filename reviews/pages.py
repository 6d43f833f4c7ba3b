"""Flat editorial pages: about, contact, the corrections policy, privacy,
terms, and any other page an editor adds under *Flat pages* in the admin.

A page's text is Markdown, rendered and sanitized exactly like a review's
body. Pages live at their own address (``/about/``): the site's other
addresses win, and the admin refuses a page at an address another page of
the site already answers. The site is one site (see
``kdrama_rewind/web/sites.py``), so a page is looked up by its address alone.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import DetailView

from .markdown import render_markdown


def default_site() -> Site:
    """The site every page belongs to (the sites framework wants one)."""
    site = Site.objects.order_by("pk").first()
    if site is None:
        site = Site.objects.create(domain="localhost", name=settings.SITE_NAME)
    return site


class EditorialPageView(DetailView):
    context_object_name = "flatpage"
    template_name = "flatpages/flatpage_detail.html"

    def get(self, request, *args, **kwargs):
        url = "/" + kwargs["url"].lstrip("/")
        if not url.endswith("/"):
            if FlatPage.objects.filter(url=f"{url}/").exists():
                return HttpResponsePermanentRedirect(f"{request.path}/")
            raise Http404("No page at this address.")
        self.object = FlatPage.objects.filter(url=url).first()
        if self.object is None:
            raise Http404("No page at this address.")
        if self.object.registration_required and not request.user.is_authenticated:
            return redirect_to_login(request.path)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(content_html=render_markdown(self.object.content), **kwargs)
