from django.urls import path

from yankao.tracking import views

app_name = "tracking"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("items/<id:pk>/", views.item_detail, name="item"),
    path("items/<id:pk>/<slug:action>/", views.item_action, name="item-action"),
]
