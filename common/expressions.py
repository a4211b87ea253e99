"""ORM expression helpers."""

from __future__ import annotations

from typing import Any

from django.db.models import Expression


class CompiledOnce(Expression):
    """`expression`, compiled to SQL once per database connection alias and then reused.

    For big expressions built once and shared by many querysets (tasks.selectors keeps the day's annotated task
    queryset): the traffic light CASE costs ~0.3 ms to compile and one task page compiles it three times (the
    SELECT, the WHERE of `?light=` and the paginator's COUNT). The SQL of a resolved expression depends only on
    its columns' table aliases and the connection, so the cache is dropped whenever Django derives a different
    expression from this one: `set_source_expressions` (relabelling for use inside another query, replacing)
    and `copy` start with an empty cache; resolving it again returns it unchanged.
    """

    def __init__(self, expression: Any) -> None:
        super().__init__()
        self.expression = expression
        self._compiled: dict[str, tuple[str, tuple[Any, ...]]] = {}
        self._resolved = False

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.expression!r})"

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        # Resolving an already resolved expression changes nothing (its columns keep their aliases), but
        # Django does it on every compile of a lookup (`filter(light="red")`): keep this object and its cache.
        if self._resolved:
            return self
        resolved = super().resolve_expression(*args, **kwargs)
        resolved._resolved = True
        return resolved

    def get_source_expressions(self) -> list[Any]:
        return [self.expression]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.expression,) = exprs
        self._compiled = {}

    def copy(self) -> CompiledOnce:
        clone = super().copy()
        clone._compiled = {}
        return clone

    def _resolve_output_field(self) -> Any:
        return self.expression.output_field

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        hit = self._compiled.get(connection.alias)
        if hit is None:
            sql, params = compiler.compile(self.expression)
            hit = self._compiled[connection.alias] = (sql, tuple(params))
        return hit
