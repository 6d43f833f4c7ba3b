"""The admin of things reviews share: read-only for writers while a published
or scheduled review shows them, and every change noted in those reviews'
History (see ``reviews.services.shared``)."""

from django.contrib import admin, messages

from people.admin import AuthorAdmin as BaseAuthorAdmin
from people.admin import PersonAdmin as BasePersonAdmin
from people.models import Author, Person

from ..services.shared import change_refusal, record_shared_addition, record_shared_change


def refusal(request, obj) -> str | None:
    """Asked several times per page: worked out once per request and object."""
    if obj is None or obj.pk is None:
        return None
    memo = request.__dict__.setdefault("_shared_refusals", {})
    key = (obj._meta.label, obj.pk)
    if key not in memo:
        memo[key] = change_refusal(request.user, obj)
    return memo[key]


def _changed(form) -> str:
    labels = [str(form.fields[name].label or name).lower() for name in form.changed_data]
    return "changed " + ", ".join(labels) if labels else "changed"


class SharedThingAdminMixin:
    """For the admin of a model reviews share."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and refusal(request, obj) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and refusal(request, obj) is None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "GET" and (reason := refusal(request, obj)):
            if super().has_change_permission(request, obj):
                note = self.refusal_note(request, obj, reason)
                self.message_user(request, note, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def refusal_note(self, request, obj, reason: str) -> str:
        """What the form says to someone it shows read-only for ``reason``."""
        return reason

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new character of a published drama, a new quote of its
            # character: on the drama's page at once, so noted as a change.
            record_shared_addition(obj=obj, by=request.user, via=self._via())
        elif form.changed_data:
            record_shared_change(obj=obj, by=request.user, via=self._via(), what=_changed(form))

    def save_formset(self, request, form, formset, change):
        deleted = set(formset.deleted_forms) if formset.can_delete else set()
        changed = [f for f in formset.initial_forms if f not in deleted and f.has_changed()]
        for inline_form in deleted:
            record_shared_change(
                obj=inline_form.instance, by=request.user, via=self._via(), what="deleted"
            )
        super().save_formset(request, form, formset, change)
        for added in formset.new_objects:
            record_shared_addition(obj=added, by=request.user, via=self._via())
        for inline_form in changed:
            record_shared_change(
                obj=inline_form.instance,
                by=request.user,
                via=self._via(),
                what=_changed(inline_form),
            )

    def delete_model(self, request, obj):
        record_shared_change(obj=obj, by=request.user, via=self._via(), what="deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        allowed = []
        for obj in queryset:
            if reason := refusal(request, obj):
                self.message_user(request, f"Not deleted: {reason}", messages.ERROR)
                continue
            record_shared_change(obj=obj, by=request.user, via=self._via(), what="deleted")
            allowed.append(obj.pk)
        super().delete_queryset(request, queryset.filter(pk__in=allowed))

    def _via(self) -> str:
        return f"the {self.opts.verbose_name} form"


class SharedInlineMixin:
    """An inline of a shared thing's parts: read-only with its parent."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and refusal(request, obj) is None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and refusal(request, obj) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and refusal(request, obj) is None


admin.site.unregister(Person)
admin.site.unregister(Author)


@admin.register(Person)
class PersonAdmin(SharedThingAdminMixin, BasePersonAdmin):
    pass


@admin.register(Author)
class AuthorAdmin(SharedThingAdminMixin, BaseAuthorAdmin):
    pass
