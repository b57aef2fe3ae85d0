"""Pages: content that lives at its own address (``/about/``, ``/legal/terms/``).

A page is published exactly like a post (:class:`blog.models.Publishable`: the one
``published()`` rule, the old address kept as a redirect when a live page moves), is
rendered by the one pipeline on save, and keeps a revision of every save
(:class:`PageRevision`, diffed and restored by blog/history.py).
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from blog import changes
from blog.models import Publishable, PublishableQuerySet, Revision
from folio import routing
from folio.fields import OrderedJSONField
from folio.images import image_size, validate_image
from folio.rendering import render_markdown
from folio.renditions import Renditions
from folio.texmath import has_math

from . import addresses, links, sections

#: The columns only editors and the importer read: a page view leaves them out.
UNSHOWN = ("body", "extra", "source_root", "source_path", "source_hash", "imported_at")


class PageQuerySet(PublishableQuerySet):
    def pages(self):
        """Pages as their own page shows them: the markdown and import records left out."""
        return self.defer(*UNSHOWN)

    def editable_by(self, user):
        """The pages this user may change: every page for those who may publish pages
        (editors), drafts only for the others (writers)."""
        if not Page.may_edit_pages(user):
            return self.none()
        if user.has_perm("pages.can_publish"):
            return self
        return self.drafts()


class Page(Publishable):
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    path = models.CharField(
        max_length=addresses.MAX_LENGTH,
        unique=True,
        # Help texts are HTML in Django's forms (the admin does not escape them).
        help_text="The page's address on this site, e.g. /about/ or /legal/terms/.",
    )
    publish_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        help_text="A published page with a date in the future is scheduled until then.",
    )
    body = MarkdownxField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # Whether body_html holds TeX math, so the page loads KaTeX (and others do not).
    has_math = models.BooleanField(default=False, editable=False)
    image = models.ImageField(
        "hero image", upload_to="pages/%Y/%m/", blank=True, validators=[validate_image]
    )
    # Filled on save; empty when the file is missing or not an image (then no image shows).
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    seo_title = models.CharField(
        "SEO title",
        max_length=300,
        blank=True,
        help_text="The title search engines and link previews show; the page's title if empty.",
    )
    seo_description = models.TextField(
        "SEO description",
        blank=True,
        help_text="The sentence or two search engines and link previews show under the title.",
    )
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Front-matter keys Folio does not model (a landing page's sections among "
        "them), kept so a later step or an export can give them back.",
    )
    source_root = models.CharField(
        max_length=1000,
        blank=True,
        help_text="The site (its root folder) this page was imported from.",
    )
    source_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="The file this page was imported from; blank for pages written here.",
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    # Stamped by save() (not auto_now), so an import can stamp imported_at identically.
    updated = models.DateTimeField(default=timezone.now, editable=False)

    objects = PageQuerySet.as_manager()

    hero = Renditions("image", widths=(640, 1024, 1600), ratio=(16, 9))
    address_field = "path"
    #: The user making the current save, when known (the admin sets it). Not a field.
    edited_by = None

    class Meta:
        ordering = ["path"]
        permissions = [("can_publish", "Can publish pages")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_root", "source_path"],
                condition=~Q(source_path=""),
                name="pages_page_unique_source",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.address_of(self.path)

    @classmethod
    def address_of(cls, path):
        if path == addresses.HOME:
            return routing.reverse("home")
        # Reversed, so a non-ASCII path comes back percent-encoded like every other URL.
        return routing.reverse(addresses.PAGE_ROUTE, path=path.lstrip("/"))

    def clean(self):
        super().clean()
        self.path = addresses.normalise(self.path)
        if error := addresses.path_error(self.path):
            raise ValidationError({"path": f"{self.path} {error}; choose another address."})

    def save(self, *args, imported=False, **kwargs):
        """Save, rendering the markdown and stamping ``updated``; every save keeps a
        revision, and a live page that moved leaves a redirect at its old address.

        ``imported=True`` (the importer) stamps ``imported_at`` with the same instant,
        so "updated after imported_at" means exactly "edited since the last import".
        """
        self.body_html = render_markdown(self.body)
        self.has_math = has_math(self.body_html)
        self.updated = timezone.now()
        derived = {"body_html", "has_math", "updated", "image_width", "image_height"}
        if imported:
            self.imported_at = self.updated
            derived.add("imported_at")
        self.image_width, self.image_height = image_size(self.image)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        with transaction.atomic():
            super().save(*args, **kwargs)
            PageRevision.record(self, self.edited_by)
            self._keep_address()

    @staticmethod
    def may_edit_pages(user):
        """Whether this user may use the page editor at all (writers and editors)."""
        return user.is_active and user.is_staff and user.has_perm("pages.change_page")

    def is_editable_by(self, user):
        """The per-object form of :meth:`PageQuerySet.editable_by`."""
        if not self.may_edit_pages(user):
            return False
        return user.has_perm("pages.can_publish") or self.status == self.Status.DRAFT

    @property
    def is_served(self):
        """Whether readers can reach the page at its path (no route of Folio's own
        answers there first)."""
        return addresses.reserved(self.path) is None

    @property
    def meta_title(self):
        return self.seo_title or self.title

    @property
    def meta_description(self):
        return self.seo_description or self.subtitle


class PageRevision(Revision):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions")
    subtitle = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=addresses.MAX_LENGTH, blank=True)
    seo_title = models.CharField(max_length=300, blank=True)
    seo_description = models.TextField(blank=True)

    owner_field = "page"
    COPIED = (
        *("title", "subtitle", "path", "status", "publish_at", "expire_at"),
        *("body", "seo_title", "seo_description", "extra"),
    )

    class Meta(Revision.Meta):
        pass


# -- Landing pages: sections -----------------------------------------------------------


class Section(models.Model):
    """One section of a landing page (a hero, a grid of features, a contact form...).

    ``data`` holds every key the section was written with, in order, except its
    repeated entries, which are :class:`SectionItem` rows (``items_key`` says where
    they were written, ``items_at`` their place among the keys): :meth:`as_dict` gives
    the section back as written. Markdown and links are rendered on save into
    ``rendered``; the image is stored like every other image (``picture``).
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0, help_text="Sections show in this order.")
    type = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the section is; a type Folio does not know shows title, subtitle, "
        "content, image and buttons.",
    )
    data = OrderedJSONField(blank=True)
    items_key = models.CharField(max_length=100, blank=True, editable=False)
    items_at = models.PositiveSmallIntegerField(default=0, editable=False)
    image = models.ImageField(upload_to="sections/%Y/%m/", blank=True, validators=[validate_image])
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    rendered = models.JSONField(default=dict, editable=False)

    picture = Renditions("image", widths=(480, 960, 1440), ratio=(4, 3))

    class Meta:
        ordering = ["page", "order", "pk"]
        indexes = [models.Index(fields=["page", "order"], name="pages_section_page_order")]

    def __str__(self):
        title = sections.text(self.data.get("title")) or self.kind.label
        return f"{title} ({self.type or 'no type'})"

    def save(self, *args, **kwargs):
        self.rendered = render_entry(self.data)
        self.image_width, self.image_height = image_size(self.image)
        super().save(*args, **kwargs)

    @property
    def kind(self):
        return sections.kind_of(self.type)

    @property
    def template(self):
        return self.kind.template

    @property
    def anchor(self):
        return slugify(sections.text(self.data.get("section_id")), allow_unicode=True)

    def as_dict(self, items=None):
        """The section as its front matter wrote it (with the admin's edits)."""
        if items is None:
            items = self.items.all()
        return sections.join(
            self.data, self.items_key, self.items_at, [item.as_dict() for item in items]
        )


class SectionItem(models.Model):
    """One repeated entry of a section: a grid item, a pricing plan, a question, a
    review, a form field. ``data`` holds every key it was written with, in order."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    data = OrderedJSONField(blank=True)
    image = models.ImageField(upload_to="sections/%Y/%m/", blank=True, validators=[validate_image])
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    rendered = models.JSONField(default=dict, editable=False)

    picture = Renditions("image", widths=(160, 480, 960), ratio=(4, 3))

    class Meta:
        ordering = ["section", "order", "pk"]

    def __str__(self):
        data = self.data if isinstance(self.data, dict) else {}
        for key in ("title", "question", "author", "label", "name"):
            if label := sections.text(data.get(key)):
                return label
        return f"{self.section.kind.item_label} {self.order + 1}"

    def save(self, *args, **kwargs):
        self.rendered = render_entry(self.data if isinstance(self.data, dict) else {})
        self.image_width, self.image_height = image_size(self.image)
        super().save(*args, **kwargs)

    def as_dict(self):
        if isinstance(self.data, dict) and set(self.data) == {RAW_VALUE}:
            return self.data[RAW_VALUE]  # an entry that was not a mapping, kept as it was
        return dict(self.data)


#: An item written as something other than a mapping is kept under this one key.
RAW_VALUE = "__value__"


def render_entry(data: dict) -> dict:
    """What a section or item shows, rendered once, on save: its markdown as HTML,
    its buttons as links, an external image's URL."""
    rendered = {}
    for key in sections.MARKDOWN_KEYS:
        value = data.get(key)
        if isinstance(value, list) and all(isinstance(line, str) for line in value):
            value = "\n".join(f"- {line}" for line in value)
        if isinstance(value, str) and value.strip():
            rendered[key] = render_markdown(value)
    if actions := links.actions(data.get("actions")):
        rendered["actions"] = actions
    key = sections.image_key(data)
    if key and links.is_external(data[key]):
        rendered["image_url"] = data[key]
    return rendered


@receiver([post_save, post_delete], sender=Section, dispatch_uid="folio-section-changed")
@receiver([post_save, post_delete], sender=SectionItem, dispatch_uid="folio-item-changed")
def _section_changed(sender, instance, raw=False, **kwargs):
    """A section is part of its page: its page changed (cache, search)."""
    if raw:
        return
    page_id = instance.page_id if sender is Section else _page_of_item(instance)
    if page_id:
        changes.notify(page_ids=[page_id])


def _page_of_item(item):
    return Section.objects.filter(pk=item.section_id).values_list("page_id", flat=True).first()


# -- Contact forms: what visitors sent ------------------------------------------------


class FormSubmission(models.Model):
    """What a visitor sent through a contact-form section. The page's title and path
    are copied, so a submission still says where it came from once the page is gone."""

    page = models.ForeignKey(
        Page, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    form_id = models.CharField("form", max_length=100, blank=True)
    page_title = models.CharField(max_length=300, blank=True)
    page_path = models.CharField(max_length=addresses.MAX_LENGTH, blank=True)
    fields = OrderedJSONField(help_text="What was sent, by field name, in the form's order.")
    labels = OrderedJSONField(help_text="Each field's label when it was sent.")
    created = models.DateTimeField("received", default=timezone.now, db_index=True)
    notified = models.BooleanField(
        "e-mail sent", default=False, help_text="Whether the notification e-mail went out."
    )

    class Meta:
        ordering = ["-created", "-pk"]
        get_latest_by = "created"

    def __str__(self):
        return f"{self.form_id or 'form'} on {self.page_path}, {self.created:%Y-%m-%d %H:%M}"
