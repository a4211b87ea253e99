"""Evidence files are downloaded through scoped views only; other departments get 404."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tasks.models import Attachment, ProgressReport
from tests import factories


@pytest.fixture
def attachment(db):
    task = factories.TaskFactory()
    author = factories.StaffFactory(department=task.department)
    report = ProgressReport.objects.create(task=task, author=author, percent=20, progress="已完成摸底")
    att = Attachment(report=report, original_name="佐证材料.pdf", content_type="application/pdf", size=9)
    att.file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return att, author


def test_own_department_downloads_through_the_api_and_the_ui(attachment, client_for):
    att, author = attachment
    resp = client_for(author).get(f"/api/v1/attachments/{att.pk}/download/")
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == b"%PDF-1.4\n"
    assert "attachment" in resp["Content-Disposition"]
    web = Client()
    web.force_login(author)
    assert web.get(f"/attachments/{att.pk}/").status_code == 200


def test_report_lists_a_download_url_not_a_media_path(attachment, client_for):
    att, author = attachment
    row = client_for(author).get("/api/v1/reports/").json()["results"][0]
    url = row["attachments"][0]["download_url"]
    assert url.endswith(f"/api/v1/attachments/{att.pk}/download/")
    assert "media" not in url


def test_other_department_gets_404(attachment, client_for):
    att, _ = attachment
    outsider = factories.StaffFactory()
    assert client_for(outsider).get(f"/api/v1/attachments/{att.pk}/download/").status_code == 404
    web = Client()
    web.force_login(outsider)
    assert web.get(f"/attachments/{att.pk}/").status_code == 404


def test_anonymous_cannot_download(attachment):
    att, _ = attachment
    assert Client().get(f"/api/v1/attachments/{att.pk}/download/").status_code in (401, 403)
    assert Client().get(f"/attachments/{att.pk}/").status_code == 302  # to the login page
