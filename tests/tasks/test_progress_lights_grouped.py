"""The progress aggregates count lights by grouping (one evaluation per task) and the native local date.

Checks that the grouped counts equal task_light() task by task, in every grouping the API offers, and that
LocalDate gives the Beijing date (also before 1992, when Shanghai still had summer time).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

import pytest
from django.db.models.functions import TruncDate

from tasks import selectors
from tasks.lights import LocalDate, task_light
from tasks.models import Light, Task, TaskStatus
from tests import factories

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 7, 2)
pytestmark = pytest.mark.django_db


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def mixed():
    """Two departments, two documents, a section each; tasks of every light and some closed ones."""
    a = factories.DepartmentFactory(name="市丙局", order=1)
    b = factories.DepartmentFactory(name="市丁局", order=2)
    docs = [factories.PolicyDocumentFactory(), factories.PolicyDocumentFactory()]
    sections = [factories.MeasureFactory(document=d, kind="section", path=["一"]) for d in docs]
    specs = [
        # (department, doc index, assigned, deadline, percent, status) — assigned 01-01, deadline 12-31: 50 % due.
        (a, 0, sh(2026, 1, 1, 9), dt.date(2026, 12, 31), 50, TaskStatus.IN_PROGRESS),  # green
        (a, 0, sh(2026, 1, 1, 9), dt.date(2026, 12, 31), 30, TaskStatus.IN_PROGRESS),  # yellow (20 behind)
        (a, 1, sh(2026, 1, 1, 9), dt.date(2026, 12, 31), 5, TaskStatus.ACCEPTED),  # red (45 behind)
        (a, 1, sh(2026, 1, 1, 9), dt.date(2026, 6, 30), 90, TaskStatus.IN_PROGRESS),  # red (overdue)
        (a, 1, sh(2026, 1, 1, 9), dt.date(2026, 7, 10), 95, TaskStatus.IN_PROGRESS),  # yellow (due soon)
        (b, 0, sh(2026, 1, 1, 9), dt.date(2026, 12, 31), 0, TaskStatus.FINISHED),
        (b, 0, sh(2026, 1, 1, 9), dt.date(2026, 12, 31), 0, TaskStatus.CANCELLED),
        # Assigned just after Beijing midnight (16:30 UTC the day before): the schedule starts on 07-01.
        (b, 1, dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC), dt.date(2026, 7, 31), 0, TaskStatus.ASSIGNED),
        (b, 1, sh(2026, 1, 1, 9), None, 0, TaskStatus.IN_PROGRESS),  # no deadline: green
    ]
    tasks = []
    for i, (dept, d, assigned, deadline, percent, status) in enumerate(specs):
        measure = factories.MeasureFactory(document=docs[d], parent=sections[d], path=["一", str(i + 1)])
        task = factories.TaskFactory(department=dept, measure=measure, deadline=deadline, percent=percent,
                                     status=status)
        Task.objects.filter(pk=task.pk).update(assigned_at=assigned)
        tasks.append(Task.objects.get(pk=task.pk))
    return {"a": a, "b": b, "docs": docs, "tasks": tasks}


def expected(tasks, key) -> dict:
    """{group id: Counter of lights} computed in Python with task_light."""
    out: dict = {}
    for t in tasks:
        out.setdefault(key(t), Counter())[task_light(t, TODAY)] += 1
    return out


def lights_of(row) -> tuple[int, int, int]:
    return row[Light.RED.value], row[Light.YELLOW.value], row[Light.GREEN.value]


def counted(counter) -> tuple[int, int, int]:
    return counter[Light.RED], counter[Light.YELLOW], counter[Light.GREEN]


def test_the_fixture_covers_every_light(mixed):
    assert {task_light(t, TODAY) for t in mixed["tasks"]} == {
        Light.RED, Light.YELLOW, Light.GREEN, Light.FINISHED, Light.CANCELLED}


def test_department_rows_count_lights_like_task_light(mixed, supervisor):
    rows = selectors.progress_by_department(user=supervisor, today=TODAY)
    want = expected(mixed["tasks"], lambda t: t.department_id)
    assert [r["department"]["id"] for r in rows] == [mixed["a"].pk, mixed["b"].pk]
    for r in rows:
        assert lights_of(r) == counted(want[r["department"]["id"]])
        assert r["total"] == sum(want[r["department"]["id"]].values())
    assert lights_of(rows[0]) == (2, 2, 1)
    assert lights_of(rows[1]) == (0, 0, 2)  # the finished and cancelled tasks are in no light column


def test_department_detail_rows_count_lights_like_task_light(mixed, supervisor):
    a = mixed["a"]
    detail = selectors.progress_department_detail(department_id=a.pk, user=supervisor, today=TODAY)
    mine = [t for t in mixed["tasks"] if t.department_id == a.pk]
    by_doc = expected(mine, lambda t: t.measure.document_id)
    assert [r["document"]["id"] for r in detail["by_document"]] == sorted(by_doc)
    for r in detail["by_document"]:
        assert lights_of(r) == counted(by_doc[r["document"]["id"]])
    by_measure = expected(mine, lambda t: t.measure_id)
    assert len(detail["by_measure"]) == len(mine)
    for r in detail["by_measure"]:
        assert lights_of(r) == counted(by_measure[r["measure"]["id"]])
        assert r["measure"]["path"][0] == "一"  # JSON keys survive the merge


def test_document_detail_rows_count_lights_like_task_light(mixed, supervisor):
    doc = mixed["docs"][1]
    detail = selectors.progress_document_detail(document_id=doc.pk, user=supervisor, today=TODAY)
    mine = [t for t in mixed["tasks"] if t.measure.document_id == doc.pk]
    (section,) = detail["by_section"]
    assert section["total"] == len(mine) == 5
    assert lights_of(section) == counted(expected(mine, lambda t: 0)[0]) == (2, 1, 2)
    by_measure = expected(mine, lambda t: t.measure_id)
    assert [r["measure"]["id"] for r in detail["by_measure"]] == [t.measure_id for t in mine]
    for r in detail["by_measure"]:
        assert lights_of(r) == counted(by_measure[r["measure"]["id"]])


def test_department_progress_stays_one_query_as_tasks_grow(mixed, supervisor, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.progress_by_department(user=supervisor, today=TODAY)
    for _ in range(4):
        factories.TaskFactory(department=mixed["a"], percent=10)
    with django_assert_num_queries(1):
        rows = selectors.progress_by_department(user=supervisor, today=TODAY)
    assert sum(r["total"] for r in rows) == len(mixed["tasks"]) + 4


@pytest.mark.parametrize(
    ("moment", "beijing_date"),
    [
        (dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC), dt.date(2026, 3, 2)),  # after Beijing midnight
        (dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC), dt.date(2026, 3, 1)),  # just before it
        (dt.datetime(1992, 1, 1, 0, 0, tzinfo=dt.UTC), dt.date(1992, 1, 1)),  # the native path's first instant
        # 1988-07-14 15:30 UTC = 07-15 00:30 in Shanghai summer time (UTC+9); a fixed +8 would say 07-14.
        (dt.datetime(1988, 7, 14, 15, 30, tzinfo=dt.UTC), dt.date(1988, 7, 15)),
    ],
)
def test_local_date_is_the_beijing_date(moment, beijing_date):
    task = factories.TaskFactory()
    Task.objects.filter(pk=task.pk).update(assigned_at=moment)
    row = Task.objects.filter(pk=task.pk).annotate(
        local=LocalDate("assigned_at", tzinfo=SH), django=TruncDate("assigned_at", tzinfo=SH)
    ).values("local", "django").get()
    assert row == {"local": beijing_date, "django": beijing_date}
