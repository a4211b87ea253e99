"""Inserting many new rows at once, ignoring the ones that conflict (the reminder sweep's new ReminderLog rows).

On PostgreSQL `insert_rows()` sends one `INSERT INTO … SELECT … FROM unnest(%s::type[], …) ON CONFLICT DO
NOTHING` per chunk: one array literal per column, built straight from the rows' tuples, so that the cost is
the server's own insert plus a string join per column. Django's `bulk_create` spends ~50 µs per row on model
instances, parameter lists and thousands of `(%s, %s, …)` groups (about 2 s of a 2.3 s first sweep at
100,000 tasks). Elsewhere (SQLite, the demo default) `bulk_create` stays.

The columns are not listed by hand. They are every concrete field of the model except the auto id (a new
column is written without touching this module), and every value is the one Django would save:
`field.get_db_prep_save()` of the row's value, or for a field the rows do not set, `field.pre_save()` on a
template instance (defaults, `auto_now_add` timestamps; a callable default is called once per row, as
`Model()` would). tests/reminders/test_bulk.py compares what this writes with what `bulk_create` writes,
column by column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import NOT_PROVIDED, Max

# Rows per INSERT statement: bounds one statement's size (roughly 5–10 MB of array literals at 100,000 rows).
INSERT_CHUNK = 100_000
NoneType = type(None)


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (tuples of the fields `names`, by attname; the other fields get their defaults) and
    return how many were really inserted: rows that conflict with a unique constraint are skipped (ON
    CONFLICT DO NOTHING). The one place that chooses between the PostgreSQL statement and bulk_create."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return sum(
            insert_rows_unnest(model, names, rows[start : start + INSERT_CHUNK])
            for start in range(0, len(rows), INSERT_CHUNK)
        )
    return insert_rows_bulk_create(model, names, rows)


def insert_rows_bulk_create(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """The portable way: model instances through bulk_create(ignore_conflicts=True). bulk_create cannot tell
    how many rows a conflict skipped, so the new rows are counted by id (the caller holds the transaction)."""
    last_id = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
    model._default_manager.bulk_create(
        [model(**dict(zip(names, row, strict=True))) for row in rows], ignore_conflicts=True, batch_size=2000
    )
    return model._default_manager.filter(pk__gt=last_id).count()


def insert_rows_unnest(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """One PostgreSQL statement for `rows`: the set fields (and callable defaults) as unnest() arrays, the
    other fields as one parameter each; the number inserted is the statement's row count."""
    if not rows:
        return 0
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    fields = [by_attname[name] for name in names]  # KeyError: not a column of the model
    values = list(zip(*rows, strict=True))
    template = model()  # only for the fields the rows do not set: their default or pre_save() value
    constants: list[tuple[models.Field, Any]] = []
    for field in opts.concrete_fields:
        if field.attname in names or field is opts.auto_field or field.generated:
            continue
        if field.db_default is not NOT_PROVIDED:
            continue  # left out of the column list: the database fills it in
        if field.has_default() and callable(field.default):
            fields.append(field)
            values.append(tuple(field.get_default() for _ in rows))
        else:
            constants.append((field, field.pre_save(template, add=True)))
    dump = _text_dumper()
    arrays = [_array_literal(field, column, dump) for field, column in zip(fields, values, strict=True)]
    # In the order of the placeholders: the constants (in the SELECT list), then the arrays (in FROM).
    params = [*(field.get_db_prep_save(value, connection) for field, value in constants), *arrays]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*fields, *(f for f, _ in constants)])
    selected = ", ".join(["u.*", *(f"%s::{_element_type(f)}" for f, _ in constants)])
    unnest = ", ".join(f"%s::{_element_type(f)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({columns}) SELECT {selected} FROM unnest({unnest}) AS u "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _element_type(field: models.Field) -> str:
    """The SQL type of the field's column without its modifier ("varchar(24)" → "varchar"): a cast to
    varchar(24) would silently cut a longer value, while the INSERT into the column refuses it as Django's
    INSERT does."""
    db_type = field.db_type(connection)
    if not db_type or db_type.endswith("]"):
        raise NotImplementedError(f"{field} ({db_type}) cannot be written through unnest(); use bulk_create")
    return re.sub(r"\(.*?\)", "", db_type)


def array_element(text: str) -> str:
    """One element of a PostgreSQL array literal, quoted (valid for every element type)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_dumper() -> Callable[[Any], str]:
    """The PostgreSQL text form of a prepared value, as psycopg would send it (dates, times, JSON, …)."""
    from psycopg.adapt import PyFormat, Transformer

    connection.ensure_connection()
    transformer = Transformer(connection.connection)

    def dump(value: Any) -> str:
        text = transformer.get_dumper(value, PyFormat.TEXT).dump(value)
        if text is None:
            raise ValueError(f"{value!r} has no PostgreSQL text form")
        return bytes(text).decode()

    return dump


def _array_literal(field: models.Field, column: Sequence[Any], dump: Callable[[Any], str]) -> str:
    """The array literal of one column: each value prepared as Django saves it (get_db_prep_save), then
    written as an array element. Each distinct value is prepared once (a column holds few: kinds, channels,
    dates); values of different types that compare equal (1 and True) are each prepared."""

    def element(value: Any) -> str:
        prepared = field.get_db_prep_save(value, connection)
        if prepared is None:
            return "NULL"
        if type(prepared) is int:
            return str(prepared)
        return array_element(prepared if isinstance(prepared, str) else dump(prepared))

    types = set(map(type, column)) - {NoneType}
    try:
        distinct = set(column) if len(types) <= 1 or all(issubclass(t, str) for t in types) else None
    except TypeError:  # unhashable values (a JSON list)
        distinct = None
    if distinct is None:
        return "{" + ",".join(map(element, column)) + "}"
    text = {value: element(value) for value in distinct}
    return "{" + ",".join(map(text.__getitem__, column)) + "}"
