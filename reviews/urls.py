from django.urls import path

from . import feeds, views

app_name = "reviews"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front_page"),
    path("reviews/<str:slug>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("columns/<str:slug>/", views.ColumnDetailView.as_view(), name="column_detail"),
    path("dramas/", views.DramaListView.as_view(), name="drama_list"),
    path("dramas/<str:slug>/", views.DramaDetailView.as_view(), name="drama_detail"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/reviews/", feeds.LatestReviewsFeed(), name="feed_rss"),
    path("feeds/reviews/atom/", feeds.LatestReviewsAtomFeed(), name="feed_atom"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    path(
        "desk/calendar/<str:key>.ics",
        views.DeskCalendarFeedView.as_view(),
        name="desk_calendar_feed",
    ),
]
