"""Reads for the portal admins' audit log (`/audit/`): the rows, filtered, and what the page
needs to show them (area of each kind of record, a readable name for each action, a link to the
object where it has a page).

Rules: only portal admins read this (the view checks); the filters are the ones the form cleaned;
the newest rows come first; a page costs the same number of queries whatever its size (the
actors come with the rows, the linked objects in one query per kind of object on the page).
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# --- Areas --------------------------------------------------------------------------------------

# Region role assignments are kept on the region: they belong to "roles and accounts".
REGION_ROLE_ACTIONS = ("region.assign_role", "region.remove_role", "region.assignment_title")
AGREEMENT_MODELS = (
    "partnerships.agreement",
    "partnerships.agreementclause",
    "partnerships.agreementversion",
    "partnerships.agreementacceptance",
    "partnerships.rulecheck",
    "partnerships.clause",
)


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise


AREAS = (
    Area("partnerships", _("Proposals and partnerships")),
    Area("agreements", _("Agreements")),
    Area("obstacles", _("Obstacles, solutions and articles")),
    Area("roles", _("Roles, people and organisations")),
    Area("regions", _("Regions and units")),
    Area("dissemination", _("Events, publications and lessons")),
    Area("reports", _("Reports")),
)


def _labels_of(app_label: str) -> list[str]:
    return [model._meta.label_lower for model in apps.get_app_config(app_label).get_models()]


def area_condition(key: str) -> Q:
    """The rows of one area. Kinds of record are listed by name (`target_type IN (...)`), so the
    (target_type, target_id) index serves the filter."""
    if key == "partnerships":
        return Q(target_type__in=[t for t in _labels_of(key) if t not in AGREEMENT_MODELS])
    if key == "agreements":
        return Q(target_type__in=AGREEMENT_MODELS)
    if key == "obstacles":
        return Q(target_type__in=_labels_of("obstacles"))
    if key == "roles":
        return Q(target_type__in=_labels_of("accounts")) | Q(action__in=REGION_ROLE_ACTIONS)
    if key == "regions":
        return Q(target_type__in=_labels_of("regions")) & ~Q(action__in=REGION_ROLE_ACTIONS)
    if key == "dissemination":
        return Q(target_type__in=_labels_of("dissemination"))
    if key == "reports":
        return Q(target_type__in=_labels_of("reports"))
    raise ValueError(f"unknown area {key!r}")


# --- Actions ------------------------------------------------------------------------------------

ACTION_LABELS: dict[str, Promise] = {
    # Roles, people and organisations
    "role.grant": _("Role given"),
    "role.revoke": _("Role taken away"),
    "region.assign_role": _("Role in a region given"),
    "region.remove_role": _("Role in a region taken away"),
    "region.assignment_title": _("Title in a region changed"),
    "organisation.create": _("Organisation created"),
    "organisation.update": _("Organisation changed"),
    "membership.role": _("Member's role in the organisation changed"),
    "membership.remove": _("Member removed from the organisation"),
    "join_request.create": _("Asked to join an organisation"),
    "join_request.approve": _("Request to join approved"),
    "join_request.decline": _("Request to join declined"),
    "join_request.withdraw": _("Request to join withdrawn"),
    "user.mail_preferences": _("Email notifications changed"),
    "user.close": _("Account closed"),
    "user.anonymise": _("Personal data removed from an account"),
    "user.inactivity_warning": _("Warned that an unused account will be anonymised"),
    # Regions and units
    "region.update": _("Region page changed"),
    "region.set_participating": _("Region's participation changed"),
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.delete": _("Unit removed"),
    # Calls and proposals
    "call.create": _("Call created"),
    "call.update": _("Call changed"),
    "call.publish": _("Call published"),
    "call.unpublish": _("Call unpublished"),
    "proposal.create": _("Proposal started"),
    "proposal.update": _("Proposal changed"),
    "proposal.autosave": _("Proposal saved automatically"),
    "proposal.submit": _("Proposal submitted"),
    "proposal.withdraw": _("Proposal withdrawn"),
    "proposal.request_changes": _("Changes to a proposal asked for"),
    "proposal.decline": _("Proposal declined"),
    "proposal.accept": _("Proposal accepted"),
    "proposal.attachment_add": _("Attachment added to a proposal"),
    "proposal.attachment_remove": _("Attachment removed from a proposal"),
    "proposal.review_assign": _("Proposal reviewer assigned"),
    "proposal.review_submit": _("Proposal review submitted"),
    # Partnerships
    "partnership.create": _("Partnership started"),
    "partnership.advance": _("Partnership moved to the next step"),
    "partnership.move_back": _("Partnership moved back a step"),
    "partnership.pause": _("Partnership paused"),
    "partnership.resume": _("Partnership resumed"),
    "partnership.complete": _("Partnership completed"),
    "partnership.stop": _("Partnership stopped"),
    "partnership.withdraw": _("Partnership withdrawn"),
    "partnership.gate_waiting": _("Gate decision asked for"),
    "partnership.gate_approve": _("Gate approved"),
    "partnership.checklist_tick": _("Checklist item ticked"),
    "partnership.checklist_untick": _("Checklist item unticked"),
    "partnership.party_add": _("Party added to a partnership"),
    "partnership.member_add": _("Person added to a partnership"),
    "partnership.member_remove": _("Person removed from a partnership"),
    "partnership.document_add": _("Document added to a partnership"),
    "partnership.message_post": _("Message posted in a partnership"),
    "partnership.obstacle_note": _("Obstacle noted in a partnership"),
    "process_template.copy": _("Process template copied"),
    "process_template.revise": _("Process template revised"),
    "process_template.step_update": _("Process step changed"),
    "process_template.item_add": _("Checklist item added to a step"),
    "process_template.item_update": _("Checklist item changed"),
    "process_template.item_remove": _("Checklist item removed"),
    # Agreements
    "agreement.start": _("Agreement started"),
    "agreement.update": _("Agreement changed"),
    "agreement.refresh": _("Agreement text renewed"),
    "agreement.accept": _("Agreement accepted"),
    "agreement.in_force": _("Agreement in force"),
    "agreement.rule_checked": _("Collaboration rule confirmed"),
    "agreement.rule_unchecked": _("Collaboration rule unconfirmed"),
    # Obstacles, solutions and articles
    "obstacle.create": _("Obstacle entry started"),
    "obstacle.update": _("Obstacle entry changed"),
    "obstacle.submit": _("Obstacle entry submitted"),
    "obstacle.start_review": _("Review of an obstacle entry started"),
    "obstacle.request_changes": _("Changes to an obstacle entry asked for"),
    "obstacle.publish": _("Obstacle entry published"),
    "obstacle.reject": _("Obstacle entry rejected"),
    "obstacle.merge": _("Obstacle entry merged"),
    "obstacle.withdraw": _("Obstacle entry withdrawn"),
    "obstacle.claim": _("Obstacle entry taken for review"),
    "obstacle.release": _("Obstacle entry released"),
    "obstacle.note": _("Reviewer's note written"),
    "obstacle.note_link": _("Partnership note linked to an obstacle"),
    "obstacle.note_unlink": _("Partnership note unlinked from an obstacle"),
    "obstacle.note_propose": _("New obstacle proposed from a partnership note"),
    "obstacle.endorse": _("“We met this too” added"),
    "obstacle.endorse_remove": _("“We met this too” removed"),
    "obstacle.digest": _("Review digest sent"),
    "mitigation.create": _("Solution submitted"),
    "mitigation.update": _("Solution changed"),
    "mitigation.publish": _("Solution published"),
    "mitigation.reject": _("Solution rejected"),
    "mitigation.withdraw": _("Solution withdrawn"),
    "article.create": _("Knowledge article started"),
    "article.update": _("Knowledge article changed"),
    "article.publish": _("Knowledge article published"),
    "article.unpublish": _("Knowledge article unpublished"),
    # Events, publications and lessons
    "event.create": _("Event created"),
    "event.update": _("Event changed"),
    "event.publish": _("Event published"),
    "event.reschedule": _("Event moved to a new time"),
    "event.postpone": _("Event postponed"),
    "event.cancel": _("Event cancelled"),
    "event.attendance": _("Attendance recorded"),
    "registration.create": _("Registration for an event"),
    "registration.cancel": _("Registration cancelled"),
    "registration.promote": _("Registration moved from the waiting list"),
    "registration.consent": _("Registration consent changed"),
    "reach.record": _("Reach recorded"),
    "reach.delete": _("Reach figure removed"),
    "publication.create": _("Publication created"),
    "publication.update": _("Publication changed"),
    "publication.publish": _("Publication published"),
    "publication.withdraw": _("Publication withdrawn"),
    "lesson.create": _("Lesson learned started"),
    "lesson.update": _("Lesson learned changed"),
    "lesson.submit": _("Lesson learned submitted"),
    "lesson.request_changes": _("Changes to a lesson learned asked for"),
    "lesson.publish": _("Lesson learned published"),
    "lesson.withdraw": _("Lesson learned withdrawn"),
    # Reports
    "report.request": _("Report asked for"),
    "report.retry": _("Report asked for again"),
}

# How roles given outside the portal's own pages are named (portal.accounts.audit_signals).
EXTRA_ROLE_LABELS: dict[str, Promise] = {
    "superuser": _("Superuser (every right)"),
    "staff": _("Django admin access"),
}


def action_label(code: str) -> str:
    """A readable name for an action code; the code itself when the portal has none."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def role_label(name: str) -> str:
    from portal.accounts.roles import Role

    if name in Role.values:
        return str(Role(name).label)
    label = EXTRA_ROLE_LABELS.get(name)
    return str(label) if label is not None else name


ACTIONS_CACHE_KEY = "audit-log:actions"
ACTIONS_CACHE_SECONDS = 300


def audit_action_choices(*, fresh: bool = False) -> list[tuple[str, str]]:
    """The actions the log holds, by readable name. Reading them means going through the whole
    action index, so the list is kept in the cache for a few minutes; `fresh=True` reads it
    again (the view asks when the URL names an action the kept list does not have yet)."""
    codes: list[str] | None = None if fresh else cache.get(ACTIONS_CACHE_KEY)
    if codes is None:
        codes = list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
        cache.set(ACTIONS_CACHE_KEY, codes, ACTIONS_CACHE_SECONDS)
    return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1].lower())


# --- The rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    area: str = ""
    action: str = ""
    who: str = ""
    target: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    reason: str = ""

    def as_log_fields(self) -> dict[str, Any]:
        """The filters that were set, for the export's security event."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in self.__dict__.items()
            if value
        }


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Stockholm (the portal's time zone)."""
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


def audit_events(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The audit rows matching `filters`, newest first, with their actors."""
    qs = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if filters.area:
        qs = qs.filter(area_condition(filters.area))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.who:
        qs = qs.filter(
            Q(actor__email__icontains=filters.who) | Q(actor__name__icontains=filters.who)
        )
    if filters.target:
        qs = qs.filter(Q(target_repr__icontains=filters.target) | Q(target_id=filters.target))
    if filters.reason:
        qs = qs.filter(reason__icontains=filters.reason)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    return qs


# --- What a row shows ---------------------------------------------------------------------------

# Rows about a part of something that has a page link to that page (the agreement's
# partnership, the membership's organisation...): the field that leads there.
PARENT_FIELDS = {
    "partnerships.agreement": "partnership",
    "partnerships.partnershipparty": "partnership",
    "partnerships.partnershipdocument": "partnership",
    "partnerships.partnershipmessage": "partnership",
    "partnerships.obstaclenote": "partnership",
    "partnerships.reviewassignment": "proposal",
    "partnerships.proposalattachment": "proposal",
    "accounts.membership": "organisation",
    "accounts.joinrequest": "organisation",
    "regions.innovationunit": "region",
    "regions.regionassignment": "region",
    "dissemination.registration": "event",
}


def kind_of(target_type: str) -> str:
    """The name of the kind of record (`partnerships.partnership` → "partnership")."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name)


# Fields other than the key that a model's `get_absolute_url` reads.
URL_FIELDS = {"regions.region": "slug"}


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _link_rows(target_type: str, ids: Iterable[str]) -> QuerySet[Any] | None:
    """(target type, target id, id of the object with the page, its URL field) of the objects
    of one kind that exist, as text columns; None when the kind has no page."""
    model = _model(target_type)
    if model is None:
        return None
    parent = PARENT_FIELDS.get(target_type)
    if parent is not None:
        page_model: Any = model._meta.get_field(parent).related_model
        page_id, prefix = f"{parent}_id", f"{parent}__"
    elif hasattr(model, "get_absolute_url"):
        page_model, page_id, prefix = model, "pk", ""
    else:
        return None
    keys = []
    for value in ids:
        try:
            keys.append(model._meta.pk.to_python(value))  # type: ignore[union-attr]
        except Exception:  # noqa: S112  a target id that is not a key of this model
            continue
    if not keys:
        return None
    url_field = URL_FIELDS.get(page_model._meta.label_lower)
    extra: Any = Cast(f"{prefix}{url_field}", CharField()) if url_field else Value("")
    return (
        model._base_manager.filter(pk__in=keys)
        .order_by()
        .annotate(
            _type=Value(target_type, output_field=CharField()),
            _id=Cast("pk", CharField()),
            _page_id=Cast(page_id, CharField()),
            _extra=Cast(extra, CharField()),
        )
        .values_list("_type", "_id", "_page_id", "_extra")
    )


def _page_url(target_type: str, page_id: str, extra: str) -> str:
    model = _model(target_type)
    parent = PARENT_FIELDS.get(target_type)
    page_model: Any = model._meta.get_field(parent).related_model if parent and model else model
    fields = {"pk": page_model._meta.pk.to_python(page_id)}
    url_field = URL_FIELDS.get(page_model._meta.label_lower)
    if url_field:
        fields[url_field] = extra
    return str(page_model(**fields).get_absolute_url())


def audit_links(wanted: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """The page of each (target type, target id) that still exists and has one, or belongs to
    something that has one: one query for every kind at once (a UNION), whatever the mix."""
    parts = [qs for t, ids in sorted(wanted.items()) if (qs := _link_rows(t, ids)) is not None]
    if not parts:
        return {}
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {
        (target_type, target_id): _page_url(target_type, page_id, extra)
        for target_type, target_id, page_id, extra in union
        if page_id
    }


def _data_items(data: Any) -> list[tuple[str, str]]:
    """The details as (name, text) pairs for a compact definition list; nested values as JSON."""
    if not isinstance(data, dict):
        return [("", json.dumps(data, ensure_ascii=False))] if data not in (None, "") else []
    items = []
    for key, value in data.items():
        if key == "client_token":  # the form's double-submit token: noise for a reader
            continue
        if key == "role" and isinstance(value, str):
            text = role_label(value)
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        items.append((str(key), text))
    return items


def audit_rows_for_display(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The page's rows with what the table shows: `label`, `kind`, `link` (or ""), `details`.
    One query per kind of linkable object on the page, whatever the number of rows."""
    rows = list(events)
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in rows:
        wanted[event.target_type].add(event.target_id)
    links = audit_links(wanted)
    for event in rows:
        event.label = action_label(event.action)  # type: ignore[attr-defined]
        event.kind = kind_of(event.target_type)  # type: ignore[attr-defined]
        event.link = links.get((event.target_type, event.target_id), "")  # type: ignore[attr-defined]
        event.details = _data_items(event.data)  # type: ignore[attr-defined]
    return rows
