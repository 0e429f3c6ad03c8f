"""Short, readable ``repr``s for the models: the fields that say something, and no more.

A field left at its default (None, an empty ``extra``) is left out, enum members show
as their value, instants in RFC 3339, amounts as written, and nested JSON is cut short,
so a workflow status or a page of registrations fits on a line or two.
"""

from __future__ import annotations

import dataclasses
import reprlib
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

_ITEMS = 6
_JSON = reprlib.Repr()
_JSON.maxlevel, _JSON.maxdict, _JSON.maxlist, _JSON.maxtuple = 3, 6, 6, 6
_JSON.maxstring = _JSON.maxother = 80


def model_repr(model: Any) -> str:
    """``Name(field=value, ...)`` over the dataclass's fields that differ from their default."""
    parts = [
        f"{field.name}={shown(getattr(model, field.name))}"
        for field in dataclasses.fields(model)
        if field.repr and not _is_default(field, getattr(model, field.name))
    ]
    return f"{type(model).__name__}({', '.join(parts)})"


def shown(value: object) -> str:
    if isinstance(value, Enum):
        return repr(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return repr(value)
    if isinstance(value, list | tuple) and not any(isinstance(v, dict | list) for v in value):
        # Enum members, models, names: each shown as itself is shown.
        items = [shown(item) for item in value[:_ITEMS]]
        if len(value) > _ITEMS:
            items.append("...")
        if isinstance(value, list):
            return f"[{', '.join(items)}]"
        return f"({', '.join(items)}{',' if len(value) == 1 else ''})"
    if isinstance(value, dict | list | tuple):
        return _JSON.repr(value)
    return repr(value)


def _is_default(field: dataclasses.Field[Any], value: object) -> bool:
    if field.default is not dataclasses.MISSING:
        return bool(value == field.default)
    if field.default_factory is not dataclasses.MISSING:
        return bool(value == field.default_factory())
    return False
