"""Reads for the publications pages (see the app README)."""

from datetime import timedelta
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import DownloadCount, Publication, PublicationFile
from ..permissions.base import can_organise, organised_scope
from ..permissions.publications import publication_moves_for

PANEL = "publication_organiser_panel"
RECENT_DAYS = 30


def publication_downloads(*, publication: Publication) -> dict[str, int]:
    """Downloads of the publication's file counted by the portal (organisers' own downloads are
    not counted): in all, and in the last 30 days including today (Stockholm dates)."""
    since = timezone.localdate() - timedelta(days=RECENT_DAYS - 1)
    totals = DownloadCount.objects.filter(publication_id=publication.pk).aggregate(
        total=Coalesce(Sum("count"), Value(0), output_field=IntegerField()),
        recent=Coalesce(
            Sum("count", filter=Q(day__gte=since)), Value(0), output_field=IntegerField()
        ),
    )
    return {"total": int(totals["total"]), "recent": int(totals["recent"])}


def publication_organiser_context(*, user: Any, publication: Publication) -> dict[str, Any]:
    """The organisers' panel on a publication page: edit, publish or withdraw, reach.

    Rendered by `templates/dissemination/partials/publication_organiser_panel.html`; every key
    starts with `publication_organiser_panel_`. For anyone who does not organise the
    publication the panel is empty (`..._show` is False) and costs no query beyond the role
    check."""
    if not can_organise(user, publication):
        return {f"{PANEL}_show": False}
    moves = publication_moves_for(user, publication)
    downloads = publication_downloads(publication=publication)
    return {
        f"{PANEL}_show": True,
        f"{PANEL}_publication": publication,
        f"{PANEL}_can_publish": "publish" in moves,
        f"{PANEL}_can_withdraw": "withdraw" in moves,
        f"{PANEL}_file": PublicationFile.objects.filter(publication_id=publication.pk).first(),
        f"{PANEL}_downloads_total": downloads["total"],
        f"{PANEL}_downloads_recent": downloads["recent"],
        f"{PANEL}_recent_days": RECENT_DAYS,
    }


def publications_organised_by(*, user: Any) -> QuerySet[Publication]:
    """Every publication the user organises, in every state, newest first, each with its
    region, `has_file` and `downloads` (counted by the portal), in one query (for the
    organisers' overview)."""
    downloads = (
        DownloadCount.objects.filter(publication=OuterRef("pk"))
        .values("publication")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return (
        Publication.objects.filter(organised_scope(user))
        .select_related("region")
        .annotate(
            has_file=Exists(PublicationFile.objects.filter(publication=OuterRef("pk"))),
            downloads=Coalesce(Subquery(downloads), Value(0), output_field=IntegerField()),
        )
        .order_by("-published_on", "-id")
    )
