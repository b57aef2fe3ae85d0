"""The portable backup (dumpdata / loaddata, docs/backup.md) restores everything exactly.

bench/backup_restore_check.py does the full procedure (native database backup plus
media) on a generated site; this is the round trip CI runs on every change.
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from authors.models import Author
from bench.backup_restore_check import DUMPDATA_ARGS, differences, snapshot
from blog.models import Post, PostRevision, Redirect, Tag
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db


def truncate_to_milliseconds(state):
    """Django's JSON encoder keeps milliseconds (documented); every other value is exact."""
    for rows in state["rows"].values():
        for row in rows:
            for name, value in row["fields"].items():
                if isinstance(value, datetime.datetime):
                    row["fields"][name] = value.replace(
                        microsecond=value.microsecond // 1000 * 1000
                    )
    return state


def test_dumpdata_then_loaddata_restores_every_row_and_file(
    media_root, django_user_model, tmp_path
):
    editor = django_user_model.objects.create_user("eddie", password="pw", is_staff=True)
    author = make_author(
        first_name="Ünï", bio="# Bio\n\nWith *markdown*  \n", photo=image_file("me.jpg")
    )
    tags = [make_tag("Python"), make_tag("Ops", kind="category")]
    for n in range(5):
        post = make_post(
            author=author,
            tags=tags,
            body=f"Body {n} with trailing space  \n\n```py\nx = {n}\n```\n",
            image=image_file(f"hero{n}.png", fmt="PNG"),
            extra={"tweet_id": str(n), "nested": {"list": [1, None, "é"]}},
        )
        post.edited_by = editor
        post.slug += "-moved"
        post.save()
    assert Redirect.objects.count() == 5
    before = snapshot(media_root)
    originals = {name for name in before["media"] if not name.startswith("renditions/")}
    assert len(originals) == 6  # the photo and five heroes (renditions besides)

    backup = tmp_path / "backup.json"
    call_command("dumpdata", *DUMPDATA_ARGS, output=str(backup), stdout=StringIO())
    # The wipe: every row the backup holds (flush cannot run inside a test transaction
    # on PostgreSQL, which is what keeps this test fast and isolated).
    for model in (PostRevision, Redirect, Post, Tag, Author, Group):
        model.objects.all().delete()
    django_user_model.objects.all().delete()
    assert snapshot(media_root)["rows"]["blog.Post"] == []
    call_command("loaddata", str(backup), stdout=StringIO())

    after = snapshot(media_root)
    assert differences(truncate_to_milliseconds(before), truncate_to_milliseconds(after)) == []
    assert Post.objects.get(slug__endswith="-moved", body__startswith="Body 0").tags.count() == 2
