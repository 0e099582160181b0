"""Every form of the portal: where it posts, who fills it in and the page that shows it.

The baseline each form sends is read from the page itself (what pressing its button sends,
with plain values in required fields left empty), so the table says only what the page cannot:
who may use the form, on which object, and the few values a valid baseline needs.

`test_every_post_view_has_a_form_row` holds this table to the URL configuration: a view that
takes POST and has no row here fails it. Views that take POST without a form to probe are in
`NO_FORM` with the reason.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dissemination.models import Event, Lesson, Publication
from obstacles.models import KnowledgeArticle, Mitigation, Obstacle
from partnerships.models import Agreement, ObstacleNote, Partnership, Proposal
from portal.accounts.models import Organisation

from .hostile_forms import FormCase
from .hostile_world import World, _pk


def _p(pk_of: Any) -> Any:
    return lambda w: {"pk": pk_of(w)}


def _partnership_at_sponsor_gate(w: World) -> int:
    return Partnership.objects.get(title__startswith="Trycksårsprevention").pk  # Uppsala


def _draft_agreement_partnership(w: World) -> int:
    agreement = Agreement.objects.filter(status="draft").order_by("pk").first()
    assert agreement is not None
    return agreement.partnership_id


def _future_event(w: World) -> int:
    return _pk(Event, status="published", region__slug="ostergotland", starts_at__gt=timezone.now())


def _nordic(w: World) -> int:
    return _pk(Organisation, name="Nordic Medtech AB")


def _company_draft_proposal(w: World) -> int:
    return _pk(Proposal, status="draft", organisation__name="Nordic Medtech AB")


def _caresense_submitted_proposal(w: World) -> int:
    return _pk(Proposal, status="submitted", organisation__name="CareSense AB")


def _company_draft_obstacle(w: World) -> int:
    return _pk(Obstacle, status="draft", author=w.users["company"])


# --- Objects the rows need ------------------------------------------------------------------------


def _open_review_of(w: World, reviewer: str) -> int:
    from partnerships.models import ReviewAssignment

    return _pk(ReviewAssignment, reviewer=w.users[reviewer], submitted_at__isnull=True)


def _claim(w: World) -> None:
    from obstacles.services.entries.claims import obstacle_claim

    obstacle = Obstacle.objects.get(pk=_entry_in_review(w))
    obstacle_claim(obstacle=obstacle, reviewer=w.users["reviewer"])


def _entry_in_review(w: World) -> int:
    """The first entry waiting for review (claimed or not)."""
    return _pk(Obstacle, status__in=["submitted", "in_review"])


def _unlinked_note(w: World) -> int:
    """An obstacle note of a Region Uppsala partnership not yet linked to the register."""
    return _pk(ObstacleNote, partnership__region__slug="uppsala", obstacle__isnull=True)


def _linked_note(w: World) -> int:
    partnership = w.partnership_ostergotland()
    return _pk(ObstacleNote, partnership=partnership, obstacle__isnull=False)


def _partnership_without_agreement(w: World) -> int:
    return _pk(Partnership, agreement__isnull=True, region__slug="vasterbotten", status="active")


def _unregistered_org_number(w: World) -> str:
    """A valid organisation number (right check digit) that no organisation in the portal has:
    the party form must refuse it beside the field, as it would an id not offered."""
    from portal.accounts.orgnr import luhn_check_digit

    for n in range(1000):
        first_nine = f"99{n:07d}"
        number = f"{first_nine[:6]}-{first_nine[6:]}{luhn_check_digit(first_nine)}"
        if not Organisation.objects.filter(org_number=number).exists():
            return number
    raise AssertionError("no free organisation number")  # pragma: no cover


def _soon(days: int, fmt: str) -> str:
    from datetime import timedelta

    return (timezone.localtime() + timedelta(days=days)).strftime(fmt)


def _region_party(w: World) -> int:
    from partnerships.models import PartnershipParty

    return _pk(PartnershipParty, partnership=w.partnership_ostergotland(), kind="region")


def _registered_event(w: World, who: str) -> int:
    return _pk(
        Event,
        registrations__user=w.users[who],
        registrations__status="confirmed",
        starts_at__gt=timezone.now(),
        status="published",
    )


def _reach_entry(w: World, kind: str) -> dict[str, int]:
    """A figure logged for an event or publication of Region Östergötland."""
    from dissemination.models import ReachEntry

    entry = (
        ReachEntry.objects.filter(**{f"{kind}__region__slug": "ostergotland"})
        .order_by("pk")
        .first()
    )
    assert entry is not None
    return {"pk": getattr(entry, f"{kind}_id"), "entry_pk": entry.pk}


def _past_event_with_registrations(w: World) -> int:
    return _pk(
        Event,
        region__slug="ostergotland",
        starts_at__lt=timezone.now(),
        registrations__status="confirmed",
        status="published",
    )


COORD = "coordinator.ostergotland"
DEMO_PASSWORD = "demo-portal-2026"

FORMS: tuple[FormCase, ...] = (
    # --- core and accounts ----------------------------------------------------------------------
    FormCase("core:set_language", None, page="core:home", submitter="language=sv"),
    FormCase("accounts:profile", "company"),
    FormCase(
        "accounts:mail_preferences",
        "company",
        baseline_changes_nothing="every kind is on already: the form as shown stores no change",
    ),
    FormCase("accounts:organisation_create", "academic", fill={"org_number": "556036-0793"}),
    FormCase("accounts:organisation_edit", "company", kwargs=_p(_nordic)),
    FormCase(
        "accounts:join_request_create",
        "academic",
        public=True,
        page="accounts:organisation_detail",
        kwargs=_p(_nordic),
        page_kwargs=_p(_nordic),
    ),
    FormCase(
        "accounts:join_request_decide",
        "company",
        page="accounts:organisation_detail",
        page_kwargs=_p(_nordic),
        prepare=lambda w: w.join_request(),
        submitter="decision=approve",
    ),
    FormCase(
        "accounts:join_request_withdraw",
        "academic",
        page="accounts:organisation_detail",
        page_kwargs=_p(_nordic),
        prepare=lambda w: w.join_request(),
    ),
    FormCase(
        "accounts:membership_role",
        "company",
        page="accounts:organisation_detail",
        page_kwargs=_p(_nordic),
        baseline_changes_nothing="the only member is the only admin: the service refuses to "
        "demote them (said in a message)",
    ),
    FormCase(
        "accounts:mail_retry",
        "admin",
        page="accounts:undelivered_mail",
        prepare=lambda w: w.failed_mail(),
        outsider="caresense",  # the mail is company@'s own
    ),
    FormCase(
        "accounts:privacy_close",
        "company",
        page="accounts:privacy",
        fill={"password": DEMO_PASSWORD, "confirm": "on"},
    ),
    # --- allauth: signing in and the account's own settings -------------------------------------
    FormCase(
        "account_login",
        None,
        fill={"login": "company@demo.example", "password": "wrong"},
        baseline_changes_nothing="a wrong password: refused beside the form, stores nothing",
    ),
    FormCase(
        "account_signup",
        None,
        fill={
            "name": "Test Person",
            "email": "new.person@demo.example",
            "password1": "A-long-passphrase-2026",
            "password2": "A-long-passphrase-2026",
        },
    ),
    FormCase(
        "account_reset_password",
        None,
        fill={"email": "company@demo.example"},
        baseline_changes_nothing="a reset link goes out by mail; nothing is stored",
    ),
    FormCase(
        "account_change_password",
        "company",
        fill={
            "oldpassword": DEMO_PASSWORD,
            "password1": "A-long-passphrase-2026",
            "password2": "A-long-passphrase-2026",
        },
    ),
    FormCase(
        "account_email", "company", fill={"email": "second@demo.example"}, submitter="action_add="
    ),
    # --- regions ---------------------------------------------------------------------------------
    FormCase("regions:edit", COORD),
    FormCase("regions:unit_create", COORD),
    FormCase("regions:unit_edit", COORD),
    FormCase("regions:unit_delete", COORD),
    FormCase("regions:people", "admin", fill={"email": "academic@demo.example"}),
    FormCase("regions:people_remove", "admin", page="regions:people"),
    # --- partnerships: calls and proposals ------------------------------------------------------
    FormCase(
        "partnerships:call_create",
        COORD,
        fill={
            "opens_at": lambda w: _soon(1, "%Y-%m-%dT09:00"),
            "closes_at": lambda w: _soon(60, "%Y-%m-%dT16:00"),
        },
    ),
    FormCase("partnerships:call_edit", "admin"),
    FormCase("partnerships:call_publish", "admin", page="partnerships:call_detail"),
    FormCase("partnerships:proposal_new", "company"),
    FormCase(
        "partnerships:proposal_edit",
        "company",
        kwargs=_p(_company_draft_proposal),
        lenient=("ce_marked_sent",),  # tells "box unticked" from "box not on the page"
    ),
    FormCase(
        "partnerships:proposal_submit",
        "company",
        page="partnerships:proposal_detail",
        kwargs=_p(_company_draft_proposal),
        page_kwargs=_p(_company_draft_proposal),
        baseline_changes_nothing="the demo draft is incomplete: submitting it is refused with "
        "the missing answers listed",
    ),
    FormCase(
        "partnerships:proposal_withdraw",
        "caresense",
        page="partnerships:proposal_detail",
        kwargs=_p(_caresense_submitted_proposal),
        page_kwargs=_p(_caresense_submitted_proposal),
    ),
    FormCase(
        "partnerships:proposal_decide",
        "coordinator.uppsala",
        page="partnerships:proposal_detail",
        kwargs=_p(_caresense_submitted_proposal),
        page_kwargs=_p(_caresense_submitted_proposal),
        submitter="action=request_changes",
        fill={"message": "Please say more about the evidence."},
    ),
    FormCase(
        "partnerships:review_assign",
        "coordinator.uppsala",
        page="partnerships:proposal_detail",
        kwargs=_p(_caresense_submitted_proposal),
        page_kwargs=_p(_caresense_submitted_proposal),
        fill={"email": "sponsor.uppsala@demo.example"},
    ),
    FormCase(
        "partnerships:review_submit",
        "reviewer",
        kwargs=lambda w: {"pk": _open_review_of(w, "reviewer")},
    ),
    FormCase(
        "partnerships:attachment_add",
        "company",
        page="partnerships:proposal_edit",
        kwargs=_p(_company_draft_proposal),
        page_kwargs=_p(_company_draft_proposal),
    ),
    FormCase(
        "partnerships:attachment_remove",
        "company",
        page="partnerships:proposal_edit",
        page_kwargs=_p(_company_draft_proposal),
        prepare=lambda w: w.attachment(),
    ),
    # --- partnerships: the process --------------------------------------------------------------
    FormCase("partnerships:checklist_tick", COORD, page="partnerships:detail"),
    FormCase(
        "partnerships:advance",
        COORD,
        page="partnerships:detail",
        baseline_changes_nothing="the step's required checklist items are not done: the move "
        "is refused with what is missing",
    ),
    FormCase("partnerships:move_back", COORD, page="partnerships:detail"),
    FormCase(
        "partnerships:change_status",
        COORD,
        page="partnerships:detail",
        fill={"status-action": "pause", "status-reason": "Waiting for the test bed."},
    ),
    FormCase(
        "partnerships:gate_approve",
        "sponsor.uppsala",
        page="partnerships:detail",
        kwargs=_p(_partnership_at_sponsor_gate),
        page_kwargs=_p(_partnership_at_sponsor_gate),
    ),
    FormCase("partnerships:document_add", COORD, page="partnerships:detail"),
    FormCase("partnerships:message_post", COORD, page="partnerships:detail"),
    FormCase("partnerships:obstacle_note_add", COORD, page="partnerships:detail"),
    FormCase(
        "partnerships:party_add",
        "coordinator.vasterbotten",  # parties are added before an agreement is in force
        page="partnerships:detail",
        kwargs=_p(_partnership_without_agreement),
        page_kwargs=_p(_partnership_without_agreement),
        fill={
            # Typed by number; a name, one nobody has, and markup go through the text probes.
            "party-organisation": lambda w: (
                Organisation.objects.get(name="Uppsala universitet").org_number
            ),
            "party-kind": "academia",
        },
        foreign={"party-organisation": _unregistered_org_number},
    ),
    FormCase(
        "partnerships:member_add",
        COORD,
        page="partnerships:detail",
        fill={
            "member-party": lambda w: str(_region_party(w)),
            "member-email": "sponsor.ostergotland@demo.example",
        },
    ),
    FormCase("partnerships:member_remove", COORD, page="partnerships:detail"),
    FormCase(
        "partnerships:template_copy",
        "coordinator.uppsala",
        page="partnerships:template_list",
    ),
    FormCase("partnerships:template_step_edit", COORD, prepare=lambda w: w.region_template()),
    FormCase("partnerships:template_item_add", COORD, prepare=lambda w: w.region_template()),
    FormCase("partnerships:template_item_edit", COORD, prepare=lambda w: w.region_template()),
    FormCase(
        "partnerships:template_item_remove",
        COORD,
        page="partnerships:template_detail",
        prepare=lambda w: w.region_template(),
    ),
    FormCase(
        "partnerships:agreement_edit",
        "coordinator.vgr",
        page="partnerships:agreement",
        kwargs=_p(_draft_agreement_partnership),
        page_kwargs=_p(_draft_agreement_partnership),
        fill={"purpose": "A pilot of remote monitoring."},
    ),
    FormCase(
        "partnerships:agreement_rules",
        "coordinator.vgr",
        page="partnerships:agreement",
        kwargs=_p(_draft_agreement_partnership),
        page_kwargs=_p(_draft_agreement_partnership),
    ),
    FormCase(
        "partnerships:agreement_accept",
        "academic",
        page="partnerships:agreement",
        kwargs=_p(_draft_agreement_partnership),
        page_kwargs=_p(_draft_agreement_partnership),
    ),
    # --- obstacles -----------------------------------------------------------------------------
    FormCase("obstacles:create", "company", submitter="action=save"),
    FormCase("obstacles:edit", "company", kwargs=_p(_company_draft_obstacle)),
    FormCase(
        "obstacles:submit",
        "company",
        page="obstacles:mine",
        kwargs=_p(_company_draft_obstacle),
    ),
    FormCase(
        "obstacles:claim",
        "reviewer",
        page="obstacles:review",
        kwargs=_p(_entry_in_review),
        page_kwargs=_p(_entry_in_review),
    ),
    FormCase(
        "obstacles:release",
        "reviewer",
        page="obstacles:review",
        kwargs=_p(_entry_in_review),
        page_kwargs=_p(_entry_in_review),
        prepare=lambda w: _claim(w),
    ),
    FormCase(
        "obstacles:move",
        "reviewer",
        page="obstacles:review",
        kwargs=_p(_entry_in_review),
        page_kwargs=_p(_entry_in_review),
        prepare=lambda w: _claim(w),
        submitter="move=request_changes",
        fill={"request_changes-reason": "Please add the evidence."},
    ),
    FormCase(
        "obstacles:note_add",
        "reviewer",
        page="obstacles:review",
        kwargs=_p(_entry_in_review),
        page_kwargs=_p(_entry_in_review),
    ),
    FormCase("obstacles:endorse", "academic", page="obstacles:detail", public=True),
    FormCase("obstacles:mitigation_create", "academic", public=True),
    FormCase("obstacles:mitigation_edit", "reviewer"),
    FormCase(
        "obstacles:mitigation_move",
        "reviewer",
        page="obstacles:mitigation_review_list",
        kwargs=lambda w: {"pk": _pk(Mitigation, status="submitted")},
        submitter="move=reject",
        fill={"reason": "Not a mitigation of this obstacle."},
    ),
    FormCase("obstacles:article_create", "reviewer"),
    FormCase("obstacles:article_edit", "reviewer"),
    FormCase(
        "obstacles:article_move",
        "reviewer",
        page="obstacles:article_detail",
        kwargs=lambda w: {"pk": _pk(KnowledgeArticle, status="published")},
        page_kwargs=lambda w: {"pk": _pk(KnowledgeArticle, status="published")},
        fill={"reason": "Out of date."},
    ),
    FormCase(
        "obstacles:link_note",
        "coordinator.uppsala",
        kwargs=lambda w: {"note_pk": _unlinked_note(w)},
        page_kwargs=lambda w: {"note_pk": _unlinked_note(w)},
        page_query="?q=1",  # the link buttons come with search results
        foreign={"obstacle": lambda w: str(_pk(Obstacle, status="draft"))},
    ),
    FormCase(
        "obstacles:link_unlink",
        COORD,
        page="partnerships:detail",
        kwargs=lambda w: {"note_pk": _linked_note(w)},
    ),
    FormCase(
        "obstacles:link_propose",
        "coordinator.uppsala",
        page="obstacles:link_note",
        kwargs=lambda w: {"note_pk": _unlinked_note(w)},
        page_kwargs=lambda w: {"note_pk": _unlinked_note(w)},
    ),
    # --- dissemination ---------------------------------------------------------------------------
    FormCase(
        "dissemination:event_create",
        COORD,
        fill={"location": "Linköping", "ends_at": lambda w: _soon(30, "%Y-%m-%dT12:00")},
    ),
    FormCase("dissemination:event_edit", COORD, kwargs=_p(_future_event)),
    FormCase(
        "dissemination:event_move",
        COORD,
        kwargs=lambda w: {"pk": _future_event(w), "move": "postpone"},
        fill={"reason": "The venue is closed."},
    ),
    FormCase(
        "dissemination:register",
        "academic",
        public=True,
        page="dissemination:register",
        kwargs=_p(_future_event),
    ),
    FormCase(
        "dissemination:registration_cancel",
        "company",
        public=True,  # each person's own registration: another's is never reachable
        page="dissemination:my_registrations",
        kwargs=lambda w: {"pk": _registered_event(w, "company")},
    ),
    FormCase(
        "dissemination:registration_consent",
        "company",
        public=True,  # each person's own registration: another's is never reachable
        page="dissemination:register",
        kwargs=lambda w: {"pk": _registered_event(w, "company")},
        page_kwargs=lambda w: {"pk": _registered_event(w, "company")},
    ),
    FormCase(
        "dissemination:attendance",
        COORD,
        page="dissemination:attendees",
        kwargs=lambda w: {"pk": _past_event_with_registrations(w)},
        page_kwargs=lambda w: {"pk": _past_event_with_registrations(w)},
    ),
    FormCase("dissemination:event_reach", COORD, fill={"value": "12"}),
    FormCase(
        "dissemination:event_reach_delete",
        COORD,
        page="dissemination:event_reach",
        kwargs=lambda w: _reach_entry(w, "event"),
        page_kwargs=lambda w: {"pk": _reach_entry(w, "event")["pk"]},
    ),
    FormCase("dissemination:publication_create", COORD, fill={"link": "https://example.org/r"}),
    FormCase(
        "dissemination:publication_edit",
        COORD,
        kwargs=lambda w: {"pk": _pk(Publication, status="published", region__slug="ostergotland")},
    ),
    FormCase(
        "dissemination:publication_move",
        COORD,
        kwargs=lambda w: {
            "pk": _pk(Publication, status="published", region__slug="ostergotland"),
            "move": "withdraw",
        },
        fill={"reason": "Superseded."},
    ),
    FormCase(
        "dissemination:publication_reach",
        COORD,
        kwargs=lambda w: {"pk": _pk(Publication, status="published", region__slug="ostergotland")},
        fill={"value": "12"},
    ),
    FormCase(
        "dissemination:publication_reach_delete",
        COORD,
        page="dissemination:publication_reach",
        kwargs=lambda w: _reach_entry(w, "publication"),
        page_kwargs=lambda w: {"pk": _reach_entry(w, "publication")["pk"]},
    ),
    FormCase(
        "dissemination:lesson_create",
        COORD,
        submitter="submit=0",
    ),
    FormCase(
        "dissemination:lesson_edit",
        "coordinator.vasterbotten",
        kwargs=lambda w: {"pk": _pk(Lesson, status="draft")},
    ),
    FormCase(
        "dissemination:lesson_move",
        COORD,
        kwargs=lambda w: {
            "pk": _pk(Lesson, status="published", partnership__region__slug="ostergotland"),
            "move": "withdraw",
        },
        fill={"reason": "Out of date."},
    ),
    # --- reports -------------------------------------------------------------------------------
    FormCase(
        "reports:request",
        None,
        page="partnerships:guide",
        kwargs=lambda w: {"kind": "process_guide"},
    ),
)

# Views that take POST but have no form to fill in: what protects them instead.
NO_FORM: dict[str, str] = {
    "accounts:membership_remove": "a button with no fields (the service refuses to remove an "
    "organisation's last admin)",
    "core:csp_report": "a JSON endpoint for browsers: test_csp_report_answers_hostile_bodies",
    "account_confirm_email": "a link from a mail (its key is the input): the query walk",
    "account_confirm_login_code": "sign-in by mailed code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "account_reauthenticate": "allauth's password-again form, the same form as signing in",
    "account_reset_password_from_key": "needs a key mailed to the person; the query walk tries "
    "made-up keys",
    "account_set_password": "only for accounts without a password (none: email and password)",
    "mfa_activate_totp": "allauth's TOTP form: a six-digit code checked against the secret",
    "mfa_authenticate": "allauth's TOTP form during sign-in",
    "mfa_deactivate_totp": "allauth's confirmation button",
    "mfa_generate_recovery_codes": "allauth's confirmation button",
    "mfa_reauthenticate": "allauth's TOTP form",
    "usersessions_list": "a button that ends the other sessions (no fields)",
    "partnerships:agreement_start": "a button with no fields, shown only at the agreement step "
    "before there is an agreement (the demo has none in that state); who may press it is the "
    "URL walk's",
    "account_logout": "allauth's sign-out button: no fields",
    "partnerships:proposal_autosave": "htmx autosave of the edit form: probed with the same "
    "fields in test_autosave_refuses_hostile_text",
    "reports:retry": "a button (no fields) on a failed report; probed by the URL walk",
}
