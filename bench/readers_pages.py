"""Time the reader pages (lists, post, archive, feeds, sitemap) with images and tags.

    .venv/bin/python bench/readers_pages.py [POSTS]

Builds a throwaway in-memory database and MEDIA_ROOT, creates POSTS published posts
(default 300), each with a hero image, a thumbnail, an author photo and four tags,
then requests every page 20 times and prints the median time and the query count.
Image renditions are made once per distinct source when posts are saved; the time
that takes is printed too.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="folio-bench-media-")

import django  # noqa: E402

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from blog.models import Post  # noqa: E402
from tests.factories import image_file, make_author, make_post, make_tag  # noqa: E402


def main(count):
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    started = time.perf_counter()
    pictures = [
        default_storage.save(f"posts/p{i}.jpg", image_file(f"p{i}.jpg", size=(1800, 1000)))
        for i in range(5)
    ]
    fresh = time.perf_counter()
    make_post(image=image_file("fresh.jpg", size=(1800, 1000)))
    seconds, made = time.perf_counter() - fresh, len(Post.hero.specs)
    print(f"one post with a new 1800x1000 hero: {seconds:.2f}s ({made} renditions)")
    authors = [make_author(photo=pictures[i]) for i in range(3)]
    tags = [make_tag(f"Tag {i}") for i in range(20)]
    for i in range(count):
        make_post(
            author=authors[i % 3],
            tags=tags[i % 17 : i % 17 + 4],
            image=pictures[i % 5],
            thumb_image=pictures[(i + 1) % 5],
            publish_at=timezone.now() - timedelta(hours=i),
        )
    print(f"{count} posts with 5 distinct images saved in {time.perf_counter() - started:.2f}s")

    client = Client()
    now = timezone.now()
    urls = [
        "/",
        "/blog/?page=2",
        tags[0].get_absolute_url(),
        authors[0].get_absolute_url(),
        f"/blog/{now.year}/",
        "/blog/archive/",
        make_post(tags=tags[:4], image=pictures[0]).get_absolute_url(),
        "/blog/feed/",
        "/blog/atom/",
        "/sitemap.xml",
    ]
    print(f"{'page':<28} {'median ms':>10} {'queries':>8}")
    for url in urls:
        timings = []
        for _ in range(20):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                assert client.get(url).status_code == 200, url
                timings.append((time.perf_counter() - started) * 1000)
        print(f"{url:<28} {statistics.median(timings):>10.1f} {len(queries):>8}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
