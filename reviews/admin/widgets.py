"""The review form's writing surface: the body's editor, with its toolbar,
word count, quote finder and live preview (``static/admin/kdr/desk/``).
Without scripts it is the plain text area it always was."""

from django import forms
from django.conf import settings


class MarkdownEditor(forms.Textarea):
    template_name = "admin/kdr/desk/markdown_editor.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 24, "class": "vLargeTextField kdr-editor__text", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["words_per_minute"] = settings.READING_WORDS_PER_MINUTE
        return context


class PercentInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__(
            {"min": 0, "max": 100, "step": 1, "class": "vIntegerField", **(attrs or {})}
        )
