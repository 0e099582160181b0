"""Which query parameters each page reads, and how the suite probes them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve, reverse

from .hostile_html import parse_forms
from .hostile_values import (
    QUERY_VALUES,
    SAFE_GET_STATUSES,
    Problem,
    body,
    fetch,
    is_html,
    open_redirect,
    short,
    unescaped_markup,
)
from .hostile_world import ROLES, URL_KWARGS, Route, World, kwargs_for

# Tried on every page, all at once: what views commonly read (paging, search, ordering, dates,
# where to go next) and what the Django admin reads.
COMMON_PARAMS: tuple[str, ...] = (
    "page",
    "q",
    "sort",
    "order",
    "o",
    "p",
    "next",
    "date",
    "from",
    "to",
    "start",
    "end",
    "year",
    "month",
    "region",
    "status",
    "kind",
    "language",
    "id",
    "pk",
    "back",
    "e",
    "_popup",
    "_to_field",
    "_changelist_filters",
)

# Parameters views read from request.GET outside a form on the page itself (found with
# `grep -rn "request.GET" */views*`), tried one by one like a page's own filter fields.
VIEW_READS: dict[str, tuple[str, ...]] = {
    "accounts:organisation_list": ("q", "page"),
    "partnerships:dashboard": ("region",),
    "partnerships:call_list": ("page",),
    "partnerships:proposal_list": ("page",),
    "partnerships:timeline": ("page",),
    "partnerships:proposal_new": ("call",),
    "partnerships:intake": ("page",),
    "obstacles:mine": ("page",),
    "obstacles:mitigation_mine": ("page",),
    "obstacles:mitigation_review_list": ("page",),
    "obstacles:review_queue": ("entry", "page"),
    "obstacles:list": ("page",),
    "obstacles:article_list": ("page",),
    "dissemination:lesson_list": ("page",),
    "dissemination:lesson_review": ("page",),
    "dissemination:lesson_move": ("back",),
    "dissemination:calendar": ("page",),
    "dissemination:archive": ("page",),
    "dissemination:manage": ("region", "page", "publications_page"),
    "dissemination:reach_overview": ("region", "year"),
    "dissemination:reach_csv": ("region", "year"),
    "reports:mine": ("page",),
    "account_login": ("next",),
    "account_signup": ("next",),
    "account_logout": ("next",),
    "admin:login": ("next",),
}

# Pages whose filter form lives on another page (an export takes the list's filters).
FORM_FROM: dict[str, str] = {
    "obstacles:export_csv": "obstacles:list",
    "obstacles:export_json": "obstacles:list",
    "dissemination:reach_csv": "dissemination:reach_overview",
    "partnerships:pipeline_export": "partnerships:pipeline",
}

# The Django admin is Django's code; what the portal configures are its lists (search fields,
# filters, ordering). Every list is probed, and one of each other kind of admin page.
ADMIN_KINDS_PROBED = (
    "admin:index",
    "admin:login",
    "admin:app_list",
    "admin:view_on_site",
    "admin:auth_user_password_change",
    "admin:partnerships_partnership_add",
    "admin:partnerships_partnership_change",
    "admin:partnerships_partnership_delete",
    "admin:partnerships_partnership_history",
    "admin:autocomplete",
    "admin:jsi18n",
)


def probed_routes(all_routes: list[Route]) -> list[Route]:
    chosen = []
    for route in all_routes:
        if route.is_admin and not (
            route.name.endswith("_changelist")
            or route.name in ADMIN_KINDS_PROBED
            or route.route == "admin/(?P<url>.*)$"
        ):
            continue
        chosen.append(route)
    return chosen


class Clients:
    """One signed-in test client per role (None: anonymous), made when first needed."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._clients: dict[str | None, Client] = {}

    def __call__(self, role: str | None) -> Client:
        if role not in self._clients:
            client = Client()
            user = self.world.user(role)
            if user is not None:
                client.force_login(user)
            self._clients[role] = client
        return self._clients[role]


def find_reader(clients: Clients, url: str) -> tuple[str | None, Any]:
    """The first role (anonymous first) for whom `url` is a page, with the response: the
    hostile values are then sent as someone who gets past the permission check. Falls back to
    the portal admin (whose answer may be 404 or 405: still probed, still never a 500)."""
    fallback = None
    for role in ROLES:
        response, error = fetch(clients(role), "get", url)
        if response is None:
            return role, error
        if response.status_code == 200:
            return role, response
        if fallback is None and response.status_code in (400, 405, 409):
            fallback = (role, response)
    return fallback or ("admin", None)


def _same_view(action: str, url: str) -> bool:
    if not action:
        return True
    try:
        return resolve(urlsplit(action).path).func == resolve(urlsplit(url).path).func
    except Resolver404:
        return False


def params_read(
    route: Route, page_html: str, url: str, world: World, clients: Clients, role: Any
) -> list[str]:
    """The names a page's own GET forms send to it, plus what its view reads outside a form.
    An export reads the filters of the list it exports (FORM_FROM)."""
    names: list[str] = list(VIEW_READS.get(route.name, ()))
    html = page_html
    if route.name in FORM_FROM:
        source = FORM_FROM[route.name]
        kwargs = URL_KWARGS[source](world) if source in URL_KWARGS else {}
        url = reverse(source, kwargs=kwargs)
        response, _ = fetch(clients(role), "get", url)
        html = body(response) if response is not None else ""
    for form in parse_forms(html):
        if form.method == "get" and _same_view(form.action, url):
            for name in form.names():
                if name not in names:
                    names.append(name)
    return names


# Django's admin autocomplete answers a request it cannot read (no such field) with 403.
ALSO_SAFE: dict[str, frozenset[int]] = {"admin:autocomplete": frozenset({403})}


def check_answer(
    where: str, response: Any, error: str, also_safe: frozenset[int] = frozenset()
) -> list[Problem]:
    if response is None:
        return [Problem(where, f"server error: {error}")]
    problems = []
    if response.status_code not in SAFE_GET_STATUSES | also_safe:
        problems.append(Problem(where, f"answered {response.status_code}"))
    marker = unescaped_markup(response)
    if marker:
        problems.append(Problem(where, f"markup reached the page unescaped: {marker}"))
    location = open_redirect(response)
    if location:
        problems.append(Problem(where, f"redirects off the portal to {location}"))
    return problems


def probe_query(route: Route, world: World) -> list[Problem]:
    """Every hostile value in every common parameter at once, then one by one in each parameter
    the page reads; the page, as someone who may see it."""
    clients = Clients(world)
    url = reverse(route.name, kwargs=kwargs_for(route, world)) if route.name else None
    if url is None:  # an unnamed admin route: its path with the arguments filled in
        from .hostile_world import _admin_kwargs

        kwargs = _admin_kwargs(route, world)
        url = "/" + route.route
        for key, value in kwargs.items():
            url = url.replace(f"<path:{key}>", value)
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], url)
        url = url.replace("^", "").replace("$", "")
    role, first = find_reader(clients, url)
    if isinstance(first, str):
        return [Problem(f"{route.ident} as {role}", f"server error without parameters: {first}")]
    client = clients(role)
    also_safe = ALSO_SAFE.get(route.name, frozenset())
    problems: list[Problem] = []
    page_html = body(first) if first is not None and is_html(first) else ""
    for value in QUERY_VALUES:
        query = urlencode([(name, value) for name in COMMON_PARAMS])
        response, error = fetch(client, "get", f"{url}?{query}")
        problems += check_answer(
            f"{url} as {role}, every parameter={short(value)}", response, error, also_safe
        )
    # A page that updates parts of itself with htmx answers the same parameters with fragments.
    variants = [("", {})]
    if "hx-get" in page_html:
        variants.append((" (htmx)", {"HTTP_HX_REQUEST": "true"}))
    for name in params_read(route, page_html, url, world, clients, role):
        if name in ("csrfmiddlewaretoken",):
            continue
        for label, headers in variants:
            for value in QUERY_VALUES:
                query = urlencode({name: value})
                response, error = fetch(client, "get", f"{url}?{query}", **headers)
                problems += check_answer(
                    f"{url}{label} as {role}, {name}={short(value)}", response, error, also_safe
                )
    return problems
