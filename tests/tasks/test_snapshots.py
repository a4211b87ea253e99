"""Light history: each month's end state is recorded once, by the daily job or the in-process loop."""

import datetime as dt

import pytest

from tasks.jobs import light_snapshot_job
from tasks.models import Light, LightSnapshot, TaskStatus
from tasks.services.snapshots import light_snapshot_month_end
from tests import factories


@pytest.mark.django_db
def test_first_run_of_a_month_records_the_previous_month_as_it_ended():
    overdue_by_month_end = factories.TaskFactory(deadline=dt.date(2026, 10, 20), status=TaskStatus.IN_PROGRESS)
    finished = factories.TaskFactory(deadline=dt.date(2026, 10, 20), status=TaskStatus.FINISHED)
    assert light_snapshot_month_end(today=dt.date(2026, 11, 1)) == 2
    snaps = {s.task_id: s for s in LightSnapshot.objects.filter(period="2026-10")}
    assert snaps[overdue_by_month_end.pk].light == Light.RED
    assert snaps[finished.pk].light == Light.FINISHED


@pytest.mark.django_db
def test_later_runs_in_the_same_month_write_nothing():
    factories.TaskFactory()
    assert light_snapshot_month_end(today=dt.date(2026, 11, 1)) == 1
    factories.TaskFactory()
    assert light_snapshot_month_end(today=dt.date(2026, 11, 15)) == 0
    assert LightSnapshot.objects.filter(period="2026-10").count() == 1


@pytest.mark.django_db
def test_january_records_december_of_the_previous_year():
    factories.TaskFactory()
    light_snapshot_job.run(today="2027-01-01")
    assert list(LightSnapshot.objects.values_list("period", flat=True)) == ["2026-12"]
