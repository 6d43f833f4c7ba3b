from django.urls import path

from kdrama_rewind.caching.pages import public_list, public_page

from . import calendar_feed, feeds, front_page, indexes, views

app_name = "reviews"

urlpatterns = [
    path("", public_list(front_page.FrontPageView.as_view()), name="front_page"),
    path("reviews/", public_list(indexes.ReviewIndexView.as_view()), name="review_list"),
    path(
        "reviews/<str:slug>/", public_page(views.ReviewDetailView.as_view()), name="review_detail"
    ),
    path("columns/", public_list(indexes.ColumnIndexView.as_view()), name="column_list"),
    path(
        "columns/<str:slug>/", public_list(views.ColumnDetailView.as_view()), name="column_detail"
    ),
    path(
        "dramas/",
        public_page(views.DramaListView.as_view(), params=("page", "genre", "network", "year")),
        name="drama_list",
    ),
    path("dramas/<str:slug>/", public_page(views.DramaDetailView.as_view()), name="drama_detail"),
    path(
        "dramas/<str:drama_slug>/characters/<str:slug>/",
        public_page(views.CharacterDetailView.as_view()),
        name="character_detail",
    ),
    path("quotes/", public_list(views.QuoteListView.as_view()), name="quote_list"),
    path("tags/", public_list(indexes.TagIndexView.as_view()), name="tag_list"),
    path("tags/<str:slug>/", public_list(views.TagDetailView.as_view()), name="tag_detail"),
    path("search/", public_page(views.SearchView.as_view(), params=("q", "page")), name="search"),
    path("feeds/reviews/", public_page(feeds.ReviewFeed()), name="feed_rss"),
    path("feeds/reviews/atom/", public_page(feeds.ReviewAtomFeed()), name="feed_atom"),
    path("feeds/columns/<str:slug>/", public_page(feeds.ColumnFeed()), name="column_feed_rss"),
    path(
        "feeds/columns/<str:slug>/atom/",
        public_page(feeds.ColumnAtomFeed()),
        name="column_feed_atom",
    ),
    path("feeds/tags/<str:slug>/", public_page(feeds.TagFeed()), name="tag_feed_rss"),
    path("feeds/tags/<str:slug>/atom/", public_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
    path("feeds/authors/<str:slug>/", public_page(feeds.AuthorFeed()), name="author_feed_rss"),
    path(
        "feeds/authors/<str:slug>/atom/",
        public_page(feeds.AuthorAtomFeed()),
        name="author_feed_atom",
    ),
    path("robots.txt", public_page(views.RobotsView.as_view()), name="robots"),
    path("sitemap-news.xml", public_page(views.NewsSitemapView.as_view()), name="news_sitemap"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    path(
        "social/reviews/<int:pk>/<str:digest>.jpg",
        views.SocialCardView.as_view(),
        name="social_card",
    ),
    path(
        "desk/calendar/<str:key>.ics",
        calendar_feed.DeskCalendarFeedView.as_view(),
        name="desk_calendar_feed",
    ),
]
