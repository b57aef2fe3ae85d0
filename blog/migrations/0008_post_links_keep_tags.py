from django.db import migrations


def store_tags_in_links(apps, schema_editor):
    # The live code, as 0007 does: links are derived data, recomputed whole, and the
    # historical model has every field they read. (0007 already stores the tags on a
    # database migrated from before it; this recomputes them once more.)
    from blog.links import refresh

    refresh(model=apps.get_model("blog", "Post"))


class Migration(migrations.Migration):
    """Post.links also keeps the post's tags (blog/links.py): recompute every post's."""

    dependencies = [("blog", "0007_post_links")]

    operations = [migrations.RunPython(store_tags_in_links, migrations.RunPython.noop)]
