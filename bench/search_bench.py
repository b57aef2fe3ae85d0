"""Search latency with 10,000 posts, on SQLite and on PostgreSQL in one run.

    .venv/bin/python bench/search_bench.py [--posts 10000] [--repeat 50]
        [--postgres postgres://postgres@127.0.0.1:5432/folio_search_bench]

For each database (PostgreSQL is skipped when it does not answer) a child process
builds a fresh database: it bulk-creates realistic posts (generated markdown rendered
by folio.rendering.render_markdown, authors, tags, some drafts and scheduled posts),
rebuilds the search index, then times one-word and two-word queries through the
search page's own view (parse, count, ranked page with snippets, posts, template).
The SQLite file lives in a temporary directory; the PostgreSQL database named in the
URL is dropped and recreated.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_WORD = ["garden", "network", "sourdough", "river", "typography", "kitchen"]
TWO_WORDS = ["garden tomatoes", "network cable", "sourdough starter", "river bridge"]

TOPICS = {
    "garden": "garden balcony tomatoes basil soil compost seeds watering pots herbs "
    "sunlight harvest roots leaves flowers seedlings mulch pruning",
    "network": "network router cable server latency packets switch firewall wifi "
    "bandwidth protocol address gateway homelab rack ethernet",
    "bread": "sourdough starter flour dough oven crust loaf yeast proofing kneading "
    "hydration bakery crumb rye baking butter",
    "travel": "river bridge cycling village train map route camping ferry castle "
    "vineyard valley market station luggage hills",
    "design": "typography font serif kerning layout grid margins contrast headings "
    "readability colour spacing italic measure",
    "code": "python django testing database query function module deploy review "
    "refactor debugging migration template cache",
    "home": "kitchen table desk morning coffee chair window lamp routine quiet "
    "notebook calendar evening weekend",
}
COMMON = (
    "the of and to a in is that it was for on are as with his they at be this from "
    "have or by one had not but what all were when we there can an your which their "
    "said if do will each about how up out them then she many some so these would "
    "other into has more her two like him see time could no make than first been its "
    "who now people my made over did down only way find use may water long little "
    "very after words called just where most know get through back much before go "
    "good new write our used me man too any day same right look think also around "
    "another came come work three word must because does part even place well such "
    "year small week learn again think better early plan slow careful simple"
).split()


def sentence(rng, topic_words):
    words = [
        rng.choice(topic_words) if rng.random() < 0.3 else rng.choice(COMMON)
        for _ in range(rng.randint(8, 22))
    ]
    return " ".join(words).capitalize() + "."


def markdown_body(rng, topic_words):
    parts = []
    for _ in range(rng.randint(4, 12)):
        kind = rng.random()
        if kind < 0.12:
            parts.append("## " + sentence(rng, topic_words)[:-1])
        elif kind < 0.2:
            parts.append("\n".join(f"- {sentence(rng, topic_words)}" for _ in range(3)))
        elif kind < 0.24:
            parts.append("```python\nfor item in items:\n    print(item)\n```")
        else:
            paragraph = " ".join(sentence(rng, topic_words) for _ in range(rng.randint(2, 6)))
            parts.append(paragraph.replace(" the ", " **the** ", 1))
    return "\n\n".join(parts)


def build(n_posts):
    """Bulk-create ``n_posts`` posts through the ORM, then index them all."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from authors.models import Author
    from blog.models import Post, Tag
    from folio.rendering import html_to_text, render_markdown
    from search.indexing import rebuild

    call_command("migrate", verbosity=0)
    rng = random.Random(10_000)
    authors = Author.objects.bulk_create(
        Author(
            first_name=f"Writer{i}", last_name=rng.choice(["Lind", "Okafor", "Berg"]), slug=f"w{i}"
        )
        for i in range(20)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"{name} {i}", slug=f"{name.lower()}-{i}")
        for name in ["Essays", "Notes", "Projects", "Reviews", "Journal"]
        for i in range(7)
    )
    now = timezone.now()
    topics = list(TOPICS)
    posts = []
    for i in range(n_posts):
        # A post uses a handful of its topic's words, as real posts do: so a topic
        # word appears in a few per cent of posts, not in every post of the topic.
        words = rng.sample(TOPICS[rng.choice(topics)].split(), 4)
        body_html = render_markdown(markdown_body(rng, words))
        text = html_to_text(body_html)
        state = rng.random()
        posts.append(
            Post(
                title=sentence(rng, words)[:-1][:120],
                subtitle=sentence(rng, words)[:200] if rng.random() < 0.4 else "",
                slug=f"post-{i}",
                author=rng.choice(authors),
                status=Post.Status.DRAFT if state < 0.05 else Post.Status.PUBLISHED,
                publish_at=now + timedelta(days=3) if state > 0.97 else now - timedelta(hours=i),
                body_html=body_html,
                excerpt_html=render_markdown(" ".join(text.split()[:40])),
                word_count=len(text.split()),
            )
        )
    Post.objects.bulk_create(posts, batch_size=500)
    through = Post.tags.through
    through.objects.bulk_create(
        [
            through(post_id=post.pk, tag_id=tag.pk)
            for post in Post.objects.only("pk")
            for tag in rng.sample(tags, 2)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    rebuild()
    elapsed = time.perf_counter() - started
    # Fresh planner statistics after the bulk load, as autovacuum would soon give.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return elapsed


def measure(queries, repeat):
    """Latency (ms) of the search page's view for these queries, each run ``repeat`` times."""
    from django.test import RequestFactory

    from search.views import SearchView

    view = SearchView.as_view()
    factory = RequestFactory(HTTP_HOST="localhost")  # an allowed host in local settings
    timings, counts = [], {}
    for q in queries:
        for attempt in range(repeat + 3):
            request = factory.get("/search/", {"q": q})
            started = time.perf_counter()
            response = view(request)
            response.render()
            elapsed = (time.perf_counter() - started) * 1000
            if attempt >= 3:  # the first runs warm caches and the connection
                timings.append(elapsed)
        counts[q] = response.context_data["paginator"].count
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "matches": counts,
    }


def child(args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    if not os.environ.get("DATABASE_URL"):
        settings.DATABASES["default"]["NAME"] = args.sqlite_path
    settings.DEBUG = False  # DEBUG keeps every query in memory
    django.setup()
    from django.db import connection

    index_seconds = build(args.posts)
    result = {
        "database": f"{connection.vendor} {connection.Database.__name__}",
        "posts": args.posts,
        "rebuild_index_s": round(index_seconds, 1),
        "one_word": measure(ONE_WORD, args.repeat),
        "two_words": measure(TWO_WORDS, args.repeat),
    }
    print(json.dumps(result))


def recreate_postgres(url):
    """Drop and create the benchmark database; False when PostgreSQL does not answer."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        return False
    return True


def run_child(args, env):
    command = [sys.executable, __file__, "--child", "--posts", str(args.posts)]
    command += ["--repeat", str(args.repeat), "--sqlite-path", args.sqlite_path]
    output = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/folio_search_bench"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite-path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with tempfile.TemporaryDirectory() as tmp:
        args.sqlite_path = str(Path(tmp) / "bench.sqlite3")
        results = [run_child(args, env)]
    if recreate_postgres(args.postgres):
        results.append(run_child(args, {**env, "DATABASE_URL": args.postgres}))

    print(f"{args.posts} posts; {args.repeat} runs per query; one-word: {ONE_WORD}; ")
    print(f"two-word: {TWO_WORDS}\n")
    print("| database | rebuild index | one word: median / p95 | two words: median / p95 |")
    print("|---|---|---|---|")
    for r in results:
        one, two = r["one_word"], r["two_words"]
        print(
            f"| {r['database']} | {r['rebuild_index_s']} s "
            f"| {one['median_ms']} ms / {one['p95_ms']} ms "
            f"| {two['median_ms']} ms / {two['p95_ms']} ms |"
        )
    for r in results:
        print(
            f"\nmatches on {r['database']}: {r['one_word']['matches']} {r['two_words']['matches']}"
        )


if __name__ == "__main__":
    main()
