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

from django.core.files.storage import FileSystemStorage

#: What a temporary file's name ends with (backup scripts may skip these).
PARTIAL_SUFFIX = ".partial"


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
