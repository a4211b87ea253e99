"""Name suggestions for unresolved printed names: the 机构改革 rename table, then stem similarity."""

from __future__ import annotations

import pytest

from departments.models import RenameRule
from departments.suggestions import SuggestionIndex, name_stem, split_level, suggest_departments
from tasks.name_queue import context_snippet
from tests import factories

pytestmark = pytest.mark.django_db


def _names(suggestions) -> list[str]:
    return [s.name for s in suggestions]


# --- rename table (rows come from migration departments 0003_rename_rules_data) ---


def test_migration_loaded_rules_with_keys():
    rule = RenameRule.objects.get(name="市经信委")
    assert rule.successor_name == "市工业和信息化局" and rule.kind == RenameRule.Kind.RENAME
    assert rule.key == "经信委"  # computed in the migration, where save() does not run
    assert RenameRule.objects.get(name="市质监局").kind == RenameRule.Kind.MERGE
    assert RenameRule.objects.get(name="市环境保护局").successor_name == "市生态环境局"


@pytest.mark.parametrize(
    ("printed", "successor", "verb"),
    [
        ("市经信委", "市工业和信息化局", "已更名为"),
        ("市经济和信息化委员会", "市工业和信息化局", "已更名为"),
        ("市环保局", "市生态环境局", "已更名为"),
        ("市质监局", "市市场监督管理局", "职责已划入"),
        ("市食品药品监督管理局", "市市场监督管理局", "职责已划入"),
    ],
)
def test_rename_table_suggests_successor(printed, successor, verb):
    target = factories.DepartmentFactory(name=successor)
    factories.DepartmentFactory(name="市财政局")
    found = suggest_departments(printed)
    assert found[0].department_id == target.pk and found[0].kind == "rename"
    assert found[0].reason == f"机构改革：{printed} {verb} {successor}（2019年）"


def test_rename_found_through_alias_key_and_city_prefix():
    # The successor exists under another city's name; an alias of it is what the rule names.
    target = factories.DepartmentFactory(name="江海市工业和信息化局")
    target.aliases.create(name="市工业和信息化局")
    found = suggest_departments("江海市经信委")  # city name before the old name
    assert found and found[0].department_id == target.pk
    assert "江海市经信委 已更名为 江海市工业和信息化局" in found[0].reason


def test_rename_successor_matched_by_stem_when_city_uses_another_name():
    # Rule says 市自然资源和规划局; this city calls it 市自然资源局.
    target = factories.DepartmentFactory(name="市自然资源局")
    found = suggest_departments("市国土资源局")
    assert found[0].department_id == target.pk and found[0].kind == "rename"


def test_rename_rule_department_field_wins():
    chosen = factories.DepartmentFactory(name="市数据局")
    factories.DepartmentFactory(name="市工业和信息化局")
    RenameRule.objects.filter(name="市经信局").update(department=chosen)
    assert suggest_departments("市经信局")[0].department_id == chosen.pk


def test_rename_at_district_level_uses_district_successor():
    district = factories.DepartmentFactory(name="区生态环境局")
    factories.DepartmentFactory(name="市生态环境局")
    found = suggest_departments("区环保局")
    assert _names(found) == ["区生态环境局"] and found[0].department_id == district.pk


def test_rename_without_successor_department_suggests_nothing():
    factories.DepartmentFactory(name="市财政局")
    assert suggest_departments("市安监局") == []


# --- stem similarity ---


def test_stem_rules():
    assert name_stem("市发展和改革委员会") == name_stem("市发改局") == "发展改革"
    assert name_stem("江海市住建局") == name_stem("区住房和城乡建设局") == "住房城乡建设"
    assert name_stem("市市监局") == name_stem("市市场监督管理局") == "市场监督管理"
    assert name_stem("市政府办公室") != name_stem("市人民政府")
    assert split_level("城市管理局") == ("", "城市管理局")
    assert split_level("江海市环保局") == ("市", "环保局")


def test_similar_stem_suggests_full_name():
    full = factories.DepartmentFactory(name="区住房和城乡建设局")
    factories.DepartmentFactory(name="区财政局")
    found = suggest_departments("区住建委")  # 委, not 局: the name key differs, the stem does not
    assert [(s.department_id, s.reason, s.kind) for s in found] == [(full.pk, "名称相近", "similar")]


def test_similar_development_and_reform():
    full = factories.DepartmentFactory(name="市发展和改革委员会")
    assert suggest_departments("江海市发改局")[0].department_id == full.pk


def test_similar_does_not_cross_explicit_levels():
    factories.DepartmentFactory(name="市住房和城乡建设局")
    assert suggest_departments("县住建委") == []


def test_unrelated_name_gets_no_suggestion():
    for name in ("市工业和信息化局", "市发展和改革委员会", "市农业农村局", "区住房和城乡建设局"):
        factories.DepartmentFactory(name=name)
    assert suggest_departments("市海洋渔业局") == []
    assert suggest_departments("有关单位") == []


def test_ranked_deduped_and_limited():
    target = factories.DepartmentFactory(name="市市场监督管理局")
    target.aliases.create(name="市市场监管局")
    other = factories.DepartmentFactory(name="市市场监督管理局稽查支队")
    found = suggest_departments("市工商局", limit=3)
    assert found[0].department_id == target.pk and found[0].kind == "rename"
    assert [s.department_id for s in found].count(target.pk) == 1
    assert suggest_departments("市工商局", limit=1) == found[:1]
    assert other.pk not in [s.department_id for s in found[:1]]


def test_index_loaded_once_for_many_names(django_assert_num_queries):
    factories.DepartmentFactory(name="市生态环境局")
    factories.DepartmentFactory(name="市工业和信息化局")
    with django_assert_num_queries(6):
        index = SuggestionIndex.load()
    with django_assert_num_queries(0):
        many = index.suggest_many(["市环保局", "市经信委", "市海洋渔业局"])
    assert _names(many["市环保局"]) == ["市生态环境局"]
    assert _names(many["市经信委"]) == ["市工业和信息化局"]
    assert many["市海洋渔业局"] == []


# --- context sentence ---


def test_context_snippet_cuts_sentence_around_name():
    text = "第一句无关。" + "甲" * 200 + "由市经信委牵头" + "乙" * 200 + "。最后一句。"
    before, match, after = context_snippet(text, "市经信委", width=120)
    assert match == "市经信委"
    assert before.startswith("…") and after.endswith("…")
    assert "第一句" not in before and "最后" not in after
    assert len(before) + len(match) + len(after) <= 122
    assert context_snippet("建设平台。由市环保局负责。", "市环保局") == ("由", "市环保局", "负责。")
    assert context_snippet("没有这个名称", "市环保局") == ("没有这个名称", "", "")
