"""Forms of the web UI: they parse and validate input only; every rule is checked by the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from accounts.models import User
from departments.models import Department, DepartmentGroup
from policyparse import SUPPORTED_HINT
from tasks.models import Light, PolicyDocument, TaskRole, TaskStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field accepting several files at once (returns a list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# --- Task list filters ---


class TaskFilterForm(forms.Form):
    """GET filters of the task list; every field is optional."""

    q = forms.CharField(label="关键词", required=False, widget=forms.TextInput(attrs={"placeholder": "措施、部门"}))
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(TaskStatus.choices))
    light = forms.ChoiceField(
        label="灯色",
        required=False,
        choices=[("", "全部"), (Light.RED, "红灯"), (Light.YELLOW, "黄灯"), (Light.GREEN, "绿灯"),
                 (Light.NONE, "未亮灯（待签收、无时限）"), (Light.FINISHED, "已办结")],
    )
    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.filter(active=True), empty_label="全部"
    )
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部")] + list(TaskRole.choices))
    document = forms.ModelChoiceField(
        label="文件", required=False, queryset=PolicyDocument.objects.all(), empty_label="全部"
    )
    overdue = forms.ChoiceField(label="逾期", required=False, choices=[("", "全部"), ("1", "仅逾期"), ("0", "未逾期")])

    def __init__(self, *args: Any, show_department: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["document"]).queryset = PolicyDocument.objects.only("id", "title")
        if not show_department:
            del self.fields["department"]


class OverdueFilterForm(forms.Form):
    """GET filters and sort of the 逾期清单. Field names are the API's (tasks/api/filters.py TaskFilterSet and
    OverdueView.ordering_fields), so the same query string drives the page and /api/v1/overdue/export.xlsx."""

    ORDERINGS = [
        ("-days_overdue", "逾期工作日（多→少）"), ("days_overdue", "逾期工作日（少→多）"),
        ("deadline", "完成时限（早→晚）"), ("-deadline", "完成时限（晚→早）"),
        ("department", "责任部门（按部门顺序）"), ("-department", "责任部门（倒序）"),
    ]
    DEFAULT_ORDERING = "-days_overdue"

    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.filter(active=True), empty_label="全部"
    )
    document = forms.ModelChoiceField(label="文件", required=False, queryset=PolicyDocument.objects.all(),
                                      empty_label="全部")
    days_overdue_min = forms.IntegerField(
        label="逾期至少（工作日）", required=False, min_value=1, max_value=10000,
        widget=forms.NumberInput(attrs={"placeholder": "如 10", "inputmode": "numeric"}),
    )
    light = forms.ChoiceField(
        label="灯色", required=False,
        choices=[("", "全部"), (Light.RED, "红灯"), (Light.YELLOW, "黄灯"), (Light.GREEN, "绿灯")],
    )
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部")] + list(TaskRole.choices))
    status = forms.ChoiceField(
        label="状态", required=False,
        choices=[("", "全部")] + [(v, label) for v, label in TaskStatus.choices
                                  if v not in (TaskStatus.FINISHED, TaskStatus.CANCELLED)],
    )
    ordering = forms.ChoiceField(label="排序", required=False, choices=ORDERINGS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["document"]).queryset = PolicyDocument.objects.only("id", "title")


class DocumentFilterForm(forms.Form):
    """GET filter of the 政策文件 list."""

    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "标题、文号、发文单位"}))


# --- Task actions (each posts the task version it was rendered with) ---


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcceptForm(VersionedForm):
    pass


class ReasonForm(VersionedForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NoteForm(VersionedForm):
    note = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReportForm(VersionedForm):
    percent = forms.IntegerField(label="完成进度(%)", min_value=0, max_value=100)
    progress = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    problems = forms.CharField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    next_steps = forms.CharField(
        label="下步措施", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    attachments = MultipleFileField(label="附件")


class SubmitForm(VersionedForm):
    evidence = forms.CharField(
        label="办结情况及佐证说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    attachments = MultipleFileField(label="佐证材料")


class ExtendForm(VersionedForm):
    requested_deadline = forms.DateField(label="申请完成时限", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ExtensionDecideForm(VersionedForm):
    extension = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "批准"), ("refuse", "不批准")])
    note = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class SetDeadlineForm(VersionedForm):
    deadline = forms.DateField(label="新的完成时限", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class UrgeForm(VersionedForm):
    message = forms.CharField(
        label="催办内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=500,
        initial="请抓紧办理，按时报送进展。",
    )


class BulkUrgeForm(forms.Form):
    message = forms.CharField(label="催办内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class ReassignForm(VersionedForm):
    department = forms.ModelChoiceField(label="改派至", queryset=Department.objects.filter(active=True))
    note = forms.CharField(label="说明", required=False, max_length=500)

    def for_task(self, task: Any, user: Any) -> None:
        """Offer only departments the service accepts: active, not the task's own, without a task on the
        measure (tasks.services.workflow.task_reassign refuses the others with a 409)."""
        field = cast(forms.ModelChoiceField, self.fields["department"])
        field.queryset = (
            Department.objects.filter(active=True)
            .exclude(tasks__measure_id=task.measure_id)
            .exclude(pk=task.department_id)
            .order_by("order", "name")
        )


class ApproveForm(NoteForm):
    """审核办结; the override reason only matters (and is only shown) while sub-tasks are open."""

    override_reason = forms.CharField(
        label="尚有分解任务未办结，仍予办结的理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000, help_text="分解任务全部办结（或取消）前审核办结，必须填写理由，记入操作记录。",
    )

    def for_task(self, task: Any, user: Any) -> None:
        # The task page sets `subtask_rollup` (None: no sub-tasks); a posted form keeps the field.
        if not self.is_bound and hasattr(task, "subtask_rollup") and not (task.subtask_rollup or {}).get("open"):
            del self.fields["override_reason"]


class _HandlerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.get_dept_role_display()}）"


class _HandlerMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.get_dept_role_display()}）"


class AssignHandlersForm(VersionedForm):
    """指派承办人: one 主办 and any 协办 among the department's members (the service re-checks)."""

    main = _HandlerChoice(label="主办人", queryset=User.objects.filter(is_active=True))
    assist = _HandlerMultipleChoice(
        label="协办人", required=False, queryset=User.objects.filter(is_active=True),
        help_text="可多选（按住 Ctrl 或 ⌘）。保存后整体替换原有承办人。",
    )

    def for_task(self, task: Any, user: Any) -> None:
        from tasks.selectors import handler_choices

        members = handler_choices(task=task).order_by("dept_role", "username")
        cast(forms.ModelChoiceField, self.fields["main"]).queryset = members
        cast(forms.ModelMultipleChoiceField, self.fields["assist"]).queryset = members
        if not self.is_bound:
            rows = list(task.assignees.all())
            main = [a.user_id for a in rows if a.kind == "main"] or ([task.owner_id] if task.owner_id else [])
            self.initial.update(main=main[0] if main else None, assist=[a.user_id for a in rows if a.kind == "assist"])


class DecomposeForm(VersionedForm):
    """分解下达: up to ROWS parts (承办单位, 完成时限, 说明); empty rows are ignored."""

    ROWS = 3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"department_{i}"] = forms.ModelChoiceField(
                label=f"第 {i} 项 承办单位", required=False, queryset=Department.objects.filter(active=True),
                empty_label="（不填）",
            )
            self.fields[f"deadline_{i}"] = forms.DateField(
                label=f"第 {i} 项 完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"note_{i}"] = forms.CharField(label=f"第 {i} 项 说明", required=False, max_length=500)

    def for_task(self, task: Any, user: Any) -> None:
        from tasks.selectors import decompose_department_choices

        choices = decompose_department_choices(task=task, user=user, exclude_taken=not self.is_bound)
        for i in range(1, self.ROWS + 1):
            cast(forms.ModelChoiceField, self.fields[f"department_{i}"]).queryset = choices
            if task.deadline and not self.is_bound:
                self.fields[f"deadline_{i}"].widget.attrs["max"] = task.deadline.isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = []
        for i in range(1, self.ROWS + 1):
            department, deadline, note = data.get(f"department_{i}"), data.get(f"deadline_{i}"), data.get(f"note_{i}")
            if department is None and deadline is None and not note:
                continue
            parts.append({"department_id": department.pk if department else None, "deadline": deadline, "note": note})
        if not parts and not self.errors:
            raise forms.ValidationError("请至少填写一项分解任务（承办单位和完成时限）。")
        data["parts"] = parts
        return data


# --- Imports and names ---


class UploadForm(forms.Form):
    file = forms.FileField(label="政策文件", help_text=f"{SUPPORTED_HINT}；文件内容不会在确认前写入任务。")


class NameMapForm(forms.Form):
    """Map one unresolved printed name to a department or a group, or ignore it."""

    ACTIONS = [("map", "对应"), ("ignore", "忽略")]

    name = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ACTIONS)
    target = forms.CharField(required=False)  # "d:<id>" or "g:<id>"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "map":
            target = data.get("target") or ""
            kind, _, pk = target.partition(":")
            if kind not in ("d", "g") or not pk.isdigit():
                raise forms.ValidationError("请选择对应的部门或部门组。")
            data["department_id"] = int(pk) if kind == "d" else None
            data["group_id"] = int(pk) if kind == "g" else None
        return data


def target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped <select> options: departments, then groups (two queries)."""
    depts = [(f"d:{d.pk}", d.name) for d in Department.objects.filter(active=True).only("id", "name")]
    groups = [(f"g:{g.pk}", g.name) for g in DepartmentGroup.objects.only("id", "name")]
    return [("部门", depts), ("部门组", groups)]


class BulkAssignForm(forms.Form):
    measures = forms.TypedMultipleChoiceField(label="措施", coerce=int, choices=())
    lead = forms.ModelChoiceField(
        label="牵头单位", required=False, queryset=Department.objects.filter(active=True), empty_label="（不设）"
    )
    responsible = forms.ModelMultipleChoiceField(
        label="责任单位", required=False, queryset=Department.objects.filter(active=True)
    )

    def __init__(self, *args: Any, measure_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["measures"]).choices = [
            (pk, str(pk)) for pk in (measure_ids or [])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("lead") and not data.get("responsible"):
            raise forms.ValidationError("请至少选择牵头单位或责任单位。")
        return data


class TargetReadingForm(forms.Form):
    """填报完成值: a dated actual value for one quantitative target, with its evidence."""

    value = forms.DecimalField(label="完成值", max_digits=18, decimal_places=4)
    measured_on = forms.DateField(label="统计日期", widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label="佐证说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label="佐证材料", required=False)
