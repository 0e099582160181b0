"""The URL walk's table: for every URL pattern of the project, how to fill its URL from the
walk's world and what each role must get back.

Expected answers:

- "public": 200 for this role (a page anyone may open);
- "ok": the view's normal answer: 200, 204 or a redirect that is not the sign-in page (for a
  POST with an empty body also a form error: 400, 409 or 422);
- "login": a redirect to the sign-in page (anonymous visitors on private pages);
- "404": not found (someone who may not see the object, or the page, learns nothing).

Never 403 and never 500. A new URL pattern without a row here fails the walk: say who may open
it. Django's admin is walked by rule (`urlwalk_admin`), not by rows.

A row keyed "<url name>#<case>" walks the same URL pattern with another object: a public view
of a private object (a draft, an unpublished call) must answer 404 to everyone who may not
see it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .urlwalk_world import ROLES, World

Kwargs = Callable[[World], dict[str, Any]]
ALL = tuple(ROLES)
SIGNED_IN = tuple(role for role in ALL if role != "anonymous")


@dataclass(frozen=True)
class Entry:
    """One URL pattern: its kwargs, the methods walked, and the answer per role."""

    kwargs: Kwargs
    expect: Mapping[str, str]
    # GET for pages; POST (with `data`, empty by default) for views that change something.
    methods: tuple[str, ...] = ("GET",)
    data: Mapping[str, Any] = field(default_factory=dict)
    # An htmx fragment: walked with HX-Request: true as well.
    htmx: bool = False
    # Per-method overrides of `expect` ({"POST": {"company_owner": "ok"}}).
    per_method: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Our own page (query counts are asserted), not a third-party view.
    ours: bool = True
    # A POST body sent as this content type (JSON-encoded `data`) instead of a form.
    content_type: str = ""

    def expected(self, role: str, method: str) -> str:
        return self.per_method.get(method, {}).get(role, self.expect[role])


# --- who ----------------------------------------------------------------------------------


def public() -> dict[str, str]:
    """Anyone, signed in or not."""
    return dict.fromkeys(ALL, "public")


def anyone_ok() -> dict[str, str]:
    """Anyone, with the view's normal answer (a redirect for some)."""
    return dict.fromkeys(ALL, "ok")


def signed_in() -> dict[str, str]:
    """Any signed-in person; anonymous visitors are sent to sign in."""
    return {"anonymous": "login", **dict.fromkeys(SIGNED_IN, "ok")}


def only(*roles: str, anonymous: str = "login") -> dict[str, str]:
    """Only `roles`; every other signed-in person gets 404. Anonymous visitors are sent to sign
    in, or (a public view of a private object) get 404 too."""
    unknown = set(roles) - set(ALL)
    assert not unknown, unknown
    expect = {role: ("ok" if role in roles else "404") for role in SIGNED_IN}
    return {"anonymous": anonymous, **expect}


def k(**names: str) -> Kwargs:
    """URL kwargs from the world's ids: k(pk="proposal") → {"pk": world["proposal"]}."""
    return lambda world: {kwarg: world[name] for kwarg, name in names.items()}


def const(**values: Any) -> Kwargs:
    return lambda world: dict(values)


def none(world: World) -> dict[str, Any]:
    return {}


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
REGION = k(slug="region_slug")
PARTNERSHIP = k(pk="partnership")
PROPOSAL = k(pk="proposal")

# Region staff of THE region, and the portal admin.
REGION_STAFF = ("coordinator", "admin")
# Who works on the partnership: its company's people, its region's coordinator, the admin.
WORKERS = ("company_owner", "coordinator", "admin")
# Who may read it: the workers and the region's sponsor.
READERS = (*WORKERS, "sponsor")
# Staff roles (they have a TOTP authenticator in the walk).
STAFF = ("coordinator_other", "coordinator", "sponsor", "reviewer", "admin")
# Coordinators of any region (what they create belongs to their own region) and the admin.
ANY_COORDINATOR = ("coordinator", "coordinator_other", "admin")


SPEC: dict[str, Entry] = {
    # --- core ---------------------------------------------------------------------------
    "core:home": Entry(none, public()),
    "core:accessibility": Entry(none, public()),
    "core:set_language": Entry(none, anyone_ok(), methods=POST, data={"language": "sv"}),
    "core:healthz": Entry(none, public()),
    "core:readyz": Entry(none, public()),
    "core:privacy": Entry(none, public()),
    "core:audit_log": Entry(none, only("admin"), htmx=True),
    "core:audit_log_export": Entry(none, only("admin")),
    # Browsers post their reports without a session or CSRF token: anyone's report is stored.
    "core:csp_report": Entry(
        none,
        anyone_ok(),
        methods=POST,
        content_type="application/csp-report",
        data={
            "csp-report": {
                "document-uri": "http://testserver/",
                "violated-directive": "script-src-elem",
                "effective-directive": "script-src-elem",
                "blocked-uri": "inline",
                "disposition": "enforce",
            }
        },
    ),
    # The load benchmark's ceiling page: off (404 for everyone) unless PORTAL_CEILING_VIEW.
    "core:ceiling": Entry(none, dict.fromkeys(ALL, "404")),
    # --- allauth (third-party pages: answers by allauth's own rules) ---------------------
    # Signed-in people are sent on to their dashboard.
    "account_login": Entry(none, {**anyone_ok(), "anonymous": "public"}, ours=False),
    "account_logout": Entry(none, anyone_ok(), ours=False),
    "account_inactive": Entry(none, public(), ours=False),
    "account_signup": Entry(none, anyone_ok(), ours=False),
    "account_reauthenticate": Entry(none, signed_in(), ours=False),
    "account_email": Entry(none, signed_in(), ours=False),
    "account_email_verification_sent": Entry(none, public(), ours=False),
    "account_change_password": Entry(none, signed_in(), ours=False),
    "account_set_password": Entry(none, signed_in(), ours=False),
    "account_reset_password": Entry(none, anyone_ok(), ours=False),
    # A sign-in stage: without a sign-in in progress allauth sends the visitor to sign in.
    "account_confirm_login_code": Entry(none, {**anyone_ok(), "anonymous": "login"}, ours=False),
    "account_confirm_email": Entry(const(key="no-such-key"), anyone_ok(), ours=False),
    "account_reset_password_from_key_done": Entry(none, anyone_ok(), ours=False),
    "account_reset_password_from_key": Entry(
        const(uidb36="zz", key="set-password"), anyone_ok(), ours=False
    ),
    "account_reset_password_done": Entry(none, anyone_ok(), ours=False),
    "mfa_index": Entry(none, signed_in(), ours=False),
    "mfa_authenticate": Entry(none, {**anyone_ok(), "anonymous": "login"}, ours=False),
    "mfa_reauthenticate": Entry(none, signed_in(), ours=False),
    "mfa_activate_totp": Entry(none, signed_in(), ours=False),
    # allauth answers 404 to someone without that kind of authenticator.
    "mfa_deactivate_totp": Entry(none, only(*STAFF), ours=False),
    "mfa_view_recovery_codes": Entry(none, only(), ours=False),
    "mfa_generate_recovery_codes": Entry(none, signed_in(), ours=False),
    "mfa_download_recovery_codes": Entry(none, only(), ours=False),
    "usersessions_list": Entry(none, signed_in(), ours=False),
    # --- accounts -----------------------------------------------------------------------
    "accounts:dashboard": Entry(none, signed_in()),
    "accounts:onboarding": Entry(none, signed_in()),
    "accounts:profile": Entry(none, signed_in(), methods=BOTH),
    "accounts:mail_preferences": Entry(none, signed_in(), methods=BOTH),
    "accounts:undelivered_mail": Entry(none, only("admin")),
    # A mail to the owner that waits in the outbox: they and portal admins may send it again.
    "accounts:mail_retry": Entry(k(pk="mail"), only("company_owner", "admin"), methods=POST),
    "accounts:privacy": Entry(none, signed_in()),
    "accounts:privacy_export": Entry(none, signed_in()),
    "accounts:privacy_close": Entry(none, signed_in(), methods=POST),
    "accounts:privacy_closed": Entry(none, public()),
    "accounts:organisation_list": Entry(none, signed_in()),
    "accounts:organisation_create": Entry(none, signed_in(), methods=BOTH),
    "accounts:organisation_detail": Entry(k(pk="organisation"), signed_in()),
    "accounts:organisation_edit": Entry(
        k(pk="organisation"), only("company_owner", "admin"), methods=BOTH
    ),
    "accounts:join_request_create": Entry(k(pk="organisation"), signed_in(), methods=POST),
    "accounts:join_request_decide": Entry(
        k(pk="join_request"), only("company_owner", "admin"), methods=POST
    ),
    "accounts:join_request_withdraw": Entry(
        k(pk="join_request"), only("company_other"), methods=POST
    ),
    "accounts:membership_role": Entry(
        k(pk="membership"), only("company_owner", "admin"), methods=POST
    ),
    "accounts:membership_remove": Entry(
        k(pk="membership"), only("company_owner", "admin"), methods=POST
    ),
    # --- regions ------------------------------------------------------------------------
    "regions:list": Entry(none, public()),
    "regions:detail": Entry(REGION, public()),
    "regions:edit": Entry(REGION, only(*REGION_STAFF), methods=BOTH),
    "regions:unit_create": Entry(REGION, only(*REGION_STAFF), methods=BOTH),
    "regions:unit_edit": Entry(k(slug="region_slug", pk="unit"), only(*REGION_STAFF), methods=BOTH),
    "regions:unit_delete": Entry(
        k(slug="region_slug", pk="unit"), only(*REGION_STAFF), methods=BOTH
    ),
    # Only portal admins name a region's coordinators and sponsors.
    "regions:people": Entry(REGION, only("admin"), methods=BOTH),
    "regions:people_remove": Entry(
        k(slug="region_slug", pk="assignment"), only("admin"), methods=POST
    ),
    # --- partnerships: dashboards, calls, proposals, reviews ---------------------------
    "partnerships:dashboard": Entry(none, signed_in()),
    "partnerships:pipeline": Entry(REGION, only("coordinator", "sponsor", "admin")),
    "partnerships:pipeline_export": Entry(REGION, only("coordinator", "sponsor", "admin")),
    "partnerships:call_list": Entry(none, public()),
    "partnerships:call_create": Entry(none, only(*ANY_COORDINATOR), methods=BOTH),
    "partnerships:call_detail": Entry(k(pk="call"), public()),
    "partnerships:call_detail#draft": Entry(
        k(pk="call_draft"), only(*REGION_STAFF, anonymous="404")
    ),
    "partnerships:call_edit": Entry(k(pk="call"), only(*REGION_STAFF), methods=BOTH),
    "partnerships:call_publish": Entry(k(pk="call"), only(*REGION_STAFF), methods=POST),
    "partnerships:call_ranking": Entry(k(pk="call"), only(*REGION_STAFF)),
    "partnerships:proposal_list": Entry(none, signed_in()),
    "partnerships:proposal_new": Entry(none, signed_in(), methods=BOTH),
    "partnerships:proposal_detail": Entry(PROPOSAL, only("company_owner", *REGION_STAFF)),
    "partnerships:proposal_edit": Entry(PROPOSAL, only("company_owner"), methods=BOTH),
    "partnerships:proposal_autosave": Entry(
        PROPOSAL, only("company_owner"), methods=POST, htmx=True
    ),
    "partnerships:proposal_submit": Entry(PROPOSAL, only("company_owner"), methods=POST),
    "partnerships:proposal_withdraw": Entry(PROPOSAL, only("company_owner"), methods=POST),
    # A proposal to the region's call, waiting for a decision.
    "partnerships:proposal_decide": Entry(
        k(pk="proposal_scored"), only(*REGION_STAFF), methods=POST, data={"action": "decline"}
    ),
    "partnerships:review_assign": Entry(k(pk="proposal_scored"), only(*REGION_STAFF), methods=POST),
    "partnerships:attachment_add": Entry(PROPOSAL, only("company_owner"), methods=POST),
    "partnerships:attachment_download": Entry(
        k(pk="proposal", attachment_pk="attachment"), only("company_owner", *REGION_STAFF)
    ),
    "partnerships:attachment_remove": Entry(
        k(pk="proposal", attachment_pk="attachment"), only("company_owner"), methods=POST
    ),
    "partnerships:intake": Entry(none, only(*ANY_COORDINATOR)),
    "partnerships:review_list": Entry(none, signed_in()),
    "partnerships:review_submit": Entry(k(pk="review"), only("reviewer"), methods=BOTH),
    # --- partnerships: the process -----------------------------------------------------
    "partnerships:detail": Entry(PARTNERSHIP, only(*READERS)),
    "partnerships:timeline": Entry(PARTNERSHIP, only(*READERS)),
    "partnerships:checklist": Entry(PARTNERSHIP, only(*READERS), htmx=True),
    "partnerships:checklist_tick": Entry(
        k(pk="partnership", item_pk="checklist_item"), only(*WORKERS), methods=POST, htmx=True
    ),
    "partnerships:advance": Entry(PARTNERSHIP, only(*REGION_STAFF), methods=POST),
    "partnerships:move_back": Entry(PARTNERSHIP, only(*REGION_STAFF), methods=POST),
    "partnerships:change_status": Entry(PARTNERSHIP, only(*REGION_STAFF), methods=POST),
    # The partnership stands at the test step, whose gate is the coordinator's.
    "partnerships:gate_approve": Entry(PARTNERSHIP, only(*REGION_STAFF), methods=POST),
    "partnerships:document_add": Entry(PARTNERSHIP, only(*WORKERS), methods=POST),
    "partnerships:document_download": Entry(
        k(pk="partnership", document_pk="document"), only(*READERS)
    ),
    "partnerships:message_post": Entry(PARTNERSHIP, only(*WORKERS), methods=POST),
    "partnerships:obstacle_note_add": Entry(PARTNERSHIP, only(*WORKERS), methods=POST),
    "partnerships:party_add": Entry(PARTNERSHIP, only(*REGION_STAFF), methods=POST),
    "partnerships:member_add": Entry(PARTNERSHIP, only(*REGION_STAFF), methods=POST),
    "partnerships:member_remove": Entry(
        k(pk="partnership", member_pk="party_member"), only(*REGION_STAFF), methods=POST
    ),
    "partnerships:template_list": Entry(none, only(*ANY_COORDINATOR)),
    "partnerships:template_copy": Entry(REGION, only(*REGION_STAFF), methods=POST),
    "partnerships:template_detail": Entry(k(pk="template"), only(*REGION_STAFF)),
    "partnerships:template_step_edit": Entry(
        k(pk="template", step_pk="template_step"), only(*REGION_STAFF), methods=BOTH
    ),
    "partnerships:template_item_add": Entry(
        k(pk="template", step_pk="template_step"), only(*REGION_STAFF), methods=BOTH
    ),
    "partnerships:template_item_edit": Entry(
        k(pk="template", item_pk="template_item"), only(*REGION_STAFF), methods=BOTH
    ),
    "partnerships:template_item_remove": Entry(
        k(pk="template", item_pk="template_item"), only(*REGION_STAFF), methods=POST
    ),
    "partnerships:agreement": Entry(PARTNERSHIP, only(*READERS)),
    # The parties write the agreement together (it is in force here: edits are refused).
    "partnerships:agreement_start": Entry(PARTNERSHIP, only(*WORKERS), methods=POST),
    "partnerships:agreement_edit": Entry(PARTNERSHIP, only(*WORKERS), methods=BOTH),
    "partnerships:agreement_rules": Entry(PARTNERSHIP, only(*WORKERS), methods=POST, htmx=True),
    "partnerships:agreement_accept": Entry(PARTNERSHIP, only(*READERS), methods=POST),
    "partnerships:agreement_version": Entry(
        k(pk="partnership", number="agreement_version"), only(*READERS)
    ),
    "partnerships:agreement_download": Entry(
        k(pk="partnership", number="agreement_version"), only(*READERS)
    ),
    "partnerships:guide": Entry(none, public()),
    "partnerships:public_summary": Entry(PARTNERSHIP, public()),
    # Nothing public reports on it yet: no summary, even for those who may open it.
    "partnerships:public_summary#unpublicised": Entry(
        k(pk="partnership_unpublicised"), dict.fromkeys(ALL, "404")
    ),
    # --- obstacles ----------------------------------------------------------------------
    "obstacles:create": Entry(none, signed_in(), methods=BOTH),
    "obstacles:mine": Entry(none, signed_in()),
    "obstacles:edit": Entry(k(pk="obstacle_draft"), only("company_owner"), methods=BOTH),
    "obstacles:submit": Entry(k(pk="obstacle_draft"), only("company_owner"), methods=POST),
    "obstacles:review_queue": Entry(none, only("reviewer", "admin"), htmx=True),
    "obstacles:review": Entry(k(pk="obstacle_waiting"), only("reviewer", "admin")),
    "obstacles:claim": Entry(k(pk="obstacle_waiting"), only("reviewer", "admin"), methods=POST),
    "obstacles:release": Entry(k(pk="obstacle_waiting"), only("reviewer", "admin"), methods=POST),
    "obstacles:move": Entry(
        k(pk="obstacle_waiting"),
        only("reviewer", "admin"),
        methods=POST,
        data={"move": "request_changes"},
    ),
    "obstacles:note_add": Entry(
        k(pk="obstacle_waiting"), only("reviewer", "admin"), methods=POST, htmx=True
    ),
    "obstacles:article_list": Entry(none, public(), htmx=True),
    "obstacles:article_create": Entry(none, only(*ANY_COORDINATOR, "reviewer"), methods=BOTH),
    "obstacles:article_detail": Entry(
        k(pk="article_draft"), only("reviewer", "admin", anonymous="404")
    ),
    "obstacles:article_edit": Entry(k(pk="article_draft"), only("reviewer", "admin"), methods=BOTH),
    "obstacles:article_move": Entry(k(pk="article_draft"), only("reviewer", "admin"), methods=POST),
    "obstacles:mitigation_create": Entry(k(pk="obstacle_published"), signed_in(), methods=BOTH),
    "obstacles:mitigation_mine": Entry(none, signed_in()),
    "obstacles:mitigation_review_list": Entry(none, only("reviewer", "admin")),
    "obstacles:mitigation_detail": Entry(
        k(pk="mitigation"), only("company_owner", "reviewer", "admin", anonymous="404")
    ),
    "obstacles:mitigation_detail#published": Entry(k(pk="mitigation_published"), public()),
    "obstacles:mitigation_edit": Entry(
        k(pk="mitigation"), only("company_owner", "reviewer", "admin"), methods=BOTH
    ),
    "obstacles:mitigation_move": Entry(k(pk="mitigation"), only("reviewer", "admin"), methods=POST),
    "obstacles:link_note": Entry(k(note_pk="note"), only(*WORKERS), methods=BOTH, htmx=True),
    "obstacles:link_unlink": Entry(k(note_pk="note"), only(*WORKERS), methods=POST),
    "obstacles:link_propose": Entry(k(note_pk="note"), only(*WORKERS), methods=POST),
    "obstacles:list": Entry(none, public(), htmx=True),
    "obstacles:export_csv": Entry(none, public()),
    "obstacles:export_json": Entry(none, public()),
    "obstacles:detail": Entry(k(pk="obstacle_draft"), only("company_owner", anonymous="404")),
    "obstacles:detail#published": Entry(k(pk="obstacle_published"), public()),
    "obstacles:endorse": Entry(k(pk="obstacle_published"), signed_in(), methods=POST),
    # --- dissemination ------------------------------------------------------------------
    "dissemination:manage": Entry(none, only(*ANY_COORDINATOR)),
    "dissemination:event_create": Entry(none, only(*ANY_COORDINATOR), methods=BOTH),
    "dissemination:event_edit": Entry(k(pk="event"), only(*REGION_STAFF), methods=BOTH),
    "dissemination:event_move": Entry(
        lambda w: {"pk": w["event"], "move": "postpone"}, only(*REGION_STAFF), methods=BOTH
    ),
    "dissemination:my_registrations": Entry(none, signed_in()),
    "dissemination:register": Entry(k(pk="event"), signed_in(), methods=POST, htmx=True),
    "dissemination:registration_cancel": Entry(k(pk="event"), signed_in(), methods=POST, htmx=True),
    "dissemination:registration_consent": Entry(
        k(pk="event"), signed_in(), methods=POST, htmx=True
    ),
    "dissemination:attendees": Entry(k(pk="event"), only(*REGION_STAFF)),
    "dissemination:attendees_csv": Entry(k(pk="event"), only(*REGION_STAFF)),
    "dissemination:attendance": Entry(k(pk="event"), only(*REGION_STAFF), methods=POST),
    "dissemination:publication_create": Entry(none, only(*ANY_COORDINATOR), methods=BOTH),
    "dissemination:publication_download": Entry(
        k(pk="publication_draft_with_file"), only(*REGION_STAFF, anonymous="404")
    ),
    "dissemination:publication_download#published": Entry(k(pk="publication_with_file"), public()),
    "dissemination:publication_edit": Entry(k(pk="publication"), only(*REGION_STAFF), methods=BOTH),
    "dissemination:publication_move": Entry(
        lambda w: {"pk": w["publication"], "move": "withdraw"}, only(*REGION_STAFF), methods=BOTH
    ),
    "dissemination:lesson_list": Entry(none, public()),
    "dissemination:lesson_review": Entry(none, only(*ANY_COORDINATOR)),
    "dissemination:lesson_detail": Entry(k(pk="lesson_draft"), only(*READERS, anonymous="404")),
    "dissemination:lesson_create": Entry(
        k(partnership_pk="partnership"), only(*WORKERS), methods=BOTH
    ),
    "dissemination:lesson_edit": Entry(k(pk="lesson_draft"), only(*WORKERS), methods=BOTH),
    "dissemination:lesson_move": Entry(
        lambda w: {"pk": w["lesson_draft"], "move": "submit"}, only(*WORKERS), methods=BOTH
    ),
    "dissemination:reach_overview": Entry(
        none, only("coordinator", "coordinator_other", "sponsor", "admin")
    ),
    "dissemination:reach_csv": Entry(
        none, only("coordinator", "coordinator_other", "sponsor", "admin")
    ),
    "dissemination:event_reach": Entry(k(pk="past_event"), only(*REGION_STAFF), methods=BOTH),
    "dissemination:event_reach_delete": Entry(
        k(pk="past_event", entry_pk="event_reach_entry"), only(*REGION_STAFF), methods=POST
    ),
    "dissemination:publication_reach": Entry(
        k(pk="publication"), only(*REGION_STAFF), methods=BOTH
    ),
    "dissemination:publication_reach_delete": Entry(
        k(pk="publication", entry_pk="publication_reach_entry"), only(*REGION_STAFF), methods=POST
    ),
    "dissemination:feed_all": Entry(none, public()),
    "dissemination:feed_region": Entry(REGION, public()),
    "dissemination:event_ics": Entry(k(pk="event"), public()),
    "dissemination:calendar": Entry(none, public(), htmx=True),
    "dissemination:archive": Entry(none, public(), htmx=True),
    "dissemination:publication_detail": Entry(k(pk="publication"), public()),
    "dissemination:publication_detail#draft": Entry(
        k(pk="publication_draft_with_file"), only(*REGION_STAFF, anonymous="404")
    ),
    "dissemination:event_detail": Entry(k(pk="event"), public()),
    "dissemination:event_detail#draft": Entry(
        k(pk="event_draft"), only(*REGION_STAFF, anonymous="404")
    ),
    # The calendar file is for public events only: a draft is 404 even for its organisers.
    "dissemination:event_ics#draft": Entry(k(pk="event_draft"), dict.fromkeys(ALL, "404")),
    # --- reports ------------------------------------------------------------------------
    "reports:mine": Entry(none, signed_in()),
    "reports:request": Entry(
        const(kind="partnership"),
        only(*READERS),
        methods=POST,
        data={"partnership": "{partnership}", "language": "en"},
        htmx=True,
    ),
    "reports:detail": Entry(k(pk="report_ready"), only("company_owner", anonymous="404")),
    "reports:status": Entry(
        k(pk="report_ready"), only("company_owner", anonymous="404"), htmx=True
    ),
    "reports:download": Entry(k(pk="report_ready"), only("company_owner", anonymous="404")),
    "reports:retry": Entry(
        k(pk="report_failed"), only("company_owner", anonymous="404"), methods=POST, htmx=True
    ),
}
