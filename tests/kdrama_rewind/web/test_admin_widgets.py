from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.test import RequestFactory, TestCase

from kdrama_rewind.web.admin_widgets import (
    CheckedAutocompleteSelect,
    CheckedAutocompleteSelectMultiple,
)
from reviews.models import Review
from tests.factories import make_author, make_drama, make_user

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


class EveryAutocompleteTests(TestCase):
    """Each admin and inline on the site, as a superuser sees it: every
    autocomplete shows a form posted with a value that is no id, rather than
    failing (a new admin with ``autocomplete_fields`` needs the checked
    widgets, ``CheckedAutocompleteMixin``)."""

    def test_every_autocomplete_on_the_site_takes_a_forged_value(self):
        request = RequestFactory().get("/admin/")
        request.user = make_user("root", superuser=True)
        checked = []
        for model_admin in admin.site._registry.values():
            for owner in [model_admin, *model_admin.get_inline_instances(request)]:
                names = owner.get_autocomplete_fields(request)
                if not names:
                    continue
                if isinstance(owner, InlineModelAdmin):
                    form_class = owner.get_formset(request).form
                else:
                    form_class = owner.get_form(request)
                for name in names:
                    with self.subTest(admin=type(owner).__name__, field=name):
                        form = form_class(data={name: "99999999999999999999"})
                        self.assertIn(f'name="{name}"', str(form[name]))
                        checked.append(name)
        self.assertGreaterEqual(len(checked), 8)
