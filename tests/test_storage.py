"""Media files appear whole or not at all (folio.storage.AtomicFileSystemStorage)."""

import errno
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from folio.storage import AtomicFileSystemStorage


def test_default_storage_is_atomic():
    assert isinstance(default_storage, AtomicFileSystemStorage)


def test_a_saved_file_has_its_bytes_and_no_temporary_file_is_left(media_root):
    name = default_storage.save("imported/ab/photo.jpg", ContentFile(b"x" * 100_000))
    assert name == "imported/ab/photo.jpg"
    assert (media_root / name).read_bytes() == b"x" * 100_000
    assert sorted(p.name for p in (media_root / "imported/ab").iterdir()) == ["photo.jpg"]
    assert os.stat(media_root / name).st_nlink == 1


def test_a_taken_name_gets_another_and_the_first_file_is_untouched(media_root):
    default_storage.save("a/x.jpg", ContentFile(b"first"))
    second = default_storage.save("a/x.jpg", ContentFile(b"second"))
    assert second != "a/x.jpg"
    assert (media_root / "a/x.jpg").read_bytes() == b"first"
    assert (media_root / second).read_bytes() == b"second"


def test_a_full_disk_leaves_nothing_behind_a_real_name(media_root, monkeypatch):
    written = []
    real_write = os.fdopen

    class FillsUp:
        def __init__(self, handle):
            self.handle = handle

        def write(self, chunk):
            if written:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(len(chunk))
            return self.handle.write(chunk)

        def close(self):
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FillsUp(real_write(fd, mode)))
    content = ContentFile(b"y" * (3 * 64 * 1024))
    content.DEFAULT_CHUNK_SIZE = 64 * 1024
    with pytest.raises(OSError, match="No space left"):
        default_storage.save("imported/cd/big.jpg", content)
    assert written  # part of the file was written before the disk filled up
    assert not default_storage.exists("imported/cd/big.jpg")
    assert list((media_root / "imported/cd").iterdir()) == []


@pytest.mark.django_db
def test_partial_files_left_by_a_killed_process_are_removed_by_the_next_import(
    media_root, tmp_path
):
    """A process killed mid-write leaves `.<name>.<hex>.partial` beside the real names;
    the next import removes those old enough to be abandoned, and nothing else."""
    from io import StringIO

    from django.core.management import call_command

    from folio.storage import PARTIAL_ABANDONED_SECONDS

    folder = media_root / "posts" / "2026"
    folder.mkdir(parents=True)
    abandoned = folder / ".hero.jpg.0a1b2c3d4e5f.partial"
    in_progress = folder / ".other.jpg.ffeeddccbbaa.partial"
    kept = [folder / "hero.jpg", folder / "notes.partial", folder / ".hidden.jpg"]
    for path in [abandoned, in_progress, *kept]:
        path.write_bytes(b"x")
    old = os.stat(abandoned).st_mtime - PARTIAL_ABANDONED_SECONDS - 60
    os.utime(abandoned, (old, old))

    site = tmp_path / "site"
    (site / "src" / "pages" / "blog").mkdir(parents=True)
    out = StringIO()
    call_command("import_posts", str(site), "--dry-run", stdout=out)
    assert abandoned.exists()  # a dry run writes and deletes nothing
    call_command("import_posts", str(site), stdout=out)
    assert "Removed 1 unfinished media file(s)" in out.getvalue()
    assert not abandoned.exists()
    assert in_progress.exists() and all(path.exists() for path in kept)
