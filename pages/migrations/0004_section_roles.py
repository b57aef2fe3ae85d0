"""Sections and form submissions in the editorial roles (docs/editors.md): editors and
writers change the sections of the pages they may change; editors read (and delete)
what visitors sent through contact forms."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECTIONS = [
    f"{action}_{model}"
    for model in ("section", "sectionitem")
    for action in ("add", "change", "delete", "view")
]
EDITORS = [*SECTIONS, "view_formsubmission", "delete_formsubmission"]
WRITERS = SECTIONS


def grant(apps, schema_editor):
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
    granted = Permission.objects.filter(content_type__app_label="pages", codename__in=EDITORS)
    for group in Group.objects.filter(name__in=["Editors", "Writers"]):
        group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [("pages", "0003_sections_and_form_submissions")]

    operations = [migrations.RunPython(grant, revoke)]
