"""Benchmark ``import_posts`` against hugo building the same site, and check the targets.

    python bench/import_bench.py [--posts 1000,10000] [--database-url postgres://…/NAME]
                                 [--out bench/out] [--keep]

For each size: generates a synthetic Azimuth site (bench/generate_site.py, with a hugo
copy of the same markdown), builds it with ``hugo`` (Debian package), then, each in a
fresh process on a fresh database and media folder: a first import, and a re-run of
the unchanged site. With ``--database-url`` the first import is also run on
PostgreSQL (the database named in the URL is created for the run and dropped after
it; it must not exist). Prints wall time, posts/s, peak memory (resident memory of
the process tree: the command and its workers) and CPU time (user + system of the
tree: what to compare on a machine busy with other work, where wall times are not
comparable), then every target (``TARGETS``) with its ratio to hugo's build time and
whether it is met, in words. Exit status 1 when a measured target is missed.

A new kind of run (another site, other options) is one more entry in ``runs()``
and its targets one more line in ``TARGETS``.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_site import generate_site  # noqa: E402

PYTHON = sys.executable


@dataclass(frozen=True)
class Target:
    """At most ``ratio`` times hugo's build time of the same posts (and below
    ``peak_mb`` of memory, when given), for the run named ``run`` at ``posts``."""

    run: str
    posts: int
    ratio: float
    peak_mb: float | None = None

    def describe(self):
        memory = f", peak < {self.peak_mb:.0f} MB" if self.peak_mb else ""
        return f"{self.run}, {self.posts:,} posts: <= {self.ratio:g}x hugo{memory}"


# The targets (docs/performance.md): each a run below, at one size.
TARGETS = [
    Target("first import", 10_000, 0.5, peak_mb=300),
    Target("first import", 1_000, 1.0),
    Target("first import, PostgreSQL", 10_000, 1.0),
    Target("unchanged re-run", 10_000, 0.1),
]


@dataclass
class Run:
    """One measured command: wall seconds, peak MB of its process tree, its last line."""

    name: str
    posts: int
    seconds: float
    peak_mb: float
    cpu: float  # CPU seconds of its process tree
    summary: str = ""


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


def measure(command, env=None, cwd=ROOT):
    """(seconds, peak RSS in MB of the command's whole process tree, CPU seconds of the
    tree (user + system, each process as last seen: within 50 ms), stdout)."""
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err, text=True)
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
    # The command itself, to its end (its descendants as last seen).
    cpu[process.pid] = usage.ru_utime + usage.ru_stime
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read(), err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{stdout}\n{stderr}")
    return seconds, peak, sum(cpu.values()), stdout


def django_env(work, database_url=None):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
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


def import_runs(site, posts, work, name, database_url=None, rerun=True):
    """A first import into a fresh database (and a re-run of the unchanged site)."""
    work.mkdir(parents=True)
    env = django_env(work, database_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    command = [PYTHON, "manage.py", "import_posts", str(site)]
    runs = []
    for label in [name, "unchanged re-run"] if rerun else [name]:
        seconds, peak, cpu, stdout = measure(command, env)
        runs.append(Run(label, posts, seconds, peak, cpu, stdout.strip().splitlines()[-1]))
    return runs


def runs(site, posts, work, database_url=None):
    """Every measured run of one site: hugo's build, then Folio's imports."""
    found = []
    hugo = shutil.which("hugo")
    if hugo and (site / "hugo").is_dir():
        public = work / "hugo-public"
        command = [hugo, "--quiet", "-s", str(site / "hugo"), "-d", str(public)]
        seconds, peak, cpu, _ = measure(command)
        found.append(Run("hugo", posts, seconds, peak, cpu))
    else:
        print("NOTICE: hugo is not installed (apt-get install hugo); no ratios.")
    found += import_runs(site, posts, work / "sqlite", "first import")
    if database_url:
        postgres(database_url, "CREATE DATABASE")
        try:
            found += import_runs(
                site, posts, work / "pg", "first import, PostgreSQL", database_url, rerun=False
            )
        finally:
            postgres(database_url, "DROP DATABASE")
    return found


def verdicts(measured):
    """[(target, line)] for every target, measured or not."""
    lines = []
    for target in TARGETS:
        run = next((r for r in measured if (r.name, r.posts) == (target.run, target.posts)), None)
        hugo = next((r for r in measured if (r.name, r.posts) == ("hugo", target.posts)), None)
        if run is None or hugo is None:
            missing = "hugo" if run else "the run"
            lines.append((target, None, f"not measured ({missing} did not run at this size)"))
            continue
        ratio = run.seconds / hugo.seconds
        met = ratio <= target.ratio and (target.peak_mb is None or run.peak_mb < target.peak_mb)
        memory = f", peak {run.peak_mb:.0f} MB" if target.peak_mb else ""
        lines.append(
            (
                target,
                met,
                f"{run.seconds:.1f} s vs hugo {hugo.seconds:.1f} s = {ratio:.2f}x{memory}: "
                + ("MET" if met else "NOT MET"),
            )
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--posts",
        default="1000,10000",
        help="Site sizes, comma-separated (default: 1000,10000, the targets' sizes).",
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

    measured = []
    for posts in sizes:
        site = args.out / f"site-{posts}"
        if not (site / "src/pages/blog").is_dir() or not (site / "hugo").is_dir():
            print(f"generating {posts} posts into {site} ...", flush=True)
            generate_site(site, posts=posts, hugo=True, force=True)
        work = Path(tempfile.mkdtemp(prefix="folio-import-bench-"))
        try:
            found = runs(site, posts, work, args.database_url)
        finally:
            if not args.keep:
                shutil.rmtree(work)
            else:
                print(f"kept {work}")
        measured += found
        print(f"\n{posts:,} posts, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        print(f"{'what':<34} {'wall s':>8} {'posts/s':>9} {'peak MB':>8} {'CPU s':>7}")
        for run in found:
            rate = posts / run.seconds
            print(
                f"{run.name:<34} {run.seconds:8.1f} {rate:9.0f} {run.peak_mb:8.0f} {run.cpu:7.1f}"
            )
        for run in found:
            if run.summary:
                print(f"  {run.name}: {run.summary}")

    print("\nTargets (wall time as a ratio of hugo's build of the same posts):")
    failed = False
    for target, met, line in verdicts(measured):
        print(f"  {target.describe():<58} {line}")
        failed |= met is False
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
