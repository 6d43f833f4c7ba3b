"""Statements built once per shape and run again with new values.

Django builds a queryset's SQL afresh at every run. For a query of many
expressions that costs more than the database does: search's ranking query
took 2.9 ms to build and compile and 0.3 ms to run. A :class:`Statement`
builds its queryset once for each *shape* (whatever changes the SQL's text,
such as whether a query has words to rank), with a :class:`Slot` wherever a
value goes, keeps the SQL and fills the slots at each run.

Everything not in a slot is kept as it was when the statement was built, so
a value that changes between runs must be a slot. A statement is built twice
to be kept, and refused if the two differ outside their slots: that catches
the current time ``published()`` adds by itself (a kept statement takes
``now`` as a slot: ``Review.objects.published(at=Slot(...))``).
"""

from collections.abc import Callable, Hashable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import BooleanField, Expression, QuerySet


class Slot(Expression):
    """Where a kept statement takes a value at each run, by ``name``."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Slot({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [self]


class AnyOf(Expression):
    """``field = ANY(array)``: membership in a list that is one value, so a
    list of any length fills one slot (``pk__in`` takes a placeholder per
    item). PostgreSQL only."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, value: Expression, array: Expression):
        super().__init__()
        self.value, self.array = value, array

    def get_source_expressions(self):
        return [self.value, self.array]

    def set_source_expressions(self, exprs):
        self.value, self.array = exprs

    def as_sql(self, compiler, connection):
        value_sql, value_params = compiler.compile(self.value)
        array_sql, array_params = compiler.compile(self.array)
        return f"{value_sql} = ANY({array_sql})", [*value_params, *array_params]


class Statement:
    """``build(*shape)`` returns the queryset of one shape, with slots for
    its values; :meth:`rows` runs it with ``values`` for the slots."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.kept: dict[tuple, tuple[str, list]] = {}

    def compiled(self, shape: tuple[Hashable, ...], using: str) -> tuple[str, list]:
        key = (using, *shape)
        if key not in self.kept:
            sql, params = self._compile(shape, using)
            again = self._compile(shape, using)
            if _comparable(again) != _comparable((sql, params)):
                raise ImproperlyConfigured(
                    f"{self.build.__qualname__}{shape} changed between two builds "
                    f"(values {params} then {again[1]}): a value that changes "
                    "between runs, such as the time, must be a Slot."
                )
            self.kept[key] = sql, params
        return self.kept[key]

    def _compile(self, shape, using) -> tuple[str, list]:
        sql, params = self.build(*shape).query.get_compiler(using=using).as_sql()
        return sql, list(params)

    def rows(self, shape: tuple[Hashable, ...], *, using: str = "default", **values) -> list:
        sql, params = self.compiled(shape, using)
        filled = [values[p.name] if isinstance(p, Slot) else p for p in params]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, filled)
            return cursor.fetchall()


def _comparable(compiled: tuple[str, list]) -> tuple[str, list]:
    sql, params = compiled
    return sql, [("slot", p.name) if isinstance(p, Slot) else p for p in params]
