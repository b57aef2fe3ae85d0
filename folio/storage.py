"""Media storage whose files appear whole or not at all.

Django's ``FileSystemStorage`` writes a file under its final name as the bytes arrive.
A process killed mid-write (an import stopped with SIGKILL), or a disk that fills up,
leaves a truncated file there, and everything that later finds the name -- the
importer, which stores each image once under a name derived from its content, and
imagekit, which takes an existing rendition for a made one -- trusts it. Here the
bytes go to a hidden temporary name beside it, which is linked to the final name only
once complete (``link`` is atomic and, unlike ``rename``, never replaces a file that
another process saved there meanwhile).
"""

import contextlib
import os
import posixpath
import secrets
import time

from django.core.files.storage import FileSystemStorage

#: What a temporary file's name ends with (backup scripts may skip these).
PARTIAL_SUFFIX = ".partial"
#: A write in progress takes seconds (gunicorn ends a request after 30): a temporary
#: file older than this was left by a process that was killed or ran out of disk.
PARTIAL_ABANDONED_SECONDS = 3600


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        directory, base = posixpath.split(name)
        temporary = posixpath.join(directory, f".{base}.{secrets.token_hex(6)}{PARTIAL_SUFFIX}")
        try:
            temporary = super()._save(temporary, content)
            written = self.path(temporary)
            while True:
                try:
                    os.link(written, self.path(name))
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                except OSError:  # a file system without hard links: rename instead
                    os.replace(written, self.path(name))
                    break
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path(temporary))
        return os.path.relpath(self.path(name), self.location).replace("\\", "/")

    def remove_abandoned_partials(self, older_than=PARTIAL_ABANDONED_SECONDS):
        """Delete the temporary files (``.<name>.<hex>.partial``) that killed processes
        left behind; how many. Nothing points at them: a file gets its real name only
        once complete. Ones younger than ``older_than`` seconds may be a write in
        progress, and are kept."""
        removed = 0
        cutoff = time.time() - older_than
        for directory, _dirs, files in os.walk(self.location):
            for name in files:
                if not (name.startswith(".") and name.endswith(PARTIAL_SUFFIX)):
                    continue
                path = os.path.join(directory, name)
                with contextlib.suppress(FileNotFoundError):
                    if os.lstat(path).st_mtime < cutoff:
                        os.unlink(path)
                        removed += 1
        return removed
