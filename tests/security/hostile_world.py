"""The demo world as the hostile-input suite sees it: who signs in, and which objects fill the
URL patterns' arguments.

`URL_KWARGS` names, for every URL pattern with arguments, the arguments of one real object of
the demo world. The suite walks the URL configuration itself, so a new pattern with arguments
that is not in this table fails the suite with a message saying so (it cannot escape it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dissemination.models import Event, Lesson, Publication, ReachEntry
from obstacles.models import KnowledgeArticle, Mitigation, Obstacle
from partnerships.models import (
    Agreement,
    AgreementVersion,
    Call,
    ChecklistItem,
    Partnership,
    PartnershipDocument,
    PartyMember,
    ProcessTemplate,
    Proposal,
    ProposalAttachment,
    ReviewAssignment,
)
from portal.accounts.models import JoinRequest, Membership, Organisation, User
from regions.models import InnovationUnit, Region, RegionAssignment
from reports.models import ReportRequest

# Everyone who may sign in, by the part of their demo email before the @; None is anonymous.
# The order is the order in which the suite looks for someone who may open a page.
ROLES: tuple[str | None, ...] = (
    None,
    "company",
    "caresense",
    "halsanorr",
    "academic",
    "coordinator.ostergotland",
    "coordinator.uppsala",
    "coordinator.vasterbotten",
    "coordinator.vgr",
    "sponsor.ostergotland",
    "sponsor.uppsala",
    "reviewer",
    "admin",
)

# A tiny but real PDF (checked by content in portal/core/uploads.py).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class Route:
    """One URL pattern: its full route, name (namespaced) and callback."""

    route: str
    name: str
    callback: Callable[..., Any]
    converters: list[str] = field(default_factory=list)  # the argument names

    @property
    def ident(self) -> str:
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def routes() -> list[Route]:
    """Every URL pattern of the project, with its namespaced name and argument names."""
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[None]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or ""
                if name and namespace:
                    name = f"{namespace}:{name}"
                regex = pattern.pattern.regex
                found.append(
                    Route(
                        route=prefix + str(pattern.pattern),
                        name=name,
                        callback=pattern.callback,
                        converters=list(regex.groupindex),
                    )
                )
                yield None

    for _ in walk(get_resolver().url_patterns, "", ""):
        pass
    # Some prefixes (admin/...) carry arguments too: count them from the whole route.
    for route in found:
        if "<" in route.route or "(?P<" in route.route:
            import re

            names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.route)
            route.converters = [a or b for a, b in names]
    return found


class World:
    """The demo world plus the few objects the demo does not make (an attachment, a document,
    a join request, a region's own process, a report request), made through services."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users
        self._made: dict[str, Any] = {}

    def user(self, key: str | None) -> User | None:
        return None if key is None else self.users[key]

    # --- objects the demo does not have ---------------------------------------------------

    def attachment(self) -> ProposalAttachment:
        if "attachment" not in self._made:
            from partnerships.services.proposals.attachments import attachment_add

            proposal = Proposal.objects.get(title__startswith="Fallsensorer")  # a draft of company
            self._made["attachment"] = attachment_add(
                actor=self.users["company"], proposal=proposal, upload=pdf_upload()
            )
        return self._made["attachment"]

    def document(self) -> PartnershipDocument:
        if "document" not in self._made:
            from partnerships.services.partnerships import document_add

            partnership = self.partnership_ostergotland()
            self._made["document"] = document_add(
                actor=self.users["coordinator.ostergotland"],
                partnership=partnership,
                step=None,
                title="Test plan",
                upload=pdf_upload(),
            )
        return self._made["document"]

    def join_request(self) -> JoinRequest:
        if "join_request" not in self._made:
            from portal.accounts.services import join_request_create

            self._made["join_request"] = join_request_create(
                user=self.users["academic"],
                organisation=Organisation.objects.get(name="Nordic Medtech AB"),
                message="May I join?",
            )
        return self._made["join_request"]

    def region_template(self) -> ProcessTemplate:
        if "template" not in self._made:
            from partnerships.services.process import template_copy_for_region

            default = ProcessTemplate.objects.get(region__isnull=True, is_current=True)
            self._made["template"] = template_copy_for_region(
                actor=self.users["coordinator.ostergotland"],
                template=default,
                region=Region.objects.get(slug="ostergotland"),
            )
        return self._made["template"]

    def report_request(self) -> ReportRequest:
        if "report" not in self._made:
            from reports.services import report_request

            self._made["report"] = report_request(
                user=self.users["coordinator.ostergotland"],
                session_key="",
                kind="process_guide",
                params={"region": ""},
                language="en",
            )
        return self._made["report"]

    def failed_mail(self) -> Any:
        """A notification to company@ the mail server refused (the outbox keeps it)."""
        if "mail" not in self._made:
            from portal.core.models import MailStatus, OutgoingMail

            self._made["mail"] = OutgoingMail.objects.create(
                to=self.users["company"].email,
                recipient=self.users["company"],
                subject="A new message in your partnership",
                body="Hello",
                status=MailStatus.FAILED,
                attempts=5,
                last_error="550 mailbox unavailable",
            )
        return self._made["mail"]

    # --- demo objects -----------------------------------------------------------------------

    def partnership_ostergotland(self) -> Partnership:
        """An active partnership of Region Östergötland with Nordic Medtech (company@) a party."""
        return Partnership.objects.get(title__startswith="Egenmonitorering vid hjärtsvikt")

    def agreement_version(self) -> AgreementVersion:
        return AgreementVersion.objects.select_related("agreement").order_by("pk").first()  # type: ignore[return-value]


def _pk(model: type[Model], **filters: Any) -> int:
    obj = model.objects.filter(**filters).order_by("pk").first()
    assert obj is not None, f"the demo has no {model.__name__} with {filters}"
    return obj.pk


def _region_slug(w: World) -> dict[str, Any]:
    return {"slug": "ostergotland"}


def _partnership(w: World) -> dict[str, Any]:
    return {"pk": w.partnership_ostergotland().pk}


def _proposal(w: World) -> dict[str, Any]:
    return {"pk": _pk(Proposal, status="submitted")}


def _event(w: World) -> dict[str, Any]:
    """A published event of Region Östergötland still to come (registration open)."""
    return {
        "pk": _pk(
            Event, status="published", region__slug="ostergotland", starts_at__gt=timezone.now()
        )
    }


def _publication(w: World) -> dict[str, Any]:
    return {"pk": _pk(Publication, status="published")}


def _obstacle(w: World) -> dict[str, Any]:
    return {"pk": _pk(Obstacle, status="published")}


def _checklist_item(w: World) -> dict[str, Any]:
    partnership = w.partnership_ostergotland()
    return {"pk": partnership.pk, "item_pk": _pk(ChecklistItem, step=partnership.current_step)}


def _template_step(w: World) -> dict[str, Any]:
    template = w.region_template()
    return {"pk": template.pk, "step_pk": template.steps.order_by("order").first().pk}  # type: ignore[union-attr]


def _template_item(w: World) -> dict[str, Any]:
    template = w.region_template()
    return {"pk": template.pk, "item_pk": _pk(ChecklistItem, step__template=template)}


def _agreement_version(w: World) -> dict[str, Any]:
    version = w.agreement_version()
    return {"pk": version.agreement.partnership_id, "number": version.number}


def _agreement(w: World) -> dict[str, Any]:
    agreement = Agreement.objects.order_by("pk").first()
    assert agreement is not None
    return {"pk": agreement.partnership_id}


def _note(w: World) -> int:
    from partnerships.models import ObstacleNote

    return _pk(ObstacleNote)


def _reach(kind: str) -> Callable[[World], dict[str, Any]]:
    def kwargs(w: World) -> dict[str, Any]:
        entry = ReachEntry.objects.filter(**{f"{kind}__isnull": False}).order_by("pk").first()
        assert entry is not None
        return {"pk": getattr(entry, f"{kind}_id"), "entry_pk": entry.pk}

    return kwargs


URL_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    # accounts
    "accounts:organisation_detail": lambda w: {"pk": _pk(Organisation, name="Nordic Medtech AB")},
    "accounts:organisation_edit": lambda w: {"pk": _pk(Organisation, name="Nordic Medtech AB")},
    "accounts:join_request_create": lambda w: {"pk": _pk(Organisation, name="CareSense AB")},
    "accounts:join_request_decide": lambda w: {"pk": w.join_request().pk},
    "accounts:join_request_withdraw": lambda w: {"pk": w.join_request().pk},
    "accounts:mail_retry": lambda w: {"pk": w.failed_mail().pk},
    "accounts:membership_role": lambda w: {
        "pk": _pk(Membership, user__email__startswith="company@")
    },
    "accounts:membership_remove": lambda w: {
        "pk": _pk(Membership, user__email__startswith="company@")
    },
    # allauth: keys that do not exist (its own pages answer them)
    "account_confirm_email": lambda w: {"key": "no-such-key"},
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "no-such-key"},
    # regions
    "regions:detail": _region_slug,
    "regions:edit": _region_slug,
    "regions:unit_create": _region_slug,
    "regions:people": _region_slug,
    "regions:unit_edit": lambda w: {
        "slug": "ostergotland",
        "pk": _pk(InnovationUnit, region__slug="ostergotland"),
    },
    "regions:unit_delete": lambda w: {
        "slug": "ostergotland",
        "pk": _pk(InnovationUnit, region__slug="ostergotland"),
    },
    "regions:people_remove": lambda w: {
        "slug": "ostergotland",
        "pk": _pk(RegionAssignment, region__slug="ostergotland", role="sponsor"),
    },
    # partnerships: calls and proposals
    "partnerships:pipeline": _region_slug,
    "partnerships:pipeline_export": _region_slug,
    "partnerships:call_detail": lambda w: {"pk": _pk(Call)},
    "partnerships:call_edit": lambda w: {"pk": _pk(Call)},
    "partnerships:call_publish": lambda w: {"pk": _pk(Call)},
    "partnerships:call_ranking": lambda w: {"pk": _pk(Call)},
    "partnerships:proposal_detail": _proposal,
    "partnerships:proposal_edit": lambda w: {"pk": _pk(Proposal, status="draft")},
    "partnerships:proposal_autosave": lambda w: {"pk": _pk(Proposal, status="draft")},
    "partnerships:proposal_submit": lambda w: {"pk": _pk(Proposal, status="draft")},
    "partnerships:proposal_withdraw": _proposal,
    "partnerships:proposal_decide": _proposal,
    "partnerships:review_assign": _proposal,
    "partnerships:attachment_add": lambda w: {"pk": _pk(Proposal, status="draft")},
    "partnerships:attachment_download": lambda w: {
        "pk": w.attachment().proposal_id,
        "attachment_pk": w.attachment().pk,
    },
    "partnerships:attachment_remove": lambda w: {
        "pk": w.attachment().proposal_id,
        "attachment_pk": w.attachment().pk,
    },
    "partnerships:review_submit": lambda w: {"pk": _pk(ReviewAssignment)},
    # partnerships: the process
    "partnerships:detail": _partnership,
    "partnerships:timeline": _partnership,
    "partnerships:checklist": _partnership,
    "partnerships:checklist_tick": _checklist_item,
    "partnerships:advance": _partnership,
    "partnerships:move_back": _partnership,
    "partnerships:change_status": _partnership,
    "partnerships:gate_approve": _partnership,
    "partnerships:document_add": _partnership,
    "partnerships:document_download": lambda w: {
        "pk": w.document().partnership_id,
        "document_pk": w.document().pk,
    },
    "partnerships:message_post": _partnership,
    "partnerships:obstacle_note_add": _partnership,
    "partnerships:party_add": _partnership,
    "partnerships:member_add": _partnership,
    "partnerships:member_remove": lambda w: {
        "pk": w.partnership_ostergotland().pk,
        "member_pk": _pk(PartyMember, party__partnership=w.partnership_ostergotland()),
    },
    "partnerships:template_copy": lambda w: {"slug": "uppsala"},
    "partnerships:template_detail": lambda w: {"pk": w.region_template().pk},
    "partnerships:template_step_edit": _template_step,
    "partnerships:template_item_add": _template_step,
    "partnerships:template_item_edit": _template_item,
    "partnerships:template_item_remove": _template_item,
    "partnerships:agreement": _agreement,
    "partnerships:agreement_start": _partnership,
    "partnerships:agreement_edit": _agreement,
    "partnerships:agreement_rules": _agreement,
    "partnerships:agreement_accept": _agreement,
    "partnerships:agreement_version": _agreement_version,
    "partnerships:agreement_download": _agreement_version,
    "partnerships:public_summary": lambda w: {"pk": _pk(Partnership, status="completed")},
    # obstacles
    "obstacles:edit": lambda w: {"pk": _pk(Obstacle, status="draft")},
    "obstacles:submit": lambda w: {"pk": _pk(Obstacle, status="draft")},
    "obstacles:review": lambda w: {"pk": _pk(Obstacle, status="submitted")},
    "obstacles:claim": lambda w: {"pk": _pk(Obstacle, status="submitted")},
    "obstacles:release": lambda w: {"pk": _pk(Obstacle, status="submitted")},
    "obstacles:move": lambda w: {"pk": _pk(Obstacle, status="submitted")},
    "obstacles:note_add": lambda w: {"pk": _pk(Obstacle, status="submitted")},
    "obstacles:detail": _obstacle,
    "obstacles:endorse": _obstacle,
    "obstacles:mitigation_create": _obstacle,
    "obstacles:article_detail": lambda w: {"pk": _pk(KnowledgeArticle, status="published")},
    "obstacles:article_edit": lambda w: {"pk": _pk(KnowledgeArticle)},
    "obstacles:article_move": lambda w: {"pk": _pk(KnowledgeArticle)},
    "obstacles:mitigation_detail": lambda w: {"pk": _pk(Mitigation, status="published")},
    "obstacles:mitigation_edit": lambda w: {"pk": _pk(Mitigation)},
    "obstacles:mitigation_move": lambda w: {"pk": _pk(Mitigation)},
    "obstacles:link_note": lambda w: {"note_pk": _note(w)},
    "obstacles:link_unlink": lambda w: {"note_pk": _note(w)},
    "obstacles:link_propose": lambda w: {"note_pk": _note(w)},
    # dissemination
    "dissemination:event_edit": _event,
    "dissemination:event_move": lambda w: {**_event(w), "move": "postpone"},
    "dissemination:register": _event,
    "dissemination:registration_cancel": _event,
    "dissemination:registration_consent": _event,
    "dissemination:attendees": _event,
    "dissemination:attendees_csv": _event,
    "dissemination:attendance": _event,
    "dissemination:event_reach": _event,
    "dissemination:event_ics": _event,
    "dissemination:event_detail": _event,
    "dissemination:event_reach_delete": _reach("event"),
    "dissemination:publication_download": _publication,
    "dissemination:publication_edit": _publication,
    "dissemination:publication_move": lambda w: {**_publication(w), "move": "withdraw"},
    "dissemination:publication_reach": _publication,
    "dissemination:publication_reach_delete": _reach("publication"),
    "dissemination:publication_detail": _publication,
    "dissemination:lesson_detail": lambda w: {"pk": _pk(Lesson, status="published")},
    "dissemination:lesson_edit": lambda w: {"pk": _pk(Lesson, status="draft")},
    "dissemination:lesson_move": lambda w: {
        "pk": _pk(Lesson, status="published"),
        "move": "withdraw",
    },
    "dissemination:lesson_create": lambda w: {"partnership_pk": w.partnership_ostergotland().pk},
    "dissemination:feed_region": _region_slug,
    # reports
    "reports:request": lambda w: {"kind": "process_guide"},
    "reports:detail": lambda w: {"pk": w.report_request().pk},
    "reports:status": lambda w: {"pk": w.report_request().pk},
    "reports:download": lambda w: {"pk": w.report_request().pk},
    "reports:retry": lambda w: {"pk": w.report_request().pk},
}


def _admin_kwargs(route: Route, w: World) -> dict[str, Any]:
    """The Django admin's arguments, read from the route itself (admin/<app>/<model>/...)."""
    parts = route.route.split("/")
    kwargs: dict[str, Any] = {}
    for name in route.converters:
        if name == "object_id" and "content_type_id" not in route.converters:
            model = apps.get_model(parts[1], parts[2])
            obj = model._default_manager.order_by("pk").first()
            kwargs[name] = str(obj.pk) if obj is not None else "1"
        elif name == "id":  # the user admin's password page
            kwargs[name] = str(w.users["company"].pk)
        elif name == "app_label":
            kwargs[name] = "partnerships"
        elif name == "content_type_id":
            kwargs[name] = str(ContentType.objects.get_for_model(Partnership).pk)
        elif name == "object_id":
            pass  # with content_type_id: below
        elif name == "url":
            kwargs[name] = "no/such/page/"
        else:
            raise KeyError(name)
    if "content_type_id" in kwargs:
        kwargs["object_id"] = str(w.partnership_ostergotland().pk)
    return kwargs


class MissingKwargs(LookupError):
    pass


def kwargs_for(route: Route, w: World) -> dict[str, Any]:
    """Arguments that point at a real object of the demo world (empty for none needed)."""
    if not route.converters:
        return {}
    if route.is_admin:
        return _admin_kwargs(route, w)
    if route.name not in URL_KWARGS:
        raise MissingKwargs(
            f"{route.ident} ({route.route}) takes {route.converters}: add it to "
            "tests/security/hostile_world.py URL_KWARGS so the hostile-input suite covers it"
        )
    return URL_KWARGS[route.name](w)


def give_everyone_mfa() -> None:
    """Staff roles must have an authenticator before they can work (company people need none)."""
    from allauth.mfa.models import Authenticator
    from django.db.models import Q

    from portal.accounts.roles import STAFF_ROLES

    staff = Q(groups__name__in=STAFF_ROLES) | Q(is_superuser=True) | Q(is_staff=True)
    for user in User.objects.filter(staff).distinct():
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
