"""For admin pages that upload images: media storage that refuses to write.

The image field's file removes whatever it had written and raises
``StorageUnavailable``; the save rolls back with it. This mixin then shows
the form again, as it was posted, with the reason, so the editor loses
nothing and can simply save again.
"""

from django.core.exceptions import ValidationError

from kdrama_rewind.media.images import StorageUnavailable


class StorageFaultAdminMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StorageUnavailable as error:
            request.storage_error = str(error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        reason = getattr(request, "storage_error", None)
        if reason is None:
            return form

        class NotStored(form):
            def clean(self):
                super().clean()
                raise ValidationError(
                    f"{reason} Nothing was saved and what you wrote is still here: "
                    "save again, and tell the desk if it keeps happening."
                )

        return NotStored
