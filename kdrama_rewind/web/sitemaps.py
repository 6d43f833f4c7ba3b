"""Sitemaps whose newest change the database works out.

The sitemap index dates each section by its newest change. Django finds it
by reading every item of the section and asking each for its date: at
100,000 reviews (and 20,000 people, 20,000 characters) the index took 4 s
to make. A :class:`DatedSitemap` names the expression its items are dated
by, and the newest is one aggregate.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max


class DatedSitemap(Sitemap):
    """A sitemap whose items are dated by ``dated_by`` (a field name or an
    expression of the items' model), which ``lastmod`` returns."""

    dated_by = None

    def get_latest_lastmod(self):
        return self.items().order_by().aggregate(newest=Max(self.dated_by))["newest"]
