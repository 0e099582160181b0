"""URLs of dissemination (mounted at /events/); each views module exports its own urlpatterns."""

from .views import calendars, lessons, manage, public, publications, reach, registrations

app_name = "dissemination"

urlpatterns = [
    *manage.urlpatterns,
    *registrations.urlpatterns,
    *publications.urlpatterns,
    *lessons.urlpatterns,
    *reach.urlpatterns,
    *calendars.urlpatterns,
    # Last: its <int:pk>/ patterns must not shadow the fixed paths above.
    *public.urlpatterns,
]
