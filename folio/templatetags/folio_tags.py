"""Template tags for the markup every page shares: pictures and absolute URLs."""

import json
from urllib.parse import urljoin

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from folio.rendering import html_to_text

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """``url`` as an absolute URL on this site (for feeds, canonical and social tags)."""
    request = context.get("request")
    return urljoin(request.build_absolute_uri("/"), str(url)) if request else url


@register.simple_tag
def picture(renditions, sizes, alt="", css_class="", lazy=True):
    """A ``<picture>``: WebP in every width, the largest in the source's format as the
    fallback.

    Renders nothing when there is no usable image. ``lazy=False`` for the first
    image on a page (it is what the reader sees first, so it loads eagerly).
    """
    if not renditions:
        return ""
    return format_html(
        '<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        '<img src="{src}" width="{width}" height="{height}"'
        ' alt="{alt}" class="{css_class}" loading="{loading}" decoding="async"{priority}>'
        "</picture>",
        webp=renditions.srcset(),
        src=renditions.largest_url,
        sizes=sizes,
        width=renditions.width,
        height=renditions.height,
        alt=alt,
        css_class=css_class,
        loading="lazy" if lazy else "eager",
        priority="" if lazy else mark_safe(' fetchpriority="high"'),
    )


@register.filter
def plain_text(rendered_html):
    """The visible text of sanitized HTML (for descriptions), entities decoded once."""
    return html_to_text(rendered_html or "")


# What may not appear raw inside <script>: a title holding "</script>" stays text.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """``data`` as a JSON-LD ``<script>``, escaped like Django's ``json_script``."""
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
