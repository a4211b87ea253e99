"""Writes to departments, aliases and groups. Views, admin and commands call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from common.errors import ConflictError, NotFoundError

from .models import Department, DepartmentAlias, DepartmentGroup, DepartmentGroupAlias, DepartmentKind
from .naming import display_name


@transaction.atomic
def department_create(
    *,
    name: str,
    kind: str = DepartmentKind.CITY,
    short_name: str = "",
    aliases: Iterable[str] = (),
    parent: Department | None = None,
    order: int = 0,
) -> Department:
    """Create a department and its aliases. The canonical name must be new."""
    name = display_name(name)
    if Department.objects.filter(name=name).exists():
        raise ConflictError(f"部门“{name}”已存在。", code="duplicate_department")
    dept = Department(name=name, kind=kind, short_name=short_name, parent=parent, order=order)
    dept.full_clean(exclude=["key"])
    dept.save()
    for alias in aliases:
        department_alias_add(department=dept, name=alias)
    return dept


@transaction.atomic
def department_alias_add(*, department: Department, name: str) -> DepartmentAlias | None:
    """Record that `name` as printed means `department`. Idempotent; refuses to re-point an alias."""
    name = display_name(name)
    if not name or name == department.name:
        return None
    existing = DepartmentAlias.objects.filter(name=name).first()
    if existing is not None:
        if existing.department_id != department.pk:
            raise ConflictError(
                f"名称“{name}”已对应部门“{existing.department.name}”。", code="alias_taken"
            )
        return existing
    if Department.objects.filter(name=name).exclude(pk=department.pk).exists():
        raise ConflictError(f"“{name}”是另一个部门的规范名称，不能作为别名。", code="alias_taken")
    alias = DepartmentAlias(name=name, department=department)
    alias.full_clean(exclude=["key"])
    alias.save()
    return alias


@transaction.atomic
def department_group_create(
    *, name: str, members: Iterable[Department] = (), aliases: Iterable[str] = (), description: str = ""
) -> DepartmentGroup:
    """Create a group (各县(市、区)人民政府) with its members and other printed forms of its name."""
    name = display_name(name)
    if DepartmentGroup.objects.filter(name=name).exists():
        raise ConflictError(f"部门组“{name}”已存在。", code="duplicate_group")
    group = DepartmentGroup(name=name, description=description)
    group.full_clean(exclude=["key"])
    group.save()
    group.members.set(list(members))
    for alias in aliases:
        alias = display_name(alias)
        if alias and alias != name:
            DepartmentGroupAlias.objects.get_or_create(name=alias, defaults={"group": group})
    return group


@transaction.atomic
def department_alias_remove(*, department: Department, name: str) -> None:
    """Forget that `name` means `department`. Existing tasks keep their department; later imports no
    longer resolve this printed form through the alias (the name rules may still match it)."""
    deleted, _ = DepartmentAlias.objects.filter(department=department, name=display_name(name)).delete()
    if not deleted:
        raise NotFoundError(f"部门“{department.name}”没有别名“{display_name(name)}”。")


@transaction.atomic
def department_group_set_members(*, group: DepartmentGroup, members: Iterable[Department]) -> DepartmentGroup:
    """Replace a group's members. Tasks already created through the group are not changed; documents
    imported later expand the group to the new members."""
    group.members.set(list(members))
    return group
