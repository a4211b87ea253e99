"""parse_policy (no DB writes) and import_policy (summary, idempotency, versions) commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from departments.demo import load_demo_city
from departments.models import Department
from tasks.models import AuditEvent, PolicyDocument, Task, TaskStatus
from tests.tasks import import_docs as D

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path):
    def write(name, text, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return str(path)

    return write


def _run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_parse_policy_writes_gold_json_and_continues_after_a_bad_file(files, tmp_path):
    good = files("数字经济.txt", D.DOC_DIGITAL, "gbk")
    bad = files("bad.pages", b"%PDF-1.4")
    empty = files("empty.txt", b"")
    out_dir = tmp_path / "out"
    out, err, exc = _run("parse_policy", bad, good, empty, "--out", str(out_dir))
    assert exc is not None and "2 个文件解析失败" in str(exc)
    assert "不支持的文件类型" in err and "文件为空" in err
    data = json.loads((out_dir / "数字经济.json").read_text(encoding="utf-8"))
    assert data["document"] == "数字经济.txt"
    assert data["title"] == "江海市人民政府关于推进数字经济发展的实施方案"
    first = data["measures"][0]
    assert (first["path"], first["lead"], first["responsible"]) == (
        ["二", "（一）"], ["市工信局"], ["市发改委", "市财政局"]
    )
    assert PolicyDocument.objects.count() == 0


def test_parse_policy_explain_prints_each_measure_with_its_text_and_rules(files):
    good = files("数字经济.txt", D.DOC_DIGITAL)
    out, err, exc = _run("parse_policy", "--explain", good)
    assert exc is None, err
    assert "== " in out and "措施 5 条" in out
    first = out.split("[1] ", 1)[1].split("\n[2] ", 1)[0]
    assert first.startswith("二/（一）")
    assert "原文：" in first and "单位：牵头 市工信局；责任 市发改委、市财政局" in first
    assert "依据：本条括注" in first and "→ 牵头 市工信局；责任 市发改委、市财政局" in first
    assert "依据：时限：" in first
    assert "未写明责任单位：进入待分配队列" in out  # 二/（四） has no assignment
    _, _, exc = _run("parse_policy", good)
    assert exc is not None and "--out" in str(exc)


def test_parse_policy_can_add_resolved_departments(files, tmp_path):
    load_demo_city()
    path = files("a.txt", D.DOC_DIGITAL)
    _run("parse_policy", path, "--out", str(tmp_path), "--resolve")
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    gxj = Department.objects.get(name="市工业和信息化局")
    assert data["measures"][0]["resolved"]["市工信局"]["department_ids"] == [gxj.pk]
    assert PolicyDocument.objects.count() == 0


def test_import_policy_summary_then_already_imported(files, supervisor):
    load_demo_city()
    path = files("a.txt", D.DOC_DIGITAL)
    out, err, exc = _run("import_policy", path, "--user", supervisor.username)
    assert exc is None, err
    assert "措施 5 条" in out and "任务 11 条" in out
    assert "待识别名称 1 个" in out and "市数据资源局" in out and "未分配措施 1 条" in out
    assert AuditEvent.objects.get(action="policy_import").actor == supervisor
    out, err, exc = _run("import_policy", path)
    assert exc is None and "已导入过，未做任何更改" in out
    assert PolicyDocument.objects.count() == 1


def test_import_policy_changed_version_prints_diff_and_stops(files):
    load_demo_city()
    _run("import_policy", files("v1.txt", D.DOC_DIGITAL))
    v2 = files("v2.txt", D.DOC_DIGITAL_V2)
    out, err, exc = _run("import_policy", v2)
    assert exc is not None
    assert "+ 新增措施 二/（五） 发展数字贸易" in err and "- 删除措施 三/（一）" in err
    assert "--confirm-update" in err
    assert PolicyDocument.objects.count() == 1
    out, err, exc = _run("import_policy", v2, "--confirm-update")
    assert exc is None, err
    assert "取消 7 条" in out
    assert PolicyDocument.objects.count() == 2
    assert Task.objects.filter(status=TaskStatus.CANCELLED).count() == 7


def test_import_policy_create_missing_departments_and_bad_user(files):
    path = files("units.txt", D.DOC_NEW_UNITS)
    out, err, exc = _run("import_policy", path, "--user", "nobody")
    assert exc is not None and "不存在" in str(exc)
    out, err, exc = _run("import_policy", path, "--create-missing-departments")
    assert exc is None, err
    assert "新建部门 5 个" in out
    assert Department.objects.count() == 5
