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

A statement's rows are tuples; :class:`Loaded` makes them into the model
instances (with their related objects) a queryset would have made, so a page
reading a kept statement shows the same objects as before.
"""

import functools
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import BooleanField, Expression, IntegerField, Model, QuerySet


class Slot(Expression):
    """Where a kept statement takes a value at each run, by ``name``."""

    def __init__(self, name: str, output_field=None):
        if not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"{name!r}: a slot's name is a word not starting with _")
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Slot({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [self]


def numbered(name: str, count: int) -> list[Slot]:
    """``count`` integer slots, ``name0``…: a list of ids of a known length
    (``pk__in`` takes a placeholder per item), its length part of the shape."""
    return [Slot(f"{name}{i}", IntegerField()) for i in range(count)]


def numbered_values(name: str, values: Sequence) -> dict[str, object]:
    """The values of :func:`numbered` slots, by their names."""
    return {f"{name}{i}": value for i, value in enumerate(values)}


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
    its values; :meth:`rows` runs it with ``values`` for the slots. With
    ``around``, the queryset's SQL is run in its place there (``{query}``):
    for what the ORM cannot say, such as one number less a count of rows."""

    def __init__(self, build: Callable[..., QuerySet], *, around: str = "{query}"):
        if around.count("{query}") != 1:
            raise ValueError("around holds the query once, as {query}")
        self.build, self.around = build, around
        self.kept: dict[tuple, tuple[str, dict, tuple]] = {}

    def compiled(self, shape: tuple[Hashable, ...], using: str) -> tuple[str, dict, tuple]:
        """The SQL of one shape with named placeholders, the values fixed in
        it by name, and the names of its slots (:func:`_named`)."""
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
            self.kept[key] = _named(sql, params)
        return self.kept[key]

    def _compile(self, shape, using) -> tuple[str, list]:
        sql, params = self.build(*shape).query.get_compiler(using=using).as_sql()
        return self.around.replace("{query}", sql), list(params)

    def rows(self, shape: tuple[Hashable, ...], *, using: str = "default", **values) -> list:
        sql, fixed, slots = self.compiled(shape, using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, {**fixed, **{name: values[name] for name in slots}})
            return cursor.fetchall()


PLACEHOLDER = re.compile(r"%%|%s")


def _named(sql: str, params: list) -> tuple[str, dict, tuple]:
    """``sql`` with a named placeholder for each value: a slot's name
    wherever the slot is, and one name for each value fixed in the SQL
    however often it comes, so that each value is sent once. (The ranking
    statement of a search names its words eleven times, its configuration
    seven and the ids of the reviews about the names found three: 49 values
    where 12 differ, each converted for sending on its own. Sent once, a
    words search costs the worker 4% fewer instructions.)"""
    fixed, names, slots, remaining = {}, {}, {}, iter(params)

    def name(found: re.Match) -> str:
        if found.group() == "%%":
            return "%%"
        param = next(remaining)
        if isinstance(param, Slot):
            slots[param.name] = None
            return f"%({param.name})s"
        key = (type(param), repr(param))
        if key not in names:
            names[key] = f"_{len(names)}"  # no slot's name starts so
            fixed[names[key]] = param
        return f"%({names[key]})s"

    return PLACEHOLDER.sub(name, sql), fixed, tuple(slots)


def _comparable(compiled: tuple[str, list]) -> tuple[str, list]:
    sql, params = compiled
    return sql, [("slot", p.name) if isinstance(p, Slot) else p for p in params]


@dataclass(frozen=True)
class Loaded:
    """What a queryset loads, as columns a kept statement can read
    (``values_list(*loaded.columns())``) and make into the same instances
    (:meth:`instance`): the model's fields its ``only()`` names, in the
    model's order, and each related object's (``select_related()``, named
    ``relation__field`` in ``only()``)."""

    model: type[Model]
    own: tuple[str, ...]
    related: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, queryset: QuerySet) -> "Loaded":
        named, deferred = queryset.query.deferred_loading
        if deferred or not named:
            raise ValueError("a queryset read by a kept statement names its fields with only()")
        model, related = queryset.model, {}
        for name in named:
            if "__" in name:
                relation, field = name.split("__", 1)
                if "__" in field:
                    raise ValueError(f"{name}: one relation deep at most")
                related.setdefault(relation, set()).add(field)
        own = {name for name in named if "__" not in name}
        own |= {model._meta.get_field(relation).attname for relation in related}
        joined = []
        for relation, fields in sorted(related.items()):
            other = model._meta.get_field(relation).related_model
            # ``from_db`` takes the values in the model's order of fields.
            ordered = [f.attname for f in other._meta.concrete_fields if f.name in fields]
            joined.append((relation, tuple(ordered)))
        return cls(model, _in_model_order(model, own), tuple(joined))

    def columns(self) -> list[str]:
        joined = [f"{relation}__{field}" for relation, fields in self.related for field in fields]
        return [*self.own, *joined]

    def instance(self, using: str, row: Sequence) -> Model:
        """The instance the row's first ``len(columns())`` values make,
        converted as the ORM converts them (SQLite's times made aware)."""
        count, converting = _converters(self, using)
        row = list(row[:count])
        for i, column, functions in converting:
            for convert in functions:
                row[i] = convert(row[i], column, connections[using])
        obj = self.model.from_db(using, self.own, row[: len(self.own)])
        position = len(self.own)
        for relation, fields in self.related:
            field = self.model._meta.get_field(relation)
            values = row[position : position + len(fields)]
            position += len(fields)
            other = None
            if (pk := getattr(obj, field.attname)) is not None:
                model = field.related_model
                other = model.from_db(using, [model._meta.pk.attname, *fields], [pk, *values])
            setattr(obj, relation, other)
        return obj


@functools.cache
def _converters(loaded: Loaded, using: str) -> tuple[int, list[tuple]]:
    """How many columns the instance is made of, and the converters from
    the database's value to the field's, as the ORM applies them, of each
    column that has any (by its position)."""
    connection = connections[using]
    fields = [loaded.model._meta.get_field(name) for name in loaded.own]
    for relation, names in loaded.related:
        other = loaded.model._meta.get_field(relation).related_model
        fields += [other._meta.get_field(name) for name in names]
    found = []
    for i, field in enumerate(fields):
        column = field.cached_col
        functions = [
            *connection.ops.get_db_converters(column),
            *field.get_db_converters(connection),
        ]
        if functions:
            found.append((i, column, functions))
    return len(fields), found


def _in_model_order(model, attnames: set[str]) -> tuple[str, ...]:
    return tuple(
        f.attname
        for f in model._meta.concrete_fields
        if f.primary_key or f.attname in attnames or f.name in attnames
    )
