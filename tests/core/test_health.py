import pytest
from django.db import connections
from django.test import override_settings


def test_healthz_answers_without_the_database(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_ok_when_database_answers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_database_is_down(client) -> None:  # type: ignore[no-untyped-def]
    """Point the real connection at a port where no PostgreSQL listens, then put it back."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable: OperationalError"
    connection.ensure_connection()


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_down(client) -> None:  # type: ignore[no-untyped-def]
    with override_settings(
        REDIS_URL="redis://127.0.0.1:1/0", CELERY_BROKER_URL="redis://127.0.0.1:1/0"
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "unavailable: ConnectionError",
    }


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_the_broker_when_configured(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
