"""Import API: upload → preview → confirm, and the supervisor's queues."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from departments.demo import load_demo_city
from departments.models import Department, UnresolvedName
from departments.services import department_create
from tasks.models import Measure, PendingAssignment, PolicyDocument, PolicyUpload, Task
from tasks.services.imports import policy_import, policy_upload_create
from tests.tasks import import_docs as D

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"


@pytest.fixture
def city(db):
    load_demo_city()


@pytest.fixture
def sup(client_for, supervisor):
    return client_for(supervisor)


def _upload(client, text_or_bytes, name="doc.txt"):
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    return client.post(URL, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_upload_previews_without_writing_then_confirm_imports(city, sup):
    r = _upload(sup, D.DOC_DIGITAL)
    assert r.status_code == 201, r.content
    preview = r.json()["preview"]
    assert preview["document"]["title"] == "江海市人民政府关于推进数字经济发展的实施方案"
    assert preview["counts"] == {
        "measures": 5, "sections": 3, "targets": 2, "tasks": 11, "unresolved_names": 1, "unassigned_measures": 1,
        "suggestions": 0,
    }
    by_path = {m["path_key"]: m for m in preview["measures"]}
    first = {a["name"]: a for a in by_path["二/（一）"]["assignments"]}
    assert first["市工信局"]["status"] == "department"
    assert first["市工信局"]["departments"][0]["name"] == "市工业和信息化局"
    group = by_path["二/（二）"]["assignments"][1]
    assert group["status"] == "group" and len(group["departments"]) == 4
    assert group["group"]["name"] == "各县(市、区)人民政府"
    assert by_path["二/（三）"]["assignments"][0]["status"] == "unresolved"
    assert any(e.startswith("本条括注") and "市工信局" in e for e in by_path["二/（一）"]["explain"])
    assert by_path["二/（四）"]["explain"][0] == "未写明责任单位：进入待分配队列"
    assert preview["unresolved_names"] == [{"name": "市数据资源局", "occurrences": 1, "status": "new"}]
    assert preview["unassigned_measures"] == [{"path_key": "二/（四）", "title": "加强人才引育"}]
    assert preview["duplicate_of"] is None
    # Nothing but the upload itself was written.
    assert PolicyDocument.objects.count() == Measure.objects.count() == Task.objects.count() == 0
    assert UnresolvedName.objects.count() == 0

    upload_id = r.json()["id"]
    got = sup.get(f"{URL}{upload_id}/")
    assert got.status_code == 200 and got.json()["preview"] == preview

    done = sup.post(f"{URL}{upload_id}/confirm/", {}, format="json")
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["created"] is True
    assert (body["measures"], body["tasks"], body["unassigned_measures"]) == (5, 11, 1)
    assert body["unresolved_names"] == ["市数据资源局"]
    assert Task.objects.count() == 11
    assert PolicyUpload.objects.get(pk=upload_id).document_id == body["document_id"]

    again = sup.post(f"{URL}{upload_id}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_confirmed"

    dup = _upload(sup, D.DOC_DIGITAL)
    assert dup.json()["preview"]["duplicate_of"] == {"id": body["document_id"], "title": body["title"]}


def test_only_supervisors_may_import(city, client_for, liaison):
    r = _upload(client_for(liaison), D.DOC_DIGITAL)
    assert r.status_code == 403
    assert "督查室" in r.json()["detail"]
    assert PolicyUpload.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"", "empty.txt", 400, "empty"),
        (bytes(range(256)) * 40, "blob.txt", 400, "binary"),
        (b"%PDF-1.7 ...", "doc.pdf", 400, "bad_pdf"),
        (b"%PDF-1.7 ...", "doc.pages", 400, "unsupported_format"),
    ],
)
def test_bad_files_give_chinese_errors_and_store_nothing(city, sup, data, name, status, code):
    r = _upload(sup, data, name)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"])
    assert PolicyUpload.objects.count() == 0 and PolicyDocument.objects.count() == 0


def test_too_large_upload_is_413(city, sup, settings):
    settings.DUBAN = {**settings.DUBAN, "IMPORT_MAX_BYTES": 500}
    r = _upload(sup, D.DOC_DIGITAL * 2)
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    assert PolicyUpload.objects.count() == 0


def test_changed_version_needs_confirm_update(city, sup):
    policy_import(data=D.DOC_DIGITAL.encode(), filename="v1.txt")
    r = _upload(sup, D.DOC_DIGITAL_V2, "v2.txt")
    preview = r.json()["preview"]
    assert preview["previous_version"]["title"] == "江海市人民政府关于推进数字经济发展的实施方案"
    assert [d["path_key"] for d in preview["diff"]["added"]] == ["二/（五）"]
    refused = sup.post(f"{URL}{r.json()['id']}/confirm/", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "document_changed"
    assert refused.json()["diff"]["removed"]
    assert PolicyDocument.objects.count() == 1
    ok = sup.post(f"{URL}{r.json()['id']}/confirm/", {"confirm_update": True}, format="json")
    assert ok.status_code == 201
    assert ok.json()["previous_version_id"] is not None and ok.json()["cancelled_tasks"] == 7


def test_confirm_can_create_missing_departments(db, sup):
    r = _upload(sup, D.DOC_NEW_UNITS)
    ok = sup.post(f"{URL}{r.json()['id']}/confirm/", {"create_missing_departments": True}, format="json")
    assert ok.status_code == 201
    assert "市发展和改革委" in ok.json()["created_departments"]
    assert Department.objects.get(name="市发展和改革委").aliases.get().name == "市发改委"


def test_unresolved_names_list_map_and_ignore(city, sup):
    policy_import(data=D.DOC_DIGITAL.encode(), filename="a.txt")
    policy_import(data=D.DOC_NEW_UNITS.encode(), filename="b.txt")
    listed = sup.get("/api/v1/unresolved-names/")
    assert listed.status_code == 200
    rows = {row["name"]: row for row in listed.json()["results"]}
    assert rows["市数据资源局"]["open_pending_count"] == 1
    dept = department_create(name="市大数据管理局")
    r = sup.post(f"/api/v1/unresolved-names/{rows['市数据资源局']['id']}/map/", {"department": dept.pk}, format="json")
    assert r.status_code == 200 and r.json()["created_tasks"] == 1
    assert Task.objects.filter(department=dept).count() == 1

    bad = sup.post(f"/api/v1/unresolved-names/{rows['市海洋发展局']['id']}/map/", {}, format="json")
    assert bad.status_code == 400
    ign = sup.post(f"/api/v1/unresolved-names/{rows['市海洋发展局']['id']}/ignore/")
    assert ign.status_code == 200 and ign.json()["status"] == "ignored"
    names = [row["name"] for row in sup.get("/api/v1/unresolved-names/").json()["results"]]
    assert "市数据资源局" not in names and "市海洋发展局" not in names


def test_unassigned_measures_list_and_bulk_assign(city, sup):
    doc = policy_import(data=D.DOC_DIGITAL.encode(), filename="a.txt").document
    listed = sup.get("/api/v1/unassigned-measures/", {"document": doc.pk})
    assert [m["path_key"] for m in listed.json()["results"]] == ["二/（四）"]
    finance = Department.objects.get(name="市财政局")
    r = sup.post(
        "/api/v1/unassigned-measures/assign/",
        {"measure_ids": [listed.json()["results"][0]["id"]], "lead_department_ids": [finance.pk],
         "deadline": "2026-09-30"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["created_tasks"] == 1
    assert Task.objects.get(pk=r.json()["task_ids"][0]).deadline.isoformat() == "2026-09-30"
    assert sup.get("/api/v1/unassigned-measures/").json()["results"] == []
    none = sup.post("/api/v1/unassigned-measures/assign/", {"measure_ids": [1]}, format="json")
    assert none.status_code == 400 and none.json()["code"] == "departments_required"


def test_pending_suggestions_confirm_dismiss_and_bulk(city, sup):
    policy_import(data=D.DOC_PARKS.encode(), filename="parks.txt")
    listed = sup.get("/api/v1/pending-assignments/").json()["results"]
    assert [(p["measure_path_key"], p["department_name"]) for p in listed] == [
        ("二/（一）", "市科学技术局"), ("二/（二）", "市科学技术局"),
    ]
    one = sup.post(f"/api/v1/pending-assignments/{listed[0]['id']}/confirm/", {}, format="json")
    assert one.status_code == 200 and one.json()["created_tasks"] == 1
    dismissed = sup.post(f"/api/v1/pending-assignments/{listed[1]['id']}/dismiss/")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert sup.get("/api/v1/pending-assignments/").json()["results"] == []
    again = sup.post("/api/v1/pending-assignments/confirm/", {"ids": [listed[1]["id"]]}, format="json")
    assert again.status_code == 409


def test_bulk_confirm_of_suggestions(city, sup):
    policy_import(data=D.DOC_PARKS.encode(), filename="parks.txt")
    ids = [p.pk for p in PendingAssignment.objects.all()]
    r = sup.post("/api/v1/pending-assignments/confirm/", {"ids": ids}, format="json")
    assert r.status_code == 200 and r.json()["created_tasks"] == 2


def _docs(start, n, user):
    for i in range(start, start + n):
        data = (
            D.numbered_document(1, title=f"江海市第{i + 1}号专项方案", doc_number=f"江政发〔2025〕{i + 1}号")
            .replace("（牵头单位：市财政局）", "").encode()
        )
        policy_import(data=data, filename=f"d{i}.txt")
        policy_upload_create(data=data + b"\n", filename=f"d{i}.txt", user=user)


@pytest.mark.parametrize("url", ["/api/v1/unassigned-measures/", "/api/v1/unresolved-names/",
                                 "/api/v1/pending-assignments/?reason=all&status=all", "/api/v1/imports/"])
def test_list_query_counts_do_not_grow(city, sup, supervisor, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert sup.get(url).status_code == 200
        return len(ctx.captured_queries)

    _docs(0, 1, supervisor)
    UnresolvedName.objects.create(name="市甲局")
    one = count()
    _docs(1, 4, supervisor)
    for n in "乙丙丁戊":
        UnresolvedName.objects.create(name=f"市{n}局")
    assert count() == one


def test_unresolved_names_list_carries_suggestions_and_where_the_name_was_printed(city, sup):
    policy_import(data="关于推进生态保护的实施方案\n一、加强治理\n（一）开展专项整治。（市环保局负责）\n".encode(),
                  filename="eco.txt")
    listed = sup.get("/api/v1/unresolved-names/")
    row = {r["name"]: r for r in listed.json()["results"]}["市环保局"]
    assert [s["name"] for s in row["suggestions"]] == ["市生态环境局"]
    assert "机构改革" in row["suggestions"][0]["reason"]
    assert row["context_total"] == 1 and "开展专项整治" in str(row["contexts"][0])
    one = sup.get(f"/api/v1/unresolved-names/{row['id']}/").json()
    assert one["suggestions"] == row["suggestions"]
