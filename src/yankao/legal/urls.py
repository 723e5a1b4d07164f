"""The citizen's booking pages under /legal/ and the consultation desk under /legal/desk/."""

from django.urls import path

from yankao.legal import report_views, views

app_name = "legal"
urlpatterns = [
    path("", views.venues, name="venues"),
    path("booking/", views.look_up, name="look-up"),
    path("booking/cancel/", views.cancel, name="cancel"),
    path("booking/confirm/", views.confirm, name="confirm"),
    path("session/<id:pk>/", views.book, name="book"),
    path("desk/", views.desk, name="desk"),
    path("desk/rota/", views.rota, name="rota"),
    path("desk/lawyers/", views.lawyers, name="lawyers"),
    path("desk/counts/", report_views.counts, name="counts"),
    path("desk/session/<id:pk>/", views.sheet, name="sheet"),
    path("desk/session/<id:pk>/personal-data/", views.sheet_personal_data, name="personal-data"),
    path("desk/session/<id:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("desk/session/<id:pk>/lawyer/", views.session_lawyer, name="session-lawyer"),
    path("desk/session/<id:pk>/book/", views.desk_book, name="desk-book"),
    path(
        "desk/session/<id:pk>/booking/<id:booking_pk>/outcome/",
        views.booking_outcome,
        name="booking-outcome",
    ),
    path(
        "desk/session/<id:pk>/booking/<id:booking_pk>/cancel/",
        views.booking_cancel,
        name="booking-cancel",
    ),
    path(
        "desk/session/<id:pk>/booking/<id:booking_pk>/release/",
        views.booking_release,
        name="booking-release",
    ),
    # Last: a venue's key is any slug.
    path("<slug:key>/", views.venue_days, name="venue"),
]
