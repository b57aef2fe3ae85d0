"""What one writer can make the editor's endpoints cost: preview size, preview and
upload rates (folio/throttle.py; docs/editors.md)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from folio import throttle
from tests.factories import image_file

pytestmark = pytest.mark.django_db

PREVIEW = reverse("markdownx_markdownify")
UPLOAD = reverse("markdownx_upload")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


class Clock:
    """Stands in for the time module inside folio.throttle."""

    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(1_714_564_810.0)  # 10 s into a minute
    monkeypatch.setattr(throttle, "time", fake)
    return fake


def writer_client(name):
    client = Client()
    client.force_login(get_user_model().objects.create_user(name, is_staff=True))
    return client


def test_a_preview_larger_than_the_limit_is_refused_with_a_message(staff_client, settings):
    settings.FOLIO_PREVIEW_MAX_BYTES = 10_000
    response = staff_client.post(PREVIEW, {"content": ">" * 60_000})
    assert response.status_code == 413
    text = response.content.decode()
    assert "preview stops at 9 KB" in text and "Saving is not affected" in text
    assert "<blockquote" not in text
    # Just under the limit still renders.
    assert staff_client.post(PREVIEW, {"content": "x" * 9_000}).status_code == 200


def test_the_reviews_60000_quote_markers_preview_bounded_and_ten_times_that_is_refused(
    staff_client,
):
    # 60,000 '>' url-encode to 180 KB: under the default 256 KB, so it renders, bounded.
    response = staff_client.post(PREVIEW, {"content": ">" * 60_000})
    assert response.status_code == 200
    assert response.content.count(b"<blockquote>") == 32
    response = staff_client.post(PREVIEW, {"content": ">" * 600_000})
    assert response.status_code == 413


def test_previews_are_limited_per_user_with_retry_after(settings, clock):
    settings.FOLIO_PREVIEW_RATE = (3, 60)
    first, second = writer_client("first"), writer_client("second")
    for _ in range(3):
        assert first.post(PREVIEW, {"content": "# hi"}).status_code == 200
    refused = first.post(PREVIEW, {"content": "# hi"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert "Preview paused" in refused.content.decode()
    # Another writer has a counter of their own.
    assert second.post(PREVIEW, {"content": "# hi"}).status_code == 200
    clock.now += 50  # the next minute
    assert first.post(PREVIEW, {"content": "# hi"}).status_code == 200


def test_uploads_are_limited_per_user_in_markdownxs_shape(settings, clock):
    settings.FOLIO_UPLOAD_RATE = (2, 60)
    client = writer_client("uploader")
    for index in range(2):
        response = client.post(UPLOAD, {"image": image_file(f"a{index}.jpg")}, **AJAX)
        assert response.status_code == 200, response.content
    refused = client.post(UPLOAD, {"image": image_file("a.jpg")}, **AJAX)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert "Try again in 50 seconds" in refused.json()["error"]


def test_anonymous_requests_are_refused_without_being_counted(client, settings):
    settings.FOLIO_PREVIEW_RATE = (1, 60)
    for _ in range(3):
        assert client.post(PREVIEW, {"content": "# hi"}).status_code == 403


def test_a_cache_that_does_not_answer_lets_previews_through(staff_client, settings, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    settings.FOLIO_PREVIEW_RATE = (1, 60)
    for _ in range(3):
        assert staff_client.post(PREVIEW, {"content": "# hi"}).status_code == 200
