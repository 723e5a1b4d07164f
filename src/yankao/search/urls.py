"""Search pages, under /search/."""

from django.urls import path

from yankao.search import views

app_name = "search"
urlpatterns = [
    path("cases/", views.similar_cases, name="cases"),
    path("cases/partial/", views.similar_cases_partial, name="cases-partial"),
]
