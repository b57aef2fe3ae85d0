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
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without_required_env(missing):
    env = {
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "blog.example.com",
        "DATABASE_URL": "postgres://u@localhost/db",
    }
    del env[missing]
    result = _import_production_settings(**env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_load_with_required_env():
    result = _import_production_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="blog.example.com",
        DATABASE_URL="postgres://u@localhost/db",
    )
    assert result.returncode == 0, result.stderr


def test_a_sqlite_database_url_keeps_wal_and_the_busy_timeout(monkeypatch, tmp_path):
    from config.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'site.db'}")
    config = database_from_env("unused")
    assert config["NAME"] == str(tmp_path / "site.db")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] == 20
