"""Autosave: the review form's unsaved state, kept on the server while
someone types (see :class:`reviews.models.Autosave`).

What is kept is the form's own fields as the browser posts them, and no
more: not the image being uploaded, not the form's answers to its questions
(names spelt as intended, “save my version anyway”), not the inlines.
Opening the form again offers it back if it says something the review does
not; restoring fills the form with it, and only saving the form saves it.
"""

from django.db import IntegrityError, transaction
from django.forms import MultiWidget
from django.http import QueryDict
from django.utils import timezone

from kdrama_rewind.data.text import many_lines
from kdrama_rewind.web.admin_widgets import holds

from ..models import Autosave, Review

# The form's controls that are answers or hand-offs, not writing.
NOT_KEPT = {
    "hero_image", "hero_stash", "confirm_names", "overwrite", "seen_version", "opened_version",
    "update_at",
}  # fmt: skip
MAX_VALUE_LENGTH = 500_000


def kept_keys(form_class) -> dict[str, str]:
    """The posted keys autosave keeps, each with the field it belongs to."""
    keys = {}
    for name, field in form_class.base_fields.items():
        if name in NOT_KEPT or field.disabled:
            continue
        widget = field.widget
        suffixes = widget.widgets_names if isinstance(widget, MultiWidget) else [""]
        for suffix in suffixes:
            keys[f"{name}{suffix}"] = name
    return keys


def keep(*, user, review: Review | None, form_class, data: QueryDict) -> Autosave:
    """Keep what the form holds now for ``user`` and ``review`` (None: a new
    review), replacing what was kept before."""
    keys = kept_keys(form_class)
    kept = {
        # Text as saving would keep it (a NUL would fail PostgreSQL's JSON).
        key: [many_lines(value[:MAX_VALUE_LENGTH]) for value in data.getlist(key)]
        for key in keys
        if key in data
    }
    based_on = data.get("opened_version", "")
    if based_on and holds(Autosave._meta.get_field("based_on"), based_on):
        based_on = int(based_on)
    else:  # none, or not one a form could have opened
        based_on = review.version if review is not None else None
    values = {"data": kept, "based_on": based_on, "saved_at": timezone.now()}
    mine = Autosave.objects.of(user, review)
    for attempt in range(2):
        try:
            with transaction.atomic():
                if mine.update(**values):
                    return mine.get()
                return Autosave.objects.create(user=user, review=review, **values)
        except IntegrityError:
            if attempt:  # another tab of the same form got there first, twice
                raise
    raise AssertionError("unreachable")


def as_data(autosave: Autosave) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in autosave.data.items():
        data.setlist(key, [str(value) for value in values])
    return data


def differences(autosave: Autosave, form) -> list[str]:
    """The fields whose kept value differs from what ``form`` (an unbound
    form as it opens) shows."""
    probe = type(form)(data=as_data(autosave), instance=form.instance, initial=form.initial)
    kept = set(kept_keys(type(form)).values())
    present = {name for key, name in kept_keys(type(form)).items() if key in autosave.data}
    return [name for name in probe.changed_data if name in kept and name in present]


def initial_from(autosave: Autosave, form_class) -> dict:
    """The form's initial values as the autosave has them: exactly what was
    typed, shown as it was typed (nothing is checked until saving)."""
    data = as_data(autosave)
    initial = {}
    for key, name in kept_keys(form_class).items():
        if key not in autosave.data or name in initial:
            continue
        field = form_class.base_fields[name]
        initial[name] = field.widget.value_from_datadict(data, {}, name)
    if autosave.based_on is not None:
        initial["opened_version"] = autosave.based_on
    return initial


def forget(*, user, review: Review | None) -> None:
    """The form was saved: what it held is the review now."""
    Autosave.objects.of(user, review).delete()
    Autosave.objects.filter(user=user).expired().delete()
