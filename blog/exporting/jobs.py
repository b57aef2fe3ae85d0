"""The admin's "Export site": a background process writes the .zip, the admin polls.

A large site's export takes longer than a request may (gunicorn's sync workers are
killed after ``GUNICORN_TIMEOUT`` seconds without answering, nginx gives up too), so
the request only records a :class:`blog.models.SiteExport` and starts
``manage.py export_site --job ID`` in a process of its own session: it outlives the
request and a recycled worker. That process writes the .zip entry by entry into
``FOLIO_EXPORT_ROOT`` (private: never under MEDIA_ROOT) and stores its progress in the
row; the admin's page for the export refreshes itself until it is done, then offers
the file, sent by nginx when ``FOLIO_EXPORT_ACCEL_REDIRECT`` names its internal
location (docs/deploy.md).
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from blog.models import SiteExport

from . import AS_IMPORTED, ZipOutput, export_site

logger = logging.getLogger(__name__)

#: How often (in objects written) the row's progress is saved.
PROGRESS_EVERY = 100
#: A running export whose row has not moved for this long has stopped (its process died).
STALLED_AFTER = 15 * 60


def folder() -> Path:
    root = Path(settings.FOLIO_EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(export: SiteExport) -> Path:
    return folder() / export.file_name


def start(export: SiteExport) -> None:
    """Start the process that writes ``export`` (and forget older exports' files)."""
    _forget_old()
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.Popen(  # noqa: S603 - our own command, arguments we made
        [sys.executable, str(manage), "export_site", "--job", str(export.pk)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        env=os.environ.copy(),
    )


def run(pk: int) -> SiteExport:
    """Write the export ``pk`` (in the background process), saving its progress."""
    export = SiteExport.objects.get(pk=pk)
    export.file_name = f"folio-site-{export.created:%Y%m%d-%H%M%S}-{export.pk}.zip"
    _save(export, state=SiteExport.State.RUNNING, file_name=export.file_name)
    target = path_of(export)
    partial = target.with_suffix(".part")

    def progress(done, total):
        if done % PROGRESS_EVERY == 0 or done == total:
            _save(export, done=done, total=total)

    try:
        with open(partial, "wb") as file:
            result = export_site(ZipOutput(file), dialect=export.dialect or None, progress=progress)
        os.replace(partial, target)
        if not SiteExport.objects.filter(pk=pk).exists():  # deleted from the admin meanwhile
            target.unlink()
            return export
    except Exception as exc:  # noqa: BLE001 - said on the export's page, logged in full
        logger.exception("Export %s failed", pk)
        partial.unlink(missing_ok=True)
        _save(export, state=SiteExport.State.FAILED, report=f"{type(exc).__name__}: {exc}")
        return export
    lines = [
        f"{note.how}: {note.path}: {note.detail}"
        for note in result.files
        if note.how != AS_IMPORTED or note.detail
    ]
    lines += [f"problem: {problem}" for problem in result.problems]
    counts = ", ".join(f"{n} {how}" for how, n in result.counts().items())
    _save(
        export,
        state=SiteExport.State.DONE,
        size=target.stat().st_size,
        report="\n".join([f"Written for {result.dialect}: {counts}.", *lines]),
    )
    return export


def stalled(export: SiteExport) -> bool:
    waiting = export.state in (SiteExport.State.QUEUED, SiteExport.State.RUNNING)
    return waiting and (timezone.now() - export.updated).total_seconds() > STALLED_AFTER


def _save(export, **values):
    values["updated"] = timezone.now()
    for name, value in values.items():
        setattr(export, name, value)
    SiteExport.objects.filter(pk=export.pk).update(**values)


def forget(export: SiteExport) -> None:
    """Delete the file of ``export`` (its row is the caller's to delete)."""
    if export.file_name:
        path_of(export).unlink(missing_ok=True)


def _forget_old():
    """Keep the files of the last FOLIO_EXPORTS_KEPT exports that ended; delete the
    others'. One under way is left to its process (deleting its row would leave the
    file it then writes to no one)."""
    ended = SiteExport.objects.exclude(
        state__in=[SiteExport.State.QUEUED, SiteExport.State.RUNNING]
    )
    for export in ended.order_by("-created")[settings.FOLIO_EXPORTS_KEPT :]:
        forget(export)
        export.delete()
