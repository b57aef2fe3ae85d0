#!/usr/bin/env python3
"""Generate a synthetic Stackbit "Azimuth" (Gatsby) site for Folio benchmarks.

Folio imports Azimuth static sites (see /work/shared/FORMAT.md).  Real sites
are small and private, so to measure the importer, the renderer and search at
scale this script writes a fake but realistic site of N posts:

    OUT_DIR/
      site-metadata.json              title, header/footer navigation
      src/pages/blog/index.md         the listing page (template: blog), NOT a post
      src/pages/blog/<slug>.md        one post each, slug ``post-00042-some-words``
      src/data/authors/<slug>.yaml    ~80% of the authors
      src/data/authors/<slug>.json    ~20% of the authors
      src/data/tags/<slug>.yaml       a few tag files (id / title / description)
      static/images/*.jpg             N real (baseline JPEG) gradient images
                                      plus author-<n>.jpg photos
      static/images/posts/*.jpg       only with --images-per-post K: K distinct
                                      photo-like JPEGs of each post's own,
                                      1200-2400 px wide (the first is its
                                      image/thumb_image, the others figures)
      hugo/                           only with --hugo: a Hugo site whose
                                      content/blog/ holds the same posts, so
                                      ``hugo -s OUT_DIR/hugo`` renders them all

Posts look like the real seed post: YAML front matter (title, sometimes a
subtitle, a quoted 'YYYY-MM-DD' date between 2015 and 2026 or an ISO datetime,
a folded ``>`` excerpt, template: post, author path to a .yaml/.json file,
image/thumb_image, 1-3 tags, ~1 in 200 ``draft: true``) and a ~1,500-word
markdown body with headings, lists, links, emphasis, a blockquote, a fenced
code block and 1-2 images that exist in static/images.

Some quirks of real sites are reproduced on purpose, at low rates: unquoted
ISO timestamps (YAML hands back a datetime), quoted '...Z' datetimes,
``subtitle: ''``, ``title: >-`` folded titles, no-break spaces and trailing
blank lines in excerpts, shuffled key order, author first names with stray
whitespace, Stackbit-style ``person-xxxxxxxxx.json`` author files and
markdown bios.  Not (yet) generated: raw HTML, odd image file names
(spaces, .JPEG), missing images, categories, related_posts, non-post pages.

Usage:
    python bench/generate_site.py OUT_DIR [--posts 10000] [--authors 50]
        [--images 40] [--images-per-post 0] [--seed 1] [--hugo] [--force] [--jobs N]

or from Python:
    from bench.generate_site import generate_site
    counts = generate_site(Path("/tmp/site"), posts=1000, seed=7)

Properties worth knowing:
  * Deterministic: the same arguments give byte-identical output on any
    machine (no dependency on Pillow, the clock, hash randomisation or the
    number of worker processes).
  * Every post is seeded from (seed, post number) alone, so post-00042 is the
    same file whether you generate 200 or 99,999 posts (given the same
    --authors/--images; the number is zero-padded to 5 digits, or more when
    --posts needs it).  ~30% of posts link to an earlier post (/blog/<slug>/).
  * Standard library only.  JPEGs are written by a tiny built-in baseline
    JPEG encoder (DC-only 8x8 blocks = a smooth gradient), so Pillow is not
    needed; Pillow/libjpeg decode them normally.
  * Speed: 10,000 posts in a few seconds; posts are spread over --jobs
    processes (default: CPU count, at most 8).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import multiprocessing
import os
import re
import shutil
import sys
import time
from pathlib import Path
from random import Random

from PIL import Image, ImageOps

__all__ = ["generate_site", "main"]

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

NOUNS = """
team project career network skill job interview resume community conference
meetup event speaker blog post article idea question answer problem solution
tool library framework language database server client browser request
response page site design layout colour font image photo camera story reader
writer editor draft deadline meeting manager engineer developer designer
recruiter mentor student teacher lesson course book chapter note list plan
goal habit routine morning evening weekend holiday city street office home
kitchen garden coffee tea lunch dinner budget price market customer product
feature release version update bug test deploy pipeline cluster container
service feedback review comment message email phone call video chat channel
forum thread topic trend habit strategy process workflow system method model
pattern example template config file folder backup report metric chart table
number result decision risk reason value benefit cost effort moment week month
year decade history future opportunity challenge experience career path
journey step stage level audience voice tone rhythm habit hobby friend family
colleague partner neighbour company startup agency industry field culture
skill language keyboard screen laptop desk window door river mountain forest
""".split()

ADJECTIVES = """
simple clear quick slow small large modern classic practical useful honest
quiet loud bright dark warm cool fresh early late busy calm careful curious
remote local global digital personal professional technical creative strong
gentle rough smooth steady stable flexible reliable efficient effective common
rare obvious subtle important urgent minor major complex tiny huge new old
young senior junior better worse open closed public private shared free
expensive cheap healthy tired happy hopeful genuine friendly awkward difficult
easy hard long short real virtual familiar strange typical unusual entire
consistent thoughtful relevant specific meaningful valuable solid rapid
""".split()

VERBS_BASE = """
build write read share learn teach find keep make take give ask answer help
start finish plan test ship review change improve reduce explain describe
follow lead manage choose create design measure track fix move open close
support improve connect discover explore collect organise publish update
check compare replace remove add prepare practise protect trust notice
""".split()

ADVERBS = """
quickly slowly carefully quietly easily rarely often usually always never
gently clearly simply openly honestly gradually steadily eventually finally
together early later again already still
""".split()

DEGREE = "very really quite rather surprisingly remarkably fairly almost truly".split()
LINKING = "is seems feels looks remains becomes stays".split()
DETERMINERS = "the this that every each our your their one any the the the".split()
PLURAL_DET = "many most some all these those our your their the the few".split()
SUBJECTS = ("we", "you", "they", "we", "you", "people", "teams", "most of us")
PREPOSITIONS = (
    "in on with for from about across into through without under over "
    "behind beyond around during after before near against".split()
)
SENT_PREP = "in during after before across without through beyond".split()
CONJUNCTIONS = "and but so yet while because although".split()
MODALS = "can should will could might must would".split()
SENT_ADVERBS = tuple(
    w.replace("_", " ")
    for w in (
        "however of_course in_practice sometimes usually meanwhile honestly "
        "fortunately unfortunately at_first in_the_end more_often_than_not"
    ).split()
)
WH = "how why when where what".split()

FIRST_NAMES = """
Ansubha Maya Jonas Priya Tomasz Aiko Lucia Daniel Fatima Oliver Ingrid Kwame
Sofia Mateo Hannah Ravi Elena Noah Amara Felix Leila Samuel Yuki Chloe Omar
Greta Tariq Nina Pablo Zara Ethan Mei Victor Alma Kenji Rosa Ibrahim Clara
Lars Ada
""".split()

LAST_NAMES = """
Manandhar Okafor Lindqvist Sharma Nowak Tanaka Romero Fischer Haddad Bennett
Johansson Mensah Costa Alvarez Weber Iyer Petrova Dubois Nwosu Keller Rahimi
Adeyemi Sato Martin Farouk Berg Qureshi Kowalski Garcia Osei Walker Chen
Moreau Lund Ito Silva Demir Novak Larsen Byrne
""".split()

TAG_VOCABULARY = [
    "Python",
    "JavaScript",
    "Django",
    "career",
    "remote work",
    "networking",
    "productivity",
    "design",
    "UX",
    "testing",
    "DevOps",
    "cloud",
    "security",
    "databases",
    "PostgreSQL",
    "open source",
    "machine learning",
    "data science",
    "web performance",
    "accessibility",
    "CSS",
    "React",
    "TypeScript",
    "Go",
    "Rust",
    "APIs",
    "architecture",
    "hiring",
    "interviews",
    "leadership",
    "mentoring",
    "writing",
    "tutorial",
    "news",
    "community",
    "events",
    "startups",
    "mobile",
    "Linux",
    "C++",
]

# Tag files written to src/data/tags/: (tag, id, description)
TAG_FILES = [
    ("JavaScript", "JS", "Posts about **JavaScript**, the browser and Node.js."),
    ("Python", "PY", "Everything _Python_: scripts, Django and data work."),
    (
        "career",
        "CAREER",
        "Finding, keeping and growing a job in tech.\n\n<!-- curated by the editors -->",
    ),
    ("DevOps", "OPS", "Pipelines, containers and keeping services alive."),
    (
        "open source",
        "OSS",
        "Contributing to and maintaining [open source](https://example.com/oss) projects.",
    ),
    ("CSS", "CSS", "Layout, colour and typography on the web."),
    (
        "security",
        "SEC",
        "Keeping users and their data safe.\n\n- threat models\n- passwords\n- updates",
    ),
    ("tutorial", "HOWTO", "Step-by-step guides."),
]


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "x", "ch", "sh", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _zipf(words: list, rng: Random) -> tuple:
    """Shuffle a word list with the site seed and repeat the first words so a
    uniform pick gives a Zipf-like frequency profile that varies per seed."""
    words = list(dict.fromkeys(words))
    rng.shuffle(words)
    n = len(words)
    return tuple(words + words[: n // 2] + words[: n // 5] + words[: n // 12])


# Sentence templates: "{SLOT}" picks from a word list, "{SLOT,}" adds a comma,
# anything else is literal.  The last character is the end punctuation.
SENTENCE_TEMPLATES = [
    "{D} {A} {N} {V3} {D} {N} {P} {D} {N}.",
    "{PD} {NP} {V} {D} {A} {N} {ADV}.",
    "{S} {V} {D} {N} {C} {S} {V} {D} {A} {N}.",
    "{SP} {D} {A} {N,} {S} {M} {V} {PD} {NP} {P} {D} {N}.",
    "{SA,} {D} {N} {V3} {ADV} {P} {PD} {A} {NP}.",
    "{S} {M} {ADV} {V} {D} {N} when {D} {N} {L} {A}.",
    "it {L} {A} to {V} {PD} {NP} {P} {D} {A} {N}.",
    "{WH} {M} {S} {V} {D} {A} {N}?",
    "{D} {N} {L} {DEG} {A,} {C} {PD} {NP} {V} {ADV}.",
    "{S} {V} {PD} {NP} {P} {D} {N} {C} {V} {D} {A} {N} {P} {NP}.",
    "{D} {A} {N} {V3} {PD} {NP,} {C} {S} {M} {V} {D} {N} {P} {D} {N}.",
    "{SA,} {S} {V} {D} {N} {P} {D} {A} {N}.",
]

CODE_TEMPLATES = {
    "python": [
        "def load_«n»s(path):\n"
        '    """Return every «n» found in the file at path."""\n'
        "    «n»s = []\n"
        '    with open(path, encoding="utf-8") as fh:\n'
        "        for line in fh:\n"
        "            if line.strip():\n"
        "                «n»s.append(line.strip())\n"
        "    return «n»s",
        "from collections import Counter\n"
        "\n"
        "def top_«n»s(«n2»s, limit=10):\n"
        "    counts = Counter()\n"
        "    for «n2» in «n2»s:\n"
        "        counts[«n2».«n»] += 1\n"
        "    # the most common first\n"
        "    return counts.most_common(limit)",
    ],
    "js": [
        "async function fetch«N»(id) {\n"
        "  const response = await fetch(`/api/«n»s/${id}`);\n"
        "  if (!response.ok) {\n"
        "    throw new Error(`could not load «n» ${id}`);\n"
        "  }\n"
        "  const data = await response.json();\n"
        "  return data.«n2»;\n"
        "}",
        "const «n»s = items\n"
        "  .filter((item) => item.«n2» !== null)\n"
        "  .map((item) => ({\n"
        "    id: item.id,\n"
        "    «n2»: item.«n2».trim(),\n"
        "  }));\n"
        "\n"
        "console.log(`found ${«n»s.length} «n»s`);",
    ],
    "bash": [
        "#!/usr/bin/env bash\n"
        "set -euo pipefail\n"
        '«n»_dir="${1:-./«n»s}"\n'
        'mkdir -p "$«n»_dir"\n'
        "for file in *.md; do\n"
        '  echo "copying $file"\n'
        '  cp "$file" "$«n»_dir/"\n'
        "done",
        "# count the «n»s in every log file\n"
        "for log in logs/*.log; do\n"
        '  total=$(grep -c "«n2»" "$log" || true)\n'
        '  printf "%s\\t%s\\n" "$log" "$total"\n'
        "done | sort -k2 -n -r | head -n 10\n"
        "\n"
        'echo "done"\n'
        "exit 0",
    ],
}

HEADING_TEMPLATES = [
    "{A} {NP}",
    "{V} {PD} {A} {NP}",
    "why {NP} {V} {ADV}",
    "the {A} {N}",
    "{WH} to {V} {PD} {NP}",
    "knowing {WH} to {V}",
    "{N} and {N}",
    "{V} with {A} {NP}",
    "a note on {NP}",
    "{A} {NP} and {A} {NP}",
    "moving forward with {N}",
    "the {N} {N}",
]

TITLE_TEMPLATES = [
    "{A} {N} tips for {A} {NP}",
    "how to {V} {D} {A} {N}",
    "why {NP} {V} {A} {NP}",
    "{NUM} ways to {V} your {N}",
    "the {A} guide to {N} and {N}",
    "{A} {NP}: what we learned",
    "what I learned about {N} in {YEAR}",
    "don't {V} your {N} {ADV}",
    "{V} {A} {NP} without {A} {NP}",
    "notes on {A} {NP}",
    "a closer look at {A} {NP}",
    "the {N} is not the {N}",
]

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_YAML_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()?!&/+-]*\Z")
_YAML_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def yaml_str(s: str) -> str:
    """A YAML scalar for s: plain when unambiguous, else single-quoted."""
    if (
        s
        and _YAML_PLAIN.match(s)
        and ": " not in s
        and " #" not in s
        and not s.endswith(" ")
        and s.lower() not in _YAML_RESERVED
    ):
        return s
    return "'" + s.replace("'", "''") + "'"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def wrap(text: str, width: int = 76) -> list:
    """Greedy word wrap (faster than textwrap for our simple text)."""
    lines, cur, n = [], [], 0
    for w in text.split(" "):
        if cur and n + 1 + len(w) > width:
            lines.append(" ".join(cur))
            cur, n = [w], len(w)
        else:
            n += len(w) + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(data)
    return len(data)


def make_jpeg(width: int, height: int, top_left, bottom_right) -> bytes:
    """A real JPEG (Pillow): a diagonal gradient between two RGB colours."""
    gradient = Image.linear_gradient("L").rotate(45, resample=Image.Resampling.BILINEAR)
    gradient = gradient.crop((48, 48, 208, 208)).resize((width, height))
    image = ImageOps.colorize(gradient, top_left, bottom_right)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def post_image(ctx, number: int, k: int):
    """(file name, width, height, colours) of post ``number``'s ``k``-th own image.

    Seeded from (seed, post, k) alone, like the posts; 1200-2400 px wide, 3:2 or 4:3,
    so both the 1600 px rendition (from a 1200 px source: never enlarged) and real
    downsizing are exercised.
    """
    rng = Random("folio-bench:%d:image:%d:%d" % (ctx.seed, number, k))
    width = rng.randint(1200, 2400)
    height = width * rng.choice((2, 3)) // rng.choice((3, 4))
    name = "posts/post-%05d-%d.jpg" % (number, k)
    return name, width, height, (_random_colour(rng), _random_colour(rng))


def make_photo(width: int, height: int, top_left, bottom_right) -> bytes:
    """A JPEG about as costly as a photo of its size (a gradient alone compresses to
    almost nothing and decodes faster than any real picture): a gradient with grain."""
    gradient = Image.linear_gradient("L").rotate(45, resample=Image.Resampling.BILINEAR)
    gradient = gradient.crop((48, 48, 208, 208)).resize((width, height))
    image = ImageOps.colorize(gradient, top_left, bottom_right)
    # Grain from the colours (not Pillow's unseeded noise): the same file every time.
    tile = Image.frombytes("L", (256, 256), Random(repr((top_left, bottom_right))).randbytes(65536))
    grain = Image.new("L", (width, height))
    for x in range(0, width, 256):
        for y in range(0, height, 256):
            grain.paste(tile, (x, y))
    image = Image.blend(image, grain.convert("RGB"), 0.15)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _random_colour(rng: Random):
    return (rng.randint(16, 240), rng.randint(16, 240), rng.randint(16, 240))


# ---------------------------------------------------------------------------
# Site context: everything shared by all posts, derived from the seed alone
# ---------------------------------------------------------------------------


class Context:
    def __init__(self, seed: int, n_authors: int, n_images: int, images_per_post: int = 0):
        self.seed = seed
        self.images_per_post = images_per_post
        rng = Random("folio-bench:%d:site" % seed)
        self.nouns = _zipf(NOUNS, rng)
        self.plurals = tuple(_plural(w) for w in self.nouns)
        self.adjectives = _zipf(ADJECTIVES, rng)
        verbs = _zipf(VERBS_BASE, rng)
        self.verbs = verbs
        self.verbs3 = tuple(_third_person(v) for v in verbs)
        self.adverbs = _zipf(ADVERBS, rng)
        slots = {
            "D": DETERMINERS,
            "A": self.adjectives,
            "N": self.nouns,
            "NP": self.plurals,
            "V": self.verbs,
            "V3": self.verbs3,
            "ADV": self.adverbs,
            "DEG": DEGREE,
            "L": LINKING,
            "PD": PLURAL_DET,
            "S": SUBJECTS,
            "P": PREPOSITIONS,
            "SP": SENT_PREP,
            "C": CONJUNCTIONS,
            "M": MODALS,
            "SA": SENT_ADVERBS,
            "WH": WH,
            "NUM": tuple(str(i) for i in range(3, 13)),
            "YEAR": tuple(str(y) for y in range(2015, 2027)),
        }
        self.slots = slots
        self.templates = [self._compile(t) for t in SENTENCE_TEMPLATES]
        self.titles = [self._compile(t + ".") for t in TITLE_TEMPLATES]
        self.headings = [self._compile(t + ".") for t in HEADING_TEMPLATES]

        # Images: <word>-<word>-NNN.jpg, all distinct.
        self.images = [
            "%s-%s-%03d.jpg" % (rng.choice(ADJECTIVES), rng.choice(NOUNS), i + 1)
            for i in range(n_images)
        ]
        self.image_colours = [(_random_colour(rng), _random_colour(rng)) for _ in range(n_images)]

        # Authors: (file name, record dict); ~20% JSON, some Stackbit-style ids.
        self.authors = []
        used = set()
        for i in range(n_authors):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            is_json = rng.random() < 0.2
            if is_json and rng.random() < 0.5:
                stem = "person-" + "".join(
                    rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(9)
                )
            else:
                stem = slugify(first + " " + last)
            base, k = stem, 2
            while stem in used:
                stem, k = "%s-%d" % (base, k), k + 1
            used.add(stem)
            shown_first = first
            r = rng.random()
            if r < 0.08:
                shown_first = first + " "
            elif r < 0.11:
                shown_first = " " + first
            record = {
                "first_name": shown_first,
                "last_name": last,
                "bio": self._bio(rng, first),
                "photo": "images/author-%d.jpg" % (i + 1),
            }
            self.authors.append((stem + (".json" if is_json else ".yaml"), record))
        self.author_colours = [(_random_colour(rng), _random_colour(rng)) for _ in range(n_authors)]

    def _compile(self, template: str):
        end = template[-1]
        parts = []
        for tok in template[:-1].split(" "):
            if tok.startswith("{"):
                name, suffix = tok[1:].split("}", 1)
                if name.endswith(","):
                    name, suffix = name[:-1], "," + suffix
                words = tuple(w + suffix for w in self.slots[name])
                parts.append((words, len(words)))
            else:
                parts.append(((tok,), 1))
        return parts, end

    def sentence(self, rng: Random) -> list:
        """Words of one sentence (first capitalised, end punctuation on the
        last word)."""
        parts, end = self.templates[int(rng.random() * len(self.templates))]
        r = rng.random
        words = [w[int(r() * n)] for w, n in parts]
        words[0] = words[0][0].upper() + words[0][1:]
        words[-1] += end
        return words

    def _bio(self, rng: Random, first: str) -> str:
        r = rng.random()
        if r < 0.15:
            return ""
        text = f"{first} writes about {rng.choice(self.plurals)} and {rng.choice(self.plurals)}."
        text += " " + " ".join(" ".join(self.sentence(rng)) for _ in range(2))
        if r < 0.45:
            return text
        items = "\n".join("- " + " ".join(self.sentence(rng))[:-1] for _ in range(3))
        return f"## About {first}\n\n{text}\n\n{items}"


# ---------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------

_DATE_START = _dt.date(2015, 1, 1).toordinal()
_DATE_END = _dt.date(2026, 10, 31).toordinal()


def _post_rng(seed: int, number: int) -> Random:
    return Random("folio-bench:%d:post:%d" % (seed, number))


def title_and_slug(ctx: Context, rng: Random, number: int, width: int):
    parts, _ = ctx.titles[int(rng.random() * len(ctx.titles))]
    words = [w[int(rng.random() * n)] for w, n in parts]
    title = " ".join(words)
    if rng.random() < 0.2:  # Title Case sometimes
        title = " ".join(
            w[:1].upper() + w[1:] if len(w) > 3 or i == 0 else w
            for i, w in enumerate(title.split(" "))
        )
    else:
        title = title[0].upper() + title[1:]
    title = title.replace(" i ", " I ")
    slug_words = slugify(title).split("-")[:5]
    slug = "post-%0*d-%s" % (width, number, "-".join(slug_words))
    return title, slug


def _heading(ctx: Context, rng: Random) -> str:
    parts, _ = ctx.headings[int(rng.random() * len(ctx.headings))]
    text = " ".join([w[int(rng.random() * n)] for w, n in parts])
    text = text[0].upper() + text[1:]
    return text + ":" if rng.random() < 0.1 else text


def _paragraph(ctx: Context, rng: Random, extra_link=None):
    """(markdown, word count) for a paragraph with occasional inline markup."""
    sentences = [ctx.sentence(rng) for _ in range(rng.randint(3, 6))]
    n = sum(len(s) for s in sentences)
    r = rng.random()
    if r < 0.55:
        s = sentences[rng.randrange(len(sentences))]
        if len(s) > 4:
            i = rng.randint(1, len(s) - 3)
            kind = rng.random()
            if kind < 0.35:
                s[i] = "**" + s[i]
                s[i + 1] += "**"
            elif kind < 0.6:
                s[i] = "_" + s[i] + "_"
            else:
                s[i] = "[" + s[i]
                path = f"{rng.choice(ctx.plurals)}/{rng.choice(ctx.nouns)}"
                s[i + 1] += f"](https://example.com/{path})"
    if extra_link:
        s = sentences[-1]
        s[-1] = s[-1][:-1] + f" (see [{extra_link[0]}](/blog/{extra_link[1]}/)){s[-1][-1]}"
    return " ".join(" ".join(s) for s in sentences), n


def _list_block(ctx: Context, rng: Random, numbered: bool):
    lines, n = [], 0
    for k in range(rng.randint(3, 6)):
        words = ctx.sentence(rng)
        words[-1] = words[-1][:-1]  # no full stop in list items
        n += len(words)
        text = " ".join(words)
        if rng.random() < 0.3:
            term = rng.choice(ctx.nouns)
            text = f"**{term[0].upper() + term[1:]}:** {text}"
            n += 1
        lines.append(("%d. " % (k + 1) if numbered else "- ") + text)
    return "\n".join(lines), n


def _code_block(ctx: Context, rng: Random) -> str:
    lang = rng.choice(("python", "js", "bash"))
    code = rng.choice(CODE_TEMPLATES[lang])
    n1, n2 = rng.choice(NOUNS), rng.choice(NOUNS)
    if n1 == n2:
        n2 = "item"
    code = code.replace("«n»", n1).replace("«n2»", n2).replace("«N»", n1.capitalize())
    return f"```{lang}\n{code}\n```"


def build_post(ctx: Context, number: int, width: int):
    """Return (slug, text, is_draft, body word count) for post `number`."""
    rng = _post_rng(ctx.seed, number)
    title, slug = title_and_slug(ctx, rng, number, width)
    r = rng.random

    # ---- front matter -----------------------------------------------------
    fm = []
    if r() < 0.02:
        fm.append(("title", "title: >-\n  " + "\n  ".join(wrap(title, 30))))
    else:
        fm.append(("title", "title: " + yaml_str(title)))
    x = r()
    if x < 0.60:
        sub = " ".join(ctx.sentence(rng))
        fm.append(("subtitle", "subtitle: '{}'".format(sub.replace("'", "''"))))
    elif x < 0.65:
        fm.append(("subtitle", "subtitle: ''"))
    day = _dt.date.fromordinal(rng.randint(_DATE_START, _DATE_END))
    x = r()
    if x < 0.86:
        date = f"'{day.isoformat()}'"
    else:
        stamp = "%sT%02d:%02d:%02d" % (
            day.isoformat(),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
        )
        if x < 0.90:
            date = "'%s.%03dZ'" % (stamp, rng.randint(0, 999))
        elif x < 0.94:
            date = f"'{stamp}Z'"
        else:
            date = "%s.%03dZ" % (stamp, rng.randint(0, 999))  # YAML timestamp
    fm.append(("date", "date: " + date))
    excerpt = " ".join(" ".join(ctx.sentence(rng)) for _ in range(rng.randint(2, 3)))
    x = r()
    if x < 0.04:
        excerpt = excerpt.replace(". ", ".\u00a0 ", 1)
    lines = wrap(excerpt)
    block = "excerpt: >\n  " + "\n  ".join(lines)
    if x > 0.97:
        block += "\n\n"  # trailing blank lines, as in real sites
    fm.append(("excerpt", block))
    fm.append(("template", "template: post"))
    author_file = ctx.authors[int(r() * len(ctx.authors))][0] if ctx.authors else None
    if author_file:
        fm.append(("author", "author: src/data/authors/" + author_file))
    if ctx.images:
        image = ctx.images[int(r() * len(ctx.images))]
        thumb = image if r() < 0.85 else ctx.images[int(r() * len(ctx.images))]
        if ctx.images_per_post:
            image = thumb = post_image(ctx, number, 1)[0]
        fm.append(("image", "image: images/" + image))
        fm.append(("thumb_image", "thumb_image: images/" + thumb))
    elif ctx.images_per_post:
        image = post_image(ctx, number, 1)[0]
        fm.append(("image", "image: images/" + image))
        fm.append(("thumb_image", "thumb_image: images/" + image))
    tags = rng.sample(TAG_VOCABULARY, rng.choice((1, 1, 2, 2, 2, 3)))
    fm.append(("tags", "tags:\n" + "\n".join("  - " + yaml_str(t) for t in tags)))
    is_draft = r() < 0.005
    if is_draft:
        fm.append(("draft", "draft: true"))
    if r() < 0.03:
        rng.shuffle(fm)  # keys appear in any order in real sites

    # ---- body ---------------------------------------------------------------
    target = rng.randint(1200, 1500)
    features = ["ul", "ol", "quote", "code", "image"]
    if r() < 0.5:
        features.append("image")
    if r() < 0.3:
        features.append("ul")
    rng.shuffle(features)
    internal = None
    x, y = r(), r()
    if number > 1 and x < 0.3:
        # "see also" an earlier post: never depends on the total post count
        other = 1 + int(y * (number - 1))
        internal = title_and_slug(ctx, _post_rng(ctx.seed, other), other, width)

    blocks, words = [], 0
    for _ in range(rng.randint(1, 3)):
        text, n = _paragraph(ctx, rng)
        blocks.append(text)
        words += n
    while words < target or features:
        head = _heading(ctx, rng)
        blocks.append("## " + head)
        words += head.count(" ") + 1
        for k in range(rng.randint(1, 3)):
            text, n = _paragraph(ctx, rng, internal)
            internal = None
            blocks.append(text)
            words += n
            if k == 0 and features and (words > target * 0.9 or r() < 0.6):
                kind = features.pop()
                if kind == "ul" or kind == "ol":
                    text, n = _list_block(ctx, rng, kind == "ol")
                    words += n
                elif kind == "quote":
                    sents = [" ".join(ctx.sentence(rng)) for _ in range(rng.randint(1, 2))]
                    words += sum(s.count(" ") + 1 for s in sents)
                    text = "> " + " ".join(sents)
                elif kind == "code":
                    text = _code_block(ctx, rng)
                else:
                    img = ctx.images[int(r() * len(ctx.images))] if ctx.images else "missing.jpg"
                    alt = "" if r() < 0.2 else " ".join(ctx.sentence(rng)[1:4])
                    text = f"![{alt}](/images/{img})"
                blocks.append(text)
        if r() < 0.25:
            head = _heading(ctx, rng)
            blocks.append("### " + head)
            words += head.count(" ") + 1
            text, n = _paragraph(ctx, rng)
            blocks.append(text)
            words += n

    for k in range(2, ctx.images_per_post + 1):  # after everything: no other post changes
        blocks.append(f"![Figure {k}](/images/{post_image(ctx, number, k)[0]})")

    text = "---\n{}\n---\n{}\n".format("\n".join(v for _, v in fm), "\n\n".join(blocks))
    return slug, text, is_draft, words


def _write_posts(job):
    """Worker: write posts start..stop-1 (1-based numbers); returns totals."""
    out_dir, seed, n_authors, n_images, images_per_post, start, stop, width = job
    ctx = Context(seed, n_authors, n_images, images_per_post)
    blog = Path(out_dir) / "src" / "pages" / "blog"
    drafts = words = nbytes = 0
    slugs = []
    for number in range(start, stop):
        slug, text, is_draft, n = build_post(ctx, number, width)
        nbytes += _write(blog / (slug + ".md"), text)
        for k in range(1, images_per_post + 1):
            name, image_width, image_height, colours = post_image(ctx, number, k)
            data = make_photo(image_width, image_height, *colours)
            (Path(out_dir) / "static" / "images" / name).write_bytes(data)
            nbytes += len(data)
        drafts += is_draft
        words += n
        slugs.append(slug)
    return drafts, words, nbytes, slugs


# ---------------------------------------------------------------------------
# Site-level files
# ---------------------------------------------------------------------------


def _author_yaml(record: dict) -> str:
    lines = [
        "first_name: " + yaml_str(record["first_name"]),
        "last_name: " + yaml_str(record["last_name"]),
    ]
    bio = record["bio"]
    if bio:
        lines.append(
            "bio: |-\n" + "\n".join(("  " + line) if line else "" for line in bio.split("\n"))
        )
    else:
        lines.append("bio: ''")
    lines.append("photo: " + record["photo"])
    return "\n".join(lines) + "\n"


def _tag_yaml(tag: str, tag_id: str, description: str) -> str:
    desc = "\n".join(("  " + line) if line else "" for line in description.split("\n"))
    return f"id: {yaml_str(tag_id)}\ntitle: {yaml_str(tag)}\ndescription: |-\n{desc}\n"


def _site_metadata(seed: int) -> dict:
    return {
        "title": "Folio Bench %d" % seed,
        "url": "https://bench.example.com",
        "baseurl": "",
        "palette": "blue",
        "header": {
            "title": "Folio Bench",
            "logo_img": "",
            "has_nav": True,
            "nav_links": [
                {"label": "Home", "url": "/"},
                {"label": "Blog", "url": "/blog", "primary": True},
                {"label": "About", "url": "/about"},
            ],
        },
        "footer": {
            "tagline": "A synthetic site for benchmarks.",
            "has_nav": True,
            "nav_title": "Menu",
            "nav_links": [{"label": "Blog", "url": "/blog"}],
            "has_social": False,
            "content": "Content &copy; nobody. Theme: [Azimuth by Stackbit](https://www.stackbit.com).",
        },
    }


HUGO_CONFIG = """\
baseURL = "http://localhost/"
languageCode = "en"
title = "Folio Bench"
buildFuture = true
buildDrafts = false

[taxonomies]
tag = "tags"

[markup.goldmark.renderer]
unsafe = true
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} | {{ .Site.Title }}</title>
</head>
<body>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

HUGO_SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.subtitle }}<p class="subtitle">{{ . }}</p>{{ end }}
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{ with .Params.image }}<img src="/{{ . }}" alt="">{{ end }}
{{ .Content }}
</article>
{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
"""


def _copy(src: Path, dst: Path) -> None:
    # A copy, not a hard link: the importer refuses hard-linked files (their content
    # may come from outside the site), and these live in the same tree.
    shutil.copyfile(src, dst)


def _write_hugo(out_dir: Path, slugs: list, image_names: list) -> None:
    hugo = out_dir / "hugo"
    layouts = hugo / "layouts" / "_default"
    content = hugo / "content" / "blog"
    static = hugo / "static" / "images"
    for d in (layouts, content, static):
        d.mkdir(parents=True)
    _write(hugo / "config.toml", HUGO_CONFIG)
    _write(layouts / "baseof.html", HUGO_BASEOF)
    _write(layouts / "single.html", HUGO_SINGLE)
    _write(layouts / "list.html", HUGO_LIST)
    # In Hugo a section's listing page is _index.md (index.md would turn the
    # whole folder into one leaf bundle and hide the posts).
    _write(content / "_index.md", "---\ntitle: Blog\n---\n")
    blog = out_dir / "src" / "pages" / "blog"
    for slug in slugs:
        _copy(blog / (slug + ".md"), content / (slug + ".md"))
    images = out_dir / "static" / "images"
    for name in image_names:
        (static / name).parent.mkdir(exist_ok=True)
        _copy(images / name, static / name)


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def _prepare_out_dir(out_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(f"{out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise FileExistsError(
                f"{out_dir} exists and is not empty; pass --force (force=True) to wipe it"
            )
        resolved = out_dir.resolve()
        cwd = Path.cwd().resolve()
        if (
            resolved == Path(resolved.anchor)
            or resolved == Path.home().resolve()
            or resolved == cwd
            or resolved in cwd.parents
            or (resolved / ".git").exists()
        ):
            raise FileExistsError(
                f"refusing to wipe {out_dir} (root, home, a git checkout or the current directory)"
            )
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def default_jobs(posts: int) -> int:
    if posts < 2000:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def generate_site(
    out_dir: Path,
    posts: int = 10000,
    authors: int = 50,
    images: int = 40,
    seed: int = 1,
    *,
    images_per_post: int = 0,
    force: bool = False,
    hugo: bool = False,
    jobs: int | None = None,
) -> dict:
    """Write a synthetic Azimuth site to out_dir and return counts.

    Raises FileExistsError if out_dir is non-empty and force is false."""
    if posts < 0 or authors < 0 or images < 0 or images_per_post < 0:
        raise ValueError("posts, authors, images and images-per-post must be >= 0")
    out_dir = Path(out_dir)
    _prepare_out_dir(out_dir, force)
    ctx = Context(seed, authors, images, images_per_post)
    width = max(5, len(str(posts)))
    blog = out_dir / "src" / "pages" / "blog"
    authors_dir = out_dir / "src" / "data" / "authors"
    tags_dir = out_dir / "src" / "data" / "tags"
    images_dir = out_dir / "static" / "images"
    for d in (blog, authors_dir, tags_dir, images_dir, images_dir / "posts"):
        d.mkdir(parents=True, exist_ok=True)

    nbytes = 0
    nbytes += _write(
        out_dir / "site-metadata.json", json.dumps(_site_metadata(seed), indent=2) + "\n"
    )
    nbytes += _write(blog / "index.md", "---\ntitle: Blog\ntemplate: blog\n---\n")

    n_json = 0
    for name, record in ctx.authors:
        if name.endswith(".json"):
            n_json += 1
            data = dict(record, type="person")
            nbytes += _write(authors_dir / name, json.dumps(data, ensure_ascii=False) + "\n")
        else:
            nbytes += _write(authors_dir / name, _author_yaml(record))
    for tag, tag_id, description in TAG_FILES:
        nbytes += _write(tags_dir / (slugify(tag) + ".yaml"), _tag_yaml(tag, tag_id, description))

    image_names = []
    for name, (c1, c2) in zip(ctx.images, ctx.image_colours, strict=False):
        data = make_jpeg(1200, 675, c1, c2)
        nbytes += len(data)
        (images_dir / name).write_bytes(data)
        image_names.append(name)
    for i, (c1, c2) in enumerate(ctx.author_colours):
        name = "author-%d.jpg" % (i + 1)
        data = make_jpeg(400, 400, c1, c2)
        nbytes += len(data)
        (images_dir / name).write_bytes(data)
        image_names.append(name)

    if jobs is None:
        jobs = default_jobs(posts)
    jobs = max(1, min(jobs, posts or 1))
    bounds = [1 + posts * k // jobs for k in range(jobs + 1)]
    tasks = [
        (str(out_dir), seed, authors, images, images_per_post, bounds[k], bounds[k + 1], width)
        for k in range(jobs)
    ]
    if jobs == 1:
        results = [_write_posts(t) for t in tasks]
    else:
        methods = multiprocessing.get_all_start_methods()
        mp = multiprocessing.get_context("fork" if "fork" in methods else None)
        with mp.Pool(jobs) as pool:
            results = pool.map(_write_posts, tasks, chunksize=1)
    drafts = sum(r[0] for r in results)
    words = sum(r[1] for r in results)
    nbytes += sum(r[2] for r in results)
    slugs = [s for r in results for s in r[3]]

    own_images = [
        post_image(ctx, number, k)[0]
        for number in range(1, posts + 1)
        for k in range(1, images_per_post + 1)
    ]
    if hugo:
        _write_hugo(out_dir, slugs, image_names + own_images)

    return {
        "posts": posts,
        "drafts": drafts,
        "published": posts - drafts,
        "authors": len(ctx.authors),
        "authors_yaml": len(ctx.authors) - n_json,
        "authors_json": n_json,
        "tag_files": len(TAG_FILES),
        "tag_vocabulary": len(TAG_VOCABULARY),
        "images": len(ctx.images),
        "author_photos": len(ctx.author_colours),
        "post_images": len(own_images),
        "body_words": words,
        "bytes": nbytes,
        "hugo": bool(hugo),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a synthetic Stackbit Azimuth site for Folio benchmarks."
    )
    parser.add_argument("out_dir", type=Path, help="directory to create (must be empty)")
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--authors", type=int, default=50)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument(
        "--images-per-post",
        type=int,
        default=0,
        help="distinct 1200-2400 px JPEGs of each post's own (the first is its hero)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--hugo",
        action="store_true",
        help="also write OUT_DIR/hugo, a Hugo site with the same posts",
    )
    parser.add_argument(
        "--force", action="store_true", help="wipe OUT_DIR first if it is not empty"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes (default: CPU count, max 8; 1 below 2000 posts)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate_site(
            args.out_dir,
            posts=args.posts,
            authors=args.authors,
            images=args.images,
            seed=args.seed,
            images_per_post=args.images_per_post,
            force=args.force,
            hugo=args.hugo,
            jobs=args.jobs,
        )
    except (FileExistsError, ValueError) as exc:
        print(f"generate_site: error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(
        "wrote %(posts)d posts (%(drafts)d drafts), %(authors)d authors "
        "(%(authors_yaml)d yaml, %(authors_json)d json), %(tag_files)d tag files, "
        "%(images)d images + %(author_photos)d author photos + %(post_images)d post images" % counts
    )
    print(
        "%.1f MB, %d body words (%.0f per post), %.2f s -> %s%s"
        % (
            counts["bytes"] / 1e6,
            counts["body_words"],
            counts["body_words"] / max(counts["posts"], 1),
            elapsed,
            args.out_dir,
            " (+ hugo/)" if counts["hugo"] else "",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
