"""Where an export writes: a folder, or a .zip written as it goes (never in memory)."""

import shutil
import zipfile
from pathlib import Path

#: Bytes copied at a time from media storage into the output.
COPY_CHUNK = 1024 * 1024


class Folder:
    """Files under ``root`` (made if missing)."""

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _target(self, path):
        target = self.root / path
        # ``path`` is checked by the exporter (no "..", not absolute); a symbolic link
        # already in the folder could still lead out of it.
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"{path}: a link in {self.root} leads outside it; not written")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, path: str, data: bytes):
        self._target(path).write_bytes(data)

    def write_file(self, path: str, file):
        with open(self._target(path), "wb") as out:
            shutil.copyfileobj(file, out, COPY_CHUNK)

    def close(self):
        pass


class ZipOutput:
    """Entries of a .zip written into ``file`` (a path or a binary file object) one by
    one: each entry is compressed as it is written, so memory stays that of one chunk
    whatever the size of the site."""

    def __init__(self, file):
        self.zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)

    def write(self, path: str, data: bytes):
        self.zip.writestr(path, data)

    def write_file(self, path: str, file):
        with self.zip.open(path, "w", force_zip64=True) as out:
            shutil.copyfileobj(file, out, COPY_CHUNK)

    def close(self):
        self.zip.close()
