"""Policy import: a parsed document becomes a PolicyDocument, its outline, targets, tasks and queues.

The pure parser (policyparse/) turns bytes into a frozen ParsedDocument; everything here turns
that into rows, in one transaction, with a number of SQL queries that does not grow with the
number of measures (bulk_create per outline level, one resolver load, one owner query).

Guarantees:
- the same file (SHA-256) is never imported twice: the second call returns the first document;
- no printed name is dropped: it becomes a task, or a PendingAssignment (unresolved/suggested);
- a changed version of a known document (same 文号, or same title) is refused with a diff
  until `confirm_update=True`; then the new document replaces it and open tasks move over.

Update strategy (confirm_update): the new version is imported as a NEW PolicyDocument with
`previous_version` pointing at the old one. A task of the old document whose (path, department)
pair is still assigned by the new text is MOVED to the new measure (same row: its status,
reports, extensions and audit history travel with it); its deadline follows the new text while
it is open. Old tasks whose pair disappeared are cancelled (open ones) and stay on the old
document. Manual/confirmed-default assignments of a measure the new text still does not assign
are carried over too. Old open pending assignments are dismissed (the new import re-queues).
"""

from __future__ import annotations

# Python imports
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

# Django imports
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

# Module imports
from accounts.models import DeptRole, User
from common.errors import ConflictError, DomainError, NotFoundError
from departments.models import (
    Department,
    DepartmentAlias,
    DepartmentGroup,
    DepartmentGroupAlias,
    DepartmentKind,
    UnresolvedName,
)
from departments.naming import display_name, name_key
from departments.resolution import NameResolver, Resolution
from departments.services import department_alias_add
from policyparse import PolicyParseError
from tasks.models import (
    CLOSED_STATUSES,
    AuditEvent,
    Comparator,
    Measure,
    PendingAssignment,
    PolicyDocument,
    PolicyUpload,
    Recurrence,
    Target,
    Task,
    TaskRole,
    TaskStatus,
)
from tasks.services.audit import audit_record
from tasks.services.notify import tasks_assigned

if TYPE_CHECKING:
    from policyparse import ParsedDocument, ParsedMeasure

__all__ = [
    "Diff",
    "ImportFileError",
    "ImportResult",
    "measures_assign_bulk",
    "parse_upload",
    "pending_assignment_confirm",
    "pending_assignment_dismiss",
    "pending_assignments_confirm",
    "policy_diff",
    "policy_import",
    "policy_preview",
    "policy_upload_confirm",
    "policy_upload_create",
    "unresolved_name_ignore",
    "unresolved_name_map",
]

_PATH_KEY_MAX = 200
_OPEN_Q = ~Q(status__in=CLOSED_STATUSES)


class ImportFileError(DomainError):
    """The uploaded file could not be read (empty, binary, too large, wrong type); nothing was written."""

    status_code = 400
    default_code = "bad_file"

    def __init__(self, err: PolicyParseError) -> None:
        super().__init__(str(err), code=err.code)
        # 413 Payload Too Large says exactly what happened; every other reading error is a 400.
        self.status_code = 413 if err.code == "too_large" else 400


# --- Results ---


@dataclass
class Diff:
    """What a new version of a document changes against the stored one (measures by outline path)."""

    old_document_id: int
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    text_changed: list[dict[str, Any]] = field(default_factory=list)
    assignments_added: list[dict[str, Any]] = field(default_factory=list)
    assignments_removed: list[dict[str, Any]] = field(default_factory=list)
    deadline_changed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added or self.removed or self.text_changed or self.assignments_added
            or self.assignments_removed or self.deadline_changed
        )

    def summary(self) -> str:
        """One Chinese sentence: how many measures were added, removed, changed."""
        if self.is_empty:
            return "措施、分工和时限均无变化。"
        parts = [
            f"新增措施 {len(self.added)} 条",
            f"删除措施 {len(self.removed)} 条",
            f"内容修改 {len(self.text_changed)} 条",
            f"新增分工 {len(self.assignments_added)} 项",
            f"取消分工 {len(self.assignments_removed)} 项",
            f"时限变化 {len(self.deadline_changed)} 条",
        ]
        return "，".join(parts) + "。"

    def lines(self) -> list[str]:
        """Human-readable lines, one per change (for the command line)."""
        out: list[str] = []
        out += [f"+ 新增措施 {d['path_key']} {d['title']}" for d in self.added]
        out += [f"- 删除措施 {d['path_key']} {d['title']}" for d in self.removed]
        out += [f"~ 内容修改 {d['path_key']} {d['title']}" for d in self.text_changed]
        out += [
            f"+ 新增分工 {d['path_key']} {d['name']}（{TaskRole(d['role']).label}）" for d in self.assignments_added
        ]
        out += [
            f"- 取消分工 {d['path_key']} {d['name']}（{TaskRole(d['role']).label}）"
            for d in self.assignments_removed
        ]
        out += [
            f"~ 时限变化 {d['path_key']} {d['old'] or '无'} → {d['new'] or '无'}" for d in self.deadline_changed
        ]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "old_document_id": self.old_document_id,
            "summary": self.summary(),
            "added": self.added,
            "removed": self.removed,
            "text_changed": self.text_changed,
            "assignments_added": self.assignments_added,
            "assignments_removed": self.assignments_removed,
            "deadline_changed": self.deadline_changed,
        }


@dataclass
class ImportResult:
    """What policy_import did (or found: created=False means the file was already imported)."""

    document: PolicyDocument
    created: bool
    measure_count: int = 0
    section_count: int = 0
    target_count: int = 0
    task_count: int = 0
    unresolved_names: list[str] = field(default_factory=list)
    pending_unresolved_count: int = 0
    suggested_count: int = 0
    unassigned_measure_count: int = 0
    warnings: list[str] = field(default_factory=list)
    created_departments: list[str] = field(default_factory=list)
    diff: Diff | None = None
    carried_task_count: int = 0
    cancelled_task_count: int = 0
    rescheduled_task_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document.pk,
            "title": self.document.title,
            "created": self.created,
            "measures": self.measure_count,
            "sections": self.section_count,
            "targets": self.target_count,
            "tasks": self.task_count,
            "unresolved_names": self.unresolved_names,
            "pending_unresolved": self.pending_unresolved_count,
            "suggested": self.suggested_count,
            "unassigned_measures": self.unassigned_measure_count,
            "warnings": self.warnings,
            "created_departments": self.created_departments,
            "previous_version_id": self.document.previous_version_id,
            "diff": self.diff.as_dict() if self.diff else None,
            "carried_tasks": self.carried_task_count,
            "cancelled_tasks": self.cancelled_task_count,
            "rescheduled_tasks": self.rescheduled_task_count,
        }


# --- Parsing entry point ---


def file_sha256(data: bytes) -> str:
    """The SHA-256 hex digest that identifies a source file."""
    return hashlib.sha256(data).hexdigest()


def parse_upload(*, data: bytes, filename: str) -> ParsedDocument:
    """Parse bytes with the size limit from settings; a reading error becomes ImportFileError."""
    from policyparse import parse_document

    try:
        return parse_document(bytes(data), filename, max_bytes=settings.DUBAN["IMPORT_MAX_BYTES"])
    except PolicyParseError as err:
        raise ImportFileError(err)


# --- Planning: parsed document + resolver → what would be created (pure, no queries) ---


@dataclass
class _Node:
    """One outline node to become a Measure row."""

    path: tuple[str, ...]
    kind: str
    title: str
    parsed: ParsedMeasure | None = None
    path_key: str = ""
    parent: int | None = None  # index into the node list
    level: int = 0
    source: str = ""
    tasks: dict[int, _TaskSpec] = field(default_factory=dict)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    suggestions: list[tuple[str, int | None, str]] = field(default_factory=list)  # (printed, dept, default name)
    names: list[dict[str, Any]] = field(default_factory=list)  # per printed name, for the preview


@dataclass
class _TaskSpec:
    role: str
    printed_name: str
    via_group: int | None


@dataclass
class _Plan:
    nodes: list[_Node]
    unresolved_counts: dict[str, int]
    warnings: list[str]

    @property
    def measures(self) -> list[_Node]:
        return [n for n in self.nodes if n.kind == Measure.Kind.MEASURE]


def _outline(parsed: ParsedDocument) -> list[_Node]:
    """Sections and measures in document order, with parent indexes, levels and unique path keys."""
    measures = list(parsed.measures)
    sections = list(parsed.sections)
    keyed: list[tuple[tuple[float, int, int, int], _Node]] = []
    prev_key = -1.0
    for i, s in enumerate(sections):
        desc = [m.order for m in measures if m.path[: len(s.path)] == s.path and len(m.path) > len(s.path)]
        key = float(min(desc)) if desc else prev_key + 1e-3
        prev_key = key
        keyed.append(((key, 0, len(s.path), i), _Node(path=tuple(s.path), kind=Measure.Kind.SECTION, title=s.title)))
    for i, m in enumerate(measures):
        keyed.append(
            ((float(m.order), 1, len(m.path), i), _Node(path=tuple(m.path), kind=Measure.Kind.MEASURE, title=m.title,
                                                         parsed=m))
        )
    nodes = [n for _, n in sorted(keyed, key=lambda kn: kn[0])]
    by_path: dict[tuple[str, ...], int] = {}
    used_keys: set[str] = set()
    for idx, node in enumerate(nodes):
        for cut in range(len(node.path) - 1, 0, -1):
            parent = by_path.get(node.path[:cut])
            if parent is not None:
                node.parent = parent
                node.level = nodes[parent].level + 1
                break
        by_path.setdefault(node.path, idx)
        base = "/".join(node.path)[:_PATH_KEY_MAX] or str(idx + 1)
        path_key, n = base, 1
        while path_key in used_keys:
            n += 1
            suffix = f"#{n}"
            path_key = base[: _PATH_KEY_MAX - len(suffix)] + suffix
        used_keys.add(path_key)
        node.path_key = path_key
    return nodes


def _describe(res: Resolution, role: str, inherited: bool) -> dict[str, Any]:
    if res.group_id is not None:
        status = "group" if res.department_ids else "empty_group"
    else:
        status = "department" if res.department_ids else "unresolved"
    return {
        "name": res.printed,
        "role": role,
        "inherited": inherited,
        "status": status,
        "department_ids": list(res.department_ids),
        "group_id": res.group_id,
    }


def _plan(parsed: ParsedDocument, resolver: NameResolver) -> _Plan:
    """Decide every task, pending name and suggestion in memory (the resolver is already loaded)."""
    nodes = _outline(parsed)
    cache: dict[str, Resolution] = {}

    def resolve(name: str) -> Resolution:
        if name not in cache:
            cache[name] = resolver.resolve(name)
        return cache[name]

    unresolved_counts: dict[str, int] = {}
    warnings: list[str] = []
    empty_groups: set[str] = set()
    for node in nodes:
        m = node.parsed
        if m is None:
            continue
        if m.inherited:
            node.source = Measure.AssignmentSource.INHERITED
        elif m.lead or m.responsible:
            node.source = Measure.AssignmentSource.OWN
        elif m.inherited_responsible:
            node.source = Measure.AssignmentSource.INHERITED
        pending_seen: set[str] = set()
        entries = [(n, TaskRole.LEAD, m.inherited) for n in m.lead]
        entries += [(n, TaskRole.RESPONSIBLE, m.inherited) for n in m.responsible]
        entries += [(n, TaskRole.RESPONSIBLE, True) for n in m.inherited_responsible]
        for printed, role, inherited in entries:
            printed = display_name(printed)
            if not printed:
                continue
            res = resolve(printed)
            node.names.append(_describe(res, role, inherited))
            if not res.department_ids:
                if res.group_id is not None:
                    empty_groups.add(printed)
                    continue
                if printed in pending_seen:  # lead wins: the same name later as responsible adds nothing
                    continue
                pending_seen.add(printed)
                node.unresolved.append((printed, role))
                unresolved_counts[printed] = unresolved_counts.get(printed, 0) + 1
                continue
            for dept_id in res.department_ids:
                spec = node.tasks.get(dept_id)
                if spec is None:
                    node.tasks[dept_id] = _TaskSpec(role=role, printed_name=printed, via_group=res.group_id)
                elif role == TaskRole.LEAD and spec.role != TaskRole.LEAD:
                    node.tasks[dept_id] = _TaskSpec(role=role, printed_name=printed, via_group=res.group_id)
    # Document-wide defaults: a suggestion for every measure that nothing else assigns.
    defaults = [display_name(n) for n in parsed.default_leads if display_name(n)]
    if defaults:
        for node in nodes:
            if node.kind != Measure.Kind.MEASURE or node.tasks or node.unresolved:
                continue
            seen: set[str] = set()
            for name in defaults:
                res = resolve(name)
                if res.department_ids:
                    for dept_id in res.department_ids:
                        printed = name if len(res.department_ids) == 1 else f"{name}#{dept_id}"
                        if printed not in seen:
                            seen.add(printed)
                            node.suggestions.append((printed, dept_id, name))
                elif res.group_id is None and name not in seen:
                    seen.add(name)
                    node.suggestions.append((name, None, name))
                    unresolved_counts[name] = unresolved_counts.get(name, 0) + 1
            if node.suggestions and not node.source:
                node.source = Measure.AssignmentSource.DEFAULT
    for name in sorted(empty_groups):
        warnings.append(f"部门组“{name}”没有成员，未生成任务，请先维护部门组成员。")
    return _Plan(nodes=nodes, unresolved_counts=unresolved_counts, warnings=warnings)


# --- Creating missing departments ---

# Names that stand for several units (各县(市、区), 市有关部门, 市属园区管委会): never one new department.
_GENERIC_RE = re.compile(r"^(?:各|全市|市属|市直|省属)|有关|相关|等$")


def _guess_kind(name: str) -> str:
    """A department kind from the shape of its name (人民政府/县/区 → county, 管委会 → park, …)."""
    if "领导小组" in name:
        return DepartmentKind.OFFICE
    if "管委会" in name or "管理委员会" in name:
        return DepartmentKind.PARK
    if name.startswith(("市委", "中共", "党委")):
        return DepartmentKind.PARTY
    if "人民政府办公室" in name or "政府办" in name:
        return DepartmentKind.CITY
    if "人民政府" in name or name.endswith(("县", "区", "县政府", "区政府")):
        return DepartmentKind.COUNTY
    return DepartmentKind.CITY


def _create_missing_departments(names: Iterable[str], resolver: NameResolver) -> list[str]:
    """Create one department per name key among `names` (the longest printed form is the name,
    the others become aliases). Generic names (市有关部门, 各…) and keys that already match several
    departments stay unresolved. A constant number of queries. Returns the created names."""
    groups: dict[str, list[str]] = {}
    for name in names:
        if _GENERIC_RE.search(name):
            continue
        key = name_key(name)
        if not key or resolver.by_key.get(key):
            continue
        groups.setdefault(key, []).append(name)
    if not groups:
        return []
    canonical = {key: max(forms, key=len) for key, forms in groups.items()}
    taken = set(Department.objects.filter(name__in=canonical.values()).values_list("name", flat=True))
    depts = [
        Department(name=name, key=key, kind=_guess_kind(name))
        for key, name in canonical.items()
        if name not in taken
    ]
    for dept in depts:
        dept.full_clean(exclude=["key", "parent"], validate_unique=False)
    Department.objects.bulk_create(depts)
    by_key = {d.key: d for d in depts}
    alias_names = [n for key, forms in groups.items() if key in by_key for n in forms if n != canonical[key]]
    existing_aliases = set(DepartmentAlias.objects.filter(name__in=alias_names).values_list("name", flat=True))
    aliases = [
        DepartmentAlias(name=n, key=name_key(n), department=by_key[key])
        for key, forms in groups.items()
        if key in by_key
        for n in dict.fromkeys(forms)
        if n != canonical[key] and n not in existing_aliases
    ]
    DepartmentAlias.objects.bulk_create(aliases)
    return [d.name for d in depts]


# --- Owners ---


def _owners(department_ids: Iterable[int]) -> dict[int, int]:
    """Department id → the user who receives its tasks: 联络员, else 负责人 (one query)."""
    rank: dict[str, int] = {DeptRole.LIAISON.value: 0, DeptRole.LEADER.value: 1}
    best: dict[int, tuple[int, int]] = {}
    rows = User.objects.filter(
        department_id__in=set(department_ids), dept_role__in=list(rank), is_active=True
    ).values_list("department_id", "dept_role", "pk")
    for dept_id, role, pk in rows.order_by("pk"):
        cand = (rank[role], pk)
        if dept_id not in best or cand < best[dept_id]:
            best[dept_id] = cand
    return {dept_id: pk for dept_id, (_, pk) in best.items()}


# --- Previous versions and diffs ---


def _find_previous(parsed: ParsedDocument) -> PolicyDocument | None:
    """The newest stored document with the same 文号 (when printed) or the same title."""
    q = Q()
    if parsed.doc_number:
        q |= Q(doc_number=parsed.doc_number)
    if parsed.title:
        q |= Q(title=parsed.title[:300])
    if not q:
        return None
    return PolicyDocument.objects.filter(q).order_by("-created_at", "-id").first()


def _parsed_assignments(m: ParsedMeasure) -> set[tuple[str, str]]:
    out = {(display_name(n), TaskRole.LEAD.value) for n in m.lead}
    out |= {(display_name(n), TaskRole.RESPONSIBLE.value) for n in (*m.responsible, *m.inherited_responsible)}
    out.discard(("", TaskRole.LEAD.value))
    out.discard(("", TaskRole.RESPONSIBLE.value))
    return out


def policy_diff(old_document: PolicyDocument, parsed: ParsedDocument) -> Diff:
    """Compare a stored document with a parsed new version, measure by outline path (one query)."""
    diff = Diff(old_document_id=old_document.pk)
    old = {
        m.path_key: m
        for m in Measure.objects.filter(document=old_document, kind=Measure.Kind.MEASURE).only(
            "path_key", "title", "text", "deadline", "lead_printed", "responsible_printed"
        )
    }
    new = {n.path_key: n for n in _outline(parsed) if n.kind == Measure.Kind.MEASURE}
    for key, node in new.items():
        m = node.parsed
        assert m is not None
        if key not in old:
            diff.added.append({"path_key": key, "title": m.title})
            continue
        o = old[key]
        if (o.text or "").strip() != (m.text or "").strip():
            diff.text_changed.append({"path_key": key, "title": m.title, "old_title": o.title})
        before = {(n, TaskRole.LEAD.value) for n in o.lead_printed}
        before |= {(n, TaskRole.RESPONSIBLE.value) for n in o.responsible_printed}
        after = _parsed_assignments(m)
        for name, role in sorted(after - before):
            diff.assignments_added.append({"path_key": key, "name": name, "role": role})
        for name, role in sorted(before - after):
            diff.assignments_removed.append({"path_key": key, "name": name, "role": role})
        if o.deadline != m.effective_deadline:
            diff.deadline_changed.append({
                "path_key": key,
                "title": m.title,
                "old": o.deadline.isoformat() if o.deadline else None,
                "new": m.effective_deadline.isoformat() if m.effective_deadline else None,
            })
    for key, o in old.items():
        if key not in new:
            diff.removed.append({"path_key": key, "title": o.title})
    return diff


# --- The import ---


def _existing_result(document: PolicyDocument) -> ImportResult:
    measures = Measure.objects.filter(document=document)
    return ImportResult(
        document=document,
        created=False,
        measure_count=measures.filter(kind=Measure.Kind.MEASURE).count(),
        section_count=measures.filter(kind=Measure.Kind.SECTION).count(),
        task_count=Task.objects.filter(measure__document=document).count(),
        warnings=list(document.warnings),
    )


def _decimal(value: float) -> Decimal | None:
    try:
        d = Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return None
    return d if abs(d) < Decimal("1e14") else None


def _recurrence(value: str | None) -> str:
    return value if value in Recurrence.values else ""


def _comparator(value: str | None) -> str:
    return value if value in Comparator.values else Comparator.EQUAL


@transaction.atomic
def policy_import(
    *,
    data: bytes,
    filename: str,
    user: User | None = None,
    create_missing_departments: bool = False,
    confirm_update: bool = False,
    replaces: PolicyDocument | None = None,
    parsed: ParsedDocument | None = None,
) -> ImportResult:
    """Import a policy file: document, outline, targets, tasks and queues, in one transaction.

    The same bytes twice → the existing document, created=False. A changed version of a stored
    document → ConflictError carrying the diff, unless confirm_update. `parsed` lets a caller that
    already parsed the same bytes (the preview) skip parsing again.
    """
    data = bytes(data)
    sha = file_sha256(data)
    existing = PolicyDocument.objects.filter(source_sha256=sha).first()
    if existing is not None:
        return _existing_result(existing)
    if parsed is None:
        parsed = parse_upload(data=data, filename=filename)

    previous, diff = _previous_version(parsed, replaces=replaces, confirm_update=confirm_update)
    plan, created_departments = _plan_creating_departments(parsed, create_missing_departments)
    carry = _carry_over_plan(previous, plan)
    document = _create_document(parsed, plan, data=data, filename=filename, sha=sha, previous=previous, user=user)
    rows = _create_measures(document, plan)
    targets = _create_targets(plan, rows)
    actor = user if getattr(user, "pk", None) else None
    moved, cancelled, rescheduled, audit_rows = _carry_over_tasks(carry, plan, rows, document=document, actor=actor)
    if previous is not None:
        PendingAssignment.objects.filter(measure__document=previous, status=PendingAssignment.Status.OPEN).update(
            status=PendingAssignment.Status.DISMISSED
        )
    tasks = _create_tasks(plan, rows)
    pendings = _create_pending_assignments(plan, rows)

    unassigned = sum(
        1 for n in plan.nodes
        if n.kind == Measure.Kind.MEASURE and not n.tasks and not n.unresolved and not n.suggestions
        and n.path_key not in carry.manual
    )
    result = ImportResult(
        document=document,
        created=True,
        measure_count=sum(1 for n in plan.nodes if n.kind == Measure.Kind.MEASURE),
        section_count=sum(1 for n in plan.nodes if n.kind == Measure.Kind.SECTION),
        target_count=len(targets),
        task_count=len(tasks) + len(moved),
        unresolved_names=sorted(plan.unresolved_counts),
        pending_unresolved_count=sum(1 for p in pendings if p.reason == PendingAssignment.Reason.UNRESOLVED),
        suggested_count=sum(1 for p in pendings if p.reason == PendingAssignment.Reason.SUGGESTED),
        unassigned_measure_count=unassigned,
        warnings=list(document.warnings),
        created_departments=created_departments,
        diff=diff,
        carried_task_count=len(moved),
        cancelled_task_count=len(cancelled),
        rescheduled_task_count=len(rescheduled),
    )
    audit_rows.append(AuditEvent(
        actor=actor, action="policy_import" if previous is None else "policy_update",
        object_type="policydocument", object_id=str(document.pk),
        after={k: v for k, v in result.as_dict().items() if k not in ("diff", "warnings")},
        note=f"导入文件 {document.source_filename}（SHA-256 {sha[:12]}…）",
    ))
    AuditEvent.objects.bulk_create(audit_rows)
    return result


# --- policy_import, step by step (each runs inside policy_import's transaction) ---


def _previous_version(
    parsed: ParsedDocument, *, replaces: PolicyDocument | None, confirm_update: bool
) -> tuple[PolicyDocument | None, Diff | None]:
    """The stored version this file updates (if any) and the diff; ConflictError unless confirm_update."""
    previous = replaces or _find_previous(parsed)
    diff: Diff | None = None
    if previous is not None:
        diff = policy_diff(previous, parsed)
        if not confirm_update:
            raise ConflictError(
                f"系统中已有同名/同文号文件《{previous.title}》（ID {previous.pk}），本文件是其修改版本："
                f"{diff.summary()}确认后才会更新（confirm_update）。",
                code="document_changed",
                extra={"diff": diff.as_dict(), "previous_document_id": previous.pk},
            )
    return previous, diff


def _plan_creating_departments(parsed: ParsedDocument, create_missing: bool) -> tuple[_Plan, list[str]]:
    """The import plan; with `create_missing`, unknown names become departments first and the plan is redone."""
    resolver = NameResolver.load()
    plan = _plan(parsed, resolver)
    created_departments: list[str] = []
    if create_missing and plan.unresolved_counts:
        created_departments = _create_missing_departments(plan.unresolved_counts, resolver)
        if created_departments:
            resolver = NameResolver.load()
            plan = _plan(parsed, resolver)
    return plan, created_departments


@dataclass
class _CarryOver:
    """The old version's tasks and which new measures keep a manual assignment from it."""

    old_tasks: list[Task]
    manual: dict[str, list[Task]]  # new measure path_key → old tasks assigned by hand (or by default)
    new_by_key: dict[str, _Node]


def _carry_over_plan(previous: PolicyDocument | None, plan: _Plan) -> _CarryOver:
    """Load the old version's tasks before the measures are created, so carried-over manual
    assignments can set the new measure's assignment source."""
    old_tasks: list[Task] = []
    if previous is not None:
        old_tasks = list(
            Task.objects.filter(measure__document=previous).annotate(
                old_path_key=F("measure__path_key"),
                old_source=F("measure__assignment_source"),
                old_deadline=F("measure__deadline"),
            )
        )
    carry_manual: dict[str, list[Task]] = {}
    new_by_key = {n.path_key: n for n in plan.nodes if n.kind == Measure.Kind.MEASURE}
    for t in old_tasks:
        node = new_by_key.get(t.old_path_key)  # type: ignore[attr-defined]
        if (
            node is not None
            and not node.tasks
            and t.old_source in (Measure.AssignmentSource.MANUAL, Measure.AssignmentSource.DEFAULT)  # type: ignore[attr-defined]
        ):
            carry_manual.setdefault(node.path_key, []).append(t)
    for key in carry_manual:
        node = new_by_key[key]
        node.source = Measure.AssignmentSource.MANUAL
        node.suggestions = []
    return _CarryOver(old_tasks=old_tasks, manual=carry_manual, new_by_key=new_by_key)


def _create_document(
    parsed: ParsedDocument,
    plan: _Plan,
    *,
    data: bytes,
    filename: str,
    sha: str,
    previous: PolicyDocument | None,
    user: User | None,
) -> PolicyDocument:
    """The PolicyDocument row with its stored file; ConflictError when the same bytes were just imported."""
    horizon_start = dt.date(parsed.horizon_start_year, 1, 1) if parsed.horizon_start_year else None
    document = PolicyDocument(
        title=(parsed.title or PurePath(filename).stem or "未命名文件")[:300],
        doc_number=(parsed.doc_number or "")[:100],
        issuer=(parsed.issuer or "")[:200],
        issued_date=parsed.issued,
        horizon_start=horizon_start,
        horizon_end=parsed.horizon,
        source_filename=PurePath(filename).name[:255],
        source_sha256=sha,
        source_encoding=(parsed.encoding or "")[:32],
        notes=list(parsed.notes),
        default_leads=list(parsed.default_leads),
        warnings=[*parsed.warnings, *plan.warnings],
        previous_version=previous,
        created_by=user if getattr(user, "pk", None) else None,
    )
    document.source_file.save(PurePath(filename).name or "policy.txt", ContentFile(data), save=False)
    document.full_clean(exclude=["source_file", "source_sha256"])
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Someone imported the same bytes between our check and this insert.
        raise ConflictError("同一文件正由他人导入或刚刚导入完成，请刷新后查看。", code="duplicate_import")
    return document


def _create_measures(document: PolicyDocument, plan: _Plan) -> list[Measure]:
    """Measures, level by level so parents have primary keys (queries = outline depth, not size)."""
    rows: list[Measure] = []
    for order, node in enumerate(plan.nodes):
        m = node.parsed
        rows.append(
            Measure(
                document=document,
                kind=node.kind,
                path=list(node.path),
                path_key=node.path_key,
                label=(node.path[-1] if node.path else "")[:100],
                title=(node.title or "")[:500],
                text=(m.text if m else "") or "",
                order=order,
                deadline=m.effective_deadline if m else None,
                deadline_text=((m.deadline_text or "") if m else "")[:200],
                deadline_is_default=bool(m and m.deadline_is_default),
                recurrence=_recurrence(m.recurring if m else None),
                assignment_source=node.source,
                lead_printed=[display_name(n) for n in m.lead] if m else [],
                responsible_printed=(
                    list(dict.fromkeys(display_name(n) for n in (*m.responsible, *m.inherited_responsible)))
                    if m
                    else []
                ),
            )
        )
    max_level = max((n.level for n in plan.nodes), default=-1)
    for level in range(max_level + 1):
        batch = []
        for node, row in zip(plan.nodes, rows, strict=True):
            if node.level == level:
                if node.parent is not None:
                    row.parent = rows[node.parent]
                batch.append(row)
        Measure.objects.bulk_create(batch)
    return rows


def _create_targets(plan: _Plan, rows: list[Measure]) -> list[Target]:
    """A Target row for every parsed target with a number; the rest stay in the measure text."""
    targets: list[Target] = []
    for node, row in zip(plan.nodes, rows, strict=True):
        if node.parsed is None:
            continue
        for i, pt in enumerate(node.parsed.targets):
            value = _decimal(pt.value)
            if value is None:
                continue
            targets.append(
                Target(
                    measure=row, text=pt.text[:500], value=value, unit=(pt.unit or "")[:30],
                    comparator=_comparator(pt.comparator), year=pt.year, order=i,
                )
            )
    Target.objects.bulk_create(targets)
    return targets


def _carry_over_tasks(
    carry: _CarryOver, plan: _Plan, rows: list[Measure], *, document: PolicyDocument, actor: User | None
) -> tuple[list[Task], list[Task], list[Task], list[AuditEvent]]:
    """Move the old version's still-assigned tasks to the new measures instead of duplicating them; cancel
    the ones the new version no longer assigns. Returns (moved, cancelled, rescheduled, audit rows)."""
    old_tasks, carry_manual, new_by_key = carry.old_tasks, carry.manual, carry.new_by_key
    now = timezone.now()
    row_by_key = {node.path_key: row for node, row in zip(plan.nodes, rows, strict=True)}
    moved: list[Task] = []
    cancelled: list[Task] = []
    rescheduled: list[Task] = []
    audit_rows: list[AuditEvent] = []
    for t in old_tasks:
        key = t.old_path_key  # type: ignore[attr-defined]
        node = new_by_key.get(key)
        spec = node.tasks.pop(t.department_id, None) if node is not None else None
        manual = node is not None and t in carry_manual.get(key, [])
        if spec is None and not manual:
            if t.status not in CLOSED_STATUSES:
                before = {"status": t.status, "version": t.version}
                t.status = TaskStatus.CANCELLED
                t.version += 1
                t.updated_at = now
                cancelled.append(t)
                audit_rows.append(AuditEvent(
                    actor=actor, action="task_cancel", object_type="task", object_id=str(t.pk), task=t,
                    before=before, after={"status": t.status, "version": t.version},
                    note=f"新版本文件《{document.title}》不再分配此项，任务取消。",
                ))
            continue
        assert node is not None
        new_measure = row_by_key[key]
        before = {"measure": t.measure_id, "deadline": _iso(t.deadline), "version": t.version}
        t.measure = new_measure
        if spec is not None:
            t.role, t.printed_name, t.via_group_id = spec.role, spec.printed_name, spec.via_group
        deadline_changed = new_measure.deadline != t.old_deadline  # type: ignore[attr-defined]
        if deadline_changed and t.status not in CLOSED_STATUSES:
            t.deadline = new_measure.deadline
            t.original_deadline = new_measure.deadline
            t.deadline_is_default = new_measure.deadline_is_default
            rescheduled.append(t)
        t.version += 1
        t.updated_at = now
        moved.append(t)
        audit_rows.append(AuditEvent(
            actor=actor, action="task_carry_over", object_type="task", object_id=str(t.pk), task=t,
            before=before, after={"measure": new_measure.pk, "deadline": _iso(t.deadline), "version": t.version},
            note=f"随文件新版本《{document.title}》转入。",
        ))
    Task.objects.bulk_update(
        moved,
        ["measure", "role", "printed_name", "via_group", "deadline", "original_deadline", "deadline_is_default",
         "version", "updated_at"],
    )
    Task.objects.bulk_update(cancelled, ["status", "version", "updated_at"])
    return moved, cancelled, rescheduled, audit_rows


def _create_tasks(plan: _Plan, rows: list[Measure]) -> list[Task]:
    """The new tasks of every measure; asks for a reminder sweep when there are any."""
    all_depts = {d for node in plan.nodes for d in node.tasks}
    owners = _owners(all_depts)
    tasks: list[Task] = []
    for node, row in zip(plan.nodes, rows, strict=True):
        for dept_id, spec in node.tasks.items():
            tasks.append(
                Task(
                    measure=row, department_id=dept_id, role=spec.role, printed_name=spec.printed_name[:200],
                    via_group_id=spec.via_group, owner_id=owners.get(dept_id), deadline=row.deadline,
                    original_deadline=row.deadline, deadline_is_default=row.deadline_is_default,
                )
            )
    Task.objects.bulk_create(tasks)
    if tasks:
        tasks_assigned()
    return tasks


def _create_pending_assignments(plan: _Plan, rows: list[Measure]) -> list[PendingAssignment]:
    """Unresolved names and suggestions become PendingAssignment rows (the import queues)."""
    unresolved_rows = _upsert_unresolved(plan.unresolved_counts)
    pendings: list[PendingAssignment] = []
    for node, row in zip(plan.nodes, rows, strict=True):
        for name, role in node.unresolved:
            u = unresolved_rows[name]
            pendings.append(PendingAssignment(
                measure=row, printed_name=name[:200], role=role, reason=PendingAssignment.Reason.UNRESOLVED,
                unresolved=u, status=_pending_status_for(u),
            ))
        for printed, suggested_id, default_name in node.suggestions:
            su = None if suggested_id is not None else unresolved_rows.get(default_name)
            pendings.append(PendingAssignment(
                measure=row, printed_name=printed[:200], role=TaskRole.LEAD,
                reason=PendingAssignment.Reason.SUGGESTED, department_id=suggested_id, unresolved=su,
            ))
    PendingAssignment.objects.bulk_create(pendings)
    return pendings


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _pending_status_for(u: UnresolvedName) -> str:
    """A name a supervisor chose to ignore is still recorded, but not queued again."""
    if u.status == UnresolvedName.Status.IGNORED:
        return PendingAssignment.Status.DISMISSED
    return PendingAssignment.Status.OPEN


def _upsert_unresolved(counts: dict[str, int]) -> dict[str, UnresolvedName]:
    """Get or create an UnresolvedName per printed name and add the occurrences (≤ 3 queries)."""
    if not counts:
        return {}
    names = [n[:200] for n in counts]
    existing = {u.name: u for u in UnresolvedName.objects.filter(name__in=names)}
    new = [UnresolvedName(name=n, key=name_key(n)[:200], occurrences=counts[n]) for n in names if n not in existing]
    UnresolvedName.objects.bulk_create(new)
    if existing:
        UnresolvedName.objects.filter(pk__in=[u.pk for u in existing.values()]).update(
            occurrences=F("occurrences")
            + Case(*(When(pk=u.pk, then=Value(counts[u.name])) for u in existing.values()), default=Value(0))
        )
        for u in existing.values():
            u.occurrences += counts[u.name]
    return {**existing, **{u.name: u for u in new}}


# --- Preview (reads only) ---


def policy_preview(*, data: bytes, filename: str, parsed: ParsedDocument | None = None) -> dict[str, Any]:
    """What importing these bytes would create, as JSON: per measure each printed name's resolution,
    unresolved names, unassigned measures, suggestions, warnings, duplicate file, previous version."""
    sha = file_sha256(bytes(data))
    duplicate = PolicyDocument.objects.filter(source_sha256=sha).values("pk", "title").first()
    if parsed is None:
        parsed = parse_upload(data=data, filename=filename)
    resolver = NameResolver.load()
    plan = _plan(parsed, resolver)
    previous = None if duplicate else _find_previous(parsed)
    diff = policy_diff(previous, parsed) if previous is not None else None
    dept_ids = {d for n in plan.nodes for item in n.names for d in item["department_ids"]}
    dept_ids |= {d for n in plan.nodes for _, d, _ in n.suggestions if d is not None}
    dept_names = dict(Department.objects.filter(pk__in=dept_ids).values_list("pk", "name"))
    group_ids = {item["group_id"] for n in plan.nodes for item in n.names if item["group_id"]}
    group_names = dict(DepartmentGroup.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    known = dict(
        UnresolvedName.objects.filter(name__in=list(plan.unresolved_counts)).values_list("name", "status")
    )

    def names_out(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "name": i["name"],
                "role": i["role"],
                "inherited": i["inherited"],
                "status": i["status"],
                "departments": [{"id": d, "name": dept_names.get(d, "")} for d in i["department_ids"]],
                "group": {"id": i["group_id"], "name": group_names.get(i["group_id"], "")} if i["group_id"] else None,
            }
            for i in items
        ]

    measures_out = []
    unassigned: list[dict[str, Any]] = []
    task_total = 0
    for node in plan.measures:
        m = node.parsed
        assert m is not None
        task_total += len(node.tasks)
        is_unassigned = not node.tasks and not node.unresolved and not node.suggestions
        entry = {
            "path": list(node.path),
            "path_key": node.path_key,
            "title": m.title,
            "deadline": _iso(m.effective_deadline),
            "deadline_text": m.deadline_text,
            "deadline_is_default": m.deadline_is_default,
            "recurring": m.recurring,
            "inherited": m.inherited,
            "explain": list(m.explain),
            "targets": [
                {"text": t.text, "value": t.value, "unit": t.unit, "comparator": t.comparator, "year": t.year}
                for t in m.targets
            ],
            "assignments": names_out(node.names),
            "task_count": len(node.tasks),
            "suggestions": [
                {"name": default_name, "department": {"id": d, "name": dept_names.get(d, "")} if d else None}
                for _, d, default_name in node.suggestions
            ],
            "unassigned": is_unassigned,
        }
        measures_out.append(entry)
        if is_unassigned:
            unassigned.append({"path_key": node.path_key, "title": m.title})
    return {
        "filename": PurePath(filename).name,
        "sha256": sha,
        "duplicate_of": {"id": duplicate["pk"], "title": duplicate["title"]} if duplicate else None,
        "previous_version": {"id": previous.pk, "title": previous.title} if previous else None,
        "diff": diff.as_dict() if diff else None,
        "document": {
            "title": parsed.title,
            "doc_number": parsed.doc_number,
            "issuer": parsed.issuer,
            "issued": _iso(parsed.issued),
            "horizon": _iso(parsed.horizon),
            "notes": list(parsed.notes),
            "default_leads": list(parsed.default_leads),
            "encoding": parsed.encoding,
            "source_format": parsed.source_format,
        },
        "counts": {
            "measures": len(plan.measures),
            "sections": len(plan.nodes) - len(plan.measures),
            "targets": sum(len(n.parsed.targets) for n in plan.measures if n.parsed),
            "tasks": task_total,
            "unresolved_names": len(plan.unresolved_counts),
            "unassigned_measures": len(unassigned),
            "suggestions": sum(len(n.suggestions) for n in plan.measures),
        },
        "measures": measures_out,
        "unresolved_names": [
            {"name": n, "occurrences": c, "status": known.get(n, "new")}
            for n, c in sorted(plan.unresolved_counts.items())
        ],
        "unassigned_measures": unassigned,
        "warnings": [*parsed.warnings, *plan.warnings],
    }


@transaction.atomic
def policy_upload_create(*, data: bytes, filename: str, user: User) -> PolicyUpload:
    """Parse an uploaded file and keep it with its preview until a supervisor confirms (no domain rows)."""
    data = bytes(data)
    parsed = parse_upload(data=data, filename=filename)
    preview = policy_preview(data=data, filename=filename, parsed=parsed)
    upload = PolicyUpload(
        filename=PurePath(filename).name[:255], sha256=preview["sha256"], content=data, preview=preview,
        created_by=user,
    )
    upload.full_clean()
    upload.save()
    return upload


@transaction.atomic
def policy_upload_confirm(
    *, upload: PolicyUpload, user: User, create_missing_departments: bool = False, confirm_update: bool = False
) -> ImportResult:
    """Import a previewed upload (policy_import) and mark the upload confirmed."""
    upload = PolicyUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != PolicyUpload.Status.PREVIEW:
        if upload.status == PolicyUpload.Status.CONFIRMED and upload.document_id:
            raise ConflictError("该上传文件已确认导入。", code="already_confirmed",
                                extra={"document_id": upload.document_id})
        raise ConflictError("该上传文件已放弃，不能再导入。", code="upload_discarded")
    result = policy_import(
        data=bytes(upload.content), filename=upload.filename, user=user,
        create_missing_departments=create_missing_departments, confirm_update=confirm_update,
    )
    upload.status = PolicyUpload.Status.CONFIRMED
    upload.document = result.document
    upload.save(update_fields=["status", "document"])
    return result


# --- Materializing assignments into tasks (mapping, confirming, manual assignment) ---


def _materialize(
    pairs: Sequence[tuple[Measure, int, str, str, int | None]], *, user: User | None, action: str
) -> list[Task]:
    """Create tasks for (measure, department_id, role, printed_name, via_group) pairs.

    Lead wins: an existing responsible task becomes lead; an existing task is never duplicated.
    """
    if not pairs:
        return []
    measure_ids = {m.pk for m, *_ in pairs}
    existing = {(t.measure_id, t.department_id): t for t in Task.objects.filter(measure_id__in=measure_ids)}
    owners = _owners({d for _, d, *_ in pairs})
    new: dict[tuple[int, int], Task] = {}
    upgraded: list[Task] = []
    for measure, dept_id, role, printed, via_group in pairs:
        key = (measure.pk, dept_id)
        task = existing.get(key) or new.get(key)
        if task is not None:
            if role == TaskRole.LEAD and task.role != TaskRole.LEAD:
                task.role = TaskRole.LEAD
                if task.pk:
                    task.version += 1
                    upgraded.append(task)
            continue
        new[key] = Task(
            measure=measure, department_id=dept_id, role=role, printed_name=printed[:200], via_group_id=via_group,
            owner_id=owners.get(dept_id), deadline=measure.deadline, original_deadline=measure.deadline,
            deadline_is_default=measure.deadline_is_default,
        )
    created = Task.objects.bulk_create(list(new.values()))
    if created:
        tasks_assigned()
    Task.objects.bulk_update(upgraded, ["role", "version"])
    actor = user if getattr(user, "pk", None) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(actor=actor, action=action, object_type="task", object_id=str(t.pk), task=t,
                       after={"measure": t.measure_id, "department": t.department_id, "role": t.role})
            for t in created
        ]
        + [
            AuditEvent(actor=actor, action="task_role_lead", object_type="task", object_id=str(t.pk), task=t,
                       before={"role": TaskRole.RESPONSIBLE}, after={"role": TaskRole.LEAD})
            for t in upgraded
        ]
    )
    return created


@transaction.atomic
def unresolved_name_map(
    *,
    unresolved: UnresolvedName,
    department: Department | None = None,
    group: DepartmentGroup | None = None,
    user: User | None,
) -> list[Task]:
    """Map a printed name to a department (alias) or group (group alias) and turn its open
    pending assignments into tasks. Later documents resolve the name through the alias.
    Other open names with the same name key are mapped with it. Returns the created tasks."""
    if (department is None) == (group is None):
        raise DomainError("请选择一个对应部门或部门组（二选一）。", code="map_target_required")
    siblings = list(
        UnresolvedName.objects.select_for_update()
        .filter(Q(pk=unresolved.pk) | Q(key=unresolved.key, status=UnresolvedName.Status.OPEN))
    )
    now = timezone.now()
    member_ids: tuple[int, ...] = ()
    if group is not None:
        member_ids = tuple(group.members.filter(active=True).values_list("pk", flat=True))
    for u in siblings:
        if department is not None:
            department_alias_add(department=department, name=u.name)
        else:
            assert group is not None
            alias_name = display_name(u.name)
            if alias_name != group.name:
                taken = DepartmentGroupAlias.objects.filter(name=alias_name).exclude(group=group).first()
                if taken is not None:
                    raise ConflictError(f"名称“{alias_name}”已对应部门组“{taken.group.name}”。", code="alias_taken")
                DepartmentGroupAlias.objects.get_or_create(name=alias_name, defaults={"group": group})
        before = {"status": u.status, "department": u.department_id, "group": u.group_id}
        u.status = UnresolvedName.Status.MAPPED
        u.department = department
        u.group = group
        u.resolved_at = now
        u.save(update_fields=["status", "department", "group", "resolved_at"])
        audit_record(actor=user, action="unresolved_map", instance=u, before=before,
                     after={"status": u.status, "department": u.department_id, "group": u.group_id})
    pendings = list(
        PendingAssignment.objects.select_related("measure").filter(
            unresolved__in=siblings, status=PendingAssignment.Status.OPEN
        )
    )
    pairs: list[tuple[Measure, int, str, str, int | None]] = []
    done: list[int] = []
    for p in pendings:
        if p.reason == PendingAssignment.Reason.SUGGESTED:
            # A suggestion still needs a supervisor's confirmation; only fill in whom it means.
            if department is not None:
                p.department = department
                p.save(update_fields=["department"])
            continue
        dept_ids = (department.pk,) if department is not None else member_ids
        pairs += [(p.measure, d, p.role, p.printed_name, group.pk if group else None) for d in dept_ids]
        done.append(p.pk)
    PendingAssignment.objects.filter(pk__in=done).update(status=PendingAssignment.Status.DONE)
    return _materialize(pairs, user=user, action="task_create_mapped")


@transaction.atomic
def unresolved_name_ignore(*, unresolved: UnresolvedName, user: User | None) -> UnresolvedName:
    """Mark a printed name as not a unit (or not ours): its open pending assignments are dismissed."""
    before = {"status": unresolved.status}
    unresolved.status = UnresolvedName.Status.IGNORED
    unresolved.resolved_at = timezone.now()
    unresolved.save(update_fields=["status", "resolved_at"])
    PendingAssignment.objects.filter(unresolved=unresolved, status=PendingAssignment.Status.OPEN).update(
        status=PendingAssignment.Status.DISMISSED
    )
    audit_record(actor=user, action="unresolved_ignore", instance=unresolved, before=before,
                 after={"status": unresolved.status})
    return unresolved


@transaction.atomic
def pending_assignments_confirm(
    *, pending_ids: Sequence[int], user: User | None, department: Department | None = None
) -> list[Task]:
    """Confirm open pending assignments (document-wide suggestions): each becomes a task for its
    suggested department (or `department` if given)."""
    pendings = list(
        PendingAssignment.objects.select_for_update().select_related("measure").filter(pk__in=pending_ids)
    )
    if len(pendings) != len(set(pending_ids)):
        raise NotFoundError("部分待确认分工不存在。")
    pairs: list[tuple[Measure, int, str, str, int | None]] = []
    for p in pendings:
        if p.status != PendingAssignment.Status.OPEN:
            raise ConflictError(f"待确认分工“{p.printed_name}”已处理。", code="pending_closed")
        dept_id = department.pk if department is not None else p.department_id
        if dept_id is None:
            raise DomainError(f"“{p.printed_name}”尚未对应部门，请先在待识别名称中处理或指定部门。",
                              code="department_required")
        pairs.append((p.measure, dept_id, p.role, p.printed_name, None))
    PendingAssignment.objects.filter(pk__in=[p.pk for p in pendings]).update(status=PendingAssignment.Status.DONE)
    Measure.objects.filter(
        pk__in={p.measure_id for p in pendings}, assignment_source=Measure.AssignmentSource.NONE
    ).update(assignment_source=Measure.AssignmentSource.DEFAULT)
    return _materialize(pairs, user=user, action="task_create_confirmed")


def pending_assignment_confirm(
    *, pending: PendingAssignment, user: User | None, department: Department | None = None
) -> list[Task]:
    """Confirm one pending assignment (see pending_assignments_confirm)."""
    return pending_assignments_confirm(pending_ids=[pending.pk], user=user, department=department)


@transaction.atomic
def pending_assignment_dismiss(*, pending: PendingAssignment, user: User | None) -> PendingAssignment:
    """Reject a suggestion (or an unresolved name on one measure); nothing is created."""
    if pending.status != PendingAssignment.Status.OPEN:
        raise ConflictError("该待确认分工已处理。", code="pending_closed")
    pending.status = PendingAssignment.Status.DISMISSED
    pending.save(update_fields=["status"])
    audit_record(actor=user, action="pending_dismiss", instance=pending, before={"status": "open"},
                 after={"status": pending.status})
    return pending


@transaction.atomic
def measures_assign_bulk(
    *,
    measure_ids: Sequence[int],
    lead_department_ids: Sequence[int] = (),
    responsible_department_ids: Sequence[int] = (),
    deadline: dt.date | None = None,
    user: User | None,
) -> list[Task]:
    """A supervisor assigns measures (usually the unassigned queue) to departments in bulk.

    Lead wins over responsible; a given deadline also becomes the measures' deadline."""
    if not lead_department_ids and not responsible_department_ids:
        raise DomainError("请至少选择一个牵头或责任部门。", code="departments_required")
    measures = list(Measure.objects.select_for_update().filter(pk__in=measure_ids, kind=Measure.Kind.MEASURE))
    if len(measures) != len(set(measure_ids)):
        raise NotFoundError("部分措施不存在（或是章节标题，不能分配）。")
    dept_ids = {*lead_department_ids, *responsible_department_ids}
    names = dict(Department.objects.filter(pk__in=dept_ids, active=True).values_list("pk", "name"))
    if len(names) != len(dept_ids):
        raise NotFoundError("部分部门不存在或已停用。")
    befores: dict[int, dict[str, Any]] = {}
    for m in measures:
        befores[m.pk] = {"assignment_source": m.assignment_source, "deadline": _iso(m.deadline)}
        m.assignment_source = Measure.AssignmentSource.MANUAL
        if deadline is not None:
            m.deadline, m.deadline_is_default = deadline, False
    Measure.objects.bulk_update(measures, ["assignment_source", "deadline", "deadline_is_default"])
    actor = user if getattr(user, "pk", None) else None
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=actor, action="measure_assign", object_type="measure", object_id=str(m.pk),
                   before=befores[m.pk], after={"lead": list(lead_department_ids),
                                         "responsible": list(responsible_department_ids),
                                         "deadline": _iso(deadline)})
        for m in measures
    ])
    pairs: list[tuple[Measure, int, str, str, int | None]] = []
    for m in measures:
        pairs += [(m, d, TaskRole.LEAD, names[d], None) for d in lead_department_ids]
        pairs += [(m, d, TaskRole.RESPONSIBLE, names[d], None) for d in responsible_department_ids
                  if d not in lead_department_ids]
    return _materialize(pairs, user=user, action="task_create_manual")



def policy_uploads_purge(*, older_than_days: int = 7) -> int:
    """Delete uploads still waiting in preview after `older_than_days` days (their bytes are kept in the
    row until then). Confirmed uploads stay as the record of who imported what. Returns how many."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _ = PolicyUpload.objects.filter(status=PolicyUpload.Status.PREVIEW, created_at__lt=cutoff).delete()
    return deleted
