"""factory_boy factories for the domain models."""

from __future__ import annotations

import datetime as dt
import hashlib

import factory

from accounts.models import DeptRole, User
from departments.models import Department, DepartmentKind
from tasks.models import Measure, PolicyDocument, ReportingCycle, Task, TaskRole, TaskStatus


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"市测试部门{n}局")
    kind = DepartmentKind.CITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffFactory(UserFactory):
    department = factory.SubFactory(DepartmentFactory)
    dept_role = DeptRole.STAFF


class LiaisonFactory(StaffFactory):
    dept_role = DeptRole.LIAISON


class LeaderFactory(StaffFactory):
    dept_role = DeptRole.LEADER


class SupervisorFactory(UserFactory):
    is_supervisor = True


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDocument

    title = factory.Sequence(lambda n: f"测试行动方案{n}")
    source_sha256 = factory.Sequence(lambda n: hashlib.sha256(f"doc{n}".encode()).hexdigest())
    issued_date = dt.date(2026, 1, 10)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    document = factory.SubFactory(PolicyDocumentFactory)
    kind = Measure.Kind.MEASURE
    path = factory.Sequence(lambda n: ["一", str(n + 1)])
    path_key = factory.LazyAttribute(lambda o: "/".join(o.path))
    label = factory.LazyAttribute(lambda o: o.path[-1])
    title = factory.Sequence(lambda n: f"推进重点工作{n}")
    text = factory.LazyAttribute(lambda o: o.title + "。")
    order = factory.Sequence(lambda n: n)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    measure = factory.SubFactory(MeasureFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = TaskRole.RESPONSIBLE
    deadline = dt.date(2026, 12, 31)
    original_deadline = factory.LazyAttribute(lambda o: o.deadline)


def lead_and_responsible_world(*, status: str = TaskStatus.ASSIGNED) -> dict:
    """A measure led by 市牵头局 (L) with a responsible task for 市责任局 (R), both in `status`;
    users of R (承办人, 联络员, 负责人), of L (负责人, 联络员), of an unrelated 市无关局 (O), a 督查室 supervisor."""
    dept_r = DepartmentFactory(name="市责任局")
    dept_l = DepartmentFactory(name="市牵头局")
    dept_o = DepartmentFactory(name="市无关局")
    doc = PolicyDocumentFactory(reporting_cycle=ReportingCycle.MONTHLY)
    measure = MeasureFactory(document=doc)
    lead = TaskFactory(measure=measure, department=dept_l, role=TaskRole.LEAD, status=status)
    resp = TaskFactory(measure=measure, department=dept_r, role=TaskRole.RESPONSIBLE, status=status)
    users = {
        "r_staff": StaffFactory(department=dept_r),
        "r_liaison": LiaisonFactory(department=dept_r),
        "r_leader": LeaderFactory(department=dept_r),
        "l_leader": LeaderFactory(department=dept_l),
        "l_liaison": LiaisonFactory(department=dept_l),
        "o_leader": LeaderFactory(department=dept_o),
        "supervisor": SupervisorFactory(),
    }
    return {"resp": resp, "lead": lead, "users": users, "depts": {"r": dept_r, "l": dept_l, "o": dept_o}}
