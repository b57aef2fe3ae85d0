"""The Jinja2 environment of readers' pages formats like Django's templates did."""

import datetime
import zoneinfo

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory, override_settings
from django.urls import path, set_script_prefix
from django.utils import timezone

from blog.models import Post
from folio import routing

# A second URLconf (this module), where "home" lives somewhere else.
urlpatterns = [path("start/", lambda request: HttpResponse(), name="home")]


def render(source, request=None, **context):
    return engines["jinja2"].from_string(source).render(context, request)


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_dates_are_shown_in_the_sites_time_zone():
    evening_utc = datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC)
    # 09:00 the next morning in Auckland (UTC+13 in January).
    assert render("{{ when|date('j F Y, H:i') }}", when=evening_utc) == "2 January 2026, 09:00"
    assert render("{{ when|date('c') }}", when=evening_utc) == "2026-01-02T09:00:00+13:00"


def test_remembered_dates_follow_the_active_time_zone_and_language():
    evening_utc = datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC)
    template = "{{ when|date('j F Y, H:i') }}"
    assert render(template, when=evening_utc) == "1 January 2026, 20:00"
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
        assert render(template, when=evening_utc) == "2 January 2026, 09:00"
    # The language's own format (Django localizes dates), here English's.
    assert render("{{ when|date }}", when=evening_utc) == "Jan. 1, 2026"
    with override_settings(LANGUAGE_CODE="de"):
        assert render("{{ when|date }}", when=evening_utc) == "1. January 2026"


@pytest.mark.django_db  # a page rendered for a request shows the site's settings
def test_querystring_replaces_one_parameter_and_keeps_the_others():
    request = RequestFactory().get("/search/", {"q": "bread & butter", "page": "2"})
    html = render("{{ querystring(page=3) }}", request)
    assert html == "?q=bread+%26+butter&amp;page=3"


def test_url_reverses_with_keyword_and_positional_arguments():
    assert render("{{ url('blog:post-detail', slug='hello') }}") == "/blog/hello/"
    assert render("{{ url('admin:blog_post_change', 7) }}") == "/admin/blog/post/7/change/"


def test_remembered_urls_follow_the_script_prefix_and_the_urlconf():
    assert routing.reverse("blog:post-detail", slug="hello") == "/blog/hello/"
    set_script_prefix("/site/")
    try:
        assert routing.reverse("blog:post-detail", slug="hello") == "/site/blog/hello/"
    finally:
        set_script_prefix("/")
    assert routing.reverse("home") == "/"
    with override_settings(ROOT_URLCONF=__name__):
        assert routing.reverse("home") == "/start/"
    assert routing.reverse("home") == "/"


def test_values_are_escaped_and_safe_markup_is_kept():
    post = Post(title='<script>alert("x")</script>', excerpt_html="<p>kept</p>")
    html = render("{{ post.title }}|{{ post.excerpt_html|safe }}", post=post)
    assert html == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;|<p>kept</p>"


def test_intcomma_and_pluralize_are_djangos():
    assert render("{{ 12345|intcomma }} word{{ 2|pluralize }}") == "12,345 words"
