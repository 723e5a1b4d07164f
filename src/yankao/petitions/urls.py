"""Staff pages, under /petitions/."""

from django.urls import path

from yankao.petitions import views

app_name = "petitions"
urlpatterns = [
    path("new/", views.intake, name="intake"),
    path("<int:pk>/", views.petition_detail, name="petition"),
    path("<int:pk>/personal-data/", views.petition_personal_data, name="personal-data"),
    path("<int:pk>/close-unhandled/", views.petition_close_unhandled, name="close-unhandled"),
]
