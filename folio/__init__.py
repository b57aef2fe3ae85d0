"""Project-wide building blocks shared by the `blog` and `authors` apps.

Lives outside both apps so that `authors` can use the rendering pipeline without
importing `blog` (dependencies point one way: blog -> authors -> folio).
"""
