"""The failed-sign-in limit holds across processes: it is counted in Redis, which every web
process shares (with a per-process cache, each gunicorn worker would count on its own and N
workers would allow N times the attempts).

Two separate OS processes (tests/accounts/failed_sign_ins.py), each running the portal with
Django's test client against this test's database and Redis, make failed sign-ins that together
exceed ACCOUNT_RATE_LIMITS["login_failed"] (5 per address typed in 5 minutes) while each stays
under it; afterwards the right password is refused in both processes and in this one.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("failed_sign_ins.py")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _start(email: str, wrong_attempts: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, str(SCRIPT), email, str(wrong_attempts), PASSWORD],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _json_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The next JSON line the process prints (the security log's JSON lines are skipped)."""
    assert process.stdout is not None
    for line in process.stdout:
        data = json.loads(line) if line.startswith("{") else None
        if data is not None and "logger" not in data:
            return dict(data)
    process.wait(timeout=10)
    assert process.stderr is not None
    pytest.fail(f"the sign-in process ended early: {process.stderr.read()[-3000:]}")


def test_failed_sign_ins_in_two_processes_add_up(transactional_db: None) -> None:
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    user = UserFactory()
    processes = [_start(user.email, 3), _start(user.email, 3)]
    try:
        failed = [_json_line(p)["failed"] for p in processes]
        attempts = [a for answers in failed for a in answers]
        # Six attempts, at most three in each process: the first five are counted as wrong
        # passwords, the sixth (whichever process made it) hits the shared limit.
        assert len(attempts) == 6
        assert sum(a["wrong_password"] for a in attempts) == 5
        assert sum(a["too_many"] for a in attempts) == 1
        assert not any(a["signed_in"] for a in attempts)

        for p in processes:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        correct = [_json_line(p)["correct"] for p in processes]
    finally:
        for p in processes:
            if p.stdin:
                p.stdin.close()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    # The right password, now refused everywhere.
    for answer in correct:
        assert answer == {
            "status": 200,
            "signed_in": False,
            "wrong_password": False,
            "too_many": True,
        }
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    # Another person's sign-in is not held up by it.
    other = UserFactory()
    other_client = Client(REMOTE_ADDR="10.0.0.7")
    other_client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert other_client.session["_auth_user_id"] == str(other.pk)
