"""The Jinja2 environment of readers' pages formats like Django's templates did."""

import datetime

from django.template import engines
from django.test import RequestFactory, override_settings

from blog.models import Post


def render(source, request=None, **context):
    return engines["jinja2"].from_string(source).render(context, request)


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_dates_are_shown_in_the_sites_time_zone():
    evening_utc = datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC)
    # 09:00 the next morning in Auckland (UTC+13 in January).
    assert render("{{ when|date('j F Y, H:i') }}", when=evening_utc) == "2 January 2026, 09:00"
    assert render("{{ when|date('c') }}", when=evening_utc) == "2026-01-02T09:00:00+13:00"


def test_querystring_replaces_one_parameter_and_keeps_the_others():
    request = RequestFactory().get("/search/", {"q": "bread & butter", "page": "2"})
    html = render("{{ querystring(page=3) }}", request)
    assert html == "?q=bread+%26+butter&amp;page=3"


def test_url_reverses_with_keyword_and_positional_arguments():
    assert render("{{ url('blog:post-detail', slug='hello') }}") == "/blog/hello/"
    assert render("{{ url('admin:blog_post_change', 7) }}") == "/admin/blog/post/7/change/"


def test_values_are_escaped_and_safe_markup_is_kept():
    post = Post(title='<script>alert("x")</script>', excerpt_html="<p>kept</p>")
    html = render("{{ post.title }}|{{ post.excerpt_html|safe }}", post=post)
    assert html == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;|<p>kept</p>"


def test_intcomma_and_pluralize_are_djangos():
    assert render("{{ 12345|intcomma }} word{{ 2|pluralize }}") == "12,345 words"
