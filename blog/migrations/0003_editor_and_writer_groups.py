"""The two editorial roles, as groups an administrator puts people in (docs/editors.md)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("blog", "post", ["add", "change", "delete", "view"]),
    ("blog", "tag", ["add", "change", "delete", "view"]),
    ("blog", "redirect", ["add", "change", "delete", "view"]),
    ("authors", "author", ["add", "change", "delete", "view"]),
    # To link an author to a writer's login account (the author form's user field).
    ("auth", "user", ["view"]),
]
EDITOR_EXTRA = [("blog", "can_publish"), ("blog", "change_any_post")]
# Writers change only their own posts (the admin narrows "change" to them) and pick tags.
WRITER_PERMISSIONS = [
    ("blog", "post", ["add", "change", "view"]),
    ("blog", "tag", ["view"]),
]


def _codenames(spec):
    return [(app, f"{action}_{model}") for app, model, actions in spec for action in actions]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return found

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions(_codenames(EDITOR_PERMISSIONS) + EDITOR_EXTRA))
    writers, _ = Group.objects.get_or_create(name="Writers")
    writers.permissions.add(*permissions(_codenames(WRITER_PERMISSIONS)))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Writers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("authors", "0001_initial"),
        ("blog", "0002_editors_redirects_revisions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
