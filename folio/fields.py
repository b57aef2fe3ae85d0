"""Model fields of Folio's own."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class OrderedJSONField(models.TextField):
    """JSON kept as written, in its key order: stored as text.

    PostgreSQL's ``jsonb`` (what Django's JSONField uses there) orders an object's keys
    by their length: a section written ``{section_id, type, title}`` would come back
    ``{type, title, section_id}``, and an export could not give back what was imported.
    Nothing queries inside these values, so text loses nothing.
    """

    description = "JSON, in its written key order"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
