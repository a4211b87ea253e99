"""The three common scoring patterns as rule versions (docs/assessment.md, "预置规则").

Only 基础分100扣分制 is active; the other two are there to switch to (or copy) in the admin.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

PRESETS = [
    {
        "name": "基础分100扣分制",
        "preset": "deduction",
        "active": True,
        "base_score": Decimal("100"),
        "multiply_by_completion": False,
        "min_total": Decimal("0"),
        "note": "基础分100分：按期办结+1，逾期办结−1，期末逾期未办结牵头−5/配合−3，退回重办−2，"
        "未按期报送进展−2（每期至多−10），被催办−0.5（每期至多−5），逾期后申请延期−1。",
        "items": [
            ("on_time", "any", "1", None),
            ("late", "any", "-1", None),
            ("overdue_open", "lead", "-5", None),
            ("overdue_open", "co", "-3", None),
            ("returned", "any", "-2", None),
            ("report_missing", "any", "-2", "10"),
            ("urged", "any", "-0.5", "5"),
            ("extension_late", "any", "-1", None),
        ],
    },
    {
        "name": "承办加分制",
        "preset": "undertaking",
        "active": False,
        "base_score": Decimal("0"),
        "multiply_by_completion": False,
        "min_total": None,
        "note": "按期办结牵头+2/配合+1；逾期办结牵头−5/配合−2.5；退回重办−1。",
        "items": [
            ("on_time", "lead", "2", None),
            ("on_time", "co", "1", None),
            ("late", "lead", "-5", None),
            ("late", "co", "-2.5", None),
            ("returned", "any", "-1", None),
        ],
    },
    {
        "name": "得分×完成率",
        "preset": "completion",
        "active": False,
        "base_score": Decimal("100"),
        "multiply_by_completion": True,
        "min_total": Decimal("0"),
        "note": "基础分100分扣分后乘以完成率（期末应完成任务中已办结的比例）。",
        "items": [
            ("late", "any", "-1", None),
            ("returned", "any", "-2", None),
            ("report_missing", "any", "-2", "10"),
            ("urged", "any", "-0.5", "5"),
        ],
    },
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("assessment", "ScoreRuleSet")
    Item = apps.get_model("assessment", "ScoreRuleItem")
    for spec in PRESETS:
        spec = dict(spec)
        items = spec.pop("items")
        rs = RuleSet.objects.create(valid_from=dt.date(2020, 1, 1), **spec)
        for event, role, points, cap in items:
            Item.objects.create(
                ruleset=rs, event=event, role=role, points=Decimal(points), cap=Decimal(cap) if cap else None
            )


def remove(apps, schema_editor):
    apps.get_model("assessment", "ScoreRuleSet").objects.filter(
        name__in=[p["name"] for p in PRESETS], valid_from=dt.date(2020, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
