"""The name key decides when two printed names mean the same unit."""

import pytest

from departments.naming import display_name, name_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("市工信局", "市工业和信息化局"),
        ("市工信局", "工信局"),
        ("市发改委", "市发展和改革委"),
        ("市发展改革委", "市发展和改革委员会"),
        ("市人力资源和社会保障局", "市人力资源社会保障局"),
        ("人社局", "市人力资源社会保障局"),
        ("市市场监管局", "市市场监督管理局"),
        ("各县（市、区）人民政府", "各县(市、区)人民政府"),
        ("消防救援支队等", "消防救援支队"),
        ("市財政局", "市财政局"),
        ("市 科技局", "市科技局"),
    ],
)
def test_same_unit_same_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("市工信局", "市科技局"),
        ("市场监管局", "市商务局"),
        ("市委人才办", "市人才办公室"),
        ("市发改委", "市发改局"),
    ],
)
def test_different_units_differ(a, b):
    assert name_key(a) != name_key(b)


def test_market_bureau_keeps_its_first_character():
    # "市场监管局" starts with 市 but it is not a level prefix.
    assert name_key("市场监管局") == name_key("市市场监管局") == "市场监管局"


def test_display_name_strips_list_punctuation_and_spaces():
    assert display_name(" 市工信局、") == "市工信局"
