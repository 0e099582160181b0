"""Hostile input through every query parameter and every form of the portal.

Markup and script, very long text, control characters, wrong types, ids of other people's
objects, out-of-range pages, malformed dates: every one gets a clear answer (a page, a form
error beside the field, 400 or 404), never a 500, and stored data is unchanged.

The URL patterns are read from the URL configuration, so a new page cannot escape the suite:
a pattern whose arguments the suite cannot fill, or a view that takes POST without a row in the
form table, fails it with a message saying what to add.
"""

from __future__ import annotations

import contextlib
import inspect

import pytest
from django.urls import get_resolver

from portal.core.forms import InputHygieneMixin

from .hostile_form_table import FORMS, NO_FORM
from .hostile_forms import FormCase, probe_form
from .hostile_query import probe_query, probed_routes
from .hostile_values import CONTROLS, HUGE, NUL, SCRIPT
from .hostile_world import MissingKwargs, Route, World, give_everyone_mfa, kwargs_for, routes

pytestmark = [pytest.mark.postgres]

ROUTES = routes()
QUERY_ROUTES = probed_routes(ROUTES)


@pytest.fixture
def world(db: None, demo_world: dict) -> World:  # type: ignore[type-arg]
    give_everyone_mfa()
    return World(demo_world)


@pytest.mark.parametrize("route", QUERY_ROUTES, ids=[r.ident for r in QUERY_ROUTES])
def test_query_parameters_never_break_a_page(route: Route, world: World) -> None:
    """Every URL pattern, as someone who may open it, with each hostile value in every common
    parameter at once, then in each parameter the page reads (its GET forms' fields and what the
    view reads outside a form): a page, a redirect on the site, 400, 404 or 405; never a 500;
    no markup unescaped in an HTML answer."""
    problems = probe_query(route, world)
    assert not problems, "\n".join(str(p) for p in problems[:30])


@pytest.mark.parametrize("case", FORMS, ids=[c.ident for c in FORMS])
def test_every_form_refuses_hostile_values_beside_the_field(
    case: FormCase,
    world: World,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """Every form, field by field, as the role that uses it (see hostile_forms.py): the form as
    shown is accepted; each hostile value gets a clear answer, never a 500; refused values
    leave every table as it was and come back beside their field as typed; stored markup
    reaches no page unescaped; an outsider sending the same form gets 404 and changes nothing.
    """
    # A publication may be 50 MB; the probe's too-large file is the limit plus one byte.
    settings.DISSEMINATION_UPLOAD_MAX_MB = 2
    problems = probe_form(case, world)
    assert not problems, "\n".join(str(p) for p in problems[:40])


def _takes_post(route: Route) -> bool:
    """Does the view behind `route` process POST? Class-based views say so with a `post`
    method; function views by reading POST (or allowing it) in their source."""
    view_class = getattr(route.callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    try:
        source = inspect.getsource(inspect.unwrap(route.callback))
    except (OSError, TypeError):
        return False
    get_only = ("@require_GET", '("GET", "HEAD")', "_READ:")
    return ("POST" in source or "_READ_WRITE" in source) and not any(
        marker in source for marker in get_only
    )


def test_every_post_view_has_a_form_row() -> None:
    """A new view that takes POST cannot escape the form probe: it needs a row in FORMS (or a
    reason in NO_FORM). The Django admin is Django's own forms and is left out."""
    covered = {case.action for case in FORMS} | set(NO_FORM)
    missing = sorted(
        route.ident
        for route in ROUTES
        if not route.is_admin and _takes_post(route) and route.ident not in covered
    )
    assert not missing, (
        "views that take POST with no row in tests/security/hostile_form_table.py: "
        + ", ".join(missing)
    )


def test_every_route_with_arguments_has_kwargs(world: World) -> None:
    """Every URL pattern with arguments can be filled from the demo world."""
    missing = []
    for route in QUERY_ROUTES:
        try:
            kwargs_for(route, world)
        except MissingKwargs as exc:
            missing.append(str(exc))
    assert not missing, "\n".join(missing)


def _portal_form_classes() -> list[type]:
    import django.forms

    found: list[type] = []
    stack = [django.forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.split(".")[0] in PORTAL_PACKAGES:
                found.append(sub)
    return found


PORTAL_PACKAGES = ("portal", "regions", "partnerships", "obstacles", "dissemination", "reports")


def test_every_portal_form_refuses_control_characters_and_caps_text() -> None:
    """Every form class of the portal's apps is a PortalForm / PortalModelForm, so hostile
    text is a form error beside its field (not a database error) wherever it is typed."""
    import importlib

    for package in PORTAL_PACKAGES:  # forms modules not imported by any URL yet
        for module in ("forms", "views"):
            with contextlib.suppress(ImportError):
                importlib.import_module(f"{package}.{module}")
    get_resolver().url_patterns  # noqa: B018  (imports every view and so every form)
    outside = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _portal_form_classes()
        if not issubclass(cls, InputHygieneMixin) and cls.__module__ != "portal.core.forms"
    )
    assert not outside, "forms that do not inherit PortalForm/PortalModelForm: " + ", ".join(
        outside
    )


def test_text_fields_refuse_control_characters_with_a_translated_error() -> None:
    from django.utils import translation

    from partnerships.forms.process import MessageForm

    form = MessageForm(data={"msg-body": "Hello\x1b[2Jworld"})
    assert not form.is_valid()
    with translation.override("sv"):
        message = str(form.errors["body"][0])
    assert "kontrolltecknen" in message
    assert MessageForm(data={"msg-body": "Tab\tand\r\nnew lines are text"}).is_valid()


def test_guidance_text_is_capped_at_the_form(db: None) -> None:
    from partnerships.forms.process import GUIDANCE_MAX_LENGTH, TemplateStepForm

    data = {
        "name_sv": "Steg",
        "name_en": "Step",
        "guidance_sv": "a" * (GUIDANCE_MAX_LENGTH + 1),
        "guidance_en": "ok",
        "documents_sv": "",
        "documents_en": "",
        "gate_role": "none",
    }
    form = TemplateStepForm(data=data)
    assert not form.is_valid()
    assert list(form.errors) == ["guidance_sv"]
    assert f'maxlength="{GUIDANCE_MAX_LENGTH}"' in str(form["guidance_en"])


# --- JSON and htmx endpoints ------------------------------------------------------------------


CSP_BODIES: list[tuple[str, bytes]] = [
    ("application/csp-report", b"{not json"),
    ("application/csp-report", b"[" * 5000 + b"]" * 5000),
    ("application/csp-report", b'{"csp-report": "a string, not an object"}'),
    ("application/csp-report", b'{"csp-report": {"document-uri": 12, "blocked-uri": [1, 2]}}'),
    (
        "application/csp-report",
        b'{"csp-report": {"document-uri": "https://x/\\u0000", "blocked-uri": "\\u001b[2J",'
        b' "violated-directive": "script-src", "status-code": 99999999999999999999}}',
    ),
    ("application/csp-report", b'{"csp-report": {"document-uri": "' + b"x" * 40_000 + b'"}}'),
    ("application/csp-report", b'{"csp-report": {"line-number": NaN}}'),
    (
        "application/csp-report",
        '{"csp-report": {"sample": "\udcff"}}'.encode("utf-8", "surrogatepass"),
    ),
    ("application/reports+json", b'[{"type": "csp-violation", "body": null}]'),
    ("application/reports+json", b'{"type": "csp-violation"}'),
    ("text/html", b"<script>alert(1)</script>"),
]


@pytest.mark.parametrize(("content_type", "payload"), CSP_BODIES, ids=range(len(CSP_BODIES)))
def test_csp_report_answers_hostile_bodies(
    db: None, client, content_type: str, payload: bytes
) -> None:  # type: ignore[no-untyped-def]
    """The browsers' report endpoint: whatever arrives is stored cleaned or refused, never a
    500, and nothing stored keeps a NUL or control character."""
    from portal.core.models import CspReport

    response = client.post("/csp-report", data=payload, content_type=content_type)
    assert response.status_code in (204, 400, 413, 415), response.status_code
    for report in CspReport.objects.all():
        for value in (report.document_uri, report.blocked_uri, report.effective_directive):
            assert "\x00" not in value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", SCRIPT),
        ("title", NUL),
        ("title", CONTROLS),
        ("title", "t" * 201),
        ("summary", NUL),
        ("summary", "s" * 20_001),
        ("trl", "abc"),
        ("trl", HUGE),
        ("version", "abc"),
        ("version", HUGE),
    ],
)
def test_autosave_never_stores_hostile_values(world: World, field: str, value: str) -> None:
    """The proposal editor's htmx autosave saves the fields that validate and leaves the rest
    as stored: a hostile value is never stored, and the answer is its status fragment."""
    from django.test import Client

    from partnerships.models import Proposal

    from .hostile_form_table import _company_draft_proposal

    proposal = Proposal.objects.get(pk=_company_draft_proposal(world))
    before = {name: getattr(proposal, name) for name in ("title", "summary", "trl", "version")}
    client = Client()
    client.force_login(world.users["company"])
    data = {"version": str(proposal.version), field: value}
    response = client.post(
        f"/partnerships/proposals/{proposal.pk}/autosave/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 400, 409)
    assert b"data-autosave-state" in response.content
    assert b"<script>alert(1)" not in response.content
    proposal.refresh_from_db()
    for name, stored in before.items():
        if name == field and value == SCRIPT:
            continue  # markup is text: stored as typed, shown escaped
        if name != "version":
            assert getattr(proposal, name) == stored, name
    if value == SCRIPT:
        page = client.get(f"/partnerships/proposals/{proposal.pk}/")
        assert b"<script>alert(1)" not in page.content
