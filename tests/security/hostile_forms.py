"""Posting hostile values into the portal's forms, one field at a time.

For each form (see hostile_form_table.py): open the page that shows it as someone who may use
it, read the form as a browser would (its baseline: what pressing its button sends), check the
baseline is accepted, then send the baseline with one field replaced by each hostile value of
its kind. Each post runs in a savepoint that is rolled back, so every one starts from the same
stored data. The answer must be a page, a redirect, 400, 404 or 409, never a 500; a value that
must be refused leaves every table as it was and, when the form comes back, is shown beside its
field with what was typed; a value that may be stored (markup) reaches no page unescaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import resolve, reverse

from portal.core.validators import TEXT_MAX_LENGTH

from .hostile_html import Control, Form, parse_page
from .hostile_query import Clients
from .hostile_values import (
    BIDI,
    CONTROLS,
    HUGE,
    IMG,
    NUL,
    SCRIPT,
    Problem,
    body,
    describe,
    is_html,
    open_redirect,
    rolled_back,
    short,
    unescaped_markup,
)
from .hostile_world import PDF_BYTES, URL_KWARGS, World

MB = 1024 * 1024
FORM_SAFE_STATUSES = frozenset({200, 302, 303, 400, 404, 409, 422, 429})

# --- What a form writes: every table of the portal, fingerprinted in one query ------------------

_APPS = (
    "accounts",
    "core",
    "regions",
    "partnerships",
    "obstacles",
    "dissemination",
    "reports",
    "auth",
    "guardian",
    "account",
    "mfa",
)


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in _APPS and model._meta.managed and not model._meta.proxy
        }
    )


def fingerprint() -> dict[str, str]:
    """A hash of every row of every portal table, per table (one query)."""
    # Table names come from the models, not from input.
    parts = [
        f"SELECT '{table}', md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"  # noqa: S608
        f' FROM "{table}" t'
        for table in _tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str]) -> list[str]:
    after = fingerprint()
    return [table for table, digest in after.items() if before.get(table) != digest]


# --- The table's rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FormCase:
    """One form: where it posts (a URL name), who fills it in, and where it is shown."""

    action: str
    role: str | None
    page: str | None = None  # the URL name of the page showing the form; default: `action`
    kwargs: Callable[[World], dict[str, Any]] | None = None  # for `action`
    page_kwargs: Callable[[World], dict[str, Any]] | None = None  # for `page`
    prepare: Callable[[World], Any] | None = None  # make the state the form needs
    # Values that make the baseline valid (a callable gets the world).
    fill: dict[str, Any] = field(default_factory=dict)
    # Fields whose value the view reads only as a marker (any value but the page's own is
    # ignored): probed for server errors and markup, not held to refusing.
    lenient: tuple[str, ...] = ()
    submitter: str | None = None  # the name=value of the button to press, e.g. "action=save"
    skip: tuple[str, ...] = ()  # fields not probed, each with a reason in `why`
    # Extra values for one field that must be refused: ids of objects the person may not use.
    foreign: dict[str, Callable[[World], str]] = field(default_factory=dict)
    page_query: str = ""  # e.g. "?q=1" when the form appears only with search results
    # Anyone signed in may use the form on this object (ask to join, register, endorse): no
    # outsider to refuse.
    public: bool = False
    outsider: str | None = None  # who may not see the object, when OUTSIDERS' pick may
    htmx: bool = False
    baseline_changes_nothing: str = ""  # why a valid baseline writes nothing (e.g. a filter)
    why: str = ""

    @property
    def ident(self) -> str:
        return self.action if not self.submitter else f"{self.action}[{self.submitter}]"


def _url(name: str, kwargs: Callable[[World], dict[str, Any]] | None, world: World) -> str:
    if kwargs is not None:
        return reverse(name, kwargs=kwargs(world))
    if name in URL_KWARGS:
        return reverse(name, kwargs=URL_KWARGS[name](world))
    return reverse(name)


# --- Hostile values by kind of control ----------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    value: Any
    must_refuse: bool  # True: stored data must not change
    label: str = ""

    def __str__(self) -> str:
        return self.label or short(self.value)


TEXT_TYPES = frozenset({"text", "textarea", "search", "email", "url", "tel", "password"})
NUMBER_PATTERN = "0123456789"


def _is_numeric(value: str) -> bool:
    return bool(value) and value.lstrip("-").isdigit()


def _max_length(control: Control) -> int:
    try:
        return int(control.attrs.get("maxlength", ""))
    except ValueError:
        return TEXT_MAX_LENGTH


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def file_values(limit: int) -> list[Hostile]:
    return [
        Hostile(
            lambda: _file("report.pdf", b"<html><script>alert(1)</script></html>"),
            True,
            "HTML named .pdf",
        ),
        Hostile(lambda: _file("report.exe", PDF_BYTES), True, "a PDF named .exe"),
        Hostile(lambda: _file("empty.pdf", b""), True, "an empty file"),
        Hostile(
            lambda: _file("big.pdf", PDF_BYTES + b"0" * (limit + 1 - len(PDF_BYTES))),
            True,
            f"a file of {limit // MB} MB + 1 byte",
        ),
    ]


def hostile_values(control: Control, others: list[Control], file_limit: int) -> list[Hostile]:
    kind = control.type
    if kind == "file":
        return file_values(file_limit)
    if kind in ("select", "select-multiple", "radio") or (kind == "checkbox" and len(others) > 1):
        options = control.options if kind.startswith("select") else [c.value for c in others]
        values = [Hostile("no-such-choice", True), Hostile(HUGE, True), Hostile("-1", True)]
        if any(_is_numeric(option) for option in options):
            # ids of objects the person is not offered (other people's, or none at all)
            offered = {int(o) for o in options if _is_numeric(o)}
            unoffered = [n for n in range(1, 200) if n not in offered][:2]
            values += [Hostile(str(n), True, f"id {n} (not offered)") for n in unoffered]
        return values
    if kind == "checkbox":
        return []  # a single box is on or off; any value means on
    if kind == "number" or (kind == "hidden" and _is_numeric(control.value)):
        return [
            Hostile("abc", True),
            Hostile(HUGE, True),
            Hostile("1e400", True),
            Hostile("999999999", True, "an id or number that matches nothing"),
            Hostile("-1", False),
            Hostile("1.5", False),
        ]
    if kind == "date":
        return [
            Hostile("2026-02-30", True),
            Hostile("abc", True),
            Hostile("99999-12-31", True),
            Hostile("31/12/2026", False),
        ]
    if kind == "datetime-local":
        return [
            Hostile("2026-02-30T10:00", True),
            Hostile("abc", True),
            Hostile("2026-13-01T25:00", True),
        ]
    if kind == "time":
        return [Hostile("25:61", True), Hostile("abc", True)]
    if kind in TEXT_TYPES or kind == "hidden":
        limit = _max_length(control)
        return [
            Hostile(SCRIPT, False),
            Hostile(IMG, False),
            Hostile(NUL, True),
            Hostile(CONTROLS, True),
            Hostile(BIDI, False),
            Hostile("y" * (limit + 1), True, f"{limit + 1} characters"),
        ]
    return []


# --- Filling a baseline -------------------------------------------------------------------------


def _soon(days: int, fmt: str) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localtime() + timedelta(days=days)).strftime(fmt)


DEFAULTS: dict[str, Any] = {
    "text": "Hostile input test",
    "textarea": "Hostile input test",
    "search": "test",
    "email": "company@demo.example",
    "url": "https://example.org/",
    "tel": "+46 13 123 45 67",
    "number": "1",
    "date": lambda: _soon(-1, "%Y-%m-%d"),  # dates people log happened in the past
    "datetime-local": lambda: _soon(30, "%Y-%m-%dT10:00"),  # times people plan, ahead
    "time": "10:00",
    "password": "Demo-portal-2026!",
}


def fill_baseline(
    form: Form, data: dict[str, list[str]], fill: dict[str, Any], world: World
) -> None:
    """Give every required control that is empty a plain valid value (the table's `fill`
    first)."""
    for control in form.controls:
        if control.name in fill:
            continue
        if "required" not in control.attrs or control.type in ("hidden", "file", "submit"):
            continue
        current = [v for v in data.get(control.name, []) if v]
        if current:
            continue
        if control.type in ("select", "select-multiple"):
            options = [o for o in control.options if o]
            if options:
                data[control.name] = [options[0]]
        elif control.type == "radio":
            data[control.name] = [control.value]
        elif control.type == "checkbox":
            data[control.name] = [control.value or "on"]
        elif control.type in DEFAULTS:
            default = DEFAULTS[control.type]
            data[control.name] = [default() if callable(default) else default]
    for name, value in fill.items():
        data[name] = [value(world) if callable(value) else value]


# Someone of the same kind who may not see the role's objects: another company, another
# region's coordinator or sponsor; for reviewers and admins, a company member.
OUTSIDERS: dict[str, str] = {
    "company": "caresense",
    "caresense": "halsanorr",
    "academic": "halsanorr",
    "coordinator.ostergotland": "coordinator.uppsala",
    "coordinator.uppsala": "coordinator.ostergotland",
    "coordinator.vasterbotten": "coordinator.vgr",
    "coordinator.vgr": "coordinator.vasterbotten",
    "sponsor.uppsala": "sponsor.ostergotland",
    "reviewer": "company",
    "admin": "company",
}


# --- Probing one form ---------------------------------------------------------------------------


def _matching_form(
    forms: list[Form], action_path: str, page_path: str, submitter: str | None
) -> Form | None:
    for form in forms:
        if form.method != "post":
            continue
        target = urlsplit(form.action).path if form.action else page_path
        if target != action_path:
            continue
        if submitter:
            name, _, value = submitter.partition("=")
            if not any(c.name == name and c.value == value for c in form.controls):
                continue
        return form
    return None


def _errors_beside(
    page_html: str, form_action: str, page_path: str, name: str
) -> tuple[bool, Control | None]:
    """Is the field `name` of the form posting to `form_action` marked invalid in the page, and
    its control (to read the value kept)."""
    page = parse_page(page_html)
    form = _matching_form(page.forms, form_action, page_path, None)
    if form is None:
        return False, None
    controls = form.controls_named(name)
    if not controls:
        return False, None
    control = controls[0]
    invalid = any(c.attrs.get("aria-invalid") == "true" for c in controls)
    if not invalid:
        # A group of radios or boxes is marked on its fieldset; any error list tied to the
        # field's id also counts.
        ident = control.attrs.get("id", "")
        base = ident.rsplit("_", 1)[0] if control.type in ("radio", "checkbox") else ident
        invalid = f"{base}_error" in page.by_id or f"{ident}_error" in page.by_id
    return invalid, control


class FormProbe:
    def __init__(self, case: FormCase, world: World) -> None:
        self.case = case
        self.world = world
        self.clients = Clients(world)
        self.client = self.clients(case.role)
        self.problems: list[Problem] = []

    def problem(self, what: str, where: str = "") -> None:
        self.problems.append(Problem(f"{self.case.ident} as {self.case.role}{where}", what))

    def _post(self, url: str, data: dict[str, Any]) -> tuple[Any, str, list[str], list[str]]:
        """(response, error, tables changed, markup found unescaped on the pages it leads to)."""
        headers = {"HTTP_HX_REQUEST": "true"} if self.case.htmx else {}
        try:
            with rolled_back():
                response = self.client.post(url, data, **headers)
                changed = changed_tables(self.before)
                leaks = []
                if changed and response.status_code in (200, 302, 303):
                    leaks = self._markup_on_pages(response)
        except Exception as exc:
            return None, describe(exc), [], []
        return response, "", changed, leaks

    def _markup_on_pages(self, response: Any) -> list[str]:
        """After a post that stored something: the pages it leads to and the form's page show
        the markup escaped."""
        found = []
        marker = unescaped_markup(response)
        if marker:
            found.append(f"in the answer: {marker}")
        urls = [self.page_url]
        location = response.get("Location", "") if response.status_code in (302, 303) else ""
        if location and not open_redirect(response):
            urls.insert(0, location)
        for url in urls:
            page = self.client.get(url)
            marker = unescaped_markup(page)
            if marker:
                found.append(f"on {url}: {marker}")
        return found

    def run(self) -> list[Problem]:
        case, world = self.case, self.world
        if case.prepare is not None:
            case.prepare(world)
        self.action_url = _url(case.action, case.kwargs, world)
        page_name = case.page or case.action
        self.page_url = _url(
            page_name, case.page_kwargs or (None if case.page else case.kwargs), world
        )
        self.page_url += case.page_query
        page = self.client.get(self.page_url)
        if page.status_code != 200:
            self.problem(f"the page {self.page_url} answered {page.status_code}")
            return self.problems
        action_path = urlsplit(self.action_url).path
        form = _matching_form(
            parse_page(body(page)).forms, action_path, urlsplit(self.page_url).path, case.submitter
        )
        if form is None:
            self.problem(f"no form posting to {self.action_url} on {self.page_url}")
            return self.problems
        submitter = None
        if case.submitter:
            name, _, value = case.submitter.partition("=")
            submitter = next(c for c in form.controls if c.name == name and c.value == value)
        data: dict[str, Any] = form.baseline(submitter=submitter)
        fill_baseline(form, data, case.fill, world)
        self.lenient = set(case.lenient) | ALWAYS_LENIENT | _ignored_by_design(form, data)
        files = [c for c in form.controls if c.type == "file"]
        for control in files:
            if "required" in control.attrs and control.name not in data:
                data[control.name] = None  # filled per post (an upload is read once)
        outsider = case.outsider or OUTSIDERS.get(case.role or "")
        if outsider is not None:
            self.clients(outsider)  # signed in now: signing in writes last_login
        self.before = fingerprint()
        self._check_baseline(data)
        self._check_outsider(data)
        file_limit = self._file_limit()
        for name in form.names():
            controls = form.controls_named(name)
            control = controls[0]
            if name == "csrfmiddlewaretoken" or name in case.skip:
                continue
            if control.tag == "button" or control.type in ("submit", "image"):
                continue
            values = hostile_values(control, controls, file_limit)
            if name in case.foreign:
                values.append(Hostile(case.foreign[name](world), True, "another's object"))
            for hostile in values:
                self._probe(data, control, hostile, action_path)
        return self.problems

    def _file_limit(self) -> int:
        from django.conf import settings

        if self.case.action.startswith("dissemination:publication"):
            return int(settings.DISSEMINATION_UPLOAD_MAX_MB) * MB
        return 20 * MB

    def _with_files(self, data: dict[str, Any]) -> dict[str, Any]:
        from .hostile_world import pdf_upload

        return {key: (pdf_upload() if value is None else value) for key, value in data.items()}

    def _check_baseline(self, data: dict[str, Any]) -> None:
        response, error, changed, _ = self._post(self.action_url, self._with_files(data))
        if response is None:
            self.problem(f"the form as shown is a server error: {error}", " (baseline)")
            return
        if changed or response.status_code in (302, 303) or self.case.baseline_changes_nothing:
            return  # stored, or sent on (a form that stores what is stored already redirects)
        errors = ""
        if is_html(response):
            import re

            errors = "; ".join(
                re.sub(r"<[^>]+>", "", item).strip()
                for item in re.findall(
                    r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', body(response), re.S
                )
            )[:400]
        self.problem(
            f"the form as shown is refused (answered {response.status_code} "
            f"{response.get('Location', '')}; errors: {errors or 'none shown'}); add a `fill` "
            f"or say why in `baseline_changes_nothing` (sent {_brief(data)})",
            " (baseline)",
        )

    def _check_outsider(self, data: dict[str, Any]) -> None:
        """The same form, sent by someone who may not see the object (another organisation's
        member, another region's coordinator): 404, and nothing stored."""
        outsider = self.case.outsider or OUTSIDERS.get(self.case.role or "")
        on_an_object = bool(resolve(urlsplit(self.action_url).path).kwargs)
        if self.case.public or outsider is None or not on_an_object:
            return
        client = self.clients(outsider)
        try:
            with rolled_back():
                response = client.post(self.action_url, self._with_files(data))
                changed = changed_tables(self.before)
        except Exception as exc:
            self.problem(f"server error: {describe(exc)}", f" (sent by {outsider})")
            return
        if response.status_code != 404:
            self.problem(f"answered {response.status_code}, not 404", f" (sent by {outsider})")
        if changed:
            self.problem(f"stored something: {', '.join(changed[:5])}", f" (sent by {outsider})")

    def _probe(
        self, data: dict[str, Any], control: Control, hostile: Hostile, action_path: str
    ) -> None:
        name = control.name
        sent = dict(data)
        value = hostile.value() if callable(hostile.value) else hostile.value
        sent[name] = value
        where = f", {name}={hostile}"
        response, error, changed, leaks = self._post(self.action_url, self._with_files(sent))
        if response is None:
            self.problem(f"server error: {error}", where)
            return
        if response.status_code not in FORM_SAFE_STATUSES:
            self.problem(f"answered {response.status_code}", where)
        marker = unescaped_markup(response)
        if marker:
            self.problem(f"markup in the answer unescaped: {marker}", where)
        location = open_redirect(response)
        if location:
            self.problem(f"redirects off the portal to {location}", where)
        for leak in leaks:
            self.problem(f"stored markup shown unescaped {leak}", where)
        if changed and hostile.must_refuse and name not in self.lenient:
            self.problem(f"accepted and stored (tables changed: {', '.join(changed[:5])})", where)
            return
        if changed or response.status_code not in (200, 400, 409, 422) or not is_html(response):
            return
        if control.type in ("hidden",) or name in self.lenient:
            return
        if control.type == "password":
            return  # never shown again, and a wrong one is one error for the whole form
        invalid, shown = _errors_beside(
            body(response), action_path, urlsplit(self.page_url).path, name
        )
        if shown is None:
            return  # the answer is another page (e.g. a message above the form's page)
        if hostile.must_refuse and not invalid:
            self.problem("refused, but no error is shown beside the field", where)
        if control.type in TEXT_TYPES and isinstance(value, str) and shown.value != value:
            self.problem(f"the typed value was not kept (shown: {short(shown.value)})", where)


# Where to go next: a value that is not a path of this site sends the person to the default.
ALWAYS_LENIENT = frozenset({"next", "back"})
MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def _ignored_by_design(form: Form, data: dict[str, Any]) -> set[str]:
    """A formset's management fields (Django bounds what they say) and the fields of its blank
    extra rows (a row left empty is skipped, whatever its other fields say)."""
    import re

    names = set()
    rows: dict[str, list[str]] = {}
    for name in form.names():
        if name.endswith(MANAGEMENT):
            names.add(name)
        match = re.match(r"^(.+-\d+)-", name)
        if match:
            rows.setdefault(match.group(1), []).append(name)
    for fields in rows.values():
        texts = [c for n in fields for c in form.controls_named(n) if c.type in TEXT_TYPES]
        if texts and not any("".join(data.get(c.name, [])) for c in texts):
            names.update(fields)
    return names


def _brief(data: dict[str, Any]) -> str:
    return ", ".join(f"{k}={short(v)}" for k, v in data.items() if k != "csrfmiddlewaretoken")[:300]


def probe_form(case: FormCase, world: World) -> list[Problem]:
    return FormProbe(case, world).run()
