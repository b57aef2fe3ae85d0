"""Importing Azimuth-style static sites (markdown + YAML front matter) into Folio.

The library lives here; ``manage.py import_posts`` is a thin command on top.
"""

from .errors import ImportFileError
from .importer import Action, FileReport, ImportOptions, ImportResult, import_site

__all__ = [
    "Action",
    "FileReport",
    "ImportFileError",
    "ImportOptions",
    "ImportResult",
    "import_site",
]
