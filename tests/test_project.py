"""Project-level checks: migrations are complete, admin pages load, production settings are strict."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def test_no_missing_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


ADMIN_MODELS = [
    "accounts/user", "accounts/apitoken",
    "departments/department", "departments/departmentalias", "departments/departmentgroup",
    "departments/unresolvedname",
    "tasks/policydocument", "tasks/measure", "tasks/task", "tasks/pendingassignment", "tasks/progressreport",
    "tasks/extensionrequest", "tasks/auditevent", "tasks/targetreading", "tasks/lightsnapshot",
]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelist_and_add_pages_load(client, admin_user, model):
    factories.TaskFactory()
    client.force_login(admin_user)
    resp = client.get(f"/admin/{model}/")
    assert resp.status_code == 200
    # Chinese admin: verbose names are in Chinese.
    assert "管理" in resp.content.decode()


def test_admin_task_change_page_loads(client, admin_user):
    task = factories.TaskFactory()
    client.force_login(admin_user)
    resp = client.get(reverse("admin:tasks_task_change", args=[task.pk]))
    assert resp.status_code == 200
    assert task.department.name in resp.content.decode()


def _run_manage(env_extra, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_secret_key():
    proc = _run_manage({"DJANGO_SETTINGS_MODULE": "config.settings.production"}, "check")
    assert proc.returncode != 0
    assert "DJANGO_SECRET_KEY" in proc.stderr


def test_production_settings_pass_check_deploy():
    proc = _run_manage(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 64 + "-production-test-secret-key-value",
            "DJANGO_ALLOWED_HOSTS": "duban.example.gov.cn",
            "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/duban-deploy-check.sqlite3"),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
