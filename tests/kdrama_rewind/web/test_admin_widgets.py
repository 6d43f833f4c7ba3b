from django.contrib import admin
from django.test import TestCase

from kdrama_rewind.web.admin_widgets import (
    CheckedAutocompleteSelect,
    CheckedAutocompleteSelectMultiple,
)
from reviews.models import Review
from tests.factories import make_author, make_drama

NOT_IDS = ["ab", "a\x00b", "1.5", "NaN", "1e309", "-1", "99999999999999999999", " "]


def widget_for(name, widget_class):
    """The widget as a form uses it (the form's field gives it its choices)."""
    db_field = Review._meta.get_field(name)
    return db_field.formfield(widget=widget_class(db_field, admin.site)).widget


def chosen(widget, name, value) -> list[str]:
    return [
        o["label"]
        for _, options, _ in widget.optgroups(name, value)
        for o in options
        if o["selected"]
    ]


class CheckedAutocompleteTests(TestCase):
    def test_a_value_that_is_no_id_is_left_out_not_a_crash(self):
        author = make_author("Mina Park")
        widget = widget_for("author", CheckedAutocompleteSelect)
        for value in NOT_IDS:
            with self.subTest(value=value):
                self.assertEqual(chosen(widget, "author", [value]), [])
        self.assertEqual(chosen(widget, "author", [str(author.pk)]), ["Mina Park"])

    def test_the_same_for_a_list(self):
        drama = make_drama("Run On")
        widget = widget_for("dramas", CheckedAutocompleteSelectMultiple)
        self.assertEqual(chosen(widget, "dramas", [*NOT_IDS, str(drama.pk)]), [str(drama)])
