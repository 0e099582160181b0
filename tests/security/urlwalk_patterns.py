"""Every URL pattern of the project, straight from the resolver."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    """One pattern: its key (the namespaced URL name, or the route for an unnamed one)."""

    key: str
    route: str
    callback: Any
    namespace: str

    @property
    def is_admin(self) -> bool:
        return self.namespace == "admin" or self.route.startswith("admin/")

    @property
    def public(self) -> bool:
        """Open to anonymous visitors: LoginRequiredMiddleware lets a view through when its
        callback says `login_required = False` (Django's `login_not_required`; allauth marks
        its own sign-in pages the same way)."""
        return getattr(self.callback, "login_required", True) is False


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Pattern]:
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern):
            route = prefix + str(item.pattern)
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            key = name or route
            yield Pattern(key=key, route=route, callback=item.callback, namespace=namespace)


def all_patterns() -> dict[str, Pattern]:
    patterns: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver(), "", ""):
        assert pattern.key not in patterns, f"two URL patterns are called {pattern.key}"
        patterns[pattern.key] = pattern
    return patterns
