"""Editors change the site's settings and menus (docs/editors.md); writers do not."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("sitesettings", "sitesettings", ["add", "change", "view"]),
    ("sitesettings", "menuitem", ["add", "change", "delete", "view"]),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sitesettings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    codenames = [
        f"{action}_{model}" for _app, model, actions in EDITOR_PERMISSIONS for action in actions
    ]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="sitesettings", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="sitesettings")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("blog", "0003_editor_and_writer_groups"),
        ("sitesettings", "0001_site_settings_and_menus"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
