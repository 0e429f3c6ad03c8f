"""Keyset cursors for list endpoints: opaque to clients, tamper-evident, stable under change.

A cursor names the last item of the page it ended (its sort key and domain
name) plus the sort it belongs to, signed with the registrar's secret. The next
page starts strictly after that item, so walking every page returns each
registration exactly once even if others are added or removed meanwhile.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

SIGNATURE_BYTES = 12


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Position:
    sort_by: str
    direction: str
    key: str
    name: str


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def encode(self, position: Position) -> str:
        payload = json.dumps(
            [position.sort_by, position.direction, position.key, position.name],
            separators=(",", ":"),
        ).encode()
        signature = hmac.digest(self._secret, payload, hashlib.sha256)[:SIGNATURE_BYTES]
        return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")

    def decode(self, cursor: str, sort_by: str, direction: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (ValueError, TypeError) as exc:
            raise InvalidCursor(cursor) from exc
        signature, payload = raw[:SIGNATURE_BYTES], raw[SIGNATURE_BYTES:]
        expected = hmac.digest(self._secret, payload, hashlib.sha256)[:SIGNATURE_BYTES]
        if not hmac.compare_digest(signature, expected):
            raise InvalidCursor(cursor)
        try:
            cursor_sort, cursor_direction, key, name = json.loads(payload)
        except (ValueError, TypeError) as exc:
            raise InvalidCursor(cursor) from exc
        # A cursor belongs to one ordering; reusing it with another would skip or repeat items.
        if (cursor_sort, cursor_direction) != (sort_by, direction):
            raise InvalidCursor(cursor)
        return Position(cursor_sort, cursor_direction, str(key), str(name))
