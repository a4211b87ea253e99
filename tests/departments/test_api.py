"""Department API: everyone reads (with aliases, groups, open task counts), only admins write."""

from __future__ import annotations

import pytest

from departments.models import Department, DepartmentAlias
from departments.services import department_group_create
from tasks.models import TaskStatus
from tests import factories


@pytest.mark.django_db
def test_list_with_aliases_groups_and_open_task_count(client_for, staff):
    dept = staff.department
    dept.aliases.create(name="市测试局")
    group = department_group_create(name="各测试部门", members=[dept])
    factories.TaskFactory(department=dept)
    factories.TaskFactory(department=dept, status=TaskStatus.FINISHED)
    body = client_for(staff).get(f"/api/v1/departments/{dept.pk}/").json()
    assert body["aliases"] == ["市测试局"]
    assert body["groups"] == [group.pk]
    assert body["open_task_count"] == 1
    groups = client_for(staff).get("/api/v1/department-groups/").json()["results"]
    assert groups[0]["members"] == [{"id": dept.pk, "name": dept.name}]


@pytest.mark.django_db
def test_search_by_alias(client_for, staff):
    target = factories.DepartmentFactory(name="市工业和信息化局")
    target.aliases.create(name="市工信局")
    results = client_for(staff).get("/api/v1/departments/?q=工信").json()["results"]
    assert [r["id"] for r in results] == [target.pk]


@pytest.mark.django_db
def test_only_admins_write(client_for, staff):
    resp = client_for(staff).post("/api/v1/departments/", {"name": "市数据局"}, format="json")
    assert resp.status_code == 403
    assert not Department.objects.filter(name="市数据局").exists()
    admin = factories.UserFactory(is_staff=True)
    resp = client_for(admin).post(
        "/api/v1/departments/", {"name": "市数据局", "aliases": ["市大数据局"]}, format="json"
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["aliases"] == ["市大数据局"]
    dept_id = resp.json()["id"]
    dup = client_for(admin).post("/api/v1/departments/", {"name": "市数据局"}, format="json")
    assert dup.status_code == 409
    resp = client_for(admin).patch(f"/api/v1/departments/{dept_id}/", {"active": False}, format="json")
    assert resp.status_code == 200 and resp.json()["active"] is False
    resp = client_for(admin).post(f"/api/v1/departments/{dept_id}/aliases/", {"name": "数据局"}, format="json")
    assert resp.status_code == 201
    assert DepartmentAlias.objects.filter(name="数据局", department_id=dept_id).exists()


@pytest.mark.django_db
def test_department_list_query_count_constant(client_for, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/departments/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(5):
        d = factories.DepartmentFactory()
        d.aliases.create(name=f"别名{i}")
        factories.TaskFactory(department=d)
    assert count() == one == 4  # count, page, aliases, groups


@pytest.mark.django_db
def test_admin_removes_an_alias_and_later_imports_no_longer_use_it(client_for):
    from departments.models import DepartmentAlias
    from departments.resolution import NameResolver
    from departments.services import department_create

    admin = factories.UserFactory(is_staff=True)
    dept = department_create(name="市文化和旅游局", aliases=["市文化局"])
    assert NameResolver.load().resolve("市文化局").department_ids == (dept.pk,)
    resp = client_for(admin).post(f"/api/v1/departments/{dept.pk}/aliases/remove/", {"name": "市文化局"}, format="json")
    assert resp.status_code == 200
    assert resp.json()["aliases"] == []
    assert not DepartmentAlias.objects.filter(name="市文化局").exists()
    assert not NameResolver.load().resolve("市文化局").resolved
    missing = client_for(admin).post(
        f"/api/v1/departments/{dept.pk}/aliases/remove/", {"name": "不存在"}, format="json"
    )
    assert missing.status_code == 404 and "没有别名" in missing.json()["detail"]


@pytest.mark.django_db
def test_admin_replaces_group_members_and_staff_cannot(client_for, staff):
    from departments.resolution import NameResolver
    from departments.services import department_group_create

    a, b, c = (factories.DepartmentFactory(kind="county") for _ in range(3))
    group = department_group_create(name="各县(市、区)人民政府", members=[a, b])
    admin = factories.UserFactory(is_staff=True)
    resp = client_for(admin).put(
        f"/api/v1/department-groups/{group.pk}/members/", {"members": [b.pk, c.pk]}, format="json"
    )
    assert resp.status_code == 200, resp.content
    assert set(NameResolver.load().resolve("各县(市、区)人民政府").department_ids) == {b.pk, c.pk}
    denied = client_for(staff).put(f"/api/v1/department-groups/{group.pk}/members/", {"members": [a.pk]}, format="json")
    assert denied.status_code == 403
    assert set(group.members.values_list("pk", flat=True)) == {b.pk, c.pk}
