"""The demo city 江海市: departments, aliases, groups and one user per role. Written by us."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import DeptRole, User

from .models import Department, DepartmentGroup, DepartmentKind
from .services import department_alias_add, department_create, department_group_create

DEMO_PASSWORD = "duban12345"

# (canonical name, kind, aliases as documents print them)
DEMO_DEPARTMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("市发展和改革委员会", DepartmentKind.CITY, ("市发改委", "市发展改革委", "市发展和改革委")),
    ("市工业和信息化局", DepartmentKind.CITY, ("市工信局",)),
    ("市科学技术局", DepartmentKind.CITY, ("市科技局",)),
    ("市财政局", DepartmentKind.CITY, ()),
    ("市人力资源和社会保障局", DepartmentKind.CITY, ("市人社局", "市人力资源社会保障局")),
    ("市自然资源和规划局", DepartmentKind.CITY, ("市资规局",)),
    ("市生态环境局", DepartmentKind.CITY, ()),
    ("市住房和城乡建设局", DepartmentKind.CITY, ("市住建局",)),
    ("市交通运输局", DepartmentKind.CITY, ("市交通局",)),
    ("市农业农村局", DepartmentKind.CITY, ()),
    ("市商务局", DepartmentKind.CITY, ()),
    ("市市场监督管理局", DepartmentKind.CITY, ("市市场监管局",)),
    ("市应急管理局", DepartmentKind.CITY, ("市应急局",)),
    ("市地方金融监督管理局", DepartmentKind.CITY, ("市地方金融监管局", "市金融局")),
    ("市人民政府国有资产监督管理委员会", DepartmentKind.CITY, ("市国资委",)),
    ("市行政审批局", DepartmentKind.CITY, ()),
    ("市统计局", DepartmentKind.CITY, ()),
    ("市委组织部人才工作办公室", DepartmentKind.PARTY, ("市委人才办",)),
    ("市制造强市建设领导小组办公室", DepartmentKind.OFFICE, ("市制造强市办",)),
    ("江海市东港区人民政府", DepartmentKind.COUNTY, ("东港区政府",)),
    ("江海市西湖区人民政府", DepartmentKind.COUNTY, ("西湖区政府",)),
    ("临川市人民政府", DepartmentKind.COUNTY, ("临川市政府",)),
    ("江北县人民政府", DepartmentKind.COUNTY, ("江北县政府",)),
    ("江海经济技术开发区管理委员会", DepartmentKind.PARK, ("江海经开区管委会",)),
    ("江海高新技术产业开发区管理委员会", DepartmentKind.PARK, ("江海高新区管委会",)),
)

# Units below a department (for 分解下达): (name, kind, parent name).
DEMO_SUBUNITS: tuple[tuple[str, str, str], ...] = (
    ("市工业和信息化局产业发展科", DepartmentKind.SECTION, "市工业和信息化局"),
    ("市工业和信息化局信息化推进科", DepartmentKind.SECTION, "市工业和信息化局"),
    ("江海市东港区东湖街道办事处", DepartmentKind.TOWNSHIP, "江海市东港区人民政府"),
)

DEMO_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "各县(市、区)人民政府",
        DepartmentKind.COUNTY,
        ("各县(市)、区人民政府", "各县市区人民政府", "各县市区政府", "各县(市、区)政府"),
    ),
    ("市属园区管委会", DepartmentKind.PARK, ("市各直属园区管委会", "各园区管委会")),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    department: str


@transaction.atomic
def load_demo_city() -> list[DemoLogin]:
    """Create the demo city if it is not there yet (idempotent) and return the demo logins."""
    for order, (name, kind, aliases) in enumerate(DEMO_DEPARTMENTS):
        dept = Department.objects.filter(name=name).first()
        if dept is None:
            dept = department_create(name=name, kind=kind, order=order * 10)
        for alias in aliases:
            department_alias_add(department=dept, name=alias)
    for order, (name, kind, parent_name) in enumerate(DEMO_SUBUNITS):
        if not Department.objects.filter(name=name).exists():
            department_create(name=name, kind=kind, parent=Department.objects.get(name=parent_name),
                              order=1000 + order * 10)
    for name, kind, aliases in DEMO_GROUPS:
        if not DepartmentGroup.objects.filter(name=name).exists():
            department_group_create(
                name=name, members=Department.objects.filter(kind=kind), aliases=aliases
            )
    logins: list[DemoLogin] = []
    admin = _demo_user("admin", "系统管理员", is_superuser=True, is_staff=True, is_supervisor=True)
    logins.append(DemoLogin(admin.username, "管理员", "—"))
    sup = _demo_user("duchashi", "督查室 王督查", is_supervisor=True, is_staff=True)
    logins.append(DemoLogin(sup.username, "督查室督查员", "—"))
    gxj = Department.objects.get(name="市工业和信息化局")
    for username, full_name, role in (
        ("gxj_leader", "工信局 李局长", DeptRole.LEADER),
        ("gxj_liaison", "工信局 张联络员", DeptRole.LIAISON),
        ("gxj_staff", "工信局 赵承办", DeptRole.STAFF),
        ("gxj_staff2", "工信局 钱协办", DeptRole.STAFF),
    ):
        user = _demo_user(username, full_name, department=gxj, dept_role=role)
        logins.append(DemoLogin(user.username, role.label, gxj.name))
    section = Department.objects.get(name="市工业和信息化局产业发展科")
    user = _demo_user("gxj_kz", "产业发展科 孙科长", department=section, dept_role=DeptRole.LEADER)
    logins.append(DemoLogin(user.username, DeptRole.LEADER.label, section.name))
    logins += users_for_existing_departments()
    return logins


def users_for_existing_departments() -> list[DemoLogin]:
    """Give every active department without members a demo 联络员 and 负责人 (for trying a real city)."""
    logins: list[DemoLogin] = []
    for dept in Department.objects.filter(active=True, members__isnull=True).order_by("pk"):
        for role, suffix in ((DeptRole.LIAISON, "liaison"), (DeptRole.LEADER, "leader")):
            username = f"d{dept.pk}_{suffix}"
            user = _demo_user(username, f"{dept.short_name or dept.name}{role.label}", department=dept, dept_role=role)
            logins.append(DemoLogin(user.username, role.label, dept.name))
    return logins


def _demo_user(username: str, full_name: str, **fields: object) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, **fields)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
