"""Benchmark ``import_posts`` against hugo building the same site, and check the targets.

    python bench/import_bench.py [--posts 1000,10000] [--images-per-post 1]
                                 [--image-posts 1000] [--database-url postgres://…/NAME]
                                 [--out bench/out] [--keep]

For each size: generates a synthetic Azimuth site (bench/generate_site.py, with a hugo
copy of the same markdown), builds it with ``hugo`` (Debian package), then, each in a
fresh process on a fresh database and media folder: a first import, and a re-run of
the unchanged site. With ``--database-url`` the first import is also run on
PostgreSQL (the database named in the URL is created for the run and dropped after
it; it must not exist). With ``--images-per-post K`` (default 1; 0: none), a site of
``--image-posts`` posts (default 1,000) with K distinct 1,200-2,400 px photos of each
post's own is imported too (and re-run unchanged).

An import's time is when it says its content is in and its links checked (its
summary line and the link-check line after it, read as they are printed): what a
reader waits for. The renditions of the site's images are made after that, on every
core, while the site is already browsable; the time of the last one (its
"Renditions:" line) is the second figure, and ``wall s`` the process's whole life.
The text-only sites have a few shared images (40, and 50 author photos) whose
renditions follow too, so their import time is measured the same way.

Prints each run's import time, last rendition, wall time, posts/s, peak memory
(resident memory of the process tree: the command and its workers) and CPU time
(user + system of the tree: what to compare on a machine busy with other work,
where wall times are not comparable), then every target (``TARGETS``) with its ratio
and whether it is met, in words. Exit status 1 when a measured target is missed.

A new kind of run (another site, other options) is one more entry in ``runs()``
and its targets one more line in ``TARGETS``.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_site import generate_site  # noqa: E402

PYTHON = sys.executable
#: What import_posts prints: its summary (every file in) and, when renditions were
#: made after it, when the last one was.
SUMMARY = re.compile(r"\d+ created, .* in \d+\.\ds\.$")
RENDITIONS = re.compile(r"^Renditions: (\d+) resized copies of (\d+) image\(s\)")


@dataclass(frozen=True)
class Target:
    """For the run named ``run`` at ``posts``: at most ``ratio`` times hugo's build time
    of the same posts (and below ``peak_mb`` of memory, when given); or, with
    ``per_image_ms``, at most the text-only first import of as many posts plus that
    many milliseconds per distinct image the run's site adds."""

    run: str
    posts: int
    ratio: float = 1.0
    peak_mb: float | None = None
    per_image_ms: float | None = None

    def describe(self):
        memory = f", peak < {self.peak_mb:.0f} MB" if self.peak_mb else ""
        if self.per_image_ms is not None:
            limit = f"<= text-only + {self.per_image_ms:g} ms/image"
        else:
            limit = f"<= {self.ratio:g}x hugo"
        return f"{self.run}, {self.posts:,} posts: {limit}{memory}"


IMAGE_RUN = "first import, images"
# The targets (docs/performance.md): each a run below, at one size.
TARGETS = [
    Target("first import", 10_000, 0.5, peak_mb=300),
    Target("first import", 1_000, 1.0),
    Target("first import, PostgreSQL", 10_000, 1.0),
    Target("unchanged re-run", 10_000, 0.1),
    Target(IMAGE_RUN, 1_000, per_image_ms=10),
]


@dataclass
class Measured:
    """One command's run: wall seconds, peak MB and CPU seconds of its process tree,
    its stdout, and when each line of it arrived (seconds from the start)."""

    seconds: float
    peak_mb: float
    cpu: float
    stdout: str
    lines: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Run:
    """One measured run: its time (an import's: content in, links checked), wall
    seconds, peak MB and CPU seconds of its process tree, its summary."""

    name: str
    posts: int
    seconds: float
    peak_mb: float
    cpu: float
    wall: float
    summary: str = ""
    last_rendition: float | None = None  # when the last rendition was made
    renditions: int = 0
    images: int = 0  # distinct images the site adds to the text-only one


def tree_usage(root_pid):
    """(resident memory in MB, {pid: CPU seconds so far}) of a process and all its
    descendants (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    total_kb, cpu = 0, {}
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        except (OSError, IndexError, ValueError):
            continue
    return total_kb / 1024, cpu


def measure(command, env=None, cwd=ROOT) -> Measured:
    """Run ``command``: its wall seconds, the peak RSS in MB of its whole process tree,
    the CPU seconds of the tree (user + system, each process as last seen: within
    50 ms), and its stdout, line by line as it arrived (unbuffered: PYTHONUNBUFFERED)."""
    env = {**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"}
    err = tempfile.TemporaryFile("w+")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True
    )
    lines = []

    def read():
        for line in process.stdout:
            lines.append((time.perf_counter() - started, line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    peak, cpu = 0.0, {}
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        rss, seen = tree_usage(process.pid)
        peak = max(peak, rss)
        cpu.update(seen)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    reader.join()
    # The command itself, to its end (its descendants as last seen).
    cpu[process.pid] = usage.ru_utime + usage.ru_stime
    err.seek(0)
    stdout = "\n".join(line for _, line in lines)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{stdout}\n{err.read()}")
    return Measured(seconds, peak, sum(cpu.values()), stdout, lines)


def django_env(work, database_url=None):
    """The environment of a manage.py command on the database and media of ``work``
    (or the database at ``database_url``), settings as in production."""
    # (Bytecode cached as a deployment has it: without it every process compiles
    # the project's modules again, 0.15 s of a re-run.)
    unset = {"DATABASE_URL", "PYTHONDONTWRITEBYTECODE"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in unset},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",  # as in production: no per-query bookkeeping
        "SQLITE_PATH": str(work / "bench.sqlite3"),
        "MEDIA_ROOT": str(work / "media"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def postgres(database_url, statement):
    """Run CREATE/DROP DATABASE for the database of ``database_url`` on its server."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'{statement} "{name}"')


def import_run(label, posts, measured: Measured, images=0) -> Run:
    """A Run of an import_posts process, its times read from its output: content in
    and links checked (the line after its summary), the last rendition made."""
    content_in, summary, last, made = measured.seconds, "", None, 0
    for i, (_, line) in enumerate(measured.lines):
        if SUMMARY.search(line):
            summary = line
            following = measured.lines[i + 1 : i + 2] or measured.lines[i : i + 1]
            content_in = following[0][0]
        elif found := RENDITIONS.match(line):
            last, made = measured.lines[i][0], int(found[1])
    return Run(
        label,
        posts,
        content_in,
        measured.peak_mb,
        measured.cpu,
        measured.seconds,
        summary,
        last,
        made,
        images,
    )


def import_runs(site, posts, work, names, database_url=None, images=0):
    """A first import into a fresh database, and (with a second name) a re-run of the
    unchanged site."""
    work.mkdir(parents=True)
    env = django_env(work, database_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    command = [PYTHON, "manage.py", "import_posts", str(site)]
    return [import_run(name, posts, measure(command, env), images) for name in names]


def hugo_run(site, posts, work, name="hugo"):
    hugo = shutil.which("hugo")
    if not hugo or not (site / "hugo").is_dir():
        print("NOTICE: hugo is not installed (apt-get install hugo); no ratios.")
        return []
    public = work / f"{name}-public".replace(" ", "-").replace(",", "")
    measured = measure([hugo, "--quiet", "-s", str(site / "hugo"), "-d", str(public)])
    return [Run(name, posts, measured.seconds, measured.peak_mb, measured.cpu, measured.seconds)]


def runs(site, posts, work, database_url=None):
    """Every measured run of one site: hugo's build, then Folio's imports."""
    found = hugo_run(site, posts, work)
    found += import_runs(site, posts, work / "sqlite", ["first import", "unchanged re-run"])
    if database_url:
        postgres(database_url, "CREATE DATABASE")
        try:
            found += import_runs(
                site, posts, work / "pg", ["first import, PostgreSQL"], database_url
            )
        finally:
            postgres(database_url, "DROP DATABASE")
    return found


def image_runs(site, posts, per_post, work):
    """The site with ``per_post`` distinct photos per post: hugo's build of it, a
    first import and an unchanged re-run."""
    images = posts * per_post
    found = hugo_run(site, posts, work, "hugo, images")
    names = [IMAGE_RUN, "unchanged re-run, images"]
    return found + import_runs(site, posts, work / "sqlite", names, images=images)


def verdicts(measured):
    """[(target, met or None, line)] for every target, measured or not."""
    lines = []
    for target in TARGETS:
        run = next((r for r in measured if (r.name, r.posts) == (target.run, target.posts)), None)
        base_name = "first import" if target.per_image_ms is not None else "hugo"
        base = next((r for r in measured if (r.name, r.posts) == (base_name, target.posts)), None)
        if run is None or base is None:
            missing = base_name if run else "the run"
            lines.append((target, None, f"not measured ({missing} did not run at this size)"))
            continue
        if target.per_image_ms is not None:
            limit = base.seconds + run.images * target.per_image_ms / 1000
            per_image = (run.seconds - base.seconds) / max(run.images, 1) * 1000
            against = (
                f"{run.seconds:.1f} s vs text-only {base.seconds:.1f} s + "
                f"{run.images:,} x {target.per_image_ms:g} ms = {limit:.1f} s "
                f"({per_image:+.1f} ms per image): {run.seconds / limit:.2f}x the limit"
            )
        else:
            limit = base.seconds * target.ratio
            against = (
                f"{run.seconds:.1f} s vs hugo {base.seconds:.1f} s = "
                f"{run.seconds / base.seconds:.2f}x"
            )
        met = run.seconds <= limit and (target.peak_mb is None or run.peak_mb < target.peak_mb)
        memory = f", peak {run.peak_mb:.0f} MB" if target.peak_mb else ""
        lines.append((target, met, f"{against}{memory}: " + ("MET" if met else "NOT MET")))
    return lines


def site_of(out, posts, images_per_post=0):
    """The generated site of ``posts`` posts (and distinct photos per post), made if
    it is not there yet."""
    name = f"site-{posts}" + (f"-img{images_per_post}" if images_per_post else "")
    site = out / name
    if not (site / "src/pages/blog").is_dir() or not (site / "hugo").is_dir():
        what = f", {images_per_post} photo(s) each" if images_per_post else ""
        print(f"generating {posts} posts{what} into {site} ...", flush=True)
        generate_site(site, posts=posts, hugo=True, force=True, images_per_post=images_per_post)
    return site


def print_table(title, found):
    print(f"\n{title}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'what':<28} {'import s':>8} {'last rendition s':>16} {'wall s':>7} "
        f"{'posts/s':>8} {'peak MB':>8} {'CPU s':>6}"
    )
    for run in found:
        last = f"{run.last_rendition:.1f}" if run.last_rendition is not None else ""
        if run.renditions:
            last += f" ({run.renditions:,})"
        print(
            f"{run.name:<28} {run.seconds:8.1f} {last:>16} {run.wall:7.1f} "
            f"{run.posts / run.seconds:8.0f} {run.peak_mb:8.0f} {run.cpu:6.1f}"
        )
    for run in found:
        if run.summary:
            print(f"  {run.name}: {run.summary}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--posts",
        default="1000,10000",
        help="Site sizes, comma-separated (default: 1000,10000, the targets' sizes).",
    )
    parser.add_argument(
        "--images-per-post",
        type=int,
        default=1,
        help="Distinct photos of each post's own in the image run (default 1; 0: no image run).",
    )
    parser.add_argument(
        "--image-posts",
        type=int,
        default=1000,
        help="Posts of the image run's site (default 1000, the target's size); the "
        "text-only site of as many posts is imported too, as its baseline.",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--database-url",
        help="Also import into PostgreSQL: postgres://USER@HOST:PORT/NAME, a database "
        "that does not exist yet (created and dropped by the bench).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the databases and media.")
    args = parser.parse_args()
    sizes = [int(size) for size in args.posts.split(",")]
    if args.images_per_post and args.image_posts not in sizes:
        sizes.insert(0, args.image_posts)  # the image run's text-only baseline

    print(
        "import s: when import_posts said its content was in and its links checked (the "
        "line after its summary), before the renditions of its images, which follow on "
        "every core (last rendition s: when the last one was made; wall s: the whole "
        "process)."
    )
    measured = []
    for posts, per_post in [(posts, 0) for posts in sizes] + (
        [(args.image_posts, args.images_per_post)] if args.images_per_post else []
    ):
        site = site_of(args.out, posts, per_post)
        work = Path(tempfile.mkdtemp(prefix="folio-import-bench-"))
        try:
            if per_post:
                found = image_runs(site, posts, per_post, work)
            else:
                found = runs(site, posts, work, args.database_url)
        finally:
            if not args.keep:
                shutil.rmtree(work)
            else:
                print(f"kept {work}")
        measured += found
        what = f", {per_post} distinct photo(s) per post" if per_post else ""
        print_table(f"{posts:,} posts{what}", found)

    print("\nTargets (an import's time: its content in and links checked):")
    failed = False
    for target, met, line in verdicts(measured):
        print(f"  {target.describe():<58} {line}")
        failed |= met is False
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
