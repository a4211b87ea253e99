"""Name resolution: printed unit names → departments, through aliases, groups and name keys.

The one place that decides which department a printed name means. It never drops a name:
what matches nothing comes back as unresolved, and the caller queues it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Department, DepartmentAlias, DepartmentGroup
from .naming import display_name, name_key

# "Outer（inner）" where both parts are unit names (not 各县(市、区) style groups).
_SECOND_NAME_RE = re.compile(r"^(?P<outer>[^（(]{2,})[（(](?:设在)?(?P<inner>[^）)]{2,})[）)]$")


@dataclass(frozen=True)
class Resolution:
    """What one printed name means: departments (one, or a group's members), or nothing."""

    printed: str
    department_ids: tuple[int, ...] = ()
    group_id: int | None = None

    @property
    def resolved(self) -> bool:
        return bool(self.department_ids) or self.group_id is not None


@dataclass
class NameResolver:
    """Loads every alias and group once (a constant number of queries), then resolves in memory."""

    by_name: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, set[int]] = field(default_factory=dict)
    groups_by_name: dict[str, int] = field(default_factory=dict)
    groups_by_key: dict[str, int] = field(default_factory=dict)
    group_members: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> NameResolver:
        r = cls()
        for pk, name, key in Department.objects.filter(active=True).values_list("pk", "name", "key"):
            r._add_department(pk, name, key)
        for pk, name, key in DepartmentAlias.objects.filter(department__active=True).values_list(
            "department_id", "name", "key"
        ):
            r._add_department(pk, name, key)
        for group in DepartmentGroup.objects.prefetch_related("members", "aliases"):
            members = tuple(sorted(m.pk for m in group.members.all() if m.active))
            r.group_members[group.pk] = members
            for name, key in [(group.name, group.key), *((a.name, a.key) for a in group.aliases.all())]:
                r.groups_by_name[display_name(name)] = group.pk
                r.groups_by_key[key] = group.pk
        return r

    def _add_department(self, pk: int, name: str, key: str) -> None:
        self.by_name[display_name(name)] = pk
        self.by_key.setdefault(key, set()).add(pk)

    def resolve(self, printed: str) -> Resolution:
        """Exact printed name first, then the name key; a group expands to its members."""
        name = display_name(printed)
        if name in self.by_name:
            return Resolution(printed=name, department_ids=(self.by_name[name],))
        if name in self.groups_by_name:
            gid = self.groups_by_name[name]
            return Resolution(printed=name, department_ids=self.group_members.get(gid, ()), group_id=gid)
        key = name_key(name)
        candidates = self.by_key.get(key, set())
        if len(candidates) == 1:
            return Resolution(printed=name, department_ids=(next(iter(candidates)),))
        if key in self.groups_by_key:
            gid = self.groups_by_key[key]
            return Resolution(printed=name, department_ids=self.group_members.get(gid, ()), group_id=gid)
        # A unit printed with its second name: 市政府办公室（市大数据局）, 市委组织部（市委人才办）.
        # The name outside the brackets decides; failing that, the one inside.
        m = _SECOND_NAME_RE.match(name)
        if m:
            for part in (m.group("outer"), m.group("inner")):
                found = self.resolve(part)
                if found.resolved:
                    return Resolution(printed=name, department_ids=found.department_ids, group_id=found.group_id)
        return Resolution(printed=name)

    def resolve_many(self, names: Iterable[str]) -> list[Resolution]:
        return [self.resolve(n) for n in names]


def resolve_name(printed: str) -> Resolution:
    """Resolve one name (loads the tables; use NameResolver.load() for many)."""
    return NameResolver.load().resolve(printed)
