"""The cookies production sends, from the production settings themselves.

A separate process runs the portal with DJANGO_SETTINGS_MODULE=portal.settings.production (a
60-character random secret key, allowed hosts, this test's PostgreSQL database and Redis),
signs in over HTTPS as a TLS proxy would forward it (X-Forwarded-Proto: https), switches the
language, and prints the Set-Cookie headers as Django's WSGI handler would send them.
"""

import json
import os
import secrets
import string
import subprocess
import sys
from http.cookies import Morsel, SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client

email, password = sys.argv[1], sys.argv[2]
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="portal.example.se")
answers = {
    "plain_http": Client(HTTP_HOST="portal.example.se").get("/accounts/login/"),
    "sign_in": client.post("/accounts/login/", {"login": email, "password": password}),
    "language": client.post("/language/", {"language": "en", "next": "/"}),
}
print(json.dumps({
    name: {
        "status": response.status_code,
        "location": response.get("Location", ""),
        # What Django's WSGI handler sends as the Set-Cookie headers.
        "set_cookie": [c.output(header="").strip() for c in response.cookies.values()],
    }
    for name, response in answers.items()
}))
"""


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _cookies(lines: list[str]) -> dict[str, Morsel[str]]:
    jar: SimpleCookie = SimpleCookie()
    for line in lines:
        jar.load(line)
    return dict(jar)


@pytest.fixture
def production(transactional_db: None) -> dict[str, dict[str, object]]:
    user = UserFactory()
    # The test settings hash with MD5 for speed; production knows only its own hashers.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    alphabet = string.ascii_letters + string.digits + "!#%+-_"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "DJANGO_ALLOWED_HOSTS": "portal.example.se",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT, user.email, PASSWORD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"plain_http"')]
    assert len(lines) == 1, done.stdout[-3000:]
    answers: dict[str, dict[str, object]] = json.loads(lines[0])
    return answers


def test_production_sends_secure_cookies_and_only_over_https(
    production: dict[str, dict[str, object]],
) -> None:
    """One production process (it takes seconds to start) answers every check below."""
    plain_http_is_sent_to_https(production)
    the_session_cookie_is_host_only_secure_http_only_and_same_site(production)
    the_csrf_cookie_is_secure_and_same_site(production)
    the_language_cookie_is_secure(production)


def plain_http_is_sent_to_https(production: dict[str, dict[str, object]]) -> None:
    answer = production["plain_http"]
    assert answer["status"] == 301
    assert answer["location"] == "https://portal.example.se/accounts/login/"


def the_session_cookie_is_host_only_secure_http_only_and_same_site(
    production: dict[str, dict[str, object]],
) -> None:
    answer = production["sign_in"]
    assert answer["status"] == 302  # signed in
    cookies = _cookies(answer["set_cookie"])  # type: ignore[arg-type]
    session = cookies["__Host-sessionid"]
    assert session.value
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert session["domain"] == ""  # __Host-: never shared with other hosts
    # No "remember me": the cookie lives until the browser closes; the server ends the session
    # after SESSION_COOKIE_AGE at the latest.
    assert session["max-age"] == ""
    assert session["expires"] == ""
    assert "sessionid" not in cookies  # nothing under Django's default name


def the_csrf_cookie_is_secure_and_same_site(production: dict[str, dict[str, object]]) -> None:
    cookies = _cookies(production["sign_in"]["set_cookie"])  # type: ignore[arg-type]
    csrf = cookies["__Host-csrftoken"]  # rotated at sign-in
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    assert csrf["path"] == "/"
    assert csrf["httponly"] is True  # no script reads it: forms and htmx carry the token


def the_language_cookie_is_secure(production: dict[str, dict[str, object]]) -> None:
    answer = production["language"]
    assert answer["status"] == 302
    cookies = _cookies(answer["set_cookie"])  # type: ignore[arg-type]
    language = cookies["portal_language"]
    assert language.value == "en"
    assert language["secure"] is True
    assert language["httponly"] is True
    assert language["samesite"] == "Lax"
