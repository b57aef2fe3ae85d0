"""Search: what readers find, what they never find, and an index that keeps up.

Runs on whichever database the suite uses (SQLite FTS5 by default, PostgreSQL full
text search with DATABASE_URL), through the same page and the same assertions.
"""

import random
import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.changes import notify
from blog.models import Post
from search.backends import get_backend
from search.query import MAX_QUERY_LENGTH, parse
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db

URL = reverse("search:results")


def found(client, q, **params):
    """Titles of the posts a reader finds for ``q``, best first (page 1 unless given)."""
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return [hit.post.title for hit in response.context["hits"]]


# The query language ----------------------------------------------------------------


def test_parse_reads_words_phrases_exclusions_and_a_trailing_prefix():
    query = parse('  Bread "Sour Dough"  -rye   oven')
    assert [(t.words, t.exclude, t.prefix) for t in query.terms] == [
        (("bread",), False, False),
        (("sour", "dough"), False, False),
        (("rye",), True, False),
        (("oven",), False, True),
    ]
    assert query.text == 'Bread "Sour Dough" -rye oven'


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("NEAR(a b) title:x *^", [("near", "a"), ("b",), ("title", "x")]),
        ("e-mail", [("e", "mail")]),  # one hyphenated word stays one phrase
        ('"unbalanced quote', [("unbalanced", "quote")]),
        ("- -- ()", []),
        ("-solo", [("solo",)]),
    ],
)
def test_parse_keeps_only_letters_and_digits(text, terms):
    assert [t.words for t in parse(text).terms] == terms


def test_parse_bounds_the_query():
    query = parse("word " * 1000)
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert len(query.terms) == 12


# What readers find -------------------------------------------------------------------


def test_a_title_match_outranks_a_body_match(client):
    make_post(title="Notes from the kitchen", body="I once baked a sourdough loaf here.")
    make_post(title="Sourdough for beginners", body="Flour, water and patience.")
    assert found(client, "sourdough") == ["Sourdough for beginners", "Notes from the kitchen"]


def test_stemming_finds_other_forms_of_a_word(client):
    make_post(title="Home lab", body="Setting up the network took a weekend.")
    make_post(title="Unrelated", body="Nothing about computers at all.")
    assert found(client, "networking") == ["Home lab"]


def test_a_quoted_phrase_needs_the_words_together(client):
    make_post(title="Together", body="Why a static site is enough for most blogs.")
    make_post(title="Apart", body="The site was anything but static.")
    assert found(client, '"static site"') == ["Together"]
    assert sorted(found(client, "static site")) == ["Apart", "Together"]


def test_a_minus_excludes_a_word(client):
    make_post(title="Python and Django", body="Web apps.")
    make_post(title="Python scripting", body="Small tools.")
    assert found(client, "python -django") == ["Python scripting"]


def test_the_last_word_matches_as_a_prefix(client):
    make_post(title="Six small typography habits")
    assert found(client, "typog") == ["Six small typography habits"]
    assert found(client, '"typog"') == []  # a quoted word is a whole word


def test_subtitle_excerpt_tags_and_author_are_searched(client):
    author = make_author(first_name="Maya", last_name="Lindqvist")
    make_post(title="One", subtitle="Cycling the Loire")
    make_post(title="Two", excerpt="A note on *balconies*.")
    make_post(title="Three", tags=[make_tag("Gardening")])
    make_post(title="Four", author=author)
    assert found(client, "loire") == ["One"]
    assert found(client, "balconies") == ["Two"]
    assert found(client, "gardening") == ["Three"]
    assert found(client, "lindqvist") == ["Four"]


def test_body_text_is_searched_not_its_markup(client):
    make_post(title="Linked", body='See [the docs](https://example.com/hrefword "titleword").')
    assert found(client, "docs") == ["Linked"]
    assert found(client, "hrefword") == []


def test_results_show_a_count_and_a_highlighted_snippet(client):
    make_post(title="Bread", body="Everything about baking bread at home, every week.")
    html = client.get(URL, {"q": "baking"}).content.decode()
    assert "1 result for “baking”" in html
    assert "<mark>baking</mark>" in html


def test_snippets_escape_html_in_the_text(client):
    make_post(title="XSS notes", body="Never write `<script>alert(1)</script>` in a comment.")
    html = client.get(URL, {"q": "alert"}).content.decode()
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert found(client, "script") == ["XSS notes"]  # text that looks like a tag is text


def test_results_paginate_and_keep_the_query_in_page_links(client):
    for n in range(12):
        make_post(title=f"Kettle story {n}")
    response = client.get(URL, {"q": "kettle"})
    assert len(response.context["hits"]) == 10
    assert "12 results" in response.content.decode()
    assert 'href="?q=kettle&amp;page=2"' in response.content.decode()
    assert len(found(client, "kettle", page=2)) == 2
    assert client.get(URL, {"q": "kettle", "page": 3}).status_code == 404


def test_no_match_says_so_and_shows_how_to_search(client):
    make_post(title="Something")
    html = client.get(URL, {"q": "zebra"}).content.decode()
    assert "0 results for “zebra”" in html and "No published post or page matches" in html
    assert "How to search" in html


@pytest.mark.parametrize("q", ["", "   ", "\t\n"])
def test_an_empty_query_shows_a_helpful_page_without_touching_the_database(
    client, django_assert_num_queries, q, site_settings_cached
):
    with django_assert_num_queries(0):
        response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()
    assert "How to search" in response.content.decode()


def test_only_exclusions_or_symbols_explain_what_is_missing(client):
    for q in ["-python", "*** ()"]:
        html = client.get(URL, {"q": q}).content.decode()
        assert "There is nothing to look for" in html


HOSTILE = [
    '"',
    '"unbalanced',
    'a"b"c"',
    "*",
    "net*",
    "^start",
    "NEAR(bread oven, 2)",
    "title:bread",
    "{title body}: bread",
    "bread AND OR NOT",
    "NOT",
    "- -- ---",
    "()",
    "((bread)",
    "bread\x00oven",
    "' OR 1=1 --",
    "'; DROP TABLE blog_post; --",
    "%_\\",
    "bread:* & !oven | <->",
    "café 東京 🍞 naïve",
    "\u202e\ufeff\ue000\ue001",
    "bread " * 2000,
    "x" * 10_000,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail(client, q):
    make_post(title="Bread and oven", body="Café culture in 東京.")
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert "rror" not in response.content.decode()  # no (database) error shown


def test_random_query_soup_never_fails():
    """Every combination of the query languages' special characters parses to valid SQL."""
    make_post(title="Bread and oven")
    backend = get_backend()
    alphabet = list("\"*^():-+&|!<>{}[],.'\\%_ NEARORANDNOT") + ["bread", "oven", " ", "é", "東"]
    rng = random.Random(8)
    for _ in range(300):
        query = parse("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))))
        if query.searchable:
            backend.count(query)
            backend.hits(query, offset=0, limit=10)


def test_unicode_words_are_found(client):
    make_post(title="Café culture", body="Notes from 東京 and Zürich.")
    assert found(client, "café") == ["Café culture"]
    assert found(client, "zürich") == ["Café culture"]


def test_search_page_query_count_is_pinned(
    client, django_assert_max_num_queries, site_settings_cached
):
    author, tag = make_author(), make_tag()
    for n in range(30):
        make_post(title=f"Teapot {n}", author=author, tags=[tag])
    # count, ranked ids and snippets, the page's posts (with their authors)
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"q": "teapot"})
    assert len(response.context["hits"]) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_matches_through_a_gin_index():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "search_document")
    assert constraints["search_document_vector_gin"]["type"] == "gin"
    assert constraints["search_document_vector_gin"]["columns"] == ["vector"]


def test_the_header_has_a_labelled_search_box(client):
    html = client.get("/").content.decode()
    form = re.search(r'<form class="site-search" role="search".*?</form>', html, re.S).group(0)
    assert f'action="{URL}"' in form and 'name="q"' in form
    assert '<label class="visually-hidden" for="site-search-q">Search posts</label>' in form


# What readers never find -------------------------------------------------------------


def test_drafts_and_scheduled_posts_are_never_found(client):
    make_post(title="Live teapot")
    make_post(title="Draft teapot", status=Post.Status.DRAFT)
    make_post(title="Scheduled teapot", publish_at=timezone.now() + timedelta(hours=1))
    response = client.get(URL, {"q": "teapot"})
    assert [hit.post.title for hit in response.context["hits"]] == ["Live teapot"]
    assert "1 result " in response.content.decode()


def test_a_scheduled_post_is_found_once_its_time_comes(client):
    now = timezone.now()
    make_post(title="Scheduled teapot", publish_at=now + timedelta(hours=1))
    with time_machine.travel(now, tick=False):
        assert found(client, "teapot") == []
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        assert found(client, "teapot") == ["Scheduled teapot"]


# The index keeps up with every write path --------------------------------------------


def test_create_update_and_delete_are_indexed(client):
    post = make_post(title="Copper kettle")
    assert found(client, "kettle") == ["Copper kettle"]
    post.title = "Iron teapot"
    post.save()
    assert found(client, "kettle") == []
    assert found(client, "teapot") == ["Iron teapot"]
    post.delete()
    assert found(client, "teapot") == []


def test_unpublishing_removes_a_post_at_once(client):
    post = make_post(title="Copper kettle")
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status"])
    assert found(client, "kettle") == []


def test_admin_bulk_publish_makes_posts_findable(staff_client, client):
    post = make_post(title="Copper kettle", status=Post.Status.DRAFT)
    staff_client.post(
        reverse("admin:blog_post_changelist"), {"action": "publish", "_selected_action": [post.pk]}
    )
    assert found(client, "kettle") == ["Copper kettle"]


def test_bulk_updates_are_indexed_when_notified(client):
    posts = [make_post(title=f"Kettle {n}") for n in range(3)]
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(title="Teapot", body_html="")
    assert found(client, "teapot") == []  # save() bypassed: nothing told the index yet
    notify(post_ids=[p.pk for p in posts])
    assert found(client, "teapot") == ["Teapot"] * 3
    assert found(client, "kettle") == []


def test_tagging_and_tag_renames_are_indexed(client):
    tag = make_tag("Baking")
    post = make_post(title="Loaf")
    other = make_post(title="Scone", tags=[tag])
    post.tags.add(tag)
    assert sorted(found(client, "baking")) == ["Loaf", "Scone"]
    tag.name = "Patisserie"
    tag.save()
    assert sorted(found(client, "patisserie")) == ["Loaf", "Scone"]
    assert found(client, "baking") == []
    other.tags.remove(tag)
    assert found(client, "patisserie") == ["Loaf"]


def test_author_renames_are_indexed(client):
    author = make_author(first_name="Tomas", last_name="Okafor")
    make_post(title="One", author=author)
    make_post(title="Two", author=author)
    author.last_name = "Lindgren"
    author.save()
    assert sorted(found(client, "lindgren")) == ["One", "Two"]
    assert found(client, "okafor") == []


def test_rebuild_search_index_restores_a_lost_index(client):
    for n in range(3):
        make_post(title=f"Kettle {n}")
    make_post(title="Draft kettle", status=Post.Status.DRAFT)
    get_backend(connection).clear()
    assert found(client, "kettle") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 4 posts and pages" in out.getvalue()
    assert len(found(client, "kettle")) == 3


def test_a_prefix_needs_three_letters():
    assert parse("ty").terms[-1].prefix is False
    assert parse("typ").terms[-1].prefix is True


def test_deleting_an_author_or_a_tag_takes_its_name_out_of_the_index(client):
    author = make_author(first_name="Quixotic", last_name="Writer")
    tag = make_tag("Zymurgy")
    make_post(title="Brewing notes", author=author, tags=[tag])
    assert found(client, "quixotic") == ["Brewing notes"]
    assert found(client, "zymurgy") == ["Brewing notes"]
    author.delete()
    tag.delete()
    assert found(client, "quixotic") == []
    assert found(client, "zymurgy") == []
    assert found(client, "brewing") == ["Brewing notes"]


def test_clearing_a_tag_from_its_side_reindexes_its_posts(client):
    tag = make_tag("Zymurgy")
    make_post(title="Brewing notes", tags=[tag])
    tag.posts.clear()
    assert found(client, "zymurgy") == []
