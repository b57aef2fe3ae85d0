"""The Jinja2 environment of the public pages, and the markup every page shares.

Readers' pages (``templates/``) are Jinja2: a post page's template renders in 1.1 ms
where Django's template language took 1.6 ms (docs/performance.md). The admin and the
libraries' own templates stay on Django's engine (``TEMPLATES`` in the settings).
What the pages need from Django comes in here once: URLs, static files, dates in the
current time zone, and Django's own filters where a page formats like Django.
"""

import json
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.serializers.json import DjangoJSONEncoder
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from jinja2 import Environment, pass_context

from folio import REMEMBERED, routing
from folio.rendering import html_to_text


def environment(**options):
    env = Environment(**options)
    env.globals.update(
        absolute_url=absolute_url,
        now=timezone.localtime,
        picture=picture,
        querystring=querystring,
        static=static,
        # {{ url("blog:post-detail", slug=post.slug) }}: Django's {% url %}, remembered.
        url=routing.reverse,
    )
    env.filters.update(
        date=date,
        intcomma=intcomma,
        json_ld=json_ld,
        plain_text=plain_text,
        pluralize=defaultfilters.pluralize,
        truncatewords=defaultfilters.truncatewords,
    )
    return env


def date(value, format_string=None):
    """Django's ``date`` filter, in the current time zone as Django's templates show it.

    Remembered per worker under what the answer depends on (the value, the format, the
    time zone and the language): Django's formatter reads the format character by
    character and translates month names on every call, and a page shows ten to twenty
    dates.
    """
    return _date(value, format_string, timezone.get_current_timezone(), get_language())


@lru_cache(maxsize=REMEMBERED)
def _date(value, format_string, zone, language):
    return defaultfilters.date(timezone.template_localtime(value), format_string)


@pass_context
def absolute_url(context, url):
    """``url`` as an absolute URL on this site (for feeds, canonical and social tags)."""
    request = context.get("request")
    return request.build_absolute_uri(str(url)) if request else url


@pass_context
def querystring(context, **changes):
    """The page's query string with ``changes`` applied: Django's ``{% querystring %}``."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        params[name] = value
    return f"?{params.urlencode()}"


def picture(renditions, sizes, alt="", css_class="", lazy=True):
    """A ``<picture>``: WebP in every width, the largest in the source's format as the
    fallback, with the real size of that rendition (never more than the source's).

    Renders nothing when there is no usable image. ``lazy=False`` for the first
    image on a page (it is what the reader sees first, so it loads eagerly).
    """
    if not renditions:
        return ""
    srcset = renditions.srcset()  # none for an image shown as it is (a GIF)
    return format_html(
        "<picture>{source}"
        '<img src="{src}" width="{width}" height="{height}"'
        ' alt="{alt}" class="{css_class}" loading="{loading}" decoding="async"{priority}>'
        "</picture>",
        source=format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">',
            srcset,
            _at_most(sizes, renditions.width),
        )
        if srcset
        else "",
        src=renditions.largest_url,
        width=renditions.width,
        height=renditions.height,
        alt=alt,
        css_class=css_class,
        loading="lazy" if lazy else "eager",
        priority="" if lazy else mark_safe(' fetchpriority="high"'),
    )


def _at_most(sizes, width):
    """``sizes`` with each slot capped at ``width`` CSS pixels.

    With ``w`` descriptors a browser takes the slot's width for the image's own, so a
    288 px figure in a 1100 px slot was drawn 1100 px wide, blurred. Capped, it is
    drawn at its size (and letterboxed by CSS where its box is larger).
    """
    slots = []
    for slot in sizes.split(","):
        condition, _, length = slot.strip().rpartition(") ")
        prefix = f"{condition}) " if condition else ""
        slots.append(f"{prefix}min({length}, {width}px)")
    return ", ".join(slots)


def plain_text(rendered_html):
    """The visible text of sanitized HTML (for descriptions), entities decoded once."""
    return html_to_text(rendered_html or "")


# What may not appear raw inside <script>: a title holding "</script>" stays text.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """``data`` as a JSON-LD ``<script>``, escaped like Django's ``json_script``."""
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
