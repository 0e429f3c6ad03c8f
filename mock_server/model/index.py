"""Sorted indexes of one account's registrations, one per sort order of the list endpoint.

A page is found by bisecting to the cursor and slicing, so listing costs
O(log n + page) however many domains an account holds, instead of sorting them
all on every request.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable

from registrar_mock.model.records import Registration

SORT_FIELDS = ("registry_created_at", "registry_expires_at", "name")
Key = tuple[str, str]  # (sort value, domain name): unique, since names are


def sort_value(registration: Registration, sort_by: str) -> str:
    if sort_by == "name":
        return registration.domain_name
    instant = (
        registration.created_at if sort_by == "registry_created_at" else registration.expires_at
    )
    # A fixed-width text form sorts like the instants; pending registrations have no expiry.
    # isoformat() in C with a fixed timespec is fixed-width for the UTC instants the model keeps.
    return "" if instant is None else instant.isoformat(timespec="microseconds")


class RegistrationIndex:
    def __init__(self, registrations: Iterable[Registration] = ()) -> None:
        self._keys: dict[str, list[Key]] = {field: [] for field in SORT_FIELDS}
        self._current: dict[str, dict[str, Key]] = {field: {} for field in SORT_FIELDS}
        for registration in registrations:
            self.put(registration)

    def put(self, registration: Registration) -> None:
        """Add a registration, or move it after its dates changed."""
        name = registration.domain_name
        for field in SORT_FIELDS:
            key = (sort_value(registration, field), name)
            old = self._current[field].get(name)
            if old == key:
                continue
            keys = self._keys[field]
            if old is not None:
                del keys[bisect_left(keys, old)]
            insort(keys, key)
            self._current[field][name] = key

    def remove(self, name: str) -> None:
        for field in SORT_FIELDS:
            old = self._current[field].pop(name, None)
            if old is not None:
                keys = self._keys[field]
                del keys[bisect_left(keys, old)]

    def page(self, sort_by: str, descending: bool, after: Key | None, size: int) -> list[Key]:
        """Up to ``size + 1`` keys following ``after`` in the given order (one extra shows
        whether another page exists)."""
        keys = self._keys[sort_by]
        if not descending:
            start = 0 if after is None else bisect_right(keys, after)
            return keys[start : start + size + 1]
        end = len(keys) if after is None else bisect_left(keys, after)
        return keys[max(0, end - size - 1) : end][::-1]
