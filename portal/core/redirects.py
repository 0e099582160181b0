"""Where a form sends the person next (`next=`): only a path of this site.

`url_has_allowed_host_and_scheme` accepts any relative reference, so a bare word ("abc",
markup) passes it; `django.shortcuts.redirect` would then try to reverse that word as a view
name and fail with a server error. A target must therefore also start with a single "/".
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_path(request: HttpRequest, target: str | None, *, default: str) -> str:
    """`target` when it is a path of this site, else `default`."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
