from django.urls import path

from kdrama_rewind.caching.pages import public_list

from . import views

app_name = "people"

urlpatterns = [
    path("people/", public_list(views.PersonIndexView.as_view()), name="person_list"),
    path("people/<str:slug>/", public_list(views.PersonDetailView.as_view()), name="person_detail"),
    path("authors/", public_list(views.AuthorIndexView.as_view()), name="author_list"),
    path(
        "authors/<str:slug>/", public_list(views.AuthorDetailView.as_view()), name="author_detail"
    ),
    path("newsletter/", views.NewsletterView.as_view(), name="newsletter"),
    path(
        "newsletter/check-your-inbox/",
        views.NewsletterSentView.as_view(),
        name="newsletter_sent",
    ),
    path(
        "newsletter/confirm/<str:token>/",
        views.NewsletterConfirmView.as_view(),
        name="newsletter_confirm",
    ),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.NewsletterUnsubscribeView.as_view(),
        name="newsletter_unsubscribe",
    ),
]
