"""The documented deployment (docs/deploy.md), behind a real nginx.

nginx runs unprivileged on a free loopback port, configured with the files of deploy/nginx/
the way docs/deploy.md includes them (minus TLS); gunicorn runs config.wsgi with the
environment docs/deploy.md lists, throwaway secrets and local paths swapped in. Clients
connect from different loopback addresses (127.0.0.2, 127.0.0.3), so nginx sees
different readers, as it would on the internet.

Skipped when nginx is not installed (Debian: apt install nginx).
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
ATTACKER, VICTIM = "127.0.0.2", "127.0.0.3"

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt install nginx): no real proxy to test"
)


def documented_environment():
    """The variables of docs/deploy.md's /etc/folio/env block."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"### Environment\n.*?```sh\n(.*?)```", text, re.S).group(1)
    return dict(
        line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#")
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_nginx(workdir, app_port):
    """nginx in front of 127.0.0.1:app_port, as docs/deploy.md configures it; its port."""
    port = free_port()
    (workdir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the checkout
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {workdir}/nginx-tmp/body;
    proxy_temp_path {workdir}/nginx-tmp/proxy;
    fastcgi_temp_path {workdir}/nginx-tmp/fastcgi;
    uwsgi_temp_path {workdir}/nginx-tmp/uwsgi;
    scgi_temp_path {workdir}/nginx-tmp/scgi;
    proxy_cache_path {workdir}/nginx-cache levels=1:2 keys_zone=folio:10m max_size=1g
                     inactive=10m use_temp_path=off;
    upstream folio_app {{ server 127.0.0.1:{app_port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{port};
        root {ROOT};  # holds static/, as /srv/folio holds STATIC_ROOT
        include {ROOT}/deploy/nginx/folio-errors.conf;
        location / {{
            include {ROOT}/deploy/nginx/folio-proxy.conf;
        }}
    }}
}}
""")
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-e", str(workdir / "nginx-error.log"), "-c", str(conf)]
        + ["-g", "daemon off;"],
        start_new_session=True,
    )
    try:
        wait_for_port(port, process, timeout=10)
    except Exception:
        stop(process)
        raise
    return process, port


class Reader:
    """One browser at one address, talking to nginx."""

    def __init__(self, port, address):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        return response, content

    def log_in(self, username, password, **headers):
        """The status of one login attempt through the admin's form."""
        _, page = self.request("GET", "/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {
            "csrfmiddlewaretoken": token.decode(),
            "username": username,
            "password": password,
            "next": "/admin/",
        }
        response, _ = self.request(
            "POST",
            "/admin/login/",
            urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        return response.status


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """gunicorn with the documented environment behind nginx; nginx's port."""
    workdir = tmp_path_factory.mktemp("deployment")
    workdir.chmod(0o755)
    app_port = free_port()
    redis_url = os.environ.get("REDIS_URL")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FOLIO_"))},
        **documented_environment(),
        # Throwaway secrets and local paths in place of the documented placeholders.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # no TLS on loopback
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": redis_url or "redis://127.0.0.1:1/0",
        "CACHE_KEY_PREFIX": f"folio-deploy-test-{secrets.token_hex(4)}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_PASSWORD": "the-right-password",
    }
    if not redis_url:  # the production settings, with one worker's in-process cache
        env.update(DJANGO_SETTINGS_MODULE="tests.deployment_settings", WEB_CONCURRENCY="1")
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["createsuperuser", "--noinput", "--username=boss", "--email=boss@example.com"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    nginx = None
    try:
        wait_for_port(app_port, gunicorn)
        nginx, port = start_nginx(workdir, app_port)
        yield port
    finally:
        for process in (nginx, gunicorn):
            if process is not None:
                stop(process)


def test_documented_environment_names_the_proxy_in_front():
    assert documented_environment().get("FOLIO_TRUSTED_PROXY_COUNT") == "1"


def test_failed_logins_from_one_reader_never_lock_out_another(deployment):
    attacker, victim = Reader(deployment, ATTACKER), Reader(deployment, VICTIM)
    # The lockout's limit of wrong passwords, each naming the victim's address; the
    # fifth failure locks the attacker's (username, address) pair.
    for expected in (200, 200, 200, 200, 429):
        assert attacker.log_in("boss", "wrong", **{"X-Forwarded-For": VICTIM}) == expected
    assert attacker.log_in("boss", "the-right-password") == 429  # locked out, at its address
    # ...and no header of its own gets it out: nginx appends the address it really saw.
    for forged in ("198.51.100.7", VICTIM, f"{VICTIM}, 198.51.100.7"):
        assert attacker.log_in("boss", "the-right-password", **{"X-Forwarded-For": forged}) == 429
    assert attacker.log_in("boss", "the-right-password", **{"X-Real-IP": VICTIM}) == 429
    # The account's owner, elsewhere, logs in as usual.
    assert victim.log_in("boss", "the-right-password") == 302


class _Upstream(BaseHTTPRequestHandler):
    """A stand-in for gunicorn answering the status its path names: /status/503."""

    def do_GET(self):
        status = int(self.path.rsplit("/", 1)[-1])
        body = f"upstream said {status}".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def assert_the_error_page(response, content, status):
    assert response.status == status
    assert b"Back in a moment" in content
    assert response.getheader("Content-Type").startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert response.getheader(name) == value, name
    policy = response.getheader("Content-Security-Policy")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_nginx_answers_with_the_sites_error_page_when_the_app_is_down_or_failing(tmp_path):
    tmp_path.chmod(0o755)
    app_port = free_port()  # nothing listens there yet: gunicorn is down
    nginx, port = start_nginx(tmp_path, app_port)
    reader = Reader(port, ATTACKER)
    try:
        assert_the_error_page(*reader.request("GET", "/blog/"), 502)
        # The page's stylesheet and icon come from disk too: the site's own.
        response, css = reader.request("GET", "/static/errors/css/site.css")
        assert response.status == 200 and css == (ROOT / "static/css/site.css").read_bytes()
        assert response.getheader("Content-Type") == "text/css"
        response, _ = reader.request("GET", "/static/errors/img/favicon.svg")
        assert response.status == 200
        assert reader.request("GET", "/static/errors/../../pyproject.toml")[0].status != 200

        upstream = ThreadingHTTPServer(("127.0.0.1", app_port), _Upstream)
        threading.Thread(target=upstream.serve_forever, daemon=True).start()
        try:
            for status in (502, 503, 504):
                assert_the_error_page(*reader.request("GET", f"/status/{status}"), status)
            # Django's own pages for other errors reach the reader untouched.
            for status in (404, 500):
                response, content = reader.request("GET", f"/status/{status}")
                assert response.status == status and content == f"upstream said {status}".encode()
        finally:
            upstream.shutdown()
            upstream.server_close()
    finally:
        stop(nginx)
