from django.db import migrations


def store_tags_in_links(apps, schema_editor):
    from blog.links import refresh

    refresh(model=apps.get_model("blog", "Post"))


class Migration(migrations.Migration):
    """Post.links also keeps the post's tags (blog/links.py): recompute every post's."""

    dependencies = [("blog", "0007_post_links")]

    operations = [migrations.RunPython(store_tags_in_links, migrations.RunPython.noop)]
