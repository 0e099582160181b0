"""The objects the URL walk opens: the demo world (`seed_demo`) plus the few rows it lacks.

Every object is owned by ONE organisation in ONE region, so that the walk's roles mean what
they say: Nordic Medtech AB (company@) is the owning organisation, CareSense AB (caresense@)
another one; Region Östergötland is the region (coordinator.ostergotland@, sponsor.ostergotland@),
Region Västerbotten another one (coordinator.vasterbotten@).

The demo has no proposal attachment, partnership document, draft lesson, unlinked obstacle note,
publication file in the region, report request or join request; `build_world` makes them through
the services, as a person would.
"""

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dissemination.demo.pdf import report_pdf
from dissemination.models import Event, Lesson, Publication, PublicationKind, ReachEntry
from dissemination.selectors.public import partnership_summary_context
from dissemination.services.events import event_create
from dissemination.services.lessons import lesson_create
from dissemination.services.publications import publication_create
from obstacles.models import KnowledgeArticle, Mitigation, Obstacle
from obstacles.services.entries import reviewer_note_add
from obstacles.services.mitigations import mitigation_create
from obstacles.workflow import ObstacleStatus
from partnerships.models import (
    Agreement,
    AgreementVersion,
    ChecklistItem,
    Partnership,
    PartnershipParty,
    ProcessTemplate,
    Proposal,
    ReviewAssignment,
)
from partnerships.services.calls import call_create, call_set_published
from partnerships.services.partnerships import (
    document_add,
    obstacle_note_add,
    party_member_add,
)
from partnerships.services.process import template_copy_for_region
from partnerships.services.proposals import (
    attachment_add,
    proposal_create_draft,
    proposal_submit,
    review_assign,
)
from portal.accounts.models import Membership, Organisation, User
from portal.accounts.services import join_request_create, join_request_decide
from portal.core.mail import outbox_record
from portal.core.models import CspReport
from regions.models import InnovationUnit, Region, RegionAssignment, RegionRole
from reports.models import ReportKind, ReportRequest
from reports.services import report_claim, report_fail, report_render, report_request
from reports.workflow import ReportError, ReportState

# The walk's roles, in the order the issue lists them, and the demo user behind each one.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "company_other": "caresense",  # a member of another organisation (CareSense AB)
    "company_owner": "company",  # a member of the owning organisation (Nordic Medtech AB)
    "coordinator_other": "coordinator.vasterbotten",  # coordinator of another region
    "coordinator": "coordinator.ostergotland",  # coordinator of the region
    "sponsor": "sponsor.ostergotland",  # management sponsor of the region
    "reviewer": "reviewer",  # obstacle reviewer
    "admin": "admin",  # portal admin (superuser)
}
STAFF_ROLES = ("coordinator_other", "coordinator", "sponsor", "reviewer", "admin")

REGION_CODE = "05"  # Region Östergötland
OWNER_ORG = "556677-8899"  # Nordic Medtech AB
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """The ids the walk puts into URLs, by what they are."""

    users: dict[str, User]
    region: Region
    organisation: Organisation
    ids: dict[str, Any] = field(default_factory=dict)
    # Filled by the walk: a signed-in session per role, and the stored data's fingerprint.
    sessions: dict[str, str] = field(default_factory=dict)
    stored: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.ids[key]

    def user(self, role: str) -> User | None:
        email = ROLES[role]
        return None if email is None else self.users[email]


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _first(qs: Any) -> Any:
    row = qs.first()
    assert row is not None, f"the demo world lacks {qs.model.__name__}: {qs.query}"
    return row


def build_world(users: dict[str, User]) -> World:
    """Add the rows the walk needs to the demo world and collect the ids (call it inside a
    transaction that is rolled back after the walk)."""
    region = Region.objects.get(code=REGION_CODE)
    org = Organisation.objects.get(org_number=OWNER_ORG)
    coordinator = users["coordinator.ostergotland"]
    company = users["company"]
    world = World(users=users, region=region, organisation=org)
    ids = world.ids
    ids["region_slug"] = region.slug

    # --- accounts: a colleague in the owning organisation, and a request to join it ---------
    colleague = User.objects.create_user(email="colleague@walk.example", password=None)
    colleague.name = "Walk Colleague"
    colleague.save(update_fields=["name"])
    jr = join_request_create(user=colleague, organisation=org, message="Jag jobbar här.")
    join_request_decide(actor=company, join_request=jr, approve=True)
    ids["membership"] = Membership.objects.get(user=colleague, organisation=org).pk
    applicant = users["caresense"]
    ids["join_request"] = join_request_create(
        user=applicant, organisation=org, message="Vi vill samarbeta."
    ).pk
    ids["organisation"] = org.pk
    # A mail to the owner that waits in the outbox (written the way the mail backend writes it).
    message = EmailMessage(subject="Walk: en påminnelse", body="Text.", to=[company.email])
    ids["mail"] = outbox_record(messages=[message])[0].pk

    # --- regions ---------------------------------------------------------------------------
    ids["unit"] = _first(InnovationUnit.objects.filter(region=region).order_by("pk")).pk
    ids["assignment"] = RegionAssignment.objects.get(
        region=region, user=users["sponsor.ostergotland"], role=RegionRole.SPONSOR
    ).pk

    # --- calls and proposals ---------------------------------------------------------------
    now = timezone.now()
    call = call_create(
        actor=coordinator,
        lead_region=region,
        regions=[region],
        data={
            "title": "Walk: digital uppföljning efter hjärtsvikt",
            "description": "En utlysning för URL-genomgången.",
            "opens_at": now - dt.timedelta(days=3),
            "closes_at": now + dt.timedelta(days=30),
        },
        criteria=[{"title": "Nytta", "description": "För patienten.", "weight": 100}],
    )
    call = call_set_published(actor=coordinator, call=call, published=True)
    ids["call"] = call.pk
    ids["call_draft"] = call_create(
        actor=coordinator,
        lead_region=region,
        regions=[region],
        data={
            "title": "Walk: utlysning som inte är publicerad",
            "description": "Ett utkast.",
            "opens_at": now + dt.timedelta(days=10),
            "closes_at": now + dt.timedelta(days=40),
        },
    ).pk
    # The proposal pages open a proposal of the owner whose changes were requested (it can
    # still be edited, submitted and decided on).
    proposal = Proposal.objects.get(
        organisation=org, region=region, title__startswith="Blodtrycksmätning"
    )
    ids["proposal"] = proposal.pk
    ids["attachment"] = attachment_add(actor=company, proposal=proposal, upload=_pdf()).pk
    # A proposal to the region's call, assigned to the reviewer, for the review pages.
    scored = proposal_create_draft(
        actor=company,
        organisation=org,
        region=region,
        call=call,
        data={
            "title": "Walk: uppkopplad våg för hjärtsviktspatienter",
            "summary": "Vågen skickar vikten till mottagningen varje morgon.",
            "care_need": "Vätska i kroppen upptäcks sent.",
            "solution": "Våg, app och larm till sjuksköterskan.",
            "trl": 7,
            "device_class": "mdr_iia",
            "ce_marked": True,
            "collaboration_kind": "testbed",
            "company_brings": "Vågar.",
            "company_asks": "En mottagning.",
            "contact_name": company.name,
            "contact_email": company.email,
            "contact_phone": "070-123 45 67",
        },
        client_token=uuid.uuid4(),
    )
    scored = proposal_submit(actor=company, proposal=scored)
    ids["proposal_scored"] = scored.pk
    ids["review"] = review_assign(actor=coordinator, proposal=scored, reviewer=users["reviewer"]).pk
    assert not ReviewAssignment.objects.filter(pk=ids["review"], submitted_at__isnull=False)

    # --- the partnership of the owner in the region ---------------------------------------
    partnership = Partnership.objects.select_related("current_step").get(
        region=region, parties__organisation=org, status="active"
    )
    ids["partnership"] = partnership.pk
    # A partnership of the owner that nothing public reports on yet: no public summary.
    ids["partnership_unpublicised"] = next(
        p.pk
        for p in Partnership.objects.filter(parties__organisation=org).order_by("pk")
        if partnership_summary_context(pk=p.pk) is None
    )
    ids["checklist_item"] = _first(
        ChecklistItem.objects.filter(step=partnership.current_step).order_by("order")
    ).pk
    ids["document"] = document_add(
        actor=company,
        partnership=partnership,
        step=partnership.current_step,
        title="Testplan",
        upload=_pdf(),
    ).pk
    company_party = PartnershipParty.objects.get(partnership=partnership, organisation=org)
    ids["party_member"] = party_member_add(
        actor=coordinator, partnership=partnership, party=company_party, user=colleague
    ).pk
    ids["note"] = obstacle_note_add(
        actor=company,
        partnership=partnership,
        step=partnership.current_step,
        text="Journalsystemet tar inte emot värden från patientens våg.",
    ).pk
    agreement = Agreement.objects.get(partnership=partnership)
    ids["agreement_version"] = _first(
        AgreementVersion.objects.filter(agreement=agreement).order_by("number")
    ).number

    # --- process templates: the region's own variant ---------------------------------------
    default = ProcessTemplate.objects.get(region__isnull=True, is_current=True)
    template = template_copy_for_region(actor=coordinator, template=default, region=region)
    ids["template"] = template.pk
    step = template.steps.order_by("order").first()
    assert step is not None
    ids["template_step"] = step.pk
    ids["template_item"] = _first(ChecklistItem.objects.filter(step=step).order_by("order")).pk

    # --- obstacles --------------------------------------------------------------------------
    ids["obstacle_draft"] = Obstacle.objects.get(
        status=ObstacleStatus.DRAFT, author=company, region=region
    ).pk
    ids["obstacle_waiting"] = _first(
        Obstacle.objects.filter(status=ObstacleStatus.SUBMITTED, author=company)
    ).pk
    published = _first(
        Obstacle.objects.filter(status=ObstacleStatus.PUBLISHED, region=region).order_by("pk")
    )
    ids["obstacle_published"] = published.pk
    ids["mitigation_published"] = _first(
        Mitigation.objects.filter(status="published").order_by("pk")
    ).pk
    ids["article_published"] = _first(
        KnowledgeArticle.objects.filter(status="published").order_by("pk")
    ).pk
    ids["lesson_published"] = _first(Lesson.objects.filter(status="published").order_by("pk")).pk
    ids["publication_with_file"] = _first(
        Publication.objects.filter(status="published", file__isnull=False).order_by("pk")
    ).pk
    # A reviewer's private note on the entry waiting for review (notes are kept on any entry
    # that left the draft state).
    ids["reviewer_note"] = reviewer_note_add(
        obstacle=Obstacle.objects.get(pk=ids["obstacle_waiting"]),
        reviewer=users["reviewer"],
        text="Walk: kolla mot liknande hinder.",
    ).pk
    ids["article_draft"] = _first(KnowledgeArticle.objects.filter(status="draft")).pk
    ids["mitigation"] = mitigation_create(
        author=company,
        obstacles=[published],
        data={
            "title": "Walk: mät och skicka via patientens mobil",
            "description": "Appen skickar värdena vidare.",
            "region": None,
            "partnership": partnership,
            "language": "sv",
        },
    ).pk
    assert Mitigation.objects.filter(pk=ids["mitigation"], status="submitted").exists()

    # --- dissemination ---------------------------------------------------------------------
    upcoming = _first(
        Event.objects.filter(
            region=region, status="published", starts_at__gt=now, registrations__user=company
        ).order_by("starts_at")
    )
    ids["event"] = upcoming.pk
    ids["event_draft"] = event_create(
        actor=coordinator,
        kind="webinar",
        title="Walk: webbinarium som inte är publicerat",
        starts_at=now + dt.timedelta(days=20),
        ends_at=now + dt.timedelta(days=20, hours=1),
        online_url="https://meet.example/walk",
        region=region,
    ).pk
    past_entry = _first(
        ReachEntry.objects.filter(event__region=region, event__starts_at__lt=now).order_by("pk")
    )
    ids["past_event"] = past_entry.event_id
    ids["event_reach_entry"] = past_entry.pk
    publication = _first(
        Publication.objects.filter(region=region, status="published").order_by("pk")
    )
    ids["publication"] = publication.pk
    pub_entry = _first(ReachEntry.objects.filter(publication=publication).order_by("pk"))
    ids["publication_reach_entry"] = pub_entry.pk
    draft_report = publication_create(
        actor=coordinator,
        kind=PublicationKind.REPORT,
        title="Walk: rapport om egenmonitorering (utkast)",
        summary="Ett utkast med en fil.",
        published_on=timezone.localdate(),
        region=region,
        upload=SimpleUploadedFile(
            "rapport.pdf", report_pdf("Utkast", ("Text.",)), content_type="application/pdf"
        ),
    )
    ids["publication_draft_with_file"] = draft_report.pk
    ids["lesson_draft"] = lesson_create(
        actor=company,
        partnership=partnership,
        title="Walk: börja med mottagningens arbetssätt",
        body="Vi lärde oss att börja med hur mottagningen arbetar i dag.",
    ).pk

    # --- a CSP violation report, as a browser posts it (the admin lists them) ----------------
    response = Client().post(
        reverse("core:csp_report"),
        data=json.dumps(
            {
                "csp-report": {
                    "document-uri": "http://testserver/",
                    "violated-directive": "style-src-attr",
                    "blocked-uri": "inline",
                }
            }
        ),
        content_type="application/csp-report",
    )
    assert response.status_code == 204, response.status_code
    assert CspReport.objects.exists()

    # --- reports: one ready (partnership guidance) and one failed, both the owner's ---------
    ready = report_request(
        user=company,
        session_key="",
        kind=ReportKind.PARTNERSHIP.value,
        params={"partnership": partnership.pk},
        language="en",
    )
    report_render(request_id=ready.pk)
    ready.refresh_from_db()
    assert ready.state == ReportState.READY, ready.state
    ids["report_ready"] = ready.pk
    failed = report_request(
        user=company,
        session_key="",
        kind=ReportKind.PARTNERSHIP.value,
        params={"partnership": partnership.pk},
        language="sv",
    )
    token = report_claim(request_id=failed.pk)
    report_fail(request_id=failed.pk, claim_token=token, error_code=ReportError.TEMPORARY)
    assert ReportRequest.objects.get(pk=failed.pk).state == ReportState.FAILED
    ids["report_failed"] = failed.pk
    return world
