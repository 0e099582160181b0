"""A separate web process, for tests/accounts/test_login_limits.py.

Run as `python tests/accounts/failed_sign_ins.py EMAIL WRONG_ATTEMPTS PASSWORD` with
DJANGO_SETTINGS_MODULE, DATABASE_URL (the test database) and REDIS_URL in the environment. It
makes WRONG_ATTEMPTS failed sign-ins through Django's test client (each from a fresh client, as
separate browsers would), prints one JSON line with what each answer said, waits for a line on
standard input, then signs in with PASSWORD and prints a second JSON line. Nothing is shared with
the test's process but the database and the cache.
"""

import json
import os
import sys

import django


def attempt(email: str, password: str) -> dict[str, object]:
    from django.test import Client

    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    text = response.content.decode()
    return {
        "status": response.status_code,
        "signed_in": "_auth_user_id" in client.session,
        "wrong_password": "password you specified are not correct" in text,
        "too_many": "Too many failed login attempts" in text,
    }


def main() -> None:
    email, wrong_attempts, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # 'testserver' is an allowed host
    failed = [attempt(email, "not-the-password") for _ in range(wrong_attempts)]
    print(json.dumps({"failed": failed}), flush=True)
    sys.stdin.readline()  # the test says when every process has failed
    print(json.dumps({"correct": attempt(email, password)}), flush=True)


if __name__ == "__main__":
    main()
