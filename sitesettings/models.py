from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from folio.images import image_size, validate_image
from folio.rendering import render_markdown
from folio.renditions import Renditions

#: The one row's primary key: there is one site.
SITE_PK = 1


class SiteSettings(models.Model):
    """The site's identity, in one row (pk 1).

    Until an editor saves it (or an import fills it) the row does not exist, and pages
    show the defaults the environment gives (``FOLIO_SITE_TITLE``,
    ``FOLIO_SITE_DESCRIPTION``, ``FOLIO_SITE_URL``): :meth:`defaults`.
    """

    title = models.CharField(max_length=200, help_text="The site's name: headers, titles, feeds.")
    tagline = models.CharField(
        "tagline / description",
        max_length=300,
        blank=True,
        help_text="One sentence: the footer, the home page's description, feed descriptions.",
    )
    logo = models.ImageField(
        upload_to="site/",
        blank=True,
        validators=[validate_image],
        help_text="Shown in the header instead of the title (JPEG, PNG, GIF or WebP).",
    )
    logo_alt = models.CharField(
        "logo alt text", max_length=200, blank=True, help_text="Blank: the site's title."
    )
    favicon = models.ImageField(
        upload_to="site/",
        blank=True,
        validators=[validate_image],
        help_text="A square icon (PNG best), at least 180 × 180 pixels. Blank: Folio's own.",
    )
    base_url = models.URLField(
        "canonical base URL",
        blank=True,
        help_text="https://example.com: canonical links, social tags and the sitemap use it. "
        "Blank: the address each request came to.",
    )
    footer_text = models.TextField(
        blank=True, help_text="Markdown (simple HTML passes through the sanitizer)."
    )
    footer_html = models.TextField(blank=True, editable=False)
    logo_width = models.PositiveIntegerField(null=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, editable=False)
    favicon_width = models.PositiveIntegerField(null=True, editable=False)
    favicon_height = models.PositiveIntegerField(null=True, editable=False)
    extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Keys of the site's configuration Folio does not model (palette, fonts, …), "
        "kept as they were.",
    )
    source_root = models.CharField(max_length=1000, blank=True, editable=False)
    source_path = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="The configuration files these settings were imported from.",
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)

    # A logo fits a 4:1 box (two sizes, for ordinary and dense screens); the favicon
    # is square, largest for the home-screen icon phones ask for (180 px).
    logo_image = Renditions("logo", widths=(240, 480), ratio=(4, 1))
    icon = Renditions("favicon", widths=(32, 180), ratio=(1, 1))

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=SITE_PK), name="sitesettings_one_row"),
        ]

    def __str__(self):
        return self.title or "Site settings"

    def save(self, *args, imported=False, **kwargs):
        """Save the one row, rendering the footer and stamping ``updated``;
        ``imported=True`` (the importer) stamps ``imported_at`` with the same instant."""
        self.pk = SITE_PK
        self.base_url = self.base_url.rstrip("/")
        self.footer_html = render_markdown(self.footer_text)
        self.logo_width, self.logo_height = image_size(self.logo)
        self.favicon_width, self.favicon_height = image_size(self.favicon)
        self.updated = timezone.now()
        if imported:
            self.imported_at = self.updated
        kwargs.pop("update_fields", None)  # derived fields always go with the row
        super().save(*args, **kwargs)

    @classmethod
    def defaults(cls):
        """The settings of a brand-new site, from the environment (unsaved)."""
        return cls(
            pk=SITE_PK,
            title=settings.SITE_TITLE,
            tagline=settings.SITE_DESCRIPTION,
            base_url=settings.SITE_URL,
        )

    @classmethod
    def load(cls):
        """The row, or the defaults (unsaved) when there is none yet."""
        return cls.objects.filter(pk=SITE_PK).first() or cls.defaults()

    @property
    def edited_since_import(self):
        return bool(self.imported_at) and self.updated > self.imported_at


class MenuItem(models.Model):
    """One link of the header menu, the footer menus or the social links.

    A link to a post or a page names it, so it follows the post when its slug changes
    and the page when its address does; any other link is a URL (a path on this site,
    or a full address).
    """

    class Menu(models.TextChoices):
        HEADER = "header", "Header menu"
        FOOTER = "footer", "Footer menu"
        SOCIAL = "social", "Social links"

    class Style(models.TextChoices):
        LINK = "link", "Link"
        BUTTON = "button", "Button"

    settings = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="menu_items")
    menu = models.CharField(max_length=10, choices=Menu.choices, default=Menu.HEADER)
    column = models.CharField(
        "footer column",
        max_length=100,
        blank=True,
        help_text="Footer links with the same column title are listed together under it; "
        "blank: the footer's bottom row.",
    )
    label = models.CharField(max_length=100)
    post = models.ForeignKey(
        "blog.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="menu_items",
        help_text="Link to this post (follows it when its address changes) …",
    )
    page = models.ForeignKey(
        "pages.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="menu_items",
        help_text="… or to this page (follows it too) …",
    )
    url = models.CharField(
        "URL",
        max_length=500,
        blank=True,
        help_text="… or to this address: /about/, https://example.com, mailto:…",
    )
    style = models.CharField(max_length=10, choices=Style.choices, default=Style.LINK)
    icon = models.CharField(
        max_length=40,
        blank=True,
        help_text="For social links: the network (twitter, github, …), shown as its initial.",
    )
    new_window = models.BooleanField("open in a new window", default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["menu", "order", "pk"]
        indexes = [
            models.Index(fields=["post"], name="sitesettings_menuitem_post_idx"),
            models.Index(fields=["page"], name="sitesettings_menuitem_page_idx"),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if [bool(self.post_id), bool(self.page_id), bool(self.url.strip())].count(True) != 1:
            raise ValidationError("Give one of a post, a page or a URL.")
        if self.url and not is_safe_url(self.url):
            raise ValidationError({"url": "Only http(s) and mailto: links, or paths on this site."})


def is_safe_url(url: str) -> bool:
    """Whether a menu URL may be put in an ``href``: no ``javascript:`` and the like."""
    url = url.strip()
    if not url or any(ord(ch) < 32 for ch in url):
        return False
    scheme, colon, _ = url.partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return True  # a path, a fragment or a query: on this site
    return scheme.lower() in {"http", "https", "mailto", "tel"}


class MenuLinks(MenuItem):
    """The links of one menu (the admin edits each menu in an inline of its own)."""

    MENU = None

    class Meta:
        proxy = True

    def save(self, *args, **kwargs):
        self.menu = self.MENU
        super().save(*args, **kwargs)


class HeaderLink(MenuLinks):
    MENU = MenuItem.Menu.HEADER

    class Meta:
        proxy = True
        verbose_name = "header menu link"


class FooterLink(MenuLinks):
    MENU = MenuItem.Menu.FOOTER

    class Meta:
        proxy = True
        verbose_name = "footer link"


class SocialLink(MenuLinks):
    MENU = MenuItem.Menu.SOCIAL

    class Meta:
        proxy = True
        verbose_name = "social link"


#: Every model whose rows are menu links (for the write hook, blog/changes.py).
MENU_MODELS = (MenuItem, MenuLinks, HeaderLink, FooterLink, SocialLink)
