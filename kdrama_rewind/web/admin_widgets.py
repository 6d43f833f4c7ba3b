"""The admin's autocompletes, safe with any value posted.

Django's autocomplete looks the chosen ids up as they were posted, to label
them when a form is shown again: an id that is not one (a forged post, a
number past the column's range, an autosave restored with whatever the
browser sent) made the lookup raise and the page answer 500. Such a value
is left out of the lookup, as an unknown id is; the form's own validation
still says it is not a valid choice.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections


def holds(field, value, using=None) -> bool:
    """Whether ``field`` can hold ``value`` as posted (a number within its
    column's range, for a number): what an id or version from a form must
    pass before it is looked up."""
    try:
        prepared = field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(prepared, int):
        ops = connections[using or "default"].ops
        low, high = ops.integer_field_range(field.get_internal_type())
        return (low is None or prepared >= low) and (high is None or prepared <= high)
    return True


def _target(db_field):
    """The field the relation ``db_field`` points at."""
    remote = db_field.remote_field.model._meta
    return remote.get_field(getattr(db_field.remote_field, "field_name", remote.pk.attname))


class CheckedChoicesMixin:
    def optgroups(self, name, value, attr=None):
        target = _target(self.field)
        held = [v for v in value if v in ("", None) or holds(target, v, self.db)]
        return super().optgroups(name, held, attr)


class CheckedAutocompleteSelect(CheckedChoicesMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedChoicesMixin, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteMixin:
    """For a ModelAdmin or inline with ``autocomplete_fields``: its
    autocompletes are the checked ones above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
