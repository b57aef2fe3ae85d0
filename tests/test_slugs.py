"""Slugs that read as another address: refused (invisible characters) or flagged
(mixed scripts, compatibility letters), the same way by the importer and the admin."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from authors.models import Author
from blog.importing import Action, ImportOptions, import_site
from blog.models import Post, Tag
from folio.slugs import slug_error, slug_warning
from tests.factories import make_post, post_form_data

# Slugs real sites use, in one script per word or in the mixes a language needs.
LEGIT = [
    "café-crème",
    "naïve-straße",
    "python-учебник",
    "ελληνικά",
    "東京タワー",  # kanji with katakana
    "日本語のテキスト",  # kanji with hiragana and katakana
    "상태-관리",
    "iphone用",  # Latin with Han
    "中文-pinyin",
    "हिन्दी-लेख",
    "مرحبا-world",
    "2024-recap",
]
# One invisible character each: bidi controls, zero-width and other format characters,
# a Hangul filler, a variation selector, a control character.
INVISIBLE = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u3164",
    "\ufe0f",
    "\u0085",
    "\U000e0041",
]
# Homoglyphs in one word: Cyrillic а, Greek ο, Cyrillic р/у with Latin, fullwidth,
# mathematical bold.
LOOKALIKE = [
    "p\u0430ypal",
    "g\u03bfogle",
    "\u0440\u0430\u0443\u0440\u0430l",
    "ｐａｙｐａｌ",
    "𝐩aypal",
]


@pytest.mark.parametrize("slug", LEGIT)
def test_legit_slugs_in_any_language_pass_without_a_warning(slug):
    assert slug_error(slug) is None
    assert slug_warning(slug) is None


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_are_refused_and_named(char):
    error = slug_error(f"pay{char}pal")
    assert f"U+{ord(char):04X}" in error and "invisible" in error


@pytest.mark.parametrize("slug", LOOKALIKE)
def test_lookalike_letters_in_one_word_are_flagged(slug):
    warning = slug_warning(f"{slug}-login")
    assert warning and f"“{slug}”" in warning


def test_scripts_may_differ_from_word_to_word_but_not_within_one():
    assert slug_warning("python-учебник") is None
    assert "mixes Cyrillic and Latin letters" in slug_warning("python-учебникs")
    assert "Greek" in slug_warning("hello-wοrld")  # Greek omicron in the second word


# The importer ---------------------------------------------------------------------------


def _import(site):
    return {report.path: report for report in import_site(site.root, ImportOptions()).reports}


@pytest.mark.django_db
def test_the_importer_refuses_a_file_name_with_a_bidi_control(site):
    site.post("invoice\u202egpj.exe")
    site.post("fine")
    reports = _import(site)
    report = reports["src/pages/blog/invoice\u202egpj.exe.md"]
    assert report.action == Action.ERROR
    assert "cannot be a URL slug" in report.detail
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in report.detail
    assert list(Post.objects.values_list("slug", flat=True)) == ["fine"]


@pytest.mark.django_db
def test_the_importer_warns_about_a_mixed_script_slug_and_imports_it(site):
    site.post("p\u0430ypal-login")
    for slug in LEGIT:
        site.post(slug)
    reports = _import(site)
    report = reports["src/pages/blog/p\u0430ypal-login.md"]
    assert report.action == Action.CREATED
    assert any("mixes Cyrillic and Latin letters" in warning for warning in report.warnings)
    for slug in LEGIT:
        assert reports[f"src/pages/blog/{slug}.md"].warnings == [], slug
    assert Post.objects.filter(slug="p\u0430ypal-login").exists()


# The admin --------------------------------------------------------------------------------


def _post_data(slug):
    template = make_post(slug="template", status="draft")
    data = post_form_data(template, slug=slug, title="A post")
    del data["version"]
    template.delete()
    return data


FORMS = {
    "post": ("admin:blog_post_add", _post_data, Post),
    "author": (
        "admin:authors_author_add",
        lambda slug: {"first_name": "A", "slug": slug, "website": "", "extra": "{}"},
        Author,
    ),
    "tag": (
        "admin:blog_tag_add",
        lambda slug: {"name": "A tag", "slug": slug, "kind": "tag", "extra": "{}"},
        Tag,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_the_admin_refuses_a_slug_with_an_invisible_character(staff_client, form):
    url, data, model = FORMS[form]
    response = staff_client.post(reverse(url), data("pay\u200dpal"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == [
        "This slug contains invisible characters (U+200D ZERO WIDTH JOINER), which can "
        "make an address read as another. Remove them."
    ]
    assert not model.objects.filter(slug="pay\u200dpal").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_the_admin_saves_a_lookalike_slug_with_a_warning(staff_client, form):
    url, data, model = FORMS[form]
    response = staff_client.post(reverse(url), data("p\u0430ypal"))
    assert response.status_code == 302
    assert model.objects.filter(slug="p\u0430ypal").exists()
    warnings = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "The slug “p\u0430ypal” mixes Cyrillic and Latin letters in one word (“p\u0430ypal”), "
        "so it can pass for another address. Check that it is the one you meant."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("slug", ["café-crème", "python-учебник", "東京タワー", "상태-관리"])
def test_the_admin_saves_legit_slugs_without_a_warning(staff_client, form, slug):
    url, data, model = FORMS[form]
    response = staff_client.post(reverse(url), data(slug))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert model.objects.filter(slug=slug).exists()
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
