from django.urls import path

from yankao.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("map/", views.ticket_map, name="map"),
    path("map.geojson", views.ticket_map_geojson, name="map-geojson"),
    path("statistics/", views.ticket_statistics, name="statistics"),
    path("<id:pk>/", views.ticket_detail, name="ticket"),
    path("<id:pk>/acknowledge/", views.ticket_acknowledge, name="acknowledge"),
    path("<id:pk>/report/", views.ticket_report, name="report"),
    path("<id:pk>/reporter/", views.ticket_reporter, name="reporter"),
    path("<id:pk>/photos/<id:photo_pk>/", views.ticket_photo, name="photo"),
]
