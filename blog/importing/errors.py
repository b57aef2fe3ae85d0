class ImportFileError(Exception):
    """A problem with one source file; the importer reports it and carries on.

    The message names the field or the problem; the caller adds the file's path.
    """
