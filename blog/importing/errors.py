class ImportFileError(Exception):
    """A problem with one source file; the importer reports it and carries on.

    The message names the field or the problem; the caller adds the file's path.
    """


class ImportConflict(ImportFileError):
    """The file would overwrite something it does not own (another site's post, or a
    post edited since its import); reported as a conflict and left alone."""
