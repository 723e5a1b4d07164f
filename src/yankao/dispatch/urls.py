from django.urls import path

from yankao.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("map/", views.ticket_map, name="map"),
    path("map.geojson", views.ticket_map_geojson, name="map-geojson"),
    path("statistics/", views.ticket_statistics, name="statistics"),
    path("<int:pk>/", views.ticket_detail, name="ticket"),
    path("<int:pk>/acknowledge/", views.ticket_acknowledge, name="acknowledge"),
    path("<int:pk>/report/", views.ticket_report, name="report"),
    path("<int:pk>/reporter/", views.ticket_reporter, name="reporter"),
    path("<int:pk>/photos/<int:photo_pk>/", views.ticket_photo, name="photo"),
]
