"""Staff pages of the knowledge base, under /knowledge/."""

from django.urls import path

from yankao.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.article_new, name="article-new"),
    path("review/", views.review_list, name="review"),
    path("<id:pk>/", views.article_detail, name="article"),
    path("<id:pk>/edit/", views.article_edit, name="article-edit"),
    path("<id:pk>/approve/", views.article_approve, name="article-approve"),
    path("<id:pk>/archive/", views.article_archive, name="article-archive"),
    path("<id:pk>/discard/", views.article_discard, name="article-discard"),
]
