from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from markdownx.models import MarkdownxField

from folio.images import Renditions, image_size
from folio.rendering import html_to_text, render_markdown

WORDS_PER_MINUTE = 230


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
        return reverse(route, kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, with a publish date that has arrived.

        A published post dated in the future is *scheduled*: it appears by itself
        once its time comes, with no cron job, because the rule is evaluated per query.
        """
        return self.filter(status=Post.Status.PUBLISHED, publish_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Post.Status.DRAFT)

    def scheduled(self):
        return self.filter(status=Post.Status.PUBLISHED, publish_at__gt=timezone.now())


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The post's address: /blog/<slug>/.",
    )
    author = models.ForeignKey(
        "authors.Author",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        help_text="A published post with a date in the future is scheduled until then.",
    )
    excerpt = MarkdownxField(blank=True, help_text="Markdown; shown on lists and in feeds.")
    excerpt_html = models.TextField(blank=True, editable=False)
    body = MarkdownxField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    image = models.ImageField("hero image", upload_to="posts/%Y/%m/", blank=True)
    thumb_image = models.ImageField("thumbnail", upload_to="posts/%Y/%m/", blank=True)
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
    source_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="The file this post was imported from; blank for posts written here.",
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    # Resized copies for pages: hero and card share one shape, so a card without a
    # thumbnail uses the hero's renditions.
    hero = Renditions("image", widths=(640, 1024, 1600), ratio=(16, 9))
    thumb = Renditions("thumb_image", widths=(640, 1024, 1600), ratio=(16, 9))

    class Meta:
        ordering = ["-publish_at", "-pk"]
        get_latest_by = "publish_at"
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="blog_post_status_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_path"],
                condition=~Q(source_path=""),
                name="blog_post_unique_source_path",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.render()
        update_fields = kwargs.get("update_fields")
        derived = {"body_html", "excerpt_html", "word_count"}
        for field in ("image", "thumb_image"):
            if update_fields is None or field in update_fields:
                size = image_size(getattr(self, field))
                setattr(self, f"{field}_width", size[0])
                setattr(self, f"{field}_height", size[1])
                derived |= {f"{field}_width", f"{field}_height"}
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    def render(self):
        """Render the markdown fields into their stored HTML (done on every save)."""
        self.body_html = render_markdown(self.body)
        body_text = html_to_text(self.body_html)
        self.word_count = len(body_text.split())
        if self.excerpt.strip():
            self.excerpt_html = render_markdown(self.excerpt)
        else:
            # No excerpt written: the list pages show the opening of the body instead.
            self.excerpt_html = render_markdown(Truncator(body_text).words(40))

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def state(self):
        """draft / scheduled / live, as editors talk about it."""
        if self.status == self.Status.DRAFT:
            return "draft"
        return "scheduled" if self.is_scheduled else "live"

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def card_image(self):
        """The image a list card shows: the thumbnail, else the hero image."""
        return self.thumb_image or self.image

    @property
    def card_renditions(self):
        return self.thumb or self.hero

    def get_previous_published(self):
        return self._neighbour(older=True)

    def get_next_published(self):
        return self._neighbour(older=False)

    def _neighbour(self, older):
        # Ties on publish_at are broken by pk so every post has exactly one neighbour.
        if older:
            condition = Q(publish_at__lt=self.publish_at) | Q(
                publish_at=self.publish_at, pk__lt=self.pk
            )
            order = ("-publish_at", "-pk")
        else:
            condition = Q(publish_at__gt=self.publish_at) | Q(
                publish_at=self.publish_at, pk__gt=self.pk
            )
            order = ("publish_at", "pk")
        return (
            Post.objects.published()
            .filter(condition)
            .order_by(*order)
            .only("title", "slug", "publish_at")
            .first()
        )
