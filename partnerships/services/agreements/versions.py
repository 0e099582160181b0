"""Versions of the text: a new one when the rendered text changes, acceptances of earlier
versions voided, and everyone concerned told.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone

from portal.core.audit import audit_record
from portal.core.notifications import MailKind, notify

from ...models import Agreement, AgreementAcceptance, AgreementVersion, EventKind
from ._common import _event, _person, agreement_people
from .text import _render, checksum_of


def _record_version(agreement: Agreement, actor: Any) -> tuple[AgreementVersion, bool]:
    """A new version when the rendered text differs from the latest one."""
    text = _render(agreement)
    latest = AgreementVersion.objects.filter(agreement=agreement).order_by("-number").first()
    if latest is not None and latest.text == text:
        return latest, False
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=(latest.number + 1) if latest else 1,
        text=text,
        checksum=checksum_of(text),
        created_by=_person(actor),
    )
    return version, True


def _void_acceptances(agreement: Agreement, *, before: int | None = None) -> int:
    """Void the standing acceptances (only those of versions before `before`, if given)."""
    acceptances = AgreementAcceptance.objects.filter(
        version__agreement=agreement, voided_at__isnull=True
    )
    if before is not None:
        acceptances = acceptances.filter(version__number__lt=before)
    return acceptances.update(voided_at=timezone.now())


def _tell_acceptances_voided(
    agreement: Agreement,
    actor: Any,
    version: AgreementVersion,
    *,
    template: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    notify(
        users=agreement_people(agreement.partnership),
        template=template,
        context={
            "partnership": agreement.partnership,
            "agreement": agreement,
            "version": version,
            "actor": _person(actor),
            **(extra or {}),
        },
        kind=MailKind.AGREEMENT_VERSION,
    )


def _write_version(
    agreement: Agreement,
    actor: Any,
    *,
    action: str,
    data: Mapping[str, Any],
    says: Callable[[AgreementVersion, bool], Any],
    always: bool = True,
) -> tuple[AgreementVersion, bool]:
    """The one path after anything that may change the text: a new version when the rendered
    text differs from the latest one, acceptances of earlier versions voided, an audit row and a
    timeline event (`says(version, created)`), and everyone told when acceptances were voided.
    With `always=False` nothing is recorded when the text did not change."""
    version, created = _record_version(agreement, actor)
    if not created and not always:
        return version, created
    voided = _void_acceptances(agreement, before=version.number) if created else 0
    audit_record(
        actor=actor,
        action=action,
        target=agreement,
        data={
            **data,
            "version": version.number,
            "checksum": version.checksum,
            "acceptances_voided": voided,
        },
    )
    _event(agreement.partnership, actor, EventKind.AGREEMENT, lambda: says(version, created))
    if voided:
        _tell_acceptances_voided(
            agreement, actor, version, template="partnerships/email/agreement_version"
        )
    return version, created
