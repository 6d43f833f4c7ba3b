"""The newsroom's roles as groups: Writer, Editor and Desk.

Permissions alone decide what a user may do; these groups are the bundles
the desk hands out. Running the migration again brings each group back to
this list (permissions added by hand to a group are kept).
"""

from django.db import migrations

ROLES = {
    "Writer": [
        "reviews.add_review",
        "reviews.change_review",
        "reviews.view_review",
        "reviews.view_revision",
        "reviews.add_previewlink",
        "reviews.change_previewlink",
        "reviews.view_previewlink",
        "reviews.view_correction",
        "reviews.add_drama",
        "reviews.change_drama",
        "reviews.view_drama",
        "reviews.add_character",
        "reviews.change_character",
        "reviews.view_character",
        "reviews.add_quote",
        "reviews.change_quote",
        "reviews.view_quote",
        "reviews.view_genre",
        "reviews.view_column",
        "reviews.view_tag",
        "people.add_person",
        "people.change_person",
        "people.view_person",
        "people.view_author",
    ],
    "Editor": [
        "reviews.add_review",
        "reviews.change_review",
        "reviews.delete_review",
        "reviews.view_review",
        "reviews.publish_review",
        "reviews.schedule_review",
        "reviews.edit_any_review",
        "reviews.view_revision",
        "reviews.add_previewlink",
        "reviews.change_previewlink",
        "reviews.delete_previewlink",
        "reviews.view_previewlink",
        "reviews.add_correction",
        "reviews.change_correction",
        "reviews.delete_correction",
        "reviews.view_correction",
        "reviews.view_slugredirect",
        "reviews.delete_slugredirect",
        *(
            f"reviews.{action}_{model}"
            for model in ("drama", "character", "quote", "genre", "column", "tag")
            for action in ("add", "change", "delete", "view")
        ),
        *(
            f"people.{action}_{model}"
            for model in ("person", "author")
            for action in ("add", "change", "delete", "view")
        ),
        "people.view_subscriber",
    ],
    "Desk": [
        "reviews.view_review",
        "reviews.schedule_review",
        "reviews.view_revision",
        "reviews.view_previewlink",
        "reviews.view_correction",
        "reviews.view_column",
        "reviews.change_column",
        "reviews.view_drama",
        "reviews.view_character",
        "reviews.view_quote",
        "reviews.view_genre",
        "reviews.view_tag",
        "people.view_person",
        "people.view_author",
    ],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0001_initial"),
        ("reviews", "0002_editorial_workflow"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
