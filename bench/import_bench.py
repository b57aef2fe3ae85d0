"""Benchmark ``import_posts`` against hugo building the same site.

    python bench/import_bench.py [--posts 10000] [--out bench/out] [--keep]

Generates a synthetic Azimuth site (bench/generate_site.py, with a hugo copy of the
same markdown), then, each in a fresh process on a fresh SQLite database and media
folder: a first import, a re-run of the unchanged site, and ``hugo`` building the
same posts (when the Debian package is installed). Prints wall time, posts/s and
peak memory (max RSS of the process and its workers) side by side.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate_site import generate_site  # noqa: E402


def tree_rss_mb(root_pid):
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
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
    total_kb = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def measure(command, env=None, cwd=ROOT):
    """(seconds, peak RSS in MB of the command's whole process tree, stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{stdout}\n{stderr}")
    return seconds, peak, stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="Keep the database and media.")
    args = parser.parse_args()

    site = args.out / f"site-{args.posts}"
    if not (site / "src/pages/blog").is_dir():
        print(f"generating {args.posts} posts into {site} ...", flush=True)
        generate_site(site, posts=args.posts, hugo=True, force=True)
    work = Path(tempfile.mkdtemp(prefix="folio-import-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",  # as in production: no per-query bookkeeping
        "SQLITE_PATH": str(work / "bench.sqlite3"),
        "MEDIA_ROOT": str(work / "media"),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)

    rows = []
    command = [python, "manage.py", "import_posts", str(site)]
    for label in ("import_posts, first run", "import_posts, unchanged re-run"):
        seconds, peak, stdout = measure(command, env)
        rows.append((label, seconds, peak, stdout.strip().splitlines()[-1]))

    hugo = shutil.which("hugo")
    if hugo and (site / "hugo").is_dir():
        public = work / "hugo-public"
        command = [hugo, "--quiet", "-s", str(site / "hugo"), "-d", str(public)]
        seconds, peak, _ = measure(command)
        rows.append(("hugo build of the same posts", seconds, peak, ""))
    else:
        print("NOTICE: hugo is not installed (apt-get install hugo); skipping its figures.")

    print(f"\n{args.posts} posts, {os.cpu_count()} cores\n")
    print(f"{'what':<34} {'wall s':>8} {'posts/s':>9} {'peak MB':>8}")
    for label, seconds, peak, _ in rows:
        print(f"{label:<34} {seconds:8.1f} {args.posts / seconds:9.0f} {peak:8.0f}")
    for label, _, _, summary in rows:
        if summary:
            print(f"  {label}: {summary}")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
