from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import Truncator
from markdownx.models import MarkdownxField

from folio import routing
from folio.images import image_size, validate_image
from folio.rendering import html_to_text, render_markdown
from folio.renditions import Renditions
from folio.texmath import has_math

WORDS_PER_MINUTE = 230
#: How many related posts a post page shows ("Keep reading").
RELATED_SHOWN = 3
# What a post card shows (blog/_post_card.html): these columns and no others are read
# for list pages, search results and a post's "Keep reading".
CARD_COLUMNS = (
    *("title", "subtitle", "slug", "author", "status", "publish_at", "excerpt_html"),
    *("word_count", "image", "image_width", "image_height"),
    *("thumb_image", "thumb_image_width", "thumb_image_height"),
)
AUTHOR_COLUMNS = tuple(
    f"author__{name}"
    for name in ("first_name", "last_name", "slug", "photo", "photo_width", "photo_height")
)
# What a post's stored links keep of each of its tags (blog/links.py).
TAG_LINK_FIELDS = ("id", "name", "slug", "kind")
# An author's columns no page shows: the markdown and the import records.
AUTHOR_UNSHOWN = ("bio", "extra", "source_root", "source_path", "source_hash", "imported_at")


class Tag(models.Model):
    """A tag or a category: one model, since sites use both the same way.

    The same name may exist as a tag and as a category, so slugs are unique per kind.
    """

    class Kind(models.TextChoices):
        TAG = "tag", "Tag"
        CATEGORY = "category", "Category"

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, allow_unicode=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TAG)
    description = MarkdownxField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    source_path = models.CharField(max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="blog_tag_unique_kind_slug"),
        ]

    def __str__(self):
        return self.name if self.kind == self.Kind.TAG else f"{self.name} (category)"

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        route = "blog:tag-detail" if self.kind == self.Kind.TAG else "blog:category-detail"
        return routing.reverse(route, slug=self.slug)

    @classmethod
    def from_stored(cls, db, values):
        """The tag as a post's stored links keep it (``TAG_LINK_FIELDS``), as if loaded
        with ``only()`` from database ``db``: any other field is read on first use."""
        names = [field.attname for field in cls._meta.concrete_fields if field.attname in values]
        return cls.from_db(db, names, [values[name] for name in names])


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    """What readers may see of posts and pages: one rule for both (:class:`Publishable`)."""

    def published(self):
        """What readers may see: published, with a publish date that has arrived and no
        unpublish date that has passed.

        A published post (or page) dated in the future is *scheduled*: it appears by
        itself once its time comes, and one with an unpublish date (``expire_at``)
        disappears by itself then, with no cron job, because the rule is evaluated per
        query.
        """
        now = timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now).filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now)
        )

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

    def expiring(self):
        """Published, with an unpublish date still to come (live or scheduled)."""
        return self.filter(status=Status.PUBLISHED, expire_at__gt=timezone.now())

    def expired(self):
        """Published, but taken down by an unpublish date that has passed."""
        return self.filter(status=Status.PUBLISHED, expire_at__lte=timezone.now())


class Publishable(models.Model):
    """What posts and pages share: a status and a publish date (what readers may see,
    :meth:`PublishableQuerySet.published`), and their old address answering with a 301
    when a live one moves (its ``address_field`` changes)."""

    Status = Status

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        help_text="A published post with a date in the future is scheduled until then.",
    )
    expire_at = models.DateTimeField(
        "unpublish date",
        null=True,
        blank=True,
        help_text="Readers stop seeing it at this time; empty: it stays up.",
    )

    #: The field whose value decides the object's address (:meth:`address_of`).
    address_field = "slug"

    class Meta:
        abstract = True

    @classmethod
    def address_of(cls, value):
        """The path readers find an object at whose ``address_field`` holds ``value``."""
        raise NotImplementedError

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        # Where the object lived when loaded and whether readers could see it there, so
        # a save that moves a live one leaves a redirect (and an unpublished one does
        # not reveal its new address).
        obj._loaded_path = (obj.__dict__.get(cls.address_field), obj._was_live())
        return obj

    def _was_live(self):
        publish_at = self.__dict__.get("publish_at")
        return (
            self.__dict__.get("status") == Status.PUBLISHED
            and publish_at is not None
            and publish_at <= timezone.now()
        )

    def _keep_address(self):
        """After a save: if a live object moved, its old address redirects to the new."""
        old, was_live = getattr(self, "_loaded_path", (None, False))
        new = getattr(self, self.address_field)
        if old and old != new and was_live:
            Redirect.objects.record_move(self.address_of(old), self.address_of(new))
        self._loaded_path = (new, self._was_live())

    @property
    def is_published(self):
        return (
            self.status == Status.PUBLISHED
            and self.publish_at <= timezone.now()
            and not self.is_expired
        )

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def is_expired(self):
        return self.expire_at is not None and self.expire_at <= timezone.now()

    @property
    def state(self):
        """draft / scheduled / live / expired, as editors talk about it."""
        if self.status == Status.DRAFT:
            return "draft"
        if self.is_expired:
            return "expired"
        return "scheduled" if self.is_scheduled else "live"


class PostQuerySet(PublishableQuerySet):
    def cards(self):
        """Posts as list cards show them: the card's columns and its author's, no more.

        Each column left out is one less for the ORM to compile and convert on every
        list page; reading one that is not here costs a query per post (the query
        counts pinned in tests/test_visibility.py catch that).
        """
        return self.select_related("author").only(*CARD_COLUMNS, *AUTHOR_COLUMNS)

    def pages(self):
        """Posts as their own page shows them: author joined, and the columns only
        editors and the importer read (the markdown, the import records) left out."""
        return self.select_related("author").defer(
            "body",
            "extra",
            "source_root",
            "source_path",
            "source_hash",
            "imported_at",
            *(f"author__{name}" for name in AUTHOR_UNSHOWN),
        )

    def editable_by(self, user):
        """The posts this user may change: any post for editors, their own for writers."""
        if not Post.may_edit_posts(user):
            return self.none()
        if user.has_perm("blog.change_any_post"):
            return self
        return self.filter(author__user=user)


class Post(Publishable):
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        # Help texts are HTML in Django's forms (the admin does not escape them).
        help_text="The post's address: /blog/&lt;slug&gt;/.",
    )
    author = models.ForeignKey(
        "authors.Author",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    excerpt = MarkdownxField(blank=True, help_text="Markdown; shown on lists and in feeds.")
    excerpt_html = models.TextField(blank=True, editable=False)
    body = MarkdownxField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # Whether body_html holds TeX math, so the post's page loads KaTeX (and others do not).
    has_math = models.BooleanField(default=False, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    image = models.ImageField(
        "hero image", upload_to="posts/%Y/%m/", blank=True, validators=[validate_image]
    )
    image_alt = models.CharField(
        "hero image alt text",
        max_length=300,
        blank=True,
        help_text="What the hero image shows, for readers who cannot see it.",
    )
    thumb_image = models.ImageField(
        "thumbnail", upload_to="posts/%Y/%m/", blank=True, validators=[validate_image]
    )
    # Filled on save; empty when the file is missing or not an image (then no image shows).
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    thumb_image_width = models.PositiveIntegerField(null=True, editable=False)
    thumb_image_height = models.PositiveIntegerField(null=True, editable=False)
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Front-matter keys Folio does not model, kept so an export can give them back.",
    )
    # {"previous": pk, "next": pk, "related": [pk, ...], "tags": [{id, name, slug, kind},
    # ...]}: what this post's page links to, derived like body_html and kept in step by
    # every write (blog/links.py), so a page view neither ranks posts, nor searches for
    # neighbours, nor queries its tags.
    links = models.JSONField(default=dict, blank=True, editable=False)
    source_root = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The site (its root folder) this post was imported from.",
    )
    source_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="The file this post was imported from; blank for posts written here.",
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    # Stamped by save() (not auto_now), so an import can stamp imported_at identically.
    updated = models.DateTimeField(default=timezone.now, editable=False)

    objects = PostQuerySet.as_manager()

    # Resized copies for pages: hero and card share one shape, so a card without a
    # thumbnail uses the hero's renditions.
    hero = Renditions("image", widths=(640, 1024, 1600), ratio=(16, 9))
    thumb = Renditions("thumb_image", widths=(640, 1024, 1600), ratio=(16, 9))
    # The (body, excerpt) the stored HTML was rendered from on this instance.
    _rendered_from = None
    #: The text of body_html, as render() found it (what the search index holds).
    body_text = None
    #: The user making the current save, when known (the admin sets it); the revision
    #: that every save leaves behind records it. Not a field.
    edited_by = None
    #: The revision this instance's last save kept: tags set after the save (the admin's
    #: form, the importer) are written into it (blog/history.py).
    _revision = None
    #: (status, publish_at) as stored when this instance was loaded or last saved; None
    #: when unknown (not loaded from the database, or loaded without them).
    _stored_place = None
    #: Whether this instance's last save left its status and publish date as they were
    #: stored (blog.changes reports it: the order of posts, and the links derived from
    #: it, did not change).
    kept_place = False

    class Meta:
        ordering = ["-publish_at", "-pk"]
        get_latest_by = "publish_at"
        permissions = [
            ("can_publish", "Can publish posts"),
            ("change_any_post", "Can edit posts by any author"),
        ]
        indexes = [
            # Every public read filters on status and a range of dates, in this order
            # (lists newest first; neighbours walk it both ways from one post).
            models.Index(fields=["status", "-publish_at", "-id"], name="blog_post_status_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_root", "source_path"],
                condition=~Q(source_path=""),
                name="blog_post_unique_source",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, imported=False, **kwargs):
        """Save, rendering the markdown and stamping ``updated``.

        ``imported=True`` (the importer) stamps ``imported_at`` with the same instant,
        so "updated after imported_at" means exactly "edited since the last import".
        """
        update_fields = kwargs.get("update_fields")
        derived = self.derive(imported, update_fields)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *derived}
        elif not self._state.adding and not kwargs.get("force_insert"):
            kwargs["update_fields"] = self._saved_fields()
        created = self._state.adding
        self.kept_place, stored_place = self._placed(created, update_fields)
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._keep_history(created)
        self._stored_place = stored_place

    def get_absolute_url(self):
        return routing.reverse("blog:post-detail", slug=self.slug)

    @classmethod
    def address_of(cls, slug):
        return reverse("blog:post-detail", kwargs={"slug": slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._stored_place = obj._place()
        return obj

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        place_fields = {"status", "publish_at"}
        if fields is None or place_fields.issubset(fields):
            self._stored_place = self._place()
        elif place_fields.intersection(fields):
            self._stored_place = None  # the other one may be as set, not as stored

    def _saved_fields(self):
        """What a save of a stored post writes: every loaded field but its links.

        The links are blog.links's to write: what this instance holds of them was read
        when it was loaded, and writing it back could undo a change of another post's
        made since (a save leaving the post's status, date and tags as they were then
        has nothing for blog.links to recompute, and leaves them as they are).
        """
        deferred = self.get_deferred_fields()
        return [
            field.attname
            for field in self._meta.concrete_fields
            if not field.primary_key and field.attname not in deferred and field.name != "links"
        ]

    def _placed(self, created, update_fields):
        """(whether this save keeps the post's stored place, its stored place after)."""
        place_fields = {"status", "publish_at"}
        written = place_fields if update_fields is None else place_fields & set(update_fields)
        if not written:  # a save of other fields leaves the stored place as it was
            return not created, self._stored_place
        place = self._place()
        if written != place_fields:
            return False, None  # half written: where it now stands is not known here
        return not created and place is not None and place == self._stored_place, place

    def _place(self):
        """(status, publish_at): where the post stands in the order of posts (None when
        not loaded)."""
        fields = self.__dict__
        if "status" not in fields or "publish_at" not in fields:
            return None
        return fields["status"], fields["publish_at"]

    def derive(self, imported=False, update_fields=None) -> set[str]:
        """Fill in what every save stores besides what was written: the HTML, ``updated``
        (and ``imported_at``), the images' sizes; the names of the fields it set.

        :meth:`save` calls it; the importer calls it for the posts it inserts in bulk.
        """
        self.render()
        self.updated = timezone.now()
        derived = {"body_html", "has_math", "excerpt_html", "word_count", "updated"}
        if imported:
            self.imported_at = self.updated
            derived.add("imported_at")
        for field in ("image", "thumb_image"):
            if update_fields is None or field in update_fields:
                size = image_size(getattr(self, field))
                setattr(self, f"{field}_width", size[0])
                setattr(self, f"{field}_height", size[1])
                derived |= {f"{field}_width", f"{field}_height"}
        return derived

    def _keep_history(self, created):
        """What every save leaves behind: a revision, and a redirect if a live URL moved."""
        # A new post has no tags yet (whoever sets them next updates this revision).
        self._revision = PostRevision.record(self, self.edited_by, tags=[] if created else None)
        self._keep_address()

    def render(self):
        """Render the markdown fields into their stored HTML (done on every save).

        Skipped when this instance already holds HTML rendered from the current text
        (see adopt_rendering), so work done ahead of the save is not done twice.
        """
        if self._rendered_from == (self.body, self.excerpt):
            return
        self.body_html = render_markdown(self.body)
        self.has_math = has_math(self.body_html)
        body_text = self.body_text = html_to_text(self.body_html)
        self.word_count = len(body_text.split())
        if self.excerpt.strip():
            self.excerpt_html = render_markdown(self.excerpt)
        else:
            # No excerpt written: the list pages show the opening of the body instead.
            self.excerpt_html = render_markdown(Truncator(body_text).words(40))
        self._rendered_from = (self.body, self.excerpt)

    def rendering(self):
        """The rendered state of this instance, to hand to another one (picklable)."""
        self.render()
        return (self.body, self.excerpt, self.body_html, self.excerpt_html, self.word_count)

    def adopt_rendering(self, rendering):
        """Take HTML that render() produced elsewhere (the importer renders in worker
        processes), provided it was rendered from exactly this instance's text."""
        body, excerpt, body_html, excerpt_html, word_count = rendering
        if (body, excerpt) != (self.body, self.excerpt):
            raise ValueError("rendering is of different text")
        self.body_html, self.excerpt_html, self.word_count = body_html, excerpt_html, word_count
        self.has_math = has_math(body_html)
        self._rendered_from = (body, excerpt)

    @staticmethod
    def may_edit_posts(user):
        """Whether this user may use the post editor at all (writers and editors)."""
        return user.is_active and user.is_staff and user.has_perm("blog.change_post")

    def is_editable_by(self, user):
        """The per-object form of :meth:`PostQuerySet.editable_by`."""
        if not self.may_edit_posts(user):
            return False
        if user.has_perm("blog.change_any_post"):
            return True
        return self.author is not None and self.author.user_id == user.pk

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def card_renditions(self):
        return self.thumb or self.hero

    def reading_links(self, related=RELATED_SHOWN):
        """:class:`ReadingLinks`: previous, next and related posts, and the post's tags,
        as the post page shows them.

        The stored links (blog/links.py) read through ``published()``, so what is not
        live now is left out; when fewer than ``related`` related posts are live, the
        newest other posts fill up (a second query, only then).
        """
        links = self.links
        ranked = links.get("related", [])
        wanted = [links.get("previous"), links.get("next"), *ranked]
        cards = Post.objects.published().filter(pk__in=[pk for pk in wanted if pk])
        # In the stored order, not the database's: no ORDER BY to compile or run.
        cards = {card.pk: card for card in cards.cards().order_by()}
        shown = [cards[pk] for pk in ranked if pk in cards][:related]
        filled = len(shown) < related
        if filled:
            others = Post.objects.published().exclude(pk__in=[self.pk, *(p.pk for p in shown)])
            shown += others.cards()[: related - len(shown)]
        if "tags" in links:
            tags = [Tag.from_stored(self._state.db, tag) for tag in links["tags"]]
        else:  # links written around the signals (a bulk insert), not derived yet
            tags = list(self.tags.only(*TAG_LINK_FIELDS))
        return ReadingLinks(
            cards.get(links.get("previous")), cards.get(links.get("next")), shown, filled, tags
        )


class ReadingLinks(NamedTuple):
    previous: Post | None
    next: Post | None
    related: list[Post]
    #: The newest posts filled up "Keep reading": any new post changes the page.
    filled: bool
    #: The post's tags, with the fields a page shows (``TAG_LINK_FIELDS``).
    tags: list[Tag]


class Review(models.TextChoices):
    """Where a writer's change to a live post stands (blog/review.py)."""

    PENDING = "pending", "Awaiting review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REPLACED = "replaced", "Replaced by a later change"


class Revision(models.Model):
    """The state of a post or a page after one save: what the history pages diff and
    restore (blog/history.py). Every field an editor can change is recorded; a concrete
    revision names its owner (``owner_field``) and what it copies."""

    title = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices)
    publish_at = models.DateTimeField(null=True, blank=True)
    expire_at = models.DateTimeField(null=True, blank=True)
    body = models.TextField(blank=True)
    image = models.CharField(max_length=255, blank=True)  # the stored file's name
    extra = models.JSONField(default=dict, blank=True)
    #: False for revisions kept before every field was recorded: they hold the title,
    #: excerpt, body and status only, and the rest is left out of their diffs.
    complete = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(default=timezone.now)

    #: The foreign key to the post or page.
    owner_field = ""
    #: The fields kept as the owner holds them.
    COPIED = ()
    #: Image fields, kept by the stored file's name.
    IMAGES = ("image",)

    class Meta:
        abstract = True
        ordering = ["-created", "-pk"]
        get_latest_by = ["created", "pk"]

    def __str__(self):
        return f"{self.title} ({self.created:%Y-%m-%d %H:%M:%S})"

    @property
    def owner(self):
        return getattr(self, self.owner_field)

    @property
    def is_pending(self):
        """A change awaiting review (posts only: see PostRevision)."""
        return getattr(self, "review", "") == Review.PENDING

    @classmethod
    def record(cls, owner, user=None, **values):
        """Keep ``owner`` as it is now, in memory (a change awaiting review is never
        saved on the post); ``values``: fields the caller provides."""
        revision = cls.of(owner, user, **values)
        revision.save(force_insert=True)
        return revision

    @classmethod
    def of(cls, owner, user=None, **values):
        """The revision :meth:`record` keeps, not saved yet (the importer inserts many
        at once)."""
        return cls(
            **{cls.owner_field: owner},
            **{name: getattr(owner, name) for name in cls.COPIED},
            **{name: getattr(owner, name).name or "" for name in cls.IMAGES},
            complete=True,
            user=user if getattr(user, "pk", None) else None,
            **values,
        )


class PostRevision(Revision):
    """A revision of a post.

    A revision with a ``review`` is not a save of the post but a writer's change to a
    live post, kept here until an editor approves it (then the post is saved with it)
    or rejects it (then it stays here, in the history, and the post never held it).
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    subtitle = models.CharField(max_length=300, blank=True)
    slug = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        "authors.Author", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    excerpt = models.TextField(blank=True)
    #: [{"id": pk, "name": name}, ...]: names too, so a tag deleted since still shows.
    tags = models.JSONField(default=list, blank=True)
    image_alt = models.CharField(max_length=300, blank=True)
    thumb_image = models.CharField(max_length=255, blank=True)
    #: Blank for a save of the post itself. Otherwise a change a writer made to a live
    #: or scheduled post, kept here instead of on the post until an editor reviews it
    #: (blog/review.py).
    review = models.CharField(max_length=10, choices=Review.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    #: What the editor told the writer when turning the change down.
    review_note = models.TextField(blank=True)

    owner_field = "post"
    COPIED = (
        *("title", "subtitle", "slug", "author_id", "status", "publish_at", "expire_at"),
        *("excerpt", "body", "image_alt", "extra"),
    )
    IMAGES = ("image", "thumb_image")

    class Meta(Revision.Meta):
        constraints = [
            # A post has at most one change awaiting review: a writer's next save
            # replaces it (the one before is kept as "replaced").
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(review="pending"),
                name="blog_postrevision_one_pending_per_post",
            ),
        ]

    @classmethod
    def record(cls, post, user=None, *, tags=None, review=""):
        """Keep the post as it is now; ``tags`` (as stored) when the caller knows them."""
        if tags is None:
            tags = [{"id": tag.pk, "name": str(tag)} for tag in post.tags.all()]
        return super().record(post, user, tags=tags, review=review)


class RedirectQuerySet(models.QuerySet):
    def targets(self, paths) -> dict[str, str]:
        """{path: where the URL map sends it} for those of ``paths`` (decoded, as
        ``request.path`` holds them) it answers: the rule of
        ``blog.middleware.RedirectFallbackMiddleware``, which asks it for one path and
        the link check (linkcheck) for many at a time.

        An address is found with or without its trailing slash, and as written or
        percent-encoded the way ``reverse()`` encodes it (every address a post moved
        from); a redirect to one of those forms is no answer.
        """
        forms = {path: _old_path_forms(path) for path in paths if "\x00" not in path}
        wanted = sorted(set().union(*forms.values()))
        found = {}
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            found.update(self.filter(old_path__in=chunk).values_list("old_path", "new_path"))
        answers = {}
        for path, its_forms in forms.items():
            hits = sorted(form for form in its_forms if form in found)
            if hits and found[hits[0]] not in its_forms:
                answers[path] = found[hits[0]]
        return answers

    def record_move(self, old_path, new_path):
        """Send old_path to new_path, keeping every redirect one hop and loop-free."""
        # Whatever pointed at the old address now points straight at the new one...
        self.filter(new_path=old_path).update(new_path=new_path)
        # ...and the new address is a live page again, so nothing may redirect away from it
        # (this also removes the self-loop the line above makes when a post moves back).
        self.filter(old_path=new_path).delete()
        self.update_or_create(old_path=old_path, defaults={"new_path": new_path})


# What django.urls.reverse() leaves unencoded in a path.
_REVERSE_SAFE = RFC3986_SUBDELIMS + "/~:@"
# Old addresses looked up per query (SQLite allows 999 parameters on old builds).
_LOOKUP_CHUNK = 500


def _old_path_forms(path):
    """The stored forms ``path`` may have in the URL map (RedirectQuerySet.targets)."""
    other = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
    return {form for p in (path, other) for form in (p, quote(p, safe=_REVERSE_SAFE))}


class Redirect(models.Model):
    """An old address of a post, answered with a 301 when nothing else lives there."""

    old_path = models.CharField(
        max_length=300,
        unique=True,
        help_text="The path that moved, e.g. /blog/old-slug/ (no host).",
    )
    new_path = models.CharField(
        max_length=300,
        help_text="Where it moved to: a path on this site, e.g. /blog/new-slug/.",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        errors = {}
        for field in ("old_path", "new_path"):
            value = getattr(self, field)
            # "//host" and "/\\host" both leave the site in a browser.
            if not value.startswith("/") or value.startswith(("//", "/\\")):
                errors[field] = "Give a path on this site starting with one slash: /blog/x/."
        if errors:
            raise ValidationError(errors)
        if self.old_path == self.new_path:
            raise ValidationError({"new_path": "A path cannot redirect to itself."})
        others = Redirect.objects.exclude(pk=self.pk)
        onward = others.filter(old_path=self.new_path).first()
        if onward:
            raise ValidationError(
                {
                    "new_path": f"{onward.new_path!s} is where {self.new_path} already goes: "
                    f"point at {onward.new_path} directly (no chains)."
                }
            )
        if others.filter(new_path=self.old_path).exists():
            raise ValidationError(
                {
                    "old_path": f"Another redirect already points at {self.old_path}; "
                    "change that one instead (no chains)."
                }
            )


class ImportRun(models.Model):
    """A writing run of the importer, until it has finished.

    What derives from imported content (the search index, post links, the page cache,
    image renditions) is brought up to date once, when a run ends. A run stopped before
    that (killed, or the machine went down) leaves its row behind, and the next run
    brings everything imported since it started up to date (blog.importing.importer).
    """

    root = models.CharField(max_length=1000)
    started = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started"]

    def __str__(self):
        return f"{self.root} ({self.started:%Y-%m-%d %H:%M:%S})"


class SourceFile(models.Model):
    """A file of an imported site as the importer read it, so that ``manage.py
    export_site`` can write back the same bytes while what it made is unedited
    (blog/exporting/, docs/importing.md "Exporting a site").

    ``states`` holds what each object the file made was at import, in the common
    vocabulary of the dialects (blog.importing.sources): an object whose state now is
    the same is unedited; one that differs is written back with only the changed keys
    rewritten. An image keeps no bytes here: ``stored_name`` is its copy in media
    storage (imported images are stored unchanged).
    """

    root = models.CharField(max_length=1000)
    path = models.CharField(max_length=500)
    #: What the file was to the import: post, page, author, tag, category, site
    #: settings, redirects, redirect, skipped, image.
    kind = models.CharField(max_length=20)
    dialect = models.CharField(max_length=20)
    data = models.BinaryField(blank=True, default=b"")
    sha256 = models.CharField(max_length=64, blank=True)
    stored_name = models.CharField(max_length=300, blank=True)
    states = models.JSONField(default=dict, blank=True)
    recorded = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["root", "path"]
        constraints = [
            models.UniqueConstraint(fields=["root", "path"], name="source_file_unique_path"),
        ]

    def __str__(self):
        return f"{self.root}/{self.path}"


class SiteExport(models.Model):
    """One "Export site" of the admin: a .zip written by a background process
    (blog/exporting/jobs.py) into private storage (``FOLIO_EXPORT_ROOT``), with its
    progress, for a superuser to download."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Writing the .zip"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Failed"

    dialect = models.CharField(
        max_length=20,
        blank=True,
        help_text="The generator to write for; empty: the one the site was imported from "
        "(a site made in Folio: Stackbit).",
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False
    )
    done = models.PositiveIntegerField(default=0, editable=False)
    total = models.PositiveIntegerField(default=0, editable=False)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    #: What the export says of each file not written as imported, and any problem.
    report = models.TextField(blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = "site export"

    def __str__(self):
        return f"Export of {self.created:%Y-%m-%d %H:%M}"
