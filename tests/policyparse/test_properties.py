"""Robustness: any input gives a ParsedDocument or a PolicyParseError, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyparse import ParsedDocument, PolicyParseError, parse_document, parse_text

_POLICY_ALPHABET = st.sampled_from(
    list("一二三四五六七八九十、（）()〔〕﹝﹞【】[]:：,，;；。1234567890.%年月日")
    + list("到前每季度牵头责任单位部门市区县各等负责配合|\n ")
    + [
        "牵头单位：",
        "责任单位:",
        "到2025年",
        "（一）",
        "1.",
        "以下均需",
        "落实，不再列出",
        "﹝责任主体:",
        "“",
        "”",
        "《",
        "》",
    ]
)
_policy_text = st.lists(_POLICY_ALPHABET, max_size=120).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), _policy_text))
def test_parse_text_is_total(text: str) -> None:
    assert isinstance(parse_text(text), ParsedDocument)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "b.html", "c.htm", "d.docx", "e.pdf"]))
def test_parse_document_raises_only_policy_parse_error(data: bytes, name: str) -> None:
    try:
        doc = parse_document(data, name)
    except PolicyParseError as err:
        assert err.code and str(err)
    else:
        assert isinstance(doc, ParsedDocument)
