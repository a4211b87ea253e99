"""The task list's speed-ups give the same answers as the plain Django/DRF paths (issue 15).

- common.serializers.FastReadMixin / ChoiceDisplayField: the JSON equals DRF's own to_representation.
- common.expressions.CompiledOnce: cached SQL is never reused where the expression is relabelled.
- tasks.selectors keeps the day's annotated queryset: calendar and threshold changes still take effect.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework import serializers

from common.expressions import CompiledOnce
from common.serializers import ChoiceDisplayField, FastReadMixin
from tasks import selectors
from tasks.models import ProgressReport, Task, TaskRole, TaskStatus, Urge
from tests import factories
from workdays.models import CalendarDay

NOW = dt.datetime(2026, 7, 2, 2, 0, tzinfo=dt.UTC)  # Thursday 2026-07-02 10:00 Beijing
TODAY = dt.date(2026, 7, 2)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _varied_tasks(supervisor):
    """Tasks that exercise every branch of the row: owner or not, reports or not, sub-task, urges, closed."""
    lead_dept, dept = factories.DepartmentFactory(name="市牵头局"), factories.DepartmentFactory(name="市责任局")
    measure = factories.MeasureFactory()
    lead = factories.TaskFactory(measure=measure, department=lead_dept, role=TaskRole.LEAD,
                                 status=TaskStatus.IN_PROGRESS, percent=40, owner=supervisor)
    late = factories.TaskFactory(measure=measure, department=dept, deadline=dt.date(2026, 6, 1),
                                 status=TaskStatus.IN_PROGRESS, percent=10)
    factories.TaskFactory(measure=measure, department=factories.DepartmentFactory(), status=TaskStatus.FINISHED,
                          percent=100, deadline=None, original_deadline=None)
    factories.TaskFactory(measure=measure, department=factories.DepartmentFactory(), parent=lead,
                          role=TaskRole.SUB, deadline=dt.date(2026, 9, 30))
    ProgressReport.objects.create(task=late, author=supervisor, percent=10, progress="已摸底")
    ProgressReport.objects.create(task=lead, author=supervisor, percent=40, progress="过半")
    Urge.objects.create(task=late, actor=supervisor, message="请加快")
    return lead, late


@pytest.mark.django_db
def test_fast_read_path_gives_drf_output(supervisor, client_for, monkeypatch):
    _varied_tasks(supervisor)
    client = client_for(supervisor)
    fast = client.get("/api/v1/tasks/?ordering=id").json()
    fast_overdue = client.get("/api/v1/overdue/").json()
    monkeypatch.setattr(FastReadMixin, "to_representation", serializers.Serializer.to_representation)
    plain = client.get("/api/v1/tasks/?ordering=id").json()
    plain_overdue = client.get("/api/v1/overdue/").json()
    assert fast["count"] == 4
    assert fast == plain
    assert fast_overdue == plain_overdue
    rows = {r["id"]: r for r in fast["results"]}
    assert {r["last_report"]["progress"] for r in rows.values() if r["last_report"]} == {"已摸底", "过半"}
    assert sorted(r["urge_count"] for r in rows.values()) == [0, 0, 0, 1]
    assert {r["owner"]["name"] if r["owner"] else None for r in rows.values()} == {supervisor.display_name, None}


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["role", "status"])
def test_choice_display_field_matches_get_display(field):
    for role in TaskRole:
        for status in TaskStatus:
            task = Task(role=role, status=status)
            assert ChoiceDisplayField(field).to_representation(task) == getattr(task, f"get_{field}_display")()
    assert ChoiceDisplayField("status").to_representation(Task(status="unknown")) == "unknown"


@pytest.mark.django_db
def test_compiled_light_is_right_inside_a_subquery(supervisor):
    _lead, late = _varied_tasks(supervisor)
    listed = selectors.task_list_for_user(user=supervisor)
    red = set(listed.filter(light="red").values_list("pk", flat=True))
    assert late.pk in red
    # The same cached annotation used again, now relabelled inside another query (the task table gets an alias).
    nested = set(Task.objects.filter(pk__in=listed.filter(light="red").values("pk")).values_list("pk", flat=True))
    assert nested == red
    through = set(Task.objects.filter(parent__in=listed.filter(light="green")).values_list("pk", flat=True))
    assert through == set(Task.objects.filter(parent__isnull=False).values_list("pk", flat=True))


@pytest.mark.django_db
def test_compiled_once_drops_its_sql_when_relabelled():
    from django.db import connection
    from django.db.models import F

    query = Task.objects.all().query
    expr = CompiledOnce(F("percent")).resolve_expression(query)
    compiler = query.get_compiler(connection=connection)
    sql, _ = compiler.compile(expr)
    assert "tasks_task" in sql and compiler.compile(expr)[0] == sql
    assert expr.resolve_expression(query) is expr  # resolving again keeps the cache
    moved = expr.relabeled_clone({"tasks_task": "U7"})
    assert "U7" in compiler.compile(moved)[0]
    assert compiler.compile(expr)[0] == sql  # the original is untouched
    assert expr.copy()._compiled == {}


@pytest.fixture
def _calendar_reset():
    from workdays import calendar

    yield
    calendar.set_overrides_for_tests({})  # the override row is rolled back; the loaded copy must go too


@pytest.mark.django_db
@pytest.mark.usefixtures("_calendar_reset")
def test_calendar_and_threshold_changes_reach_the_cached_list(supervisor, settings):
    _lead, late = _varied_tasks(supervisor)  # deadline Mon 2026-06-01

    def row():
        return selectors.task_list_for_user(user=supervisor).get(pk=late.pk)

    before = row().days_overdue
    assert before == 22  # June 2–30 has 20 working days (06-19 端午 off), plus July 1 and 2
    CalendarDay.objects.create(date=dt.date(2026, 6, 10), is_working=False, note="本市防汛")
    assert row().days_overdue == before - 1
    lead = selectors.task_list_for_user(user=supervisor).get(role=TaskRole.LEAD)
    assert lead.light == "green"  # 40% by 10-days-behind pace: on track with the default thresholds
    settings.DUBAN = {**settings.DUBAN, "LIGHT_YELLOW_DAYS": 400}  # everything due within 400 working days
    assert selectors.task_list_for_user(user=supervisor).get(role=TaskRole.LEAD).light == "yellow"


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", [("deadline", "id"), ("-days_overdue", "id"), ("department__name", "-id")])
def test_deferred_join_pages_equal_plain_pages(supervisor, ordering):
    from django.core.paginator import Paginator

    from common.pagination import DeferredJoinPaginator

    for k in range(7):
        factories.TaskFactory(deadline=dt.date(2026, 6, 1) + dt.timedelta(days=k % 3), percent=k * 10)
    qs = selectors.task_list_for_user(user=supervisor).order_by(*ordering)
    plain, deferred = Paginator(qs, 3), DeferredJoinPaginator(qs, 3)
    assert deferred.count == plain.count == 7 and deferred.num_pages == 3
    for number in plain.page_range:
        expected = [(t.pk, t.light, t.days_overdue, t.urge_count) for t in plain.page(number)]
        got = [(t.pk, t.light, t.days_overdue, t.urge_count) for t in deferred.page(number)]
        assert got == expected


@pytest.mark.django_db
def test_deferred_join_reads_only_the_page_rows(supervisor, django_assert_num_queries):
    from common.pagination import DeferredJoinPaginator

    tasks = [factories.TaskFactory() for _ in range(4)]
    qs = selectors.task_list_for_user(user=supervisor).order_by("id")
    paginator = DeferredJoinPaginator(qs, 2)
    assert paginator.count == 4
    with django_assert_num_queries(2):  # the page's keys, then its rows
        page = paginator.page(2)
        assert [t.pk for t in page] == [tasks[2].pk, tasks[3].pk]
    assert [t.pk for t in DeferredJoinPaginator(Task.objects.none(), 2).page(1)] == []
