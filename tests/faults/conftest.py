"""Real services that the fault tests start, break and start again themselves.

- `private_redis`: a redis-server of the test's own on a free port (no persistence), with
  stop() (SHUTDOWN NOSAVE: it is really gone, its queue with it), start() (the same port),
  pause()/resume() (SIGSTOP/SIGCONT: a Redis that accepts connections but never answers).
- `private_postgres`: a throwaway PostgreSQL cluster (initdb as the postgres user when run as
  root) on a free port, one migrated database "portal", with stop()/start()/restart().
- `start_portal`: gunicorn serving portal.wsgi with production settings (tests/faults/
  server_settings.py), 2 sync workers, on a free port; waits until /healthz answers.
- `start_worker`: a Celery worker subprocess (`celery -A portal worker -Q reports,celery -c 1
  --pool prefork`).
- `smtp_server`: an aiosmtpd SMTP server in this process that records what it accepted.
- `Visitor`: a browser as the portal sees one behind its TLS proxy (HTTP with the production
  cookies, CSRF tokens from the forms, X-Forwarded-Proto: https).

Everything is torn down after the test, also when it fails. A missing redis-server, PostgreSQL
server or runuser fails the test in CI (CI=true) and skips it, saying why, elsewhere.
"""

import contextlib
import glob
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Production refuses a short or dev-looking key; every process a test starts shares this one.
SECRET_KEY = secrets.token_urlsafe(48)
SERVER_SETTINGS = "tests.faults.server_settings"


# --- Small helpers --------------------------------------------------------------------------------


def need(program: str) -> str:
    """The path of `program`; in CI a missing one fails the test, elsewhere it skips it."""
    found = shutil.which(program) or (program if os.path.isfile(program) else None)
    if found:
        return found
    message = f"{program} is not installed (the fault tests start it themselves)"
    if IN_CI:
        pytest.fail(message + "; .ci/run installs it")
    pytest.skip(message)


def postgres_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version_key)
    if not found:
        need("/usr/lib/postgresql/<version>/bin/pg_ctl (package postgresql)")
    return Path(found[-1]).parent


def _version_key(path: str) -> int:
    match = re.search(r"/postgresql/(\d+)/", path)
    return int(match.group(1)) if match else 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition: Callable[[], Any], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # noqa: S110 (not up yet)
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} within {seconds:g} s")


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(process: subprocess.Popen[Any] | None, *, grace: float = 10.0) -> None:
    """SIGTERM the process group (started with start_new_session), then SIGKILL it."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- Redis ----------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own. stop() shuts it down for real (SHUTDOWN NOSAVE, its data
    gone like a Redis without persistence after a crash); start() brings it back on the same
    port."""

    def __init__(self, directory: Path) -> None:
        self.binary = need("redis-server")
        self.directory = directory
        self.port = free_port()
        self.log = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(
            lambda: self._client().ping(),
            seconds=15,
            what=f"redis-server did not answer on port {self.port}",
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()
        with contextlib.suppress(Exception):  # the connection drops as it shuts down
            self._client().shutdown(nosave=True)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        assert not port_open(self.port), "redis-server still listens after stop()"

    def pause(self) -> None:
        """Still accepting connections (the kernel does), never answering: a hung server."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    directory = Path(tempfile.mkdtemp(prefix="portal-faults-redis-"))
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- PostgreSQL -----------------------------------------------------------------------------------


class PostgresCluster:
    """A throwaway PostgreSQL cluster. As root, every server command runs as the postgres user
    (PostgreSQL refuses to run as root), in a directory that user owns."""

    def __init__(self, directory: Path) -> None:
        self.bindir = postgres_bindir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            need("runuser")
        self.directory = directory
        self.data = directory / "data"
        self.sockets = directory / "sockets"
        self.log = directory / "postgres.log"
        self.port = free_port()
        self.sockets.mkdir(parents=True)
        if self.as_root:
            shutil.chown(directory, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [str(a) for a in args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(  # noqa: S603 - our own fixed arguments
            command, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{tail(self.log)}"
            )

    def _options(self) -> str:
        # fsync off: a throwaway cluster; nothing here must survive a power cut.
        return (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )

    def init(self) -> None:
        self._run(
            self.bindir / "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self._options(),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        self._run(self.bindir / "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        assert not port_open(self.port), "PostgreSQL still listens after stop()"

    def restart(self) -> None:
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self._options(),
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        )

    @property
    def running(self) -> bool:
        return port_open(self.port)

    def url(self, database: str = "portal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(  # noqa: S603 - our own fixed arguments
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-Atqc",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()


@pytest.fixture(scope="session")
def private_postgres(faults_static: Path, faults_media: Path) -> Iterator[PostgresCluster]:
    """One cluster for the session (initdb and the migrations take half a minute): a test that
    stops it starts it again before it ends (and this fixture checks)."""
    # /tmp itself, not pytest's temporary directory: that one is root's alone (0700), and the
    # postgres user must reach its data directory.
    directory = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))
    cluster = PostgresCluster(directory)
    try:
        cluster.init()
        cluster.start()
        cluster.psql("CREATE DATABASE portal")
        env = portal_env(
            database_url=cluster.url(),
            redis_url="",
            static_root=faults_static,
            media_root=faults_media,
        )
        run_portal([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], env)
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_up(private_postgres: PostgresCluster) -> Iterator[PostgresCluster]:
    """The private cluster, running when the test starts and again when it ends."""
    if not private_postgres.running:
        private_postgres.start()
    try:
        yield private_postgres
    finally:
        if not private_postgres.running:
            private_postgres.start()


# --- The portal's own processes -------------------------------------------------------------------


def portal_env(
    *,
    database_url: str,
    redis_url: str,
    static_root: Path,
    media_root: Path,
    email_url: str = "consolemail://",
    **extra: str,
) -> dict[str, str]:
    """The environment of a portal process as production sets it (no test settings leak in)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY", "PORTAL_", "REPORTS_", "PYTEST"))
        and key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        EMAIL_URL=email_url,
        DJANGO_MEDIA_ROOT=str(media_root),
        FAULTS_STATIC_ROOT=str(static_root),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        # What portal.settings.production turns on by its module name (the page cache).
        PORTAL_PAGE_CACHE_SECONDS="60",
    )
    env.update(extra)
    return env


def run_portal(command: list[str], env: dict[str, str], *, timeout: float = 300) -> str:
    result = subprocess.run(  # noqa: S603 - the portal's own commands
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def portal_python(code: str, env: dict[str, str], *, timeout: float = 120) -> Any:
    """Run `code` in a fresh portal process (django.setup() done) and return the JSON it prints
    last: how a beat task or a management command runs, against the test's own services."""
    program = "import django, json\ndjango.setup()\n" + code
    out = run_portal([str(BIN / "python"), "-c", program], env, timeout=timeout)
    lines = [line for line in out.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


@pytest.fixture(scope="session")
def faults_static() -> Iterator[Path]:
    """Static files collected once, as the production image has them (hashed names)."""
    directory = Path(tempfile.mkdtemp(prefix="portal-faults-static-"))
    env = portal_env(
        database_url="postgres://postgres@127.0.0.1:1/unused",
        redis_url="",
        static_root=directory,
        media_root=directory / "media",
    )
    run_portal([str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def faults_media() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="portal-faults-media-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class PortalServer:
    """gunicorn serving the portal as production does."""

    env: dict[str, str]
    log: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        gunicorn = need(str(BIN / "gunicorn"))
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own fixed arguments
                [
                    gunicorn,
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "5",
                    "--access-logfile",
                    "-",
                    # gunicorn 27's control socket has one fixed path per user: another
                    # gunicorn on the machine would take it over.
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(self._ready, seconds=60, what="gunicorn did not answer /healthz")
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\n{tail(self.log)}") from exc

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{tail(self.log)}")
        return Visitor(self.url).get("/healthz", timeout=2).status == 200

    def stop(self) -> None:
        stop_process(self.process)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Worker:
    """A Celery worker subprocess: one prefork child, the portal's two queues."""

    env: dict[str, str]
    name: str
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def hostname(self) -> str:
        return f"{self.name}@faults"

    def start(self) -> None:
        celery = need(str(BIN / "celery"))
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own fixed arguments
                [
                    celery,
                    "-A",
                    "portal",
                    "worker",
                    "-Q",
                    "reports,celery",
                    "-c",
                    "1",
                    "--pool",
                    "prefork",
                    "-n",
                    self.hostname,
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(
                lambda: " ready." in self.log.read_text(errors="replace"),
                seconds=60,
                what=f"Celery worker {self.hostname} did not become ready",
            )
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\n{tail(self.log)}") from exc

    def kill(self) -> None:
        """SIGKILL the worker and its pool child at once: the machine it ran on is gone."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_portal(
    tmp_path: Path, faults_static: Path, faults_media: Path
) -> Iterator[Callable[..., PortalServer]]:
    servers: list[PortalServer] = []

    def start(*, database_url: str, redis_url: str, **extra: str) -> PortalServer:
        env = portal_env(
            database_url=database_url,
            redis_url=redis_url,
            static_root=faults_static,
            media_root=faults_media,
            **extra,
        )
        server = PortalServer(env=env, log=tmp_path / f"gunicorn-{len(servers)}.log")
        # A browser test opens the portal as http://localhost:<port> (behind no proxy) while
        # X-Forwarded-Proto says https: the form's Origin is then plain http.
        env.setdefault(
            "DJANGO_CSRF_TRUSTED_ORIGINS",
            f"http://localhost:{server.port},http://127.0.0.1:{server.port}",
        )
        servers.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def start_worker(
    tmp_path: Path, faults_static: Path, faults_media: Path
) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(*, name: str, database_url: str, redis_url: str, **extra: str) -> Worker:
        env = portal_env(
            database_url=database_url,
            redis_url=redis_url,
            static_root=faults_static,
            media_root=faults_media,
            **extra,
        )
        worker = Worker(env=env, name=name, log=tmp_path / f"worker-{name}.log")
        workers.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


@pytest.fixture
def test_database_url(transactional_db: None) -> str:
    """The pytest test database, for processes the test starts (its rows must be committed:
    the test runs with transaction=True)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


# --- SMTP -----------------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    """An SMTP server in this process (aiosmtpd) that accepts everything and records it. With
    `stall_first` the first delivery hangs at RCPT until released (a worker killed mid-send)."""

    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    stall_first: bool = False
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        import asyncio

        if self.stall_first and not self.stalled.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.1)
            return "421 closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes
        from email.header import decode_header, make_header

        message = message_from_bytes(envelope.content)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": str(make_header(decode_header(message.get("Subject", "")))),
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        if IN_CI:
            pytest.fail("aiosmtpd is missing (a dev dependency)")
        pytest.skip("aiosmtpd is not installed")
    handler = SmtpServer(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        handler.release.set()
        controller.stop()


# --- A visitor ------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """One browser, as the portal sees it behind its TLS proxy: every request says
    X-Forwarded-Proto: https (so the production cookies, Secure and __Host-, are set and sent
    back: kept here by hand, since http.cookiejar would not return Secure cookies over plain
    HTTP) and carries the Origin and Referer a browser sends with a form."""

    def __init__(self, base_url: str, *, language: str = "en") -> None:
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.origin = f"https://{parts.netloc}"
        self.language = language
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 20.0,
    ) -> Response:
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        sent = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": self.language,
            "Accept": "text/html,application/json",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        sent.update(headers or {})
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                self._remember(header)
            received = {k.lower(): v for k, v in raw.getheaders()}
        finally:
            conn.close()
        return Response(raw.status, received, text, time.monotonic() - started)

    def _remember(self, header: str) -> None:
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Response:
        return self.request("POST", path, data=data, **kwargs)

    def csrf_token(self, path: str) -> str:
        """The form token of the page at `path` (which also sets the CSRF cookie)."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.text[:500])
        match = CSRF_FIELD.search(page.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def submit(self, form_page: str, action: str, data: dict[str, Any]) -> Response:
        """Open the form page, then POST its form (with its CSRF token) to `action`."""
        token = self.csrf_token(form_page)
        return self.post(action, {"csrfmiddlewaretoken": token, **data})

    def sign_in(self, email: str, password: str, *, totp_secret: str = "") -> Response:
        """Sign in through allauth's form (and its TOTP step for staff); returns the answer
        that ends the sign-in (a redirect into the portal)."""
        response = self.submit(
            "/accounts/login/", "/accounts/login/", {"login": email, "password": password}
        )
        if totp_secret and response.status == 302 and "/2fa/" in response.location:
            step = urlsplit(response.location).path
            response = self.submit(step, step, {"code": totp_code(totp_secret)})
        return response


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_totp(user: Any) -> str:
    """Give `user` a real TOTP authenticator (staff must have one); returns its secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    secret = generate_totp_secret()
    Authenticator.objects.update_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": secret}}
    )
    return secret
