"""Constraints several models share. Their names carry the model
(``%(class)s``): ``not_blank("slug")`` on Person is ``person_slug_not_empty``."""

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils import timezone

MOMENTS_FROM = datetime(1950, 1, 1, tzinfo=UTC)
MOMENTS_MESSAGE = "from 1950 to a year from now"


def plausible_moment(moment: datetime) -> bool:
    """Whether ``moment`` is from 1950 to a year from now: a date every time
    zone can show (year 1 in Dubai is before year 1 in UTC, and a page
    showing it fails) and one a person meant."""
    return MOMENTS_FROM <= moment <= timezone.now() + timedelta(days=366)


def not_blank(field: str, message: str | None = None) -> models.CheckConstraint:
    """``field`` is never the empty string."""
    return models.CheckConstraint(
        condition=~Q(**{field: ""}),
        name=f"%(class)s_{field}_not_empty",
        violation_error_message=message or f"A {field} is required.",
    )


def image_has_alt(prefix: str, *, describing: str, image: str | None = None):
    """An image stored in ``image`` (the field named ``prefix`` unless given)
    has alt text in ``<prefix>_alt``, for readers who cannot see it."""
    return models.CheckConstraint(
        condition=Q(**{image or prefix: ""}) | ~Q(**{f"{prefix}_alt": ""}),
        name=f"%(class)s_{prefix}_has_alt",
        violation_error_message=f"Add alt text describing {describing}.",
    )


class ChecksInOneQuery(models.Model):
    """Validates the model's check constraints in one query.

    Django asks the database about each check constraint on its own, inside
    a transaction in a savepoint of its own: a review's seven cost 21
    statements at every save. Here one ``SELECT`` computes every condition
    over the instance's values, and a constraint whose condition is false
    gives its message, as Django's own validation does (a condition the
    database cannot decide, NULL, passes, as the constraint itself does).
    """

    class Meta:
        abstract = True

    def get_constraints(self):
        """The other constraints, which Django validates as usual."""
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def validate_constraints(self, exclude=None):
        errors = {}
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for constraint in self.failed_checks(exclude):
            error = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def failed_checks(self, exclude=None) -> list[models.CheckConstraint]:
        checks = []
        for model, constraints in super().get_constraints():
            for constraint in constraints:
                if not isinstance(constraint, models.CheckConstraint):
                    continue
                if exclude and constraint._expression_refs_exclude(
                    model, constraint.condition, exclude
                ):
                    continue  # as Django does: a condition on an excluded field waits
                checks.append((model, constraint))
        if not checks:
            return []
        using = router.db_for_write(type(self), instance=self)
        query = Query(None)
        for name, value in self._get_field_expression_map(meta=self._meta, exclude=exclude).items():
            if not hasattr(value, "resolve_expression"):
                value = Value(value)
            query.add_annotation(value, name, select=False)
        for number, (_, constraint) in enumerate(checks):
            holds = Coalesce(
                ExpressionWrapper(Q(constraint.condition), output_field=BooleanField()),
                True,
                output_field=BooleanField(),
            )
            query.add_annotation(holds, f"check_{number}")
        connection = connections[using]
        atomic = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
        try:
            with atomic:
                row = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            return []  # as Django does: the database enforces them at the write
        return [constraint for (_, constraint), holds in zip(checks, row, strict=True) if not holds]
