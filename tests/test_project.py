"""Project-level guarantees: migrations in sync, settings that refuse bad config."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits 1 on changes
    assert "No changes detected" in out.getvalue()


def _import_production_settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "FOLIO_"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "blog.example.com",
    "DATABASE_URL": "postgres://u@localhost/db",
    "REDIS_URL": "redis://localhost:6379/0",
    "FOLIO_TRUSTED_PROXY_COUNT": "1",
}


@pytest.mark.parametrize("missing", list(PRODUCTION_ENV))
def test_production_settings_refuse_to_start_without_required_env(missing):
    env = dict(PRODUCTION_ENV)
    del env[missing]
    result = _import_production_settings(**env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


@pytest.mark.parametrize(
    ("count", "refused"), [("0", False), ("2", False), ("-1", True), ("one", True)]
)
def test_production_settings_take_only_a_count_of_proxies(count, refused):
    """0 is a real answer (clients reach gunicorn directly); only unset or nonsense is
    refused, since behind nginx the default would lock accounts for everyone."""
    result = _import_production_settings(**{**PRODUCTION_ENV, "FOLIO_TRUSTED_PROXY_COUNT": count})
    assert (result.returncode != 0) == refused, result.stderr
    if refused:
        assert "FOLIO_TRUSTED_PROXY_COUNT must be a whole number of proxies" in result.stderr


def test_production_settings_say_why_the_proxy_count_is_needed():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FOLIO_TRUSTED_PROXY_COUNT"}
    result = _import_production_settings(**env)
    assert "ImproperlyConfigured" in result.stderr
    assert "1 behind nginx" in result.stderr and "lock an account for everyone" in result.stderr


def test_production_settings_refuse_site_exports_in_a_public_folder(tmp_path):
    env = {**PRODUCTION_ENV, "MEDIA_ROOT": str(tmp_path / "médias")}
    result = _import_production_settings(**env, FOLIO_EXPORT_ROOT=str(tmp_path / "médias/x"))
    assert result.returncode != 0
    assert "FOLIO_EXPORT_ROOT" in result.stderr and "served to anyone" in result.stderr
    result = _import_production_settings(**env, FOLIO_EXPORT_ROOT=str(tmp_path / "exports"))
    assert result.returncode == 0, result.stderr


def test_production_settings_load_with_required_env():
    result = _import_production_settings(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_a_sqlite_database_url_keeps_wal_and_the_busy_timeout(monkeypatch, tmp_path):
    from config.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'site.db'}")
    config = database_from_env("unused")
    assert config["NAME"] == str(tmp_path / "site.db")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] == 20


def test_deploy_check_passes_with_production_settings():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "FOLIO_"))
        },
        **PRODUCTION_ENV,
        # A realistic key: the deploy check rejects short or repetitive ones.
        "DJANGO_SECRET_KEY": "k3Jq9-vX2pL8mZr4tY7wB1nC6dF0gH5sA-eQ3uI9oP2lK7jM4xV8bN1cZ6",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
