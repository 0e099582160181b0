"""/reports/: asking for a PDF, following its progress and downloading it (see views.py)."""

from .views import urlpatterns

app_name = "reports"

__all__ = ["app_name", "urlpatterns"]
