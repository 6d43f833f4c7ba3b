from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/<str:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("authors/<str:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("newsletter/", views.NewsletterView.as_view(), name="newsletter"),
]
