"""Static files as production serves them: collected under whitenoise's
CompressedManifestStaticFilesStorage (hashed names, gzip and Brotli copies), served with a
ten-year immutable Cache-Control and the encoding the browser asks for, and linked from pages
by their hashed names only.

collectstatic runs once for the module (about 20 s: it compresses every file twice) into a
temporary STATIC_ROOT; each test then runs with that root and the production storage.
"""

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from django.core.management import call_command
from django.test import Client, override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
HASHED = re.compile(r"\.[0-9a-f]{12}\.")
# whitenoise's answer for a file whose name carries its hash (WhiteNoise.FOREVER: ten years).
IMMUTABLE = "max-age=315360000, public, immutable"


def _production(root: Path) -> override_settings:
    return override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES, DEBUG=False)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static-root")
    with _production(root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(collected: Path) -> Iterator[Path]:
    with _production(collected):
        yield collected


def _manifest_name(root: Path, name: str) -> str:
    manifest = json.loads((root / "staticfiles.json").read_text())
    return str(manifest["paths"][name])


def test_collectstatic_writes_hashed_names_with_gzip_and_brotli_copies(
    production_static: Path,
) -> None:
    for name in ("css/portal.css", "js/portal.js", "js/htmx.min.js", "favicon.svg"):
        hashed = _manifest_name(production_static, name)
        assert HASHED.search(hashed), hashed
        original = (production_static / hashed).read_bytes()
        assert original == (production_static / name).read_bytes()
        assert gzip.decompress((production_static / f"{hashed}.gz").read_bytes()) == original
        assert brotli.decompress((production_static / f"{hashed}.br").read_bytes()) == original


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("", None)],
)
def test_a_hashed_file_is_served_immutable_in_the_encoding_asked_for(
    production_static: Path, accept: str, encoding: str | None
) -> None:
    hashed = _manifest_name(production_static, "css/portal.css")
    response = Client().get(f"/static/{hashed}", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response["Cache-Control"] == IMMUTABLE
    assert response.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    suffix = {"br": ".br", "gzip": ".gz", None: ""}[encoding]
    assert body == (production_static / f"{hashed}{suffix}").read_bytes()


def test_the_unhashed_name_is_not_cached_for_long(production_static: Path) -> None:
    """Whoever asks for the name without its hash (nothing in our pages does) may get a stale
    copy for a minute at most, never for ten years."""
    response = Client().get("/static/css/portal.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


def test_templates_name_static_files_only_through_the_static_tag() -> None:
    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r"""["'(]/static/""", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/regions/", "/obstacles/", "/events/", "/accounts/login/", "/_nowhere/"]
)
def test_pages_link_only_hashed_static_files(production_static: Path, url: str) -> None:
    response = Client().get(url)
    assert response.status_code in (200, 404)
    links = re.findall(r"""(?:href|src)="(/static/[^"]+)\"""", response.content.decode())
    assert any(link.endswith(".css") for link in links), links
    for link in links:
        assert HASHED.search(link), f"{url} links {link} by its unhashed name"
        assert (production_static / link.removeprefix("/static/")).is_file(), link
