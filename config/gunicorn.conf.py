"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be changed from the environment, so the systemd unit (docs/deploy.md)
and the benchmark (bench/http_bench.py) use this one file.
"""

import multiprocessing
import os

# A unix socket or 127.0.0.1 only: gunicorn is never exposed directly, nginx is in front.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: pages are rendered from a warm cache or a short database read, so a
# worker per core (plus one to cover the moments a worker waits on the database).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; jitter keeps
# them from restarting at the same moment. A worker serves a few thousand cached pages a
# second, and a new one starts with none of them in memory: not too often, then.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 200_000))
max_requests_jitter = 20_000
# Load the application once in the master, so workers start fast and share memory.
preload_app = True

# The proxy on this machine (or the load balancer's addresses) may tell us the client's
# scheme; nobody else may. Django reads X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr for journald; set GUNICORN_ACCESS_LOG="" to switch access logs off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
