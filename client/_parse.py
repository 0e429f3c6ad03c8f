"""Reading JSON objects into typed fields, leniently: absent optional fields become None.

A field of the wrong type, or a required one that is missing, raises
:class:`~client.errors.ResponseFormatError`; fields nobody asked for are left to
the caller to keep as ``extra``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Self, TypeVar

from registrar_mock.client.errors import ResponseFormatError


class OpenStrEnum(StrEnum):
    """A string enum that keeps values it has never heard of instead of refusing them.

    ``WorkflowState("paused")`` gives a member-like value equal to ``"paused"``,
    so a server that grows a new state doesn't break a client that predates it.
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member


E = TypeVar("E", bound=OpenStrEnum)


class Fields:
    """A JSON object being read; remembers which keys were consumed."""

    def __init__(self, value: object, what: str) -> None:
        if not isinstance(value, dict):
            raise ResponseFormatError(f"{what}: expected an object, got {type(value).__name__}")
        self._data: dict[str, Any] = value
        self._what = what
        self._used: set[str] = set()

    def _get(self, key: str) -> Any:
        self._used.add(key)
        return self._data.get(key)

    def _wrong(self, key: str, expected: str) -> ResponseFormatError:
        return ResponseFormatError(f"{self._what}.{key}: expected {expected}")

    def string(self, key: str) -> str:
        value = self.opt_string(key)
        if value is None:
            raise self._wrong(key, "a string")
        return value

    def opt_string(self, key: str) -> str | None:
        value = self._get(key)
        if value is None or isinstance(value, str):
            return value
        raise self._wrong(key, "a string")

    def boolean(self, key: str) -> bool:
        value = self.opt_boolean(key)
        if value is None:
            raise self._wrong(key, "a boolean")
        return value

    def opt_boolean(self, key: str) -> bool | None:
        value = self._get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(key, "a boolean")

    def opt_integer(self, key: str) -> int | None:
        value = self._get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise self._wrong(key, "an integer")

    def opt_datetime(self, key: str) -> datetime | None:
        value = self.opt_string(key)
        if value is None or value == "":
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise self._wrong(key, "an RFC 3339 timestamp") from None

    def decimal(self, key: str) -> Decimal:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self._wrong(key, "a decimal string")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise self._wrong(key, "a decimal string") from None

    def opt_object(self, key: str) -> dict[str, Any] | None:
        value = self._get(key)
        if value is None or isinstance(value, dict):
            return value
        raise self._wrong(key, "an object")

    def opt_list(self, key: str) -> list[Any] | None:
        value = self._get(key)
        if value is None or isinstance(value, list):
            return value
        raise self._wrong(key, "an array")

    def opt_enum(self, key: str, enum: type[E]) -> E | None:
        value = self.opt_string(key)
        return None if value is None else enum(value)

    def enum(self, key: str, enum: type[E]) -> E:
        return enum(self.string(key))

    def extra(self) -> dict[str, Any]:
        """Every field not read so far, as sent."""
        return {k: v for k, v in self._data.items() if k not in self._used}


def objects(values: Iterable[object] | None, what: str) -> list[Fields]:
    return [Fields(value, f"{what}[{i}]") for i, value in enumerate(values or ())]


def as_mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ResponseFormatError(f"{what}: expected an object")
    return value
