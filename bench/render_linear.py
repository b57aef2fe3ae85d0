#!/usr/bin/env python3
"""Rendering time grows linearly with the size of the markdown, whatever its shape.

    .venv/bin/python bench/render_linear.py [--size 36000] [--only gt,div] [--end-to-end]

Renders each input through ``folio.rendering.render_markdown`` at N, 2N, 4N and 8N
characters and prints the time of each and the ratio to the size before: ~2 per
doubling is linear, ~4 quadratic. The inputs are the shapes that once made the
sanitizer quadratic (deep blockquotes, lists, raw HTML and formatting elements left
open) next to ordinary posts. A case that takes longer than ``--give-up`` seconds
stops doubling, so a run on a quadratic renderer still ends.

``--end-to-end`` also times what a writer can trigger, on a fresh SQLite database:
the import of one post whose body is 290 KB of ``>``, and the editor's live preview
(the markdownx endpoint, as logged-in staff) of 60,000 ``>``.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORDINARY_POST = """\
## A heading with *emphasis* and `code`

A paragraph with a [link](https://example.com/a?b=c), **strong text**, an image
![alt text](/images/photo.jpg "a title") and a footnote.[^note]

- a list item
  - a nested item with `inline code`
- [ ] a task

> A quotation that runs
> over two lines.

```python
def greet(name):
    return f"Hello, {name}!"
```

| column | other |
|--------|-------|
| cell   | cell  |

<div class="aside"><p>Raw <em>HTML</em> in a post.</p></div>

[^note]: The footnote's text.

"""


def repeat_to(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


# name -> a function of the size in characters. Each pathological shape nests one
# level deeper per repeat; the ordinary ones are what posts look like.
CASES = {
    "gt": lambda n: ">" * n,
    "gt-space": lambda n: repeat_to("> ", n),
    "list": lambda n: repeat_to("- ", n) + "x",
    "ordered-list": lambda n: repeat_to("1. ", n) + "x",
    "quote-list": lambda n: repeat_to("> - ", n) + "x",
    "div": lambda n: repeat_to("<div>", n),
    "h1-div": lambda n: repeat_to("<h1><div>", n),
    "open-b": lambda n: "".join(f"<b title={i}>" for i in range(n // 14)) + "\n\nx" * 100,
    "p-open-b": lambda n: "".join(f"<p><b title={i}>x</p>" for i in range(n // 22)),
    "quote-open-b": lambda n: "".join(
        f"<blockquote><b title={i}></blockquote>x" for i in range(n // 40)
    ),
    "pre-code": lambda n: repeat_to('<pre><code class="language-a">', n),
    "emphasis": lambda n: repeat_to("*a", n),
    "brackets": lambda n: repeat_to("[a", n),
    "backticks": lambda n: repeat_to("`a", n),
    "ordinary": lambda n: repeat_to(ORDINARY_POST, n),
    "prose": lambda n: repeat_to("Plain words in a plain paragraph. " * 12 + "\n\n", n),
}


def time_render(render, text):
    """Seconds of the fastest of a few renders (one, when a render is slow)."""
    best = None
    for _ in range(3):
        started = time.perf_counter()
        render(text)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
        if seconds > 0.5:
            break
    return best


def linear_table(sizes, names, give_up):
    from folio.rendering import render_markdown

    print(f"render_markdown, seconds at {', '.join(f'{s:,}' for s in sizes)} characters")
    print("(ratio to the size before; ~2 per doubling is linear)")
    worst = 0.0
    for name in names:
        cells, previous = [], None
        for size in sizes:
            seconds = time_render(render_markdown, CASES[name](size))
            cell = f"{seconds:8.4f}"
            if previous:
                ratio = seconds / previous
                cell += f" (x{ratio:4.1f})"
                if size >= sizes[2]:  # the smallest sizes are mostly noise
                    worst = max(worst, ratio)
            cells.append(cell)
            previous = seconds
            if seconds > give_up:
                cells.append("(stopped)")
                break
        print(f"  {name:13} " + "  ".join(cells), flush=True)
    print(f"largest ratio per doubling from 2N on: x{worst:.1f}")


def end_to_end(base):
    """The two attacks of the review, timed through the real import and the real view."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from blog.importing import ImportOptions, import_site

    call_command("migrate", verbosity=0)
    site = base / "site"
    (site / "src/pages/blog").mkdir(parents=True)
    body = ">" * 290_000
    (site / "src/pages/blog/deep.md").write_text(
        f"---\ntitle: Deep\ndate: '2021-03-19'\n---\n{body}\n", encoding="utf-8"
    )
    started = time.perf_counter()
    result = import_site(site, ImportOptions(workers=1))
    seconds = time.perf_counter() - started
    actions = ", ".join(f"{r.action} {r.path}" for r in result.reports if r.kind == "post")
    print(f"import of one post of 290 KB of '>': {seconds:.2f} s ({actions})")

    user = get_user_model().objects.create_user("writer", is_staff=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    started = time.perf_counter()
    response = client.post(reverse("markdownx_markdownify"), {"content": ">" * 60_000})
    seconds = time.perf_counter() - started
    print(
        f"preview of 60,000 '>': {seconds:.2f} s, status {response.status_code}, "
        f"{len(response.content):,} bytes"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=36_000, help="N, in characters")
    parser.add_argument("--only", help="comma-separated case names: " + ", ".join(CASES))
    parser.add_argument("--give-up", type=float, default=10.0, help="seconds per render")
    parser.add_argument("--end-to-end", action="store_true")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(CASES)
    unknown = set(names) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    with tempfile.TemporaryDirectory(prefix="folio-render-") as tmp:
        # A database and media folder of its own, named before Django reads its settings.
        os.environ["SQLITE_PATH"] = str(Path(tmp) / "db.sqlite3")
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        import django

        django.setup()
        linear_table([args.size * 2**k for k in range(4)], names, args.give_up)
        if args.end_to_end:
            end_to_end(Path(tmp))


if __name__ == "__main__":
    main()
