"""The links of a post page (blog/links.py): neighbours, related posts and tags, stored and
kept in step by every write, read through the published() rule."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from blog import changes, links
from blog.links import refresh
from blog.models import Post, Tag
from tests.factories import make_post, make_tag, post_form_data

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def links_of(post):
    """What the page of `post` shows, read afresh (writes change other rows' links)."""
    previous, following, related, *_ = Post.objects.get(pk=post.pk).reading_links()
    return previous, following, related


def test_neighbours_skip_unpublished_posts_and_break_ties_by_pk():
    now = NOW - timedelta(days=10)
    with time_machine.travel(NOW, tick=False):
        oldest = make_post(publish_at=now - timedelta(days=3))
        draft = make_post(publish_at=now - timedelta(days=2), status=Post.Status.DRAFT)
        tie_a = make_post(publish_at=now - timedelta(days=1))
        tie_b = make_post(publish_at=now - timedelta(days=1))
        make_post(publish_at=NOW + timedelta(days=1))  # scheduled
        assert links_of(tie_a)[:2] == (oldest, tie_b)
        assert links_of(tie_b)[:2] == (tie_a, None)
        assert links_of(oldest)[:2] == (None, tie_a)
        # A draft's preview shows where it would go.
        assert links_of(draft)[:2] == (oldest, tie_a)


def test_a_scheduled_post_becomes_its_neighbours_next_post_at_its_time_without_a_write():
    with time_machine.travel(NOW, tick=False):
        live = make_post(publish_at=NOW - timedelta(days=1))
        scheduled = make_post(publish_at=NOW + timedelta(hours=2))
        assert links_of(live)[1] is None
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        assert links_of(live)[1] == scheduled
        assert links_of(scheduled)[0] == live


def test_related_posts_rank_shared_tags_then_newest_and_fill_with_the_newest():
    python, django, web = make_tag("Python"), make_tag("Django"), make_tag("Web")
    with time_machine.travel(NOW, tick=False):
        post = make_post(tags=[python, django, web], publish_at=NOW)
        one_tag_new = make_post(tags=[web], publish_at=NOW - timedelta(days=1))
        two_tags_old = make_post(tags=[python, django], publish_at=NOW - timedelta(days=30))
        untagged_newest = make_post(publish_at=NOW - timedelta(hours=1))
        make_post(publish_at=NOW - timedelta(days=40))
        make_post(tags=[python, django, web], status=Post.Status.DRAFT)
        future = make_post(tags=[python, django, web], publish_at=NOW + timedelta(days=1))
        assert links_of(post)[2] == [two_tags_old, one_tag_new, untagged_newest]
    # The scheduled sibling (all three tags) ranks first once it is live.
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert links_of(post)[2] == [future, two_tags_old, one_tag_new]


def test_links_follow_publishing_unpublishing_retagging_and_deleting():
    travel, cooking = make_tag("Travel"), make_tag("Cooking")
    with time_machine.travel(NOW, tick=False):
        post = make_post(tags=[travel], publish_at=NOW - timedelta(days=5))
        newer = make_post(tags=[travel], publish_at=NOW - timedelta(days=1), status="draft")
        assert links_of(post)[1] is None

        newer.status = Post.Status.PUBLISHED
        newer.save()
        assert links_of(post)[1:] == (newer, [newer])

        newer.tags.set([cooking])  # still the newest post, so it fills up
        other = make_post(tags=[travel], publish_at=NOW - timedelta(days=9))
        assert links_of(post)[2] == [other, newer]

        newer.status = Post.Status.DRAFT
        newer.save()
        assert links_of(post)[1:] == (None, [other])

        other.delete()
        assert links_of(post) == (None, None, [])

        travel.delete()
        newer.status = Post.Status.PUBLISHED
        newer.save()
        assert links_of(post)[1:] == (newer, [newer])


def test_a_page_view_reads_its_links_in_one_query(django_assert_num_queries):
    tag = make_tag("Travel")
    category = make_tag("Europe", kind=Tag.Kind.CATEGORY)
    posts = [make_post(tags=[tag, category]) for _ in range(5)]
    post = Post.objects.get(pk=posts[2].pk)
    with django_assert_num_queries(1):
        previous, following, related, _, tags = post.reading_links()
        assert [(t.pk, t.name, t.slug, t.kind) for t in tags] == [
            (category.pk, "Europe", "europe", "category"),  # categories first, as Tag orders
            (tag.pk, "Travel", "travel", "tag"),
        ]
        assert tags[0].get_absolute_url() == "/blog/categories/europe/"
    assert (previous, following) == (posts[3], posts[1])
    assert related == [posts[0], posts[1], posts[3]]


def test_stored_tags_keep_the_order_the_database_gives_tags():
    names = ["baking", "Bread", "Éclair", "apple", "Zucchini"]
    post = make_post(tags=[make_tag(name, slug=f"t{i}") for i, name in enumerate(names)])
    _, _, _, _, tags = Post.objects.get(pk=post.pk).reading_links()
    assert [tag.name for tag in tags] == [tag.name for tag in post.tags.all()]


def test_links_written_around_the_signals_still_show_the_tags(django_assert_num_queries):
    tag = make_tag("Travel")
    post = make_post(tags=[tag])
    Post.objects.filter(pk=post.pk).update(links={})  # as a bulk insert leaves them
    post = Post.objects.get(pk=post.pk)
    with django_assert_num_queries(2):  # no linked posts: the newest fill up; the tags
        assert post.reading_links().tags == [tag]


def tags_shown(client, post):
    """The names of the tags the page of ``post`` shows."""
    return [tag.name for tag in client.get(post.get_absolute_url()).context["tags"]]


def test_stored_tags_follow_every_change_to_a_tag_or_to_which_posts_carry_it(client):
    baking, bread = make_tag("Baking"), make_tag("Bread")
    post = make_post(tags=[baking])
    other = make_post(tags=[baking, bread])
    assert tags_shown(client, post) == ["Baking"]
    baking.name = "Home baking"
    baking.save()
    assert tags_shown(client, post) == ["Home baking"]
    assert tags_shown(client, other) == ["Bread", "Home baking"]
    post.tags.add(bread)
    assert tags_shown(client, post) == ["Bread", "Home baking"]
    bread.posts.remove(post)
    assert tags_shown(client, post) == ["Home baking"]
    baking.delete()
    assert tags_shown(client, post) == [] and tags_shown(client, other) == ["Bread"]
    other.tags.clear()
    assert tags_shown(client, other) == []


def _expected(post, posts, tags_of, now, related=3):
    """The definition, by brute force: what the page of `post` should show at `now`.

    For a live post, its neighbours are the nearest live posts. A preview of a post
    dated in the future shows its nearest published posts, if they are live.
    """
    published = [p for p in posts if p.status == "published" and p != post]
    live = [p for p in published if p.publish_at <= now]
    key = lambda p: (p.publish_at, p.pk)  # noqa: E731
    here = key(post)
    previous = max((p for p in published if key(p) < here), key=key, default=None)
    following = min((p for p in published if key(p) > here), key=key, default=None)
    previous, following = (p if p in live else None for p in (previous, following))
    shared = {p: len(tags_of[p.pk] & tags_of[post.pk]) for p in live}
    sharing = [p for p in live if shared[p]]
    ranked = sorted(sharing, key=lambda p: (-shared[p], -p.publish_at.timestamp(), -p.pk))
    chosen = ranked[:related]
    newest = sorted((p for p in live if p not in chosen), key=key, reverse=True)
    return previous, following, (chosen + newest)[:related]


@pytest.mark.parametrize("seed", range(3))
def test_stored_links_match_the_definition_on_random_sites(seed):
    rng = random.Random(seed)
    tags = [make_tag(f"Tag {i}") for i in range(5)]
    posts, tags_of = [], {}
    with time_machine.travel(NOW, tick=False):
        for _ in range(40):
            status = rng.choice(["published"] * 8 + ["draft"])
            # Days apart with frequent ties; some in the future (scheduled).
            publish_at = NOW + timedelta(days=rng.randint(-20, 3))
            chosen = rng.sample(tags, rng.choice([0, 1, 1, 2, 3]))
            post = make_post(status=status, publish_at=publish_at, tags=chosen)
            posts.append(post)
            tags_of[post.pk] = {tag.pk for tag in chosen}
        # Some writes after the fact: unpublish, re-date, delete.
        for post in rng.sample(posts, 5):
            post.publish_at = NOW + timedelta(days=rng.randint(-20, 3))
            post.save()
        gone = posts.pop(rng.randrange(len(posts)))
        gone.delete()
    for now in (NOW, NOW + timedelta(days=4)):
        with time_machine.travel(now, tick=False):
            for post in posts:
                assert links_of(post) == _expected(post, posts, tags_of, now), post.pk


def _recomputed():
    """Every post's links as a full recomputation gives them."""
    snapshot = links._Snapshot(Post)
    return {pk: snapshot.links(pk) for pk in Post.objects.values_list("pk", flat=True)}


@pytest.mark.parametrize("seed", range(3))
def test_saves_in_place_leave_the_same_links_as_a_full_recomputation(seed, monkeypatch):
    """Saves that keep a post's status and date (an edit, a change of its tags) take the
    short ways (none, or the post's own links alone when no other ranking can change);
    after each, every stored link is what a full recomputation gives."""
    rng = random.Random(seed)
    shortcuts = []
    retagged = links._retagged
    monkeypatch.setattr(
        links, "_retagged", lambda *args: shortcuts.append(retagged(*args)) or shortcuts[-1]
    )
    tags = [make_tag(name) for name in ("Été", "Кофе", "写真", "Garden", "Rye", "Soil")]
    with time_machine.travel(NOW, tick=False):
        posts = []
        for n in range(60):
            status = rng.choice(["published"] * 6 + ["draft"])
            # Many posts per tag, so that most rankings stop before an older post.
            publish_at = NOW - timedelta(days=rng.randint(-2, 60), hours=n)
            posts.append(make_post(status=status, publish_at=publish_at, tags=rng.sample(tags, 2)))
        for _ in range(25):
            post = Post.objects.get(pk=rng.choice(posts).pk)  # as the admin loads it
            with transaction.atomic(), changes.batch():
                post.body += "\n\nEdited."
                post.save()
                if rng.random() < 0.7:
                    post.tags.set(rng.sample(tags, rng.choice([0, 1, 2, 3])))
            assert dict(Post.objects.values_list("pk", "links")) == _recomputed()
    assert any(found is not None for found in shortcuts)


def test_admin_saves_recompute_links_only_when_a_post_moves_or_is_retagged(
    staff_client, monkeypatch
):
    """An edit of the text leaves every post's status, date and tags: no links are
    recomputed. Publishing moves the post (every link it can change); retagging it
    recomputes what its tags change, and the pages follow each time."""
    calls = []
    for name in ("refresh", "refresh_retagged"):
        original = getattr(links, name)
        monkeypatch.setattr(
            links, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k)
        )
    garden, rye = make_tag("Jardín"), make_tag("Рожь")
    older = make_post(tags=[garden], publish_at=NOW - timedelta(days=3))
    post = make_post(tags=[garden], publish_at=NOW - timedelta(days=2), status="draft")
    url = f"/admin/blog/post/{post.pk}/change/"

    def save(**changes):
        fresh = Post.objects.get(pk=post.pk)
        response = staff_client.post(url, post_form_data(fresh, **changes))
        assert response.status_code == 302

    with time_machine.travel(NOW, tick=False):
        calls.clear()
        save(body="Un texte révisé.", title="Titre révisé")
        assert calls == []
        save(status="published")
        assert calls == ["refresh"]
        assert links_of(older)[1:] == (post, [post])
        calls.clear()
        save(tags=[rye.pk])
        assert calls == ["refresh_retagged"]
        assert links_of(older)[2] == [post]  # the newest post fills "Keep reading" up
        assert Post.objects.get(pk=post.pk).links["tags"][0]["name"] == "Рожь"
        assert dict(Post.objects.values_list("pk", "links")) == _recomputed()


def test_a_post_moved_back_after_a_refresh_from_the_database_is_seen_to_move():
    with time_machine.travel(NOW, tick=False):
        older = make_post(publish_at=NOW - timedelta(days=3))
        post = make_post(publish_at=NOW - timedelta(days=2))
        loaded = Post.objects.get(pk=post.pk)
        # Another writer moves it before the oldest post (a bulk path, then notify()).
        Post.objects.filter(pk=post.pk).update(publish_at=NOW - timedelta(days=5))
        changes.notify(post_ids=[post.pk])
        loaded.refresh_from_db()
        loaded.publish_at = NOW - timedelta(days=2)  # back where this instance had it
        loaded.save()
        assert links_of(older)[:2] == (None, post)
        assert dict(Post.objects.values_list("pk", "links")) == _recomputed()


def test_a_save_never_writes_back_the_links_an_instance_was_loaded_with():
    with time_machine.travel(NOW, tick=False):
        post = make_post(publish_at=NOW - timedelta(days=3))
        loaded = Post.objects.get(pk=post.pk)
        newer = make_post(publish_at=NOW - timedelta(days=1))  # changes post's links
        loaded.title = "Édité"
        loaded.save()  # in place: nothing to recompute, and its stale links not written
        assert links_of(post)[1] == newer


def test_rankings_run_to_the_third_live_post_and_refresh_is_idempotent():
    tag = make_tag("Travel")
    with time_machine.travel(NOW, tick=False):
        posts = [make_post(tags=[tag], publish_at=NOW - timedelta(days=i)) for i in range(8)]
        scheduled = make_post(tags=[tag], publish_at=NOW + timedelta(days=1))
        assert refresh() == set()
        stored = Post.objects.get(pk=posts[0].pk).links["related"]
        assert stored == [scheduled.pk, posts[1].pk, posts[2].pk, posts[3].pk]
        Post.objects.filter(pk=posts[0].pk).update(links={})
        assert refresh() == {posts[0].pk}


def test_clearing_a_posts_tags_takes_it_out_of_other_rankings():
    tag = make_tag("Travel")
    post, other = make_post(tags=[tag]), make_post(tags=[tag])
    assert Post.objects.get(pk=post.pk).links["related"] == [other.pk]
    other.tags.clear()
    assert Post.objects.get(pk=post.pk).links["related"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_every_link_right(monkeypatch):
    """Two transactions writing neighbouring posts at the same moment, each reading the
    posts while the other has not committed: they must wait for each other, or both
    store links that miss the other's post (and on PostgreSQL they could deadlock)."""
    import threading

    from django.db import connection, transaction

    from blog import links

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's writers already go one at a time")
    now = timezone.now()
    older = make_post(publish_at=now - timedelta(days=10))
    newer = make_post(publish_at=now - timedelta(days=1))
    draft = make_post(publish_at=now - timedelta(days=6), status=Post.Status.DRAFT)
    both_reading = threading.Barrier(2)
    snapshot = links._Snapshot.__init__

    def read_together(self, model):
        snapshot(self, model)
        try:
            both_reading.wait(timeout=2)  # without the lock both get here before a commit
        except threading.BrokenBarrierError:
            pass

    monkeypatch.setattr(links._Snapshot, "__init__", read_together)
    errors = []

    def write(change):
        try:
            with transaction.atomic():
                change()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def publish():
        draft.status = Post.Status.PUBLISHED
        draft.save(update_fields=["status"])

    writers = [
        threading.Thread(target=write, args=(publish,)),
        threading.Thread(target=write, args=(lambda: make_post(publish_at=now - timedelta(4)),)),
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    monkeypatch.undo()
    assert errors == []
    stored = dict(Post.objects.values_list("pk", "links"))
    assert links.refresh() == set(), stored  # nothing left to correct
    assert Post.objects.get(pk=older.pk).links["next"] == draft.pk
    assert Post.objects.get(pk=newer.pk).links["previous"] != older.pk


def test_retagging_a_post_with_many_tags_asks_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    """The sets of a post's tags that may rank it are 2 ** tags: past a few, one full
    recomputation, never thousands of queries for one save."""
    tags = [make_tag(f"Тег {n}") for n in range(14)]
    with time_machine.travel(NOW, tick=False):
        for n in range(4):  # newer posts sharing two of its tags
            make_post(publish_at=NOW - timedelta(hours=n), tags=tags[:2])
        post = make_post(publish_at=NOW - timedelta(days=3), tags=tags[:13])
        with django_assert_max_num_queries(60):
            post.tags.add(tags[13])
        assert dict(Post.objects.values_list("pk", "links")) == _recomputed()
