"""What a landing page's sections are: their types, the fields each type shows and
edits, and how a section written in front matter splits into what Folio stores.

Stackbit themes (Azimuth, Starter, Exto, Libris) write a landing page as a
``sections:`` list, each entry a mapping with a ``type`` (``section_hero``,
``section_grid``, ``hero_section``, ...). Each known type belongs to a *kind*, which
has a template of its own (``templates/pages/sections/_<kind>.html``) and the fields
the admin edits. A type Folio does not know is the ``generic`` kind: shown with its
title, subtitle, content, image and actions, and reported by the importer.

Nothing here touches the database. Every key of a section is kept (``Section.data``,
in its written order), and the repeated entries of a kind (grid items, FAQ items,
pricing plans, reviews, form fields) become items of their own
(``SectionItem``), put back in place by :func:`join`.
"""

from dataclasses import dataclass, field

#: Where a section's type is written (``type`` in Stackbit themes; ``component`` or
#: ``template`` in some of their cousins).
TYPE_KEYS = ("type", "component", "template")
#: Keys holding markdown, rendered on save into ``rendered`` (folio.rendering).
MARKDOWN_KEYS = ("content", "answer", "details", "text", "description")
#: Keys holding an image, in order of preference (the first one present is the image).
IMAGE_KEYS = ("image", "avatar", "photo", "thumb_image", "img_path", "image_url")
#: The values of ``background``/``bg`` a section may ask for (anything else: none).
BACKGROUNDS = {"gray", "grey", "accent", "dark", "white"}
#: What an input of a contact form may be.
INPUT_TYPES = ("text", "email", "textarea", "tel", "url", "number", "select", "checkbox")


@dataclass(frozen=True)
class Field:
    """One key of a section (or item) as the admin edits it.

    ``widget``: ``line`` (one line of text), ``text`` (a paragraph), ``markdown``,
    ``actions`` (links, one per line: ``Label | URL | style``), ``lines`` (a list of
    text, one per line), ``bool``, ``choice`` (``choices``), ``number``.
    """

    key: str
    label: str
    widget: str = "line"
    help: str = ""
    choices: tuple = ()


SECTION_ID = Field("section_id", "Anchor", help="The section's id in the page (#pricing).")
TITLE = Field("title", "Title")
SUBTITLE = Field("subtitle", "Subtitle", "text")
CONTENT = Field("content", "Content", "markdown", "Markdown.")
ACTIONS = Field(
    "actions",
    "Buttons",
    "actions",
    "One per line: Label | URL, and optionally | primary (or | secondary) "
    "e.g. “Try it | /signup/ | primary”.",
)
IMAGE_ALT = Field("image_alt", "Image description (alt text)")
BACKGROUND = Field(
    "background",
    "Background",
    "choice",
    choices=(("", "Page"), ("gray", "Gray"), ("accent", "Accent")),
)
COMMON = (SECTION_ID, TITLE, SUBTITLE, CONTENT, ACTIONS, IMAGE_ALT, BACKGROUND)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    types: tuple  # the type names themes write for it, the first is Folio's own
    fields: tuple = COMMON
    items_keys: tuple = ()  # where its repeated entries are written (first found wins)
    item_label: str = "item"
    item_fields: tuple = ()

    @property
    def template(self):
        return f"pages/sections/_{self.name}.html"


ITEM_ACTIONS = Field("actions", "Buttons", "actions", ACTIONS.help)

KINDS = {
    kind.name: kind
    for kind in (
        Kind("hero", "Hero", ("section_hero", "hero_section", "hero")),
        Kind(
            "content",
            "Text and image",
            ("section_content", "content_section", "section_text", "text_section"),
            fields=(
                *COMMON,
                Field(
                    "image_position",
                    "Image position",
                    "choice",
                    choices=(("", "Right"), ("left", "Left"), ("right", "Right")),
                ),
            ),
        ),
        Kind(
            "features",
            "Features / grid",
            (
                "section_grid",
                "section_features",
                "features_section",
                "grid_section",
                "section_services",
                "team_section",
                "timeline_section",
                "section_team",
            ),
            items_keys=("grid_items", "features", "featureslist", "team", "members", "items"),
            item_label="grid item",
            item_fields=(
                TITLE,
                Field("subtitle", "Subtitle"),
                CONTENT,
                IMAGE_ALT,
                ITEM_ACTIONS,
            ),
        ),
        Kind("cta", "Call to action", ("section_cta", "cta_section", "section_calltoaction")),
        Kind(
            "posts",
            "Latest posts",
            ("section_posts", "posts_section", "section_blog", "blog_section"),
            fields=(
                SECTION_ID,
                TITLE,
                SUBTITLE,
                ACTIONS,
                BACKGROUND,
                Field("posts_number", "How many posts", "number", "3 if empty (at most 12)."),
            ),
        ),
        Kind(
            "pricing",
            "Pricing",
            ("section_pricing", "pricing_section"),
            items_keys=("pricing_plans", "pricingplans", "plans"),
            item_label="plan",
            item_fields=(
                TITLE,
                Field("subtitle", "Subtitle"),
                Field("price", "Price", help="As shown: $49/month, 49 €, Free."),
                Field(
                    "details",
                    "What it includes",
                    "markdown_or_lines",
                    "Markdown (a list), or one item per line.",
                ),
                Field("highlight", "Highlighted", "bool"),
                ITEM_ACTIONS,
            ),
        ),
        Kind(
            "faq",
            "FAQ",
            ("section_faq", "faq_section"),
            items_keys=("faq_items", "faqitems", "questions", "items"),
            item_label="question",
            item_fields=(
                Field("question", "Question"),
                Field("answer", "Answer", "markdown", "Markdown."),
            ),
        ),
        Kind(
            "reviews",
            "Reviews",
            ("section_reviews", "reviews_section", "section_testimonials", "testimonials_section"),
            items_keys=("reviews", "testimonials", "items"),
            item_label="review",
            item_fields=(
                Field("author", "Who"),
                Field("title", "Their role or company"),
                Field("content", "What they said", "markdown", "Markdown."),
                Field("avatar_alt", "Photo description (alt text)"),
            ),
        ),
        Kind(
            "form",
            "Contact form",
            ("section_form", "section_contact", "contact_section", "form_section"),
            fields=(
                *COMMON,
                Field(
                    "form_id",
                    "Form name",
                    help="Names the form in the list of submissions (contact, signup…).",
                ),
                Field("submit_label", "Button label", help="“Send” if empty."),
            ),
            items_keys=("form_fields", "fields"),
            item_label="form field",
            item_fields=(
                Field("label", "Label"),
                Field("name", "Name", help="Letters, digits and _ only; unique in the form."),
                Field(
                    "input_type",
                    "Input",
                    "choice",
                    choices=tuple((name, name) for name in INPUT_TYPES),
                ),
                Field("is_required", "Required", "bool"),
                Field("options", "Options", "lines", "For a select: one option per line."),
                Field("default_value", "Placeholder"),
            ),
        ),
        Kind("generic", "Other", ("",)),
    )
}
TYPES = {type_name: kind for kind in KINDS.values() for type_name in kind.types if type_name}
GENERIC = KINDS["generic"]


def kind_of(type_name) -> Kind:
    """The kind of a section type as written; the generic one for a type Folio does
    not know (or none)."""
    if not isinstance(type_name, str):
        return GENERIC
    return TYPES.get(type_name.strip().lower(), GENERIC)


def type_choices(current=""):
    """The types the admin offers: one per kind (Folio's own name), and ``current``
    when it is another (a theme's own name is kept as written)."""
    choices = [(kind.types[0], f"{kind.label} ({kind.types[0]})") for kind in KINDS.values()]
    choices[-1] = ("", "Other (shown with the generic layout)")
    if current and current not in dict(choices):
        known = kind_of(current)
        label = f"{known.label} ({current})" if known is not GENERIC else f"{current} (generic)"
        choices.insert(0, (current, label))
    return choices


@dataclass
class SplitSection:
    """One entry of ``sections:`` as Folio stores it."""

    type: str
    data: dict  # every key but the items, in order
    items_key: str = ""  # where the items were written ("" when none)
    items_at: int = 0  # the items' place among the keys
    items: list = field(default_factory=list)  # each a dict (or any value, kept)


def type_written(entry: dict) -> str:
    for key in TYPE_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def split(entry: dict) -> SplitSection:
    """A section dict as a :class:`SplitSection`; :func:`join` gives the same dict back."""
    type_name = type_written(entry)
    kind = kind_of(type_name)
    keys = list(entry)
    items_key = next((key for key in kind.items_keys if isinstance(entry.get(key), list)), "")
    data = {key: value for key, value in entry.items() if key != items_key}
    return SplitSection(
        type=type_name,
        data=data,
        items_key=items_key,
        items_at=keys.index(items_key) if items_key else 0,
        items=list(entry[items_key]) if items_key else [],
    )


def join(data: dict, items_key: str, items_at: int, items: list) -> dict:
    """The section dict as written: ``data`` with the items back at their place."""
    if not items_key:
        return dict(data)
    pairs = list(data.items())
    pairs.insert(min(items_at, len(pairs)), (items_key, list(items)))
    return dict(pairs)


def image_key(data: dict) -> str:
    """The key holding an entry's image ("" when it has none)."""
    return next((key for key in IMAGE_KEYS if isinstance(data.get(key), str) and data[key]), "")


def text(value) -> str:
    """A value a template shows as text: text and numbers as written, anything else
    (a list or mapping where text was expected) as nothing."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    return ""


def background(data: dict) -> str:
    value = data.get("background", data.get("bg"))
    if isinstance(value, str) and value.strip().lower() in BACKGROUNDS - {"white"}:
        return "gray" if value.strip().lower() == "grey" else value.strip().lower()
    return ""
