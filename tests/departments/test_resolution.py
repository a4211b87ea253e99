"""Printed names resolve to departments through aliases, keys and groups; nothing is dropped."""

import pytest

from common.errors import ConflictError
from departments.models import DepartmentAlias
from departments.resolution import NameResolver
from departments.services import department_alias_add, department_create, department_group_create


@pytest.fixture
def city(db):
    gxj = department_create(name="市工业和信息化局", aliases=["市工信局"])
    fgw = department_create(name="市发展和改革委员会")
    east = department_create(name="东区人民政府", kind="county")
    west = department_create(name="西区人民政府", kind="county")
    group = department_group_create(
        name="各县(市、区)人民政府", members=[east, west], aliases=["各县(市)、区人民政府"]
    )
    return {"gxj": gxj, "fgw": fgw, "east": east, "west": west, "group": group}


def test_alias_and_canonical_name_resolve_to_the_same_department(city):
    r = NameResolver.load()
    assert r.resolve("市工信局").department_ids == (city["gxj"].pk,)
    assert r.resolve("市工业和信息化局").department_ids == (city["gxj"].pk,)


def test_key_rules_resolve_unlisted_forms(city):
    r = NameResolver.load()
    # No alias was recorded for these forms; the key rules find the department.
    assert r.resolve("市发改委").department_ids == (city["fgw"].pk,)
    assert r.resolve("市发展改革委").department_ids == (city["fgw"].pk,)
    assert r.resolve("工业和信息化局").department_ids == (city["gxj"].pk,)


def test_group_expands_to_its_members(city):
    r = NameResolver.load()
    res = r.resolve("各县（市、区）人民政府")
    assert res.group_id == city["group"].pk
    assert set(res.department_ids) == {city["east"].pk, city["west"].pk}
    assert r.resolve("各县(市)、区人民政府").group_id == city["group"].pk


def test_unknown_name_is_returned_unresolved_not_dropped(city):
    res = NameResolver.load().resolve("市外太空管理局")
    assert not res.resolved
    assert res.printed == "市外太空管理局"


def test_inactive_department_does_not_resolve(city):
    city["fgw"].active = False
    city["fgw"].save(update_fields=["active"])
    assert not NameResolver.load().resolve("市发改委").resolved


def test_loading_the_resolver_takes_constant_queries(city, django_assert_max_num_queries):
    for i in range(20):
        department_create(name=f"市第{i}局", aliases=[f"第{i}局简称"])
    with django_assert_max_num_queries(6):
        NameResolver.load()


def test_alias_cannot_be_repointed(city):
    with pytest.raises(ConflictError):
        department_alias_add(department=city["fgw"], name="市工信局")
    assert DepartmentAlias.objects.get(name="市工信局").department_id == city["gxj"].pk


def test_alias_add_is_idempotent(city):
    department_alias_add(department=city["gxj"], name="市工信局")
    assert DepartmentAlias.objects.filter(name="市工信局").count() == 1


def test_unit_printed_with_its_second_name_resolves_through_either_name(city):
    r = NameResolver.load()
    assert r.resolve("市工业和信息化局（市国防科工办）").department_ids == (city["gxj"].pk,)
    assert r.resolve("市中小企业局（市工信局）").department_ids == (city["gxj"].pk,)
    assert r.resolve("领导小组办公室（设在市发改委）").department_ids == (city["fgw"].pk,)
    assert not r.resolve("市外太空局（市月球办）").resolved


def test_group_names_with_brackets_are_not_split(city):
    # 各县（市、区）人民政府 is a group name, not "各县" with a second name "市、区".
    assert NameResolver.load().resolve("各县（市、区）人民政府").group_id == city["group"].pk
