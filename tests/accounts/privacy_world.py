"""A person with data in every app, for the privacy tests (the export and the anonymisation).

`build_person(tag)` makes a company member with a name and addresses built from `tag`, and
leaves something of theirs in every table that points at a person: a second address, a TOTP
authenticator, a signed-in session, an organisation they administer, a join request, a sponsor
role in a region, a proposal (with them as its contact person) that became a partnership they
are named in twice, a message, a document and an obstacle note there, a submitted obstacle and a
draft, a "we met this too", an event registration with needs and both consents, a lesson, a
report request with its PDF file, and mail to them. Each text they wrote carries the tag, so a
test can look for it anywhere.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from dissemination.models import Lesson, Registration
from dissemination.services.registrations import registration_create
from obstacles.models import Obstacle
from obstacles.services.endorsements import endorsement_add
from obstacles.workflow import ObstacleStatus
from partnerships.models import Partnership, PartnershipMessage, PartyKind, Proposal
from partnerships.services.partnerships import (
    document_add,
    message_post,
    obstacle_note_add,
    party_add,
    party_member_add,
)
from portal.accounts.models import MembershipRole, Organisation, OrganisationKind, User
from portal.accounts.services import join_request_create
from portal.core.models import OutgoingMail
from regions.models import Region, RegionRole
from regions.services import region_assign_role
from reports.models import RenderedReport, ReportKind, ReportRequest
from reports.workflow import ReportState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_dissemination import EventFactory, LessonFactory
from tests.factories_obstacles import ObstacleFactory
from tests.factories_process import make_admin, make_partnership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Person:
    tag: str
    user: User
    name: str
    email: str
    second_email: str
    session_key: str
    organisation: Organisation
    partnership: Partnership
    proposal: Proposal
    message: PartnershipMessage
    obstacle: Obstacle
    draft: Obstacle
    registration: Registration
    lesson: Lesson
    report_request: ReportRequest
    rendered: RenderedReport

    @property
    def needles(self) -> list[str]:
        """What identifies the person: their name and both addresses."""
        return [self.name, self.email, self.second_email]


def build_person(tag: str, *, coordinator: Any, first_name: str = "Ada") -> Person:
    """A person called "<first_name> <Tag>sson" with data in every app (see the module doc)."""
    name = f"{first_name} {tag.title()}sson"
    email = f"{tag}@privacy.example.se"
    second_email = f"{tag}.home@privacy.example.se"
    user: User = UserFactory(email=email, name=name)
    EmailAddress.objects.create(user=user, email=second_email, verified=False, primary=False)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": f"TOTPSECRET{tag.upper()}"}
    )
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(
        user=user, session_key=store.session_key, ip="192.0.2.7", user_agent=f"Browser-{tag}"
    )

    organisation: Organisation = OrganisationFactory(
        name=f"{tag.title()} Medtech AB", kind=OrganisationKind.COMPANY
    )
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    join_request_create(
        user=user, organisation=OrganisationFactory(), message=f"Let me in, {tag}-join"
    )
    region_assign_role(
        actor=make_admin(),
        region=Region.objects.get(slug="ostergotland"),
        user=user,
        role=RegionRole.SPONSOR,
        title=f"Sponsor {tag}-title",
    )

    partnership = make_partnership(company=organisation, coordinator=coordinator, author=user)
    proposal = partnership.proposal
    assert proposal is not None
    Proposal.objects.filter(pk=proposal.pk).update(
        contact_name=name,
        contact_email=email,
        contact_phone=f"070-{len(tag)}00 00 00",
        submitted_at=timezone.now(),
    )
    academia = OrganisationFactory(name=f"{tag.title()} universitet", kind="academia")
    party = party_add(
        actor=coordinator, partnership=partnership, organisation=academia, kind=PartyKind.ACADEMIA
    )
    party_member_add(
        actor=coordinator, partnership=partnership, party=party, user=user, role="Evaluator"
    )
    message = message_post(actor=user, partnership=partnership, body=f"Message {tag}-message")
    document_add(
        actor=user,
        partnership=partnership,
        step=None,
        title=f"Document {tag}-document",
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    obstacle_note_add(
        actor=user, partnership=partnership, step=partnership.current_step, text=f"Note {tag}-note"
    )

    obstacle = ObstacleFactory(author=user, title=f"Obstacle {tag}-obstacle")
    draft = ObstacleFactory(
        author=user,
        title=f"Draft {tag}-draft",
        status=ObstacleStatus.DRAFT,
        submitted_at=None,
    )
    endorsement_add(obstacle=ObstacleFactory(), user=user, note=f"Met at {tag}-endorsement")

    registration = registration_create(
        user=user,
        event=EventFactory(title=f"Webinar for {tag}"),
        name=name,
        organisation=organisation.name,
        needs=f"Wheelchair place {tag}-needs",
        consent_to_list=True,
        consent_to_share_contact=True,
    )
    lesson = LessonFactory(partnership=partnership, author=user, title=f"Lesson {tag}-lesson")

    rendered = RenderedReport(
        key=uuid.uuid4().hex,
        kind=ReportKind.PARTNERSHIP,
        language="en",
        params={"partnership": partnership.pk},
        fingerprint="x" * 64,
        title=f"Guidance report {tag}",
        size=len(PDF),
        sha256="0" * 64,
        pages=1,
        render_seconds=0.1,
        last_used_at=timezone.now(),
    )
    rendered.file.save(f"{tag}-report.pdf", ContentFile(PDF), save=False)
    rendered.save()
    report_request = ReportRequest.objects.create(
        kind=ReportKind.PARTNERSHIP,
        params={"partnership": partnership.pk},
        language="en",
        key=rendered.key,
        subject=f"partnership:{partnership.pk}",
        requested_by=user,
        state=ReportState.READY,
        report=rendered,
        finished_at=timezone.now(),
    )
    OutgoingMail.objects.create(
        to=email,
        recipient=user,
        subject=f"Your seat {tag}-mail",
        body=f"Hello {name}, see you there.",
    )
    return Person(
        tag=tag,
        user=user,
        name=name,
        email=email,
        second_email=second_email,
        session_key=store.session_key or "",
        organisation=organisation,
        partnership=partnership,
        proposal=proposal,
        message=message,
        obstacle=obstacle,
        draft=draft,
        registration=registration,
        lesson=lesson,
        report_request=report_request,
        rendered=rendered,
    )


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def where_found(needle: str) -> list[str]:
    """Every "app_label.Model.field" whose value contains `needle` (any case), across every
    text, character and JSON column of every table in the project."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            qs = model._default_manager.all()
            if isinstance(field, models.JSONField):
                qs = qs.annotate(_as_text=Cast(field.name, TextField()))
                hit = qs.filter(_as_text__icontains=needle).exists()
            else:
                hit = qs.filter(**{f"{field.name}__icontains": needle}).exists()
            if hit:
                found.append(f"{model._meta.label}.{field.name}")
    return found
