"""A landing page's ``sections:``: read from its front matter, written as its sections.

Each entry is split as pages.sections says (every key kept, in order; repeated
entries as items), its images checked through the importer's image pipeline, and
every problem is a warning naming the page file, the section's index and the field
(``sections[2].grid_items[1].image: ...``): one bad section never costs the page,
and a section type Folio does not know is imported, shown with the generic layout,
and reported.
"""

from dataclasses import dataclass, field

from pages import contact
from pages import sections as kinds
from pages.links import is_external
from pages.models import RAW_VALUE, Section, SectionItem

from .images import CheckedImage
from .prepare import ContentReader

TEXT_KEYS = ("title", "subtitle", "section_id")


@dataclass
class SectionRecord:
    split: kinds.SplitSection
    image: CheckedImage | None = None
    item_images: list = field(default_factory=list)  # CheckedImage or None, per item


@dataclass
class ReadSections:
    records: list = field(default_factory=list)
    #: Entries that are not mappings: kept in the page's ``extra``, not shown.
    unreadable: list = field(default_factory=list)

    @property
    def images(self):
        found = {record.image for record in self.records if record.image}
        for record in self.records:
            found |= {image for image in record.item_images if image}
        return found


def read(reader: ContentReader, value, warnings: list) -> ReadSections | None:
    """The sections written in ``value`` (front matter's ``sections``); None when it
    is not a list (then it stays in ``extra`` as written, with a warning)."""
    if value is None:
        return None
    if not isinstance(value, list):
        warnings.append(
            "sections: expected a list of sections, got "
            f"{type(value).__name__}; kept in the page's extra data, not shown"
        )
        return None
    found = ReadSections()
    for index, entry in enumerate(value):
        where = f"sections[{index}]"
        if not isinstance(entry, dict):
            warnings.append(
                f"{where} is not a mapping ({type(entry).__name__}); kept in the page's "
                "extra data, not shown"
            )
            found.unreadable.append({"index": index, "value": entry})
            continue
        found.records.append(_record(reader, entry, where, warnings))
    return found


def _record(reader, entry, where, warnings):
    split = kinds.split(entry)
    kind = kinds.kind_of(split.type)
    if not split.type:
        warnings.append(f"{where} has no type; shown with the generic layout")
    elif kind is kinds.GENERIC:
        warnings.append(
            f"{where}: type {split.type!r} is not one Folio knows; shown with the generic "
            "layout (title, subtitle, content, image, buttons)"
        )
    _check_entry(split.data, where, warnings)
    for key in kind.items_keys:
        if key in entry and not isinstance(entry[key], list) and not split.items_key:
            warnings.append(f"{where}.{key}: expected a list, got {type(entry[key]).__name__}")
            break
    record = SectionRecord(split, _image(reader, split.data, where, warnings))
    names = set()
    for index, item in enumerate(split.items):
        item_where = f"{where}.{split.items_key}[{index}]"
        if kind.name == "form":
            for problem in contact.field_problems(item, index):
                warnings.append(f"{where}.{problem}")
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str) and name in names:
                warnings.append(
                    f"{item_where}.name {name!r} is used twice; the form keeps the first"
                )
            names.add(name)
        if not isinstance(item, dict):
            if kind.name != "form":
                warnings.append(
                    f"{item_where} is not a mapping ({type(item).__name__}); kept, not shown"
                )
            record.item_images.append(None)
            continue
        _check_entry(item, item_where, warnings)
        record.item_images.append(_image(reader, item, item_where, warnings))
    return record


def _check_entry(data, where, warnings):
    for key in TEXT_KEYS:
        if key in data and data[key] is not None and not kinds.text(data[key]):
            if data[key] != "":
                warnings.append(
                    f"{where}.{key}: expected text, got {type(data[key]).__name__}; not shown"
                )
    for key in kinds.MARKDOWN_KEYS:
        value = data.get(key)
        if value is None or isinstance(value, str):
            continue
        if key == "details" and isinstance(value, list):
            continue
        warnings.append(f"{where}.{key}: expected markdown text, got {type(value).__name__}")
    actions = data.get("actions")
    if actions is not None and not isinstance(actions, list):
        warnings.append(f"{where}.actions: expected a list of links, got {type(actions).__name__}")
    elif actions:
        for index, action in enumerate(actions):
            if not (
                isinstance(action, dict)
                and kinds.text(action.get("label"))
                and isinstance(action.get("url"), str)
            ):
                warnings.append(f"{where}.actions[{index}]: needs a label and a url; not shown")


def _image(reader, data, where, warnings):
    key = kinds.image_key(data)
    if not key:
        return None
    written = data[key]
    checked = reader.image_at(written, f"{where}.{key}", warnings)
    if checked is None and is_external(written):
        return None  # another site's image: shown from where it is, its URL kept as written
    return checked


def write(page, found: ReadSections, store) -> None:
    """Make the page's sections those of ``found``; ``store(checked)`` stores an image
    and gives its name. Sections keep their rows (and ids, which a contact form posts
    to) by position; their items are written anew."""
    existing = list(Section.objects.filter(page=page).order_by("order", "pk"))
    for order, record in enumerate(found.records):
        section = existing[order] if order < len(existing) else Section(page=page)
        split = record.split
        section.order = order
        section.type = split.type[:100]
        section.data = split.data
        section.items_key = split.items_key
        section.items_at = split.items_at
        section.image.name = store(record.image) if record.image else ""
        section.save()
        SectionItem.objects.filter(section=section).delete()
        for index, (item, image) in enumerate(zip(split.items, record.item_images, strict=True)):
            row = SectionItem(
                section=section,
                order=index,
                data=item if isinstance(item, dict) else {RAW_VALUE: item},
            )
            row.image.name = store(image) if image else ""
            row.save()
    for section in existing[len(found.records) :]:
        section.delete()
