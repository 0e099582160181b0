"""The agreement: the text in force (or the draft, marked as one), its version, checksum and
the parties' acceptances."""

from datetime import datetime
from typing import Any

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships.agreement_rules import COLLABORATION_RULES
from partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    Partnership,
    PartnershipParty,
    PartyKind,
    RegionRoleInAgreement,
    RuleCheck,
)
from partnerships.permissions.base import get_partnership_for_user_or_404
from partnerships.services.agreements import region_first
from partnerships.workflow import AgreementStatus
from portal.core.forms import PortalForm

from ..models import ReportKind
from .base import ReportKindBase, digest
from .freshness import aggregates_supported, agreement_hashes, parties_hash


class AgreementParams(PortalForm):
    partnership = forms.IntegerField(label=_("Partnership"), min_value=1, widget=forms.HiddenInput)


def _local(value: datetime | None) -> datetime | None:
    """Reports show Stockholm time (the portal's TIME_ZONE), whoever renders them."""
    return timezone.localtime(value) if value is not None else None


def _person(user: Any) -> str:
    """The name the agreement page shows; a deleted account keeps its place in the history."""
    return user.get_full_name() if user is not None else gettext("a former user")


def _partnership(pk: Any) -> Partnership:
    partnership = Partnership.objects.select_related("region").filter(pk=pk).first()
    if partnership is None:  # removed since the request: the worker reports "subject gone"
        raise Http404
    return partnership


def _acceptance(row: AgreementAcceptance, checksum: str) -> dict[str, Any]:
    return {
        "by": _person(row.accepted_by),
        "at": _local(row.accepted_at),
        "checksum": row.checksum,
        # The service refuses a stale checksum, so a mismatch means the stored rows were
        # tampered with; the report says so instead of hiding it.
        "checksum_matches": row.checksum == checksum,
        "voided_at": _local(row.voided_at),
    }


class AgreementReport(ReportKindBase):
    kind = ReportKind.AGREEMENT
    template_name = "reports/pdf/agreement.html"
    form_class = AgreementParams

    def subject_key(self, params: dict[str, Any]) -> str:
        return f"agreement:{params['partnership']}"

    def subject_url(self, params: dict[str, Any]) -> str:
        return reverse("partnerships:agreement", args=[params["partnership"]])

    def check_access(self, user: Any, params: dict[str, Any]) -> None:
        """The parties and the region (whoever may open the partnership: party members, the
        region's coordinators and sponsors, portal admins), once the agreement has a text."""
        partnership = get_partnership_for_user_or_404(user, params.get("partnership"))
        if not AgreementVersion.objects.filter(agreement__partnership=partnership).exists():
            raise Http404

    def title(self, params: dict[str, Any], language: str) -> str:
        return self._title(_partnership(params["partnership"]))

    def subtitle(self, params: dict[str, Any], language: str) -> str:
        return str(_partnership(params["partnership"]).region)

    def heading(self, params: dict[str, Any], language: str) -> tuple[str, str]:
        """The title and the subtitle from one read of the partnership."""
        partnership = _partnership(params["partnership"])
        return self._title(partnership), str(partnership.region)

    @staticmethod
    def _title(partnership: Partnership) -> str:
        return gettext("Agreement: %(title)s") % {"title": partnership.title}

    def fingerprint(self, params: dict[str, Any], language: str) -> str:
        """Changes whenever anything the report prints changes, in one query on PostgreSQL:
        the partnership's title and region with one MD5 per table the report reads (the
        parties, the agreement, its versions with their text, the acceptances and the rules
        confirmed; `freshness`). Elsewhere: the hash of the context itself, in `language`."""
        if not aggregates_supported():
            with translation.override(language):
                return digest(self.build_context(params, language))
        hashes = {"hash_parties": parties_hash(), **agreement_hashes()}
        row = (
            Partnership.objects.filter(pk=params["partnership"])
            .annotate(**hashes)
            .values("title", "region_id", "region__name_sv", "region__name_en", *hashes)
            .first()
        )
        if row is None:  # removed since the request, as build_context says
            raise Http404
        return digest([language, row])

    def build_context(self, params: dict[str, Any], language: str) -> dict[str, Any]:
        """The latest version of the text (the one in force, or the draft the parties are
        reading), its checksum, each party's acceptances of that version (voided ones marked)
        and the collaboration rules as the agreement page shows them. Six queries, whatever
        the number of versions, parties and acceptances."""
        partnership = _partnership(params["partnership"])
        parties = region_first(
            PartnershipParty.objects.filter(partnership=partnership).select_related(
                "region", "unit", "organisation"
            )
        )
        agreement = Agreement.objects.filter(partnership=partnership).first()
        version = (
            AgreementVersion.objects.filter(agreement=agreement)
            .select_related("created_by")
            .order_by("-number")
            .first()
            if agreement is not None
            else None
        )
        accepted: dict[int, list[dict[str, Any]]] = {party.pk: [] for party in parties}
        if version is not None:
            rows = AgreementAcceptance.objects.filter(version=version).select_related("accepted_by")
            for row in rows.order_by("accepted_at", "pk"):
                accepted.setdefault(row.party_id, []).append(_acceptance(row, version.checksum))
        checks = (
            {
                c.rule: c
                for c in RuleCheck.objects.filter(agreement=agreement).select_related("checked_by")
            }
            if agreement is not None
            else {}
        )
        in_force = agreement is not None and agreement.status == AgreementStatus.IN_FORCE
        return {
            "partnership": {"title": partnership.title, "region": str(partnership.region)},
            "agreement": None
            if agreement is None
            else {
                "in_force": in_force,
                "status_label": str(AgreementStatus(agreement.status).label),
                "in_force_at": _local(agreement.in_force_at) if in_force else None,
                "language_label": str(agreement.get_language_display()),
                "region_role_label": str(RegionRoleInAgreement(agreement.region_role).label),
            },
            "version": None
            if version is None
            else {
                "number": version.number,
                "checksum": version.checksum,
                "text": version.text,
                "created_at": _local(version.created_at),
                "created_by": _person(version.created_by) if version.created_by_id else "",
            },
            "parties": [
                {
                    "name": str(party),
                    "kind_label": str(PartyKind(party.kind).label),
                    "acceptances": accepted[party.pk],
                    "accepted": any(a["voided_at"] is None for a in accepted[party.pk]),
                }
                for party in parties
            ],
            "rules": [
                {
                    "text": str(text),
                    "confirmed": key in checks,
                    "by": _person(checks[key].checked_by) if key in checks else "",
                    "at": _local(checks[key].checked_at) if key in checks else None,
                }
                for key, text in COLLABORATION_RULES
            ],
        }
