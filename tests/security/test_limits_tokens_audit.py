"""Upload limits, hashed tokens, an append-only audit trail in the admin (issue 15, security).

`manage.py check --deploy` with production settings is tests/test_project.py
::test_production_settings_pass_check_deploy (fail level WARNING).
"""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from departments.models import Department
from tasks.models import Attachment, AuditEvent, PolicyUpload, ProgressReport
from tests import factories
from tests.security.world import build_world
from tests.tasks import import_docs as D

pytestmark = pytest.mark.django_db
_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_an_oversize_policy_upload_is_413_in_chinese_and_nothing_is_written(settings, media, client_for):
    settings.DUBAN = {**settings.DUBAN, "IMPORT_MAX_BYTES": 1000}
    sup = client_for(factories.SupervisorFactory())
    data = (D.DOC_DIGITAL * 20).encode()
    assert len(data) > 1000
    before = (PolicyUpload.objects.count(), AuditEvent.objects.count())
    resp = sup.post("/api/v1/imports/", {"file": SimpleUploadedFile("big.txt", data)}, format="multipart")
    assert resp.status_code == 413
    assert resp.json()["code"] == "too_large" and _HAN.search(resp.json()["detail"])
    assert (PolicyUpload.objects.count(), AuditEvent.objects.count()) == before
    assert _files(media) == []
    # The limit is a limit, not a refusal of everything: a small file still goes through.
    ok = sup.post("/api/v1/imports/", {"file": SimpleUploadedFile("s.txt", D.DOC_PARKS.encode())}, format="multipart")
    assert ok.status_code == 201 and len(D.DOC_PARKS.encode()) < 1000


def test_an_oversize_policy_upload_on_the_web_page_shows_a_chinese_error(settings, media):
    settings.DUBAN = {**settings.DUBAN, "IMPORT_MAX_BYTES": 1000}
    client = Client()
    client.force_login(factories.SupervisorFactory())
    before = PolicyUpload.objects.count()
    resp = client.post("/imports/new/", {"file": SimpleUploadedFile("big.txt", (D.DOC_DIGITAL * 20).encode())},
                       follow=True)
    assert resp.status_code in (200, 400, 413)
    assert "大小" in resp.content.decode() or "上限" in resp.content.decode()
    assert PolicyUpload.objects.count() == before
    assert _files(media) == []


def test_an_oversize_report_attachment_is_refused_and_nothing_is_written(settings, media, client_for):
    world = build_world()
    settings.DUBAN = {**settings.DUBAN, "ATTACHMENT_MAX_BYTES": 100}
    files_before = _files(media)
    before = (ProgressReport.objects.count(), Attachment.objects.count(), AuditEvent.objects.count())
    client = client_for(world.users["liaison"])
    resp = client.post(
        f"/api/v1/tasks/{world.own_task.pk}/report/",
        {"percent": 50, "progress": "推进中", "attachments": [SimpleUploadedFile("证明.pdf", b"%PDF" + b"x" * 500)]},
        format="multipart",
    )
    assert resp.status_code in (400, 413), resp.content.decode()
    assert "大小上限" in resp.content.decode()
    assert (ProgressReport.objects.count(), Attachment.objects.count(), AuditEvent.objects.count()) == before
    assert _files(media) == files_before


def test_a_json_body_over_data_upload_max_memory_size_is_413(settings, client_for):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    sup = client_for(factories.UserFactory(is_staff=True, is_superuser=True, is_supervisor=True))
    body = '{"name": "市超大局", "padding": "' + "x" * 20_000 + '"}'  # valid but for its size
    resp = sup.post("/api/v1/departments/", body, content_type="application/json")
    assert resp.status_code == 413 and "过大" in resp.json()["detail"], resp.content.decode()
    assert not Department.objects.filter(name="市超大局").exists()
    assert sup.post("/api/v1/departments/", {"name": "市新设局"}, format="json").status_code == 201


def test_tokens_are_stored_hashed_and_the_raw_secret_is_nowhere_in_the_database(client_for):
    user = factories.SupervisorFactory()
    resp = client_for(user).post("/api/v1/tokens/", {"name": "集成系统"}, format="json")
    assert resp.status_code == 201
    raw = max((v for v in resp.json().values() if isinstance(v, str) and v.startswith("dbn_")), key=len)
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    secret = raw.removeprefix("dbn_")
    assert secret[8:] not in dump.getvalue()  # not the secret, not even its tail
    assert len(token.prefix) <= 12
    # The stored token works by its hash, and the list never shows the secret again.
    listing = client_for(user).get("/api/v1/tokens/").content.decode()
    assert secret[8:] not in listing


def test_the_admin_cannot_add_change_or_delete_audit_events(client_for):
    world = build_world()
    event = AuditEvent.objects.order_by("pk").first()
    assert event is not None
    snapshot = list(AuditEvent.objects.values().order_by("pk"))
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    base = "/admin/tasks/auditevent/"
    assert client.get(base).status_code == 200  # visible
    assert client.get(f"{base}{event.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"{base}{event.pk}/change/", {"action": "篡改", "note": "x"}).status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{base}add/", {"action": "伪造"}).status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    assert list(AuditEvent.objects.values().order_by("pk")) == snapshot
    del world
