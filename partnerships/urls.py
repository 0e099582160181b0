"""Co-sharing URLs: each views module carries its own patterns (see the app README)."""

from .views import agreements, dashboards, guide, process, proposals, summary

app_name = "partnerships"

urlpatterns = [
    *dashboards.urlpatterns,
    *proposals.urlpatterns,
    *process.urlpatterns,
    *agreements.urlpatterns,
    *guide.urlpatterns,
    *summary.urlpatterns,
]
