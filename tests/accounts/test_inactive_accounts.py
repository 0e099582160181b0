"""The retention rule: accounts nobody has signed in to for PORTAL_INACTIVE_ACCOUNT_DAYS are
anonymised by a daily task (with `anonymise_user`, as closing an account is), after a warning
mailed PORTAL_INACTIVE_WARNING_DAYS before; portal admins get the counts (no names), and every
run leaves an audit row. Direct calls for the rules, and a real Celery worker for the task.
"""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from dissemination.models import Registration
from portal.accounts.models import Membership, MembershipRole, User
from portal.accounts.services_privacy import (
    INACTIVITY_WARNING,
    RETENTION_RUN,
    anonymise_inactive_accounts,
)
from portal.accounts.tasks import anonymise_inactive_accounts as retention_task
from portal.core.models import AuditEvent, OutgoingMail
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.factories_dissemination import RegistrationFactory
from tests.factories_process import make_admin
from tests.utils import wait_for

DAYS = 1095
NOW = timezone.now()


def _person(*, last_login_days: float | None, joined_days: float = 2000, **kwargs: Any) -> User:
    """A person who joined `joined_days` ago and last signed in `last_login_days` ago (None:
    never)."""
    user: User = UserFactory(**kwargs)
    User.objects.filter(pk=user.pk).update(
        date_joined=NOW - dt.timedelta(days=joined_days),
        last_login=None if last_login_days is None else NOW - dt.timedelta(days=last_login_days),
    )
    user.refresh_from_db()
    return user


def _warned(user: User, *, days_ago: float) -> None:
    warning = AuditEvent.objects.create(
        action=INACTIVITY_WARNING, target_type="accounts.user", target_id=str(user.pk)
    )
    AuditEvent.objects.filter(pk=warning.pk).update(created_at=NOW - dt.timedelta(days=days_ago))


def _day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d")


def _anonymised(user: User) -> bool:
    return User.objects.get(pk=user.pk).anonymised_at is not None


def _mail_to(user: User) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(to=user.email).order_by("pk"))


@pytest.fixture
def admin(db: None) -> User:
    return make_admin()


@pytest.mark.django_db
def test_the_rule_anonymises_warned_inactive_accounts_and_spares_the_others(
    admin: User, settings: Any
) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    settings.PORTAL_INACTIVE_WARNING_DAYS = 30
    gone = _person(last_login_days=DAYS + 40, name="Gunnar Gammalsson")
    _warned(gone, days_ago=31)
    RegistrationFactory(user=gone, name="Gunnar Gammalsson", needs="Glutenfritt")
    recent = _person(last_login_days=100)
    never_signed_in_but_new = _person(last_login_days=None, joined_days=10)
    superuser = _person(last_login_days=DAYS + 400, is_superuser=True)
    switched_off = _person(last_login_days=DAYS + 5, is_active=False)  # cannot be warned

    run = anonymise_inactive_accounts(now=NOW)

    assert run.enabled and run.anonymised == 2 and run.failed == 0
    assert _anonymised(gone) and _anonymised(switched_off)
    for kept in (recent, never_signed_in_but_new, superuser):
        assert not _anonymised(kept)
    registration = Registration.objects.get(user=gone)
    assert registration.name == "" and registration.needs == ""
    anonymise_row = AuditEvent.objects.get(action="user.anonymise", target_id=str(gone.pk))
    assert anonymise_row.reason == "inactive" and anonymise_row.actor is None

    summary = AuditEvent.objects.get(action=RETENTION_RUN)
    assert summary.data["anonymised"] == 2 and summary.data["inactive_account_days"] == DAYS
    (report,) = _mail_to(admin)
    assert "Accounts anonymised: 2" in report.body
    # Counts only: no names, no addresses.
    assert "Gunnar" not in report.body and "@" not in report.body.replace(admin.email, "")


@pytest.mark.django_db
def test_a_person_is_warned_once_and_anonymised_only_after_the_warning_period(
    admin: User, settings: Any
) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    settings.PORTAL_INACTIVE_WARNING_DAYS = 30
    # Past the deadline already, but never warned: warned now, anonymised 30 days later.
    late = _person(last_login_days=DAYS + 10, preferred_language="sv", name="Lena Sensson")
    # Inside the warning window.
    soon = _person(last_login_days=DAYS - 20, name="Sune Snartsson")
    # Never signed in: joining counts.
    never = _person(last_login_days=None, joined_days=DAYS - 5)

    first = anonymise_inactive_accounts(now=NOW)

    assert first.warned == 3 and first.anonymised == 0
    (warning,) = _mail_to(late)
    # In her language (Swedish), with the way back in and the way to her data.
    assert warning.subject == "Ditt konto i Innovation Accelerator avslutas om du inte loggar in"
    assert "/accounts/login/" in warning.body and "/me/privacy/" in warning.body
    # Everyone warned now has the full warning period, however late the run.
    assert _day(NOW + dt.timedelta(days=30)) in warning.body
    (soon_warning,) = _mail_to(soon)
    assert _day(NOW + dt.timedelta(days=30)) in soon_warning.body
    assert len(_mail_to(never)) == 1

    again = anonymise_inactive_accounts(now=NOW + dt.timedelta(days=1))
    assert again.warned == 0 and again.anonymised == 0
    assert len(_mail_to(late)) == 1

    later = anonymise_inactive_accounts(now=NOW + dt.timedelta(days=31))
    assert later.anonymised == 3
    assert _anonymised(late) and _anonymised(soon) and _anonymised(never)


@pytest.mark.django_db
def test_signing_in_after_the_warning_cancels_it(admin: User, settings: Any) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    settings.PORTAL_INACTIVE_WARNING_DAYS = 30
    person = _person(last_login_days=DAYS + 1)
    assert anonymise_inactive_accounts(now=NOW).warned == 1
    signed_in = NOW + dt.timedelta(days=2)
    User.objects.filter(pk=person.pk).update(last_login=signed_in)

    # Inactive for the whole period again: the old warning does not count, a new one goes out.
    run = anonymise_inactive_accounts(now=signed_in + dt.timedelta(days=DAYS + 10))

    # (The portal admin, who never signed in in this test, is warned too by then.)
    assert run.anonymised == 0 and not _anonymised(person)
    assert len(_mail_to(person)) == 2


@pytest.mark.django_db
def test_without_a_warning_period_the_rule_anonymises_at_once(admin: User, settings: Any) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    settings.PORTAL_INACTIVE_WARNING_DAYS = 0
    person = _person(last_login_days=DAYS + 1)
    run = anonymise_inactive_accounts(now=NOW)
    assert run.anonymised == 1 and run.warned == 0 and _anonymised(person)
    assert _mail_to(person) == []


@pytest.mark.django_db
def test_zero_days_switches_the_rule_off(admin: User, settings: Any) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = 0
    person = _person(last_login_days=5000)
    run = anonymise_inactive_accounts(now=NOW)
    assert not run.enabled and not _anonymised(person)
    assert not AuditEvent.objects.filter(action=RETENTION_RUN).exists()
    assert _mail_to(admin) == []


@pytest.mark.django_db
def test_a_quiet_run_is_audited_but_mails_nobody(admin: User, settings: Any) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    run = anonymise_inactive_accounts(now=NOW)
    assert (run.warned, run.anonymised) == (0, 0)
    assert AuditEvent.objects.filter(action=RETENTION_RUN).count() == 1
    assert _mail_to(admin) == []


@pytest.mark.django_db
def test_an_inactive_last_admin_hands_the_organisation_over(admin: User, settings: Any) -> None:
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    settings.PORTAL_INACTIVE_WARNING_DAYS = 0
    organisation = OrganisationFactory()
    old_admin = _person(last_login_days=DAYS + 1)
    MembershipFactory(user=old_admin, organisation=organisation, role=MembershipRole.ADMIN)
    first_member = MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=organisation)

    run = anonymise_inactive_accounts(now=NOW)

    assert run.anonymised == 1 and run.organisations_handed_over == 1
    admins = Membership.objects.filter(organisation=organisation, role=MembershipRole.ADMIN)
    assert [m.pk for m in admins] == [first_member.pk]
    assert AuditEvent.objects.filter(
        action="membership.role", target_id=str(first_member.pk), data__automatic=True
    ).exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_on_a_real_worker(
    celery_app: Any, celery_worker: Any, settings: Any
) -> None:
    assert not celery_app.conf.task_always_eager
    settings.PORTAL_INACTIVE_ACCOUNT_DAYS = DAYS
    settings.PORTAL_INACTIVE_WARNING_DAYS = 0
    make_admin()
    person = _person(last_login_days=DAYS + 3, name="Worker Wilhelmsson")
    active = _person(last_login_days=3)

    retention_task.delay()

    assert wait_for(lambda: AuditEvent.objects.filter(action=RETENTION_RUN).exists(), seconds=30)
    assert _anonymised(person) and not _anonymised(active)
    summary = AuditEvent.objects.get(action=RETENTION_RUN)
    assert summary.data["anonymised"] == 1 and summary.data["failed"] == 0
    assert settings.CELERY_BEAT_SCHEDULE["privacy-inactive-accounts"]["task"] == retention_task.name
