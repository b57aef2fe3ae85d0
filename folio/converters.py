"""URL converters shared by the apps."""

from django.urls import register_converter


class SegmentConverter:
    """One path segment as typed: imported slugs are file names, which may hold
    characters the ``slug`` converter rejects, and their old URLs must keep working.
    Control characters (a ``%00`` in a URL) never match: PostgreSQL cannot even
    compare text holding NUL, so such a request is a plain 404."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SegmentConverter, "segment")
