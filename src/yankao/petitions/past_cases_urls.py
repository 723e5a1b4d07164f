"""Similar past cases, under /search/ (the namespace staff links have always used)."""

from django.urls import path

from yankao.petitions import past_cases as views

app_name = "search"
urlpatterns = [
    path("cases/", views.similar_cases, name="cases"),
    path("cases/partial/", views.similar_cases_partial, name="cases-partial"),
]
