"""Two small Stackbit sites, one per generation, written by the tests themselves, with
the list of addresses each old site served (as its Gatsby build would have).

Used by tests/test_url_parity.py: after an import, every one of those addresses must
answer 200, or one 301 to a page that answers 200.
"""

import io
import json
from pathlib import Path

from PIL import Image


def _png(size, color=(30, 110, 190)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _gif():
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=80)
    return buffer.getvalue()


def _write(root: Path, relative, content):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _markdown(front, body="Some text.\n"):
    lines = "".join(f"{key}: {value}\n" for key, value in front.items())
    return f"---\n{lines}---\n{body}"


def site_2020(root: Path):
    """An Azimuth-style site: posts in src/pages/blog, pages beside them, a landing home
    page, site-metadata.json with menus, _redirects, a GIF, a small figure, and an
    image linked through a CDN copy of the repository. Returns the old addresses."""
    _write(root, "static/images/hero.png", _png((1200, 600)))
    _write(root, "static/images/figure.png", _png((288, 200), (200, 200, 200)))
    _write(root, "static/images/spinner.gif", _gif())
    _write(root, "static/images/logo.png", _png((300, 80)))
    _write(root, "src/data/authors/ana.yaml", "name: Ana Lima\nbio: Writes.\n")
    _write(
        root,
        "src/pages/index.md",
        _markdown(
            {
                "title": "Home",
                "template": "landing",
                "sections": "[{type: section_hero, title: Hi}]",
            }
        ),
    )
    _write(root, "src/pages/blog/index.md", _markdown({"title": "Blog", "template": "blog"}))
    posts = {
        "first-post": {"image": "images/hero.png", "image_alt": "A wide blue picture"},
        "café-crème": {"image": "images/spinner.gif"},
        "a-figure": {"thumb_image": "images/figure.png"},
        "from-the-cdn": {
            "image": "https://cdn.jsdelivr.net/gh/me/site@main/static/images/hero.png"
        },
    }
    for n, (slug, extra) in enumerate(posts.items(), 1):
        front = {
            "title": f"'Post {slug}'",
            "date": f"'2021-0{n}-10'",
            "template": "post",
            "author": "src/data/authors/ana.yaml",
            **{key: f"'{value}'" for key, value in extra.items()},
        }
        _write(root, f"src/pages/blog/{slug}.md", _markdown(front, "![](/images/figure.png)\n"))
    _write(root, "src/pages/about.md", _markdown({"title": "About", "template": "page"}))
    _write(root, "src/pages/legal/terms.md", _markdown({"title": "Terms", "template": "page"}))
    _write(root, "src/pages/features/index.md", _markdown({"title": "Features"}))
    _write(
        root,
        "site-metadata.json",
        json.dumps(
            {
                "title": "Azimuth Test",
                "header": {
                    "logo_img": "images/logo.png",
                    "has_nav": True,
                    "nav_links": [
                        {"label": "About", "url": "/about"},
                        {"label": "Blog", "url": "/blog"},
                    ],
                },
                "footer": {
                    "content": "© Azimuth Test",
                    "links": [{"label": "Terms", "url": "/legal/terms"}],
                },
            }
        ),
    )
    _write(root, "static/_redirects", "/old-about /about 301\n/hello /blog/first-post\n")
    return [
        "/",
        "/blog/",
        *(f"/blog/{slug}/" for slug in posts),
        "/about/",
        "/legal/terms/",
        "/features/",
        "/rss.xml",
        "/images/hero.png",
        "/images/figure.png",
        "/images/spinner.gif",
        "/old-about",
        "/hello",
    ]


def site_2019(root: Path):
    """A 2019-theme site: posts in src/pages/posts served at their stackbit_url_path
    (not always the file name), pages with stackbit_url_path, img_path keys, no
    src/pages/blog folder. Returns the old addresses."""
    _write(root, "static/images/photo.png", _png((800, 500)))
    posts = {
        "hello.md": "posts/hello-world",
        "second.md": "posts/second",
        "привет.md": "posts/привет-мир",
    }
    for n, (name, url_path) in enumerate(posts.items(), 1):
        front = {
            "title": f"'Post {n}'",
            "date": f"'2019-0{n}-01'",
            "template": "post",
            "stackbit_url_path": url_path,
            "thumb_img_path": "images/photo.png",
            "content_img_path": "images/photo.png",
            "content_img_alt": "'A photo'",
        }
        _write(root, f"src/pages/posts/{name}", _markdown(front))
    _write(
        root,
        "src/pages/about.md",
        _markdown({"title": "About me", "template": "page", "stackbit_url_path": "about-me"}),
    )
    _write(root, "netlify.toml", '[[redirects]]\nfrom = "/me"\nto = "/about-me"\nstatus = 301\n')
    return [
        *(f"/{url_path}/" for url_path in posts.values()),
        *(f"/{url_path}" for url_path in posts.values()),
        "/about-me/",
        "/about-me",
        "/images/photo.png",
        "/me",
        "/rss.xml",
    ]
