"""Where an export writes: a folder, or a .zip written as it goes (never in memory).

A failure of the output itself (a full disk, a folder it may not write) is an
:class:`OutputError`, which stops the export: no file after it could be written
either. A file that cannot be read (an image missing from storage) is that file's
problem alone.
"""

import zipfile
from contextlib import contextmanager
from pathlib import Path

#: Bytes copied at a time from media storage into the output.
COPY_CHUNK = 1024 * 1024


class OutputError(OSError):
    """The output could not be written: the export stops (export_site raises it)."""


@contextmanager
def _writing():
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(exc.errno, exc.strerror or str(exc), exc.filename) from exc


def _copy(file, out):
    """``file`` into ``out`` a chunk at a time; only a failed write is the output's."""
    while chunk := file.read(COPY_CHUNK):
        with _writing():
            out.write(chunk)


class Folder:
    """Files under ``root`` (made if missing)."""

    def __init__(self, root):
        self.root = Path(root)
        with _writing():
            self.root.mkdir(parents=True, exist_ok=True)

    def _target(self, path):
        target = self.root / path
        # ``path`` is checked by the exporter (no "..", not absolute); a symbolic link
        # already in the folder could still lead out of it.
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"{path}: a link in {self.root} leads outside it; not written")
        with _writing():
            target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, path: str, data: bytes):
        target = self._target(path)
        with _writing():
            target.write_bytes(data)

    def write_file(self, path: str, file):
        target = self._target(path)
        with _writing():
            out = open(target, "wb")  # (closed below)
        with out:
            _copy(file, out)

    def close(self):
        pass


class ZipOutput:
    """Entries of a .zip written into ``file`` (a path or a binary file object) one by
    one: each entry is compressed as it is written, so memory stays that of one chunk
    whatever the size of the site."""

    def __init__(self, file):
        with _writing():
            self.zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)

    def write(self, path: str, data: bytes):
        with _writing():
            self.zip.writestr(path, data)

    def write_file(self, path: str, file):
        with _writing():
            out = self.zip.open(path, "w", force_zip64=True)
        with out:
            _copy(file, out)

    def close(self):
        with _writing():
            self.zip.close()
