"""Well-known renames and merges of the 2018–2019 机构改革 at city level (市 prefix).

Successor names vary by city (市自然资源和规划局 / 市自然资源局 …); the suggestion code matches the
successor to a department by name, alias, name key or stem, so only the usual name is stored here.
Edit or add rows in the admin (机构改革更名). Reversing deletes exactly these names.
"""

from django.db import migrations

from departments.naming import name_key

RENAME, MERGE = "rename", "merge"
CITY = "2018—2019年市县机构改革，各地挂牌时间不一"

# (successor, kind, year, note, old names)
RULES: tuple[tuple[str, str, int | None, str, tuple[str, ...]], ...] = (
    (
        "市工业和信息化局",
        RENAME,
        2019,
        CITY,
        ("市经济和信息化委员会", "市经济和信息化委", "市经信委", "市经济和信息化局", "市经信局"),
    ),
    ("市生态环境局", RENAME, 2019, CITY + "；同时整合其他部门的污染防治职责", ("市环境保护局", "市环保局")),
    (
        "市市场监督管理局",
        MERGE,
        2019,
        CITY + "；工商、质监、食药监合并组建",
        (
            "市质量技术监督局",
            "市质监局",
            "市工商行政管理局",
            "市工商局",
            "市食品药品监督管理局",
            "市食药监局",
            "市食品药品监管局",
        ),
    ),
    ("市应急管理局", MERGE, 2019, CITY + "；以安监局为基础组建", ("市安全生产监督管理局", "市安监局")),
    (
        "市卫生健康委员会",
        RENAME,
        2019,
        CITY,
        ("市卫生和计划生育委员会", "市卫生计生委", "市卫计委", "市卫生和计划生育局", "市卫计局"),
    ),
    (
        "市卫生健康委员会",
        MERGE,
        None,
        "人口计生委先并入卫生和计划生育委员会，机构改革后为卫生健康委员会",
        ("市人口和计划生育委员会", "市人口计生委"),
    ),
    ("市农业农村局", RENAME, 2019, CITY, ("市农业委员会", "市农委", "市农业局")),
    (
        "市自然资源和规划局",
        MERGE,
        2019,
        CITY + "；部分城市称“市自然资源局”",
        ("市国土资源局", "市国土局", "市规划局", "市城乡规划局"),
    ),
    (
        "市文化广电和旅游局",
        MERGE,
        2019,
        CITY + "；部分城市称“市文化和旅游局”",
        ("市文化广电新闻出版局", "市文广新局", "市旅游局", "市旅游发展委员会", "市旅发委"),
    ),
    ("市消防救援支队", RENAME, 2018, "公安消防部队改制，转隶应急管理部", ("市公安消防支队",)),
    (
        "市司法局",
        MERGE,
        2019,
        CITY + "；政府法制办职责划入司法局",
        ("市人民政府法制办公室", "市政府法制办公室", "市政府法制办", "市法制办"),
    ),
    (
        "市税务局",
        MERGE,
        2018,
        "国税地税征管体制改革，合并为国家税务总局××市税务局",
        ("市国家税务局", "市国税局", "市地方税务局", "市地税局"),
    ),
)


def add_rules(apps, schema_editor):
    RenameRule = apps.get_model("departments", "RenameRule")
    existing = set(RenameRule.objects.values_list("name", flat=True))
    rows = []
    for successor, kind, year, note, old_names in RULES:
        for name in old_names:
            if name in existing:
                continue
            existing.add(name)
            # apps.get_model gives the historical model: KeyedNameModel.save() does not run, set the key here.
            rows.append(
                RenameRule(name=name, key=name_key(name), successor_name=successor, kind=kind, year=year, note=note)
            )
    RenameRule.objects.bulk_create(rows)


def remove_rules(apps, schema_editor):
    RenameRule = apps.get_model("departments", "RenameRule")
    RenameRule.objects.filter(name__in=[n for *_, names in RULES for n in names]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0002_renamerule"),
    ]

    operations = [
        migrations.RunPython(add_rules, remove_rules),
    ]
