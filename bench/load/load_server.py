"""The server under load and the load: gunicorn on the benchmark's database with the production
settings (as the Dockerfile runs it), and wrk against one URL at a time."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def free_port() -> int:
    """A port nobody listens on now (bound to port 0, so the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def collectstatic(env: dict[str, str]) -> None:
    """Collect (hash, gzip, Brotli) the static files into env's DJANGO_STATIC_ROOT, as the
    image is built."""
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, log_dir: Path) -> Iterator[str]:
    """gunicorn serving the portal on a free port (the Dockerfile's command, with this many
    workers); yields its base URL once /healthz answers, and stops it afterwards."""
    port = free_port()
    log = (log_dir / "gunicorn.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            str(log_dir / "access.log"),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({process.returncode}); see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer in 60 s; see {log.name}")
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def get(base: str, url: str, cookie: str) -> tuple[int, bytes]:
    """One GET without following redirects (a signed-in page that redirects is a failure)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + url, headers=headers)  # noqa: S310 - http://127.0.0.1
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    seconds: float
    detail: dict[str, int]
    # For a page: the requests per second of its session's ceiling, measured around it.
    ceiling_rps: float = 0.0


def combined(loads: list[Load]) -> Load:
    """Several runs of one URL as one: requests per second over their summed time, the
    request-weighted median, the worst p99, every error."""
    requests = sum(x.requests for x in loads)
    seconds = sum(x.seconds for x in loads)
    detail: dict[str, int] = {}
    for x in loads:
        for kind, n in x.detail.items():
            detail[kind] = detail.get(kind, 0) + n
    return Load(
        rps=requests / seconds if seconds else 0.0,
        p50_ms=sum(x.p50_ms * x.requests for x in loads) / requests if requests else 0.0,
        p99_ms=max((x.p99_ms for x in loads), default=0.0),
        errors=sum(x.errors for x in loads),
        requests=requests,
        seconds=seconds,
        detail=detail,
    )


def wrk(base: str, url: str, *, cookie: str, concurrency: int, seconds: int) -> Load:
    """Drive one URL with `concurrency` connections for `seconds`."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    command = [
        "wrk",
        f"--threads={min(concurrency, 2)}",
        f"--connections={concurrency}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={HERE / 'load_report.lua'}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    command.append(base + url)
    out = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, check=True
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures for {url}:\n{out}")
    data = json.loads(line.removeprefix("WRKJSON "))
    kinds = ("connect", "read", "write", "status", "timeout")
    errors = sum(data[k] for k in kinds)
    return Load(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        detail={k: data[k] for k in kinds if data[k]},
    )


def server_env(*, database_url: str, redis_url: str, secret: str, static_root: Path) -> dict:
    """The environment of the portal's processes: the production settings as deployed, on
    plain HTTP on 127.0.0.1 (no TLS proxy in front), with the ceiling page on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            # A prefix of this run's own: nothing cached by an earlier run is served.
            "DJANGO_CACHE_PREFIX": f"portal-load-{secret[:8]}",
            "DJANGO_STATIC_ROOT": str(static_root),
            "PORTAL_CEILING_VIEW": "true",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    # PORTAL_PAGE_CACHE_SECONDS=0 in the caller's environment measures every page rendered
    # afresh (the page cache off), as a cold cache or a write between requests would.
    if "PORTAL_PAGE_CACHE_SECONDS" in os.environ:
        env["PORTAL_PAGE_CACHE_SECONDS"] = os.environ["PORTAL_PAGE_CACHE_SECONDS"]
    return env
