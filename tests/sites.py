"""Builders for small Azimuth-style sites written by the tests themselves."""

import io
import json
from pathlib import Path

from PIL import Image


class SiteBuilder:
    def __init__(self, root: Path):
        self.root = root
        (root / "src/pages/blog").mkdir(parents=True)
        (root / "src/data/authors").mkdir(parents=True)
        (root / "static/images").mkdir(parents=True)

    def write(self, relative, content):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def post(self, slug, front_matter=None, body="Some *body* text.\n", raw=None, suffix=".md"):
        """A post file; front_matter is YAML text (without the --- lines)."""
        if front_matter is None:
            front_matter = f"title: Title of {slug}\ndate: '2021-03-19'\ntemplate: post\n"
        text = raw if raw is not None else f"---\n{front_matter}---\n{body}"
        return self.write(f"src/pages/blog/{slug}{suffix}", text)

    def author(self, name, content=None, *, fmt="yaml"):
        if content is None:
            content = "first_name: 'Ansubha '\nlast_name: Manandhar\nbio: \"## Hi\\n\\nA bio.\"\n"
        if fmt == "json" and not isinstance(content, str):
            content = json.dumps(content)
        return self.write(f"src/data/authors/{name}.{fmt}", content)

    def image(self, name, size=(64, 48), fmt="JPEG", color=(20, 120, 200)):
        buffer = io.BytesIO()
        Image.new("RGB", size, color).save(buffer, fmt)
        return self.write(f"static/images/{name}", buffer.getvalue())
