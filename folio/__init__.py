"""Project-wide building blocks shared by the `blog` and `authors` apps.

Lives outside both apps so that `authors` can use the rendering pipeline without
importing `blog` (dependencies point one way: blog -> authors -> folio).
"""

#: How many answers each per-worker memo keeps (URLs by route name in folio.routing,
#: local media URLs in folio.images, formatted dates in folio.templating): about 5 MB,
#: 4 MB and 3 MB per worker when full.
REMEMBERED = 10_000
