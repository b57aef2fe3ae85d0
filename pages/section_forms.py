"""The admin's forms for sections and their items: one field per key a section's kind
edits (pages.sections), validated, written back into ``data`` -- and only the keys
the editor changed, so every other key (and the form of every untouched value)
stays as it was written.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from . import contact, links
from . import sections as kinds
from .models import Section, SectionItem

ACTION_LINE = re.compile(r"\s*\|\s*")
STYLES = {"primary", "secondary"}


def form_field(spec: kinds.Field):
    """The form field that edits one key."""
    common = {"label": spec.label, "help_text": spec.help, "required": False}
    if spec.widget == "bool":
        return forms.BooleanField(**common)
    if spec.widget == "choice":
        return forms.ChoiceField(choices=spec.choices, **common)
    if spec.widget == "number":
        return forms.IntegerField(min_value=1, max_value=100, **common)
    if spec.widget in {"markdown", "markdown_or_lines"}:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}),
            strip=False,
            **common,
        )
    if spec.widget in {"text", "lines"}:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if spec.widget == "actions":
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Try it | /signup/ | primary"}),
            **common,
        )
    return forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}), **common)


def initial_value(spec: kinds.Field, value):
    """What the form shows for a key's stored value."""
    if value is None:
        return None
    if spec.widget == "actions":
        return actions_text(value)
    if spec.widget in {"lines", "markdown_or_lines"} and isinstance(value, list):
        return "\n".join(kinds.text(line) for line in value)
    if spec.widget == "bool":
        return value is True
    if spec.widget == "number":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return kinds.text(value)


def actions_text(value) -> str:
    if not isinstance(value, list):
        return ""
    lines = []
    for action in value:
        if not isinstance(action, dict):
            continue
        parts = [kinds.text(action.get("label")), kinds.text(action.get("url"))]
        style = action.get("style")
        if action.get("primary") is True or style == "primary":
            parts.append("primary")
        elif style == "secondary":
            parts.append("secondary")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def parse_actions(text: str, old) -> list:
    """Buttons from their lines; each keeps the other keys its line had (``new_window``,
    ``icon``...), matched by position."""
    old = [action for action in old if isinstance(action, dict)] if isinstance(old, list) else []
    parsed, errors = [], []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), 1):
        parts = ACTION_LINE.split(line.strip())
        if len(parts) < 2 or not parts[0] or not parts[1]:
            errors.append(f"Line {number}: write a label and an address, separated by |.")
            continue
        if len(parts) > 3 or (len(parts) == 3 and parts[2].lower() not in STYLES):
            errors.append(f"Line {number}: the third part may only be primary or secondary.")
            continue
        if links.href(parts[1]) is None:
            errors.append(
                f"Line {number}: {parts[1]!r} is not an address a button can go to "
                "(a path on this site, or an http, https, mailto or tel link)."
            )
            continue
        action = dict(old[len(parsed)]) if len(parsed) < len(old) else {}
        action.update(label=parts[0], url=parts[1])
        style = parts[2].lower() if len(parts) == 3 else ""
        if "primary" in action and isinstance(action["primary"], bool):
            action["primary"] = style == "primary"
        if style:
            action["style"] = style
        else:
            action.pop("style", None)
        parsed.append(action)
    if errors:
        raise ValidationError(errors)
    return parsed


class DataFieldsMixin:
    """Adds a field per key of ``specs`` to a model form over ``data``; on save writes
    back the keys the editor changed."""

    specs: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.instance.data if isinstance(self.instance.data, dict) else {}
        for spec in self.specs:
            name = self.data_name(spec)
            if name in self.fields:
                self.initial.setdefault(name, initial_value(spec, data.get(spec.key)))

    @staticmethod
    def data_name(spec):
        return f"data_{spec.key}"

    def clean(self):
        cleaned = super().clean()
        data = self.instance.data if isinstance(self.instance.data, dict) else {}
        for spec in self.specs:
            name = self.data_name(spec)
            if name not in self.fields:
                continue
            if spec.widget == "actions" and name in self.changed_data:
                try:
                    cleaned[name] = parse_actions(cleaned.get(name) or "", data.get(spec.key))
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def updated_data(self):
        data = dict(self.instance.data) if isinstance(self.instance.data, dict) else {}
        for spec in self.specs:
            name = self.data_name(spec)
            if name not in self.fields or name not in self.changed_data:
                continue
            value = self.cleaned_data.get(name)
            if spec.widget == "lines":
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif spec.widget == "markdown_or_lines" and isinstance(data.get(spec.key), list):
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            empty = value in (None, "", [], False)
            if empty and spec.key not in data:
                continue
            data[spec.key] = value
        return data


class SectionForm(DataFieldsMixin, forms.ModelForm):
    type = forms.ChoiceField(label="Type", choices=(), required=False)

    class Meta:
        model = Section
        fields = ["page", "order", "type", "image"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = kinds.type_choices(self.instance.type)
        self.fields["type"].help_text = (
            "Changing it changes which fields this page shows once saved; nothing written "
            "for the old type is lost."
        )

    def save(self, commit=True):
        self.instance.data = self.updated_data()
        return super().save(commit)


class SectionItemForm(DataFieldsMixin, forms.ModelForm):
    kind = kinds.GENERIC

    class Meta:
        model = SectionItem
        fields = ["order", "image"]

    def clean(self):
        cleaned = super().clean()
        if self.kind.name == "form" and not cleaned.get("DELETE") and "data_name" in self.fields:
            name = cleaned.get("data_name") or ""
            if not contact.NAME.match(name):
                self.add_error(
                    "data_name",
                    "Give the field a name of letters, digits, _ and - (starting with a "
                    "letter): it names the answer in every submission.",
                )
            elif name in contact.RESERVED_NAMES:
                self.add_error("data_name", f"{name!r} is reserved; choose another name.")
        return cleaned

    def save(self, commit=True):
        self.instance.data = self.updated_data()
        return super().save(commit)


def data_name(spec):
    return DataFieldsMixin.data_name(spec)


def _declared(specs):
    return {data_name(spec): form_field(spec) for spec in specs}


def section_form(kind: kinds.Kind, specs=None):
    """The section form for a kind (its fields, or only ``specs``)."""
    specs = kind.fields if specs is None else specs
    attrs = {"specs": specs, **_declared(specs)}
    return type(f"{kind.name.title()}SectionForm", (SectionForm,), attrs)


def item_form(kind: kinds.Kind):
    attrs = {"specs": kind.item_fields, "kind": kind, **_declared(kind.item_fields)}
    return type(f"{kind.name.title()}ItemForm", (SectionItemForm,), attrs)


class ItemsFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if getattr(self, "kind", None) is None or self.kind.name != "form":
            return
        names = []
        for form in self.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            name = form.cleaned_data.get("data_name") or form.initial.get("data_name")
            if name in names:
                raise ValidationError(f"Two fields of this form are named {name!r}.")
            names.append(name)
