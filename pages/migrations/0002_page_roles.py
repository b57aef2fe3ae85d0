"""Pages in the two editorial roles (docs/editors.md): editors manage and publish every
page; writers draft pages and change pages that are drafts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = ["add_page", "change_page", "delete_page", "view_page", "can_publish"]
WRITERS = ["add_page", "change_page", "view_page"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", EDITORS), ("Writers", WRITERS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="pages", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pages = Permission.objects.filter(content_type__app_label="pages")
    for group in Group.objects.filter(name__in=["Editors", "Writers"]):
        group.permissions.remove(*pages)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("blog", "0003_editor_and_writer_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
