"""Demo publications, written through the publication services as the region's coordinator (the
portal admin for national ones) would: podcast episodes, reports (one with a PDF file kept by
the portal), an article, a website and a recording, their reach logged per quarter, and a few
downloads of the PDF counted by the portal today."""

import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from obstacles.models import Obstacle
from obstacles.workflow import ObstacleStatus
from partnerships.demo import DEMO_NAMESPACE
from partnerships.models import Partnership

from ..models import Publication
from ..services.publications import download_record, publication_create
from ..services.reach import reach_record
from .content import PUBLICATIONS
from .dates import counted_on, day_in_quarter, quarter_end, quarter_start, today
from .pdf import report_pdf
from .people import DemoCast, organiser_of
from .specs import PublicationSpec

LISTENER_NOTES = "Lyssnare under kvartalet enligt poddplattformens statistik."


def _token(title: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"publication:{title}"))


def _upload(spec: PublicationSpec) -> SimpleUploadedFile | None:
    if not spec.pdf:
        return None
    title, *paragraphs = spec.pdf
    return SimpleUploadedFile(
        "slutrapport-innovationsaccelerator.pdf",
        report_pdf(title, tuple(paragraphs)),
        content_type="application/pdf",
    )


def _create(cast: DemoCast, spec: PublicationSpec) -> Publication:
    region = cast.region(spec.region)
    partnerships = Partnership.objects.filter(title__in=spec.partnerships)
    if region is not None:
        partnerships = partnerships.filter(region=region)
    return publication_create(
        actor=organiser_of(cast, spec.region),
        kind=spec.kind,
        title=spec.title,
        summary=spec.summary,
        published_on=day_in_quarter(spec.quarters_ago, spec.day_in_quarter),
        link=spec.link,
        region=region,
        language=spec.language,
        partnerships=list(partnerships.order_by("pk")),
        obstacles=list(
            Obstacle.objects.filter(
                title__in=spec.obstacles, status=ObstacleStatus.PUBLISHED
            ).order_by("pk")
        ),
        upload=_upload(spec),
        publish=spec.published,
        client_token=_token(spec.title),
    )


def _log_reach(cast: DemoCast, spec: PublicationSpec, publication: Publication) -> None:
    organiser = organiser_of(cast, spec.region)
    # Listeners as the podcast platform reports them: one figure per quarter, counted on the
    # quarter's last day (today for this quarter), from the episode's own quarter on.
    quarter = quarter_start(publication.published_on)
    for value in spec.listeners:
        if quarter > today():
            break
        reach_record(
            actor=organiser,
            metric="listeners",
            value=value,
            counted_on=counted_on(quarter_end(quarter), 0),
            publication=publication,
            notes=LISTENER_NOTES,
        )
        quarter = quarter_end(quarter) + dt.timedelta(days=1)
    for figure in spec.figures:
        reach_record(
            actor=organiser,
            metric=figure.metric,
            value=figure.value,
            counted_on=counted_on(publication.published_on, figure.days_after),
            publication=publication,
            notes=figure.notes,
        )
    for _ in range(spec.portal_downloads):
        download_record(publication=publication)


def _seed_publication(cast: DemoCast, spec: PublicationSpec) -> Publication:
    publication = _create(cast, spec)
    if spec.published:
        _log_reach(cast, spec, publication)
    return publication


def seed_publications(cast: DemoCast) -> list[Publication]:
    """The demo publications; one whose title exists (an earlier run) is left as it is."""
    titles = [spec.title for spec in PUBLICATIONS]
    existing = set(Publication.objects.filter(title__in=titles).values_list("title", flat=True))
    return [_seed_publication(cast, spec) for spec in PUBLICATIONS if spec.title not in existing]
