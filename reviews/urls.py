from django.urls import path

from . import feeds, views

app_name = "reviews"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front_page"),
    path("reviews/<str:slug>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("columns/<str:slug>/", views.ColumnDetailView.as_view(), name="column_detail"),
    path("dramas/", views.DramaListView.as_view(), name="drama_list"),
    path("dramas/<str:slug>/", views.DramaDetailView.as_view(), name="drama_detail"),
    path(
        "dramas/<str:drama_slug>/characters/<str:slug>/",
        views.CharacterDetailView.as_view(),
        name="character_detail",
    ),
    path("quotes/", views.QuoteListView.as_view(), name="quote_list"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/reviews/", feeds.ReviewFeed(), name="feed_rss"),
    path("feeds/reviews/atom/", feeds.ReviewAtomFeed(), name="feed_atom"),
    path("feeds/columns/<str:slug>/", feeds.ColumnFeed(), name="column_feed_rss"),
    path("feeds/columns/<str:slug>/atom/", feeds.ColumnAtomFeed(), name="column_feed_atom"),
    path("feeds/tags/<str:slug>/", feeds.TagFeed(), name="tag_feed_rss"),
    path("feeds/tags/<str:slug>/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("feeds/authors/<str:slug>/", feeds.AuthorFeed(), name="author_feed_rss"),
    path("feeds/authors/<str:slug>/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("sitemap-news.xml", views.NewsSitemapView.as_view(), name="news_sitemap"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    path(
        "social/reviews/<int:pk>/<str:digest>.jpg",
        views.SocialCardView.as_view(),
        name="social_card",
    ),
    path(
        "desk/calendar/<str:key>.ics",
        views.DeskCalendarFeedView.as_view(),
        name="desk_calendar_feed",
    ),
]
