"""The citizen's pages, under /mailbox/: no sign-in."""

from django.urls import path

from yankao.petitions import mailbox

app_name = "mailbox"
urlpatterns = [
    path("", mailbox.write, name="write"),
    path("sent/", mailbox.sent, name="sent"),
    path("confirm/<str:token>/", mailbox.confirm, name="confirm"),
    path("track/", mailbox.track, name="track"),
    path("track/rate/", mailbox.rate, name="rate"),
]
