# Wired into portal/urls.py now; the views arrive with the issue that builds this app.
from django.urls import URLPattern

app_name = "reports"

urlpatterns: list[URLPattern] = []
