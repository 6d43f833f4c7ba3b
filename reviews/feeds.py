from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Review

FEED_LENGTH = 30


class LatestReviewsFeed(Feed):
    title = settings.SITE_NAME
    link = reverse_lazy("reviews:front_page")
    description = "The newest reviews from the K-drama desk."

    def items(self):
        return Review.objects.published().for_cards().prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_author_name(self, item):
        return item.author.name

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_updated

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestReviewsAtomFeed(LatestReviewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestReviewsFeed.description
