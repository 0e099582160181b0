"""URLs of the obstacle register; each views module exports its own urlpatterns."""

from .views import entries, knowledge, links, mitigations, public, review

app_name = "obstacles"

urlpatterns = [
    *entries.urlpatterns,
    *review.urlpatterns,
    *knowledge.urlpatterns,
    *mitigations.urlpatterns,
    *links.urlpatterns,
    # Last: its <int:pk>/ patterns must not shadow the fixed paths above.
    *public.urlpatterns,
]
