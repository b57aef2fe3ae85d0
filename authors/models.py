from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from folio import routing
from folio.images import image_size, validate_image
from folio.rendering import render_markdown
from folio.renditions import Renditions


class Author(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    bio = MarkdownxField(blank=True, help_text="Markdown.")
    bio_html = models.TextField(blank=True, editable=False)
    photo = models.ImageField(upload_to="authors/", blank=True, validators=[validate_image])
    # Filled on save; empty when the file is missing or not an image (then initials show).
    photo_width = models.PositiveIntegerField(null=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, editable=False)
    website = models.URLField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The login account that writes as this author.",
    )
    source_root = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The site (its root folder) this author was imported from.",
    )
    source_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="The file this author was imported from; blank for authors made here.",
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Keys of the source file Folio does not model (twitter, email, …), kept as is.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    portrait = Renditions("photo", widths=(96, 192, 384), ratio=(1, 1), fit="cover")

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_root", "source_path"],
                condition=~Q(source_path=""),
                name="authors_author_unique_source",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Imported names carry stray whitespace ('Ansubha '); store them clean.
        self.first_name = self.first_name.strip()
        self.last_name = self.last_name.strip()
        self.bio_html = render_markdown(self.bio)
        self.photo_width, self.photo_height = image_size(self.photo)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "bio_html", "photo_width", "photo_height"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return routing.reverse("authors:author-detail", slug=self.slug)

    @classmethod
    def for_user(cls, user, *, save=True):
        """The author a login account writes as, created from its name on first use
        (``save=False``: the author it would be, unsaved, to show before that)."""
        try:
            return user.author
        except cls.DoesNotExist:
            pass
        first_name = user.first_name or user.get_username()
        if not save:
            return cls(first_name=first_name, last_name=user.last_name)
        base = slugify(f"{first_name} {user.last_name}", allow_unicode=True) or "author"
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return cls.objects.create(
            user=user, first_name=first_name, last_name=user.last_name, slug=slug
        )

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()
