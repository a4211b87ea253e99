"""Serializer pieces shared by the APIs: a cheap choice-label field and a fast read path."""

from __future__ import annotations

import operator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField, is_simple_callable


@extend_schema_field(OpenApiTypes.STR)
class ChoiceDisplayField(serializers.ReadOnlyField):
    """The label of a choices field (`get_<name>_display()`), e.g. 牵头 for role "lead".

    Same output as `CharField(source="get_<name>_display")`, without DRF's per-row `inspect.signature` of a
    callable source: on a 50-row task page that check cost more than the rest of the field.
    """

    def __init__(self, choice_field: str, **kwargs: Any) -> None:
        self.choice_field = choice_field
        self._labels: dict[type, tuple[str, dict[Any, Any]]] = {}
        super().__init__(source="*", **kwargs)

    def to_representation(self, value: Any) -> str:
        known = self._labels.get(type(value))
        if known is None:  # once per model: Django's get_FOO_display rebuilds this mapping on every call
            field = value._meta.get_field(self.choice_field)
            known = self._labels[type(value)] = (field.attname, dict(field.flatchoices))
        attname, labels = known
        raw = getattr(value, attname)
        return str(labels.get(raw, raw))  # str() here: labels may be lazy translations


class FastReadMixin:
    """`to_representation` for read serializers with a precomputed plan per bound serializer.

    DRF resolves every field through `Field.get_attribute` (source walk, callable checks, error mapping) on every
    row; on a 50-row task page that machinery cost about as much as the SQL. This does the same for the common
    case — a dotted source of plain attributes, `source="*"`, method fields — with one `attrgetter` per field:
    None stays None (DRF's check_for_none), a callable value is called (DRF's is_simple_callable rule, for
    `get_FOO_display` style sources), a missing related object (ObjectDoesNotExist) gives None. The output is
    DRF's own (tests/tasks/test_api.py compares both on annotated tasks).
    """

    def _fast_plan(self) -> list[tuple[str, Any, Any]]:
        plan = self.__dict__.get("_fast_plan_cache")
        if plan is None:
            plan = []
            for field in self._readable_fields:  # type: ignore[attr-defined]
                getter = None if field.source == "*" else operator.attrgetter(".".join(field.source_attrs))
                plan.append((field.field_name, getter, field))
            self.__dict__["_fast_plan_cache"] = plan
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        ret: dict[str, Any] = {}
        for name, getter, field in self._fast_plan():
            if getter is None:
                ret[name] = field.to_representation(instance)
                continue
            try:
                value = getter(instance)
            except ObjectDoesNotExist:
                value = None
            except (AttributeError, KeyError):
                try:
                    value = field.get_attribute(instance)  # DRF's defaults, allow_null and SkipField rules
                except SkipField:
                    continue
            if callable(value) and not isinstance(value, Model) and is_simple_callable(value):
                value = value()
            ret[name] = None if value is None else field.to_representation(value)
        return ret
