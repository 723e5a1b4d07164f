from django.urls import path

from yankao.tracking import views

app_name = "tracking"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="item-action"),
]
