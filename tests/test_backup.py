"""The portable backup (dumpdata / loaddata, docs/backup.md) restores everything exactly.

bench/backup_restore_check.py does the full procedure (native database backup plus
media) on a generated site; this is the round trip CI runs on every change.
"""

import datetime
import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from authors.models import Author
from bench.backup_restore_check import DUMPDATA_ARGS, differences, snapshot
from blog.models import Post, PostRevision, Redirect, Tag
from tests.factories import image_file, make_author, make_post, make_tag

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


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


def after_any_restore_commands():
    """The commands docs/backup.md says to run after any restore."""
    text = (ROOT / "docs" / "backup.md").read_text()
    block = re.search(r"### After any restore\n+```sh\n(.*?)```", text, re.S).group(1)
    return [shlex.split(line)[2:] for line in block.splitlines() if "manage.py" in line]


def test_the_documented_restore_leaves_no_page_of_the_replaced_content(
    settings, client, django_capture_on_commit_callbacks
):
    """A restore (pg_restore, SQLite's .restore) rewrites rows behind Django's back, so no
    write reaches the page cache; the step docs/backup.md gives after any restore must
    make every cached page show the restored content at once."""
    from folio import pagecache
    from folio.models import SiteGeneration

    settings.FOLIO_PAGE_CACHE = True
    pagecache._pending.update(trusted=True, next_check=0.0)
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(title="As in the backup")
    backed_up = SiteGeneration.objects.values_list("value", flat=True).get()
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Written after the backup"
        post.save()
    url = post.get_absolute_url()
    assert "Written after the backup" in client.get(url).content.decode()
    assert "Written after the backup" in client.get(reverse("home")).content.decode()

    # The restore: the rows as they were, the count of writes included.
    Post.objects.filter(pk=post.pk).update(title="As in the backup")
    SiteGeneration.objects.update(value=backed_up)
    assert "Written after the backup" in client.get(url).content.decode()  # the hazard

    commands = after_any_restore_commands()
    assert ["invalidate_pages"] in commands
    for command in commands:
        call_command(*command, stdout=StringIO())
    for page in (url, reverse("home")):
        html = client.get(page).content.decode()
        assert "As in the backup" in html and "Written after the backup" not in html, page
    pagecache._pending.update(trusted=True, next_check=0.0)
