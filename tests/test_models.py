"""Database constraints hold whatever code path writes."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from departments.models import Department
from tasks.models import ExtensionRequest, Task
from tests import factories


def test_one_task_per_measure_and_department(db):
    task = factories.TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(measure=task.measure, department=task.department, role="lead")
    assert Task.objects.count() == 1


def test_percent_must_be_between_0_and_100(db):
    task = factories.TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(percent=101)
    task.refresh_from_db()
    assert task.percent == 0


def test_department_name_is_unique(db):
    Department.objects.create(name="市唯一局")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(name="市唯一局")


def test_department_key_is_derived_on_save(db):
    d = Department.objects.create(name="市工业和信息化局")
    assert d.key == "工信局"


def test_dept_role_needs_a_department(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nobody", dept_role="staff")


def test_only_one_pending_extension_per_task(db):
    task = factories.TaskFactory()
    user = factories.StaffFactory(department=task.department)
    fields = dict(task=task, requested_by=user, reason="原因", requested_deadline="2027-01-31", current_percent=10)
    ExtensionRequest.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(**fields)
    ExtensionRequest.objects.filter(task=task).update(status="refused")
    ExtensionRequest.objects.create(**fields)  # a new request after a refusal is fine
    assert ExtensionRequest.objects.filter(task=task).count() == 2
