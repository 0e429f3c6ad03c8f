"""A bounded record of the API requests the mock received, for tests to assert on.

It keeps no headers or bodies, so credentials never land in it (secret-looking query
parameters are masked too), and it holds at most ``capacity`` entries, so a long soak
cannot grow memory without limit.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from registrar_mock.clock import isoformat

DEFAULT_CAPACITY = 1000
MAX_TEXT = 2048  # a path or query longer than this is cut, so entries stay small


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: str  # the mock clock's time, RFC 3339
    method: str
    path: str
    query: str
    account: str | None
    operation: str | None
    status: int | None  # None: the connection was dropped, nothing was answered
    duration_ms: float

    @property
    def dropped(self) -> bool:
        return self.status is None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "dropped": self.dropped}


# What record() keeps: (seq, at, method, path, query, account, operation, status, seconds).
# Formatting waits until somebody reads the journal, which is rare next to writing it.
Raw = tuple[int, datetime, str, str, bytes, str | None, str | None, int | None, float]


# Query parameters whose values look like secrets; the journal shows them as "***".
_SECRET = re.compile(rb"(?i)token|key|secret|passw|auth|signature|credential|session")


def masked_query(query: bytes) -> str:
    """The query string, with the values of secret-looking parameters masked."""
    parts = []
    for part in query.split(b"&"):
        name, equals, _ = part.partition(b"=")
        parts.append(name + equals + b"***" if equals and _SECRET.search(name) else part)
    return b"&".join(parts).decode("latin-1")


def _entry(raw: Raw) -> Entry:
    seq, at, method, path, query, account, operation, status, seconds = raw
    return Entry(
        seq,
        isoformat(at),
        method,
        path,
        masked_query(query),
        account,
        operation,
        status,
        round(seconds * 1000, 3),
    )


class Journal:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._entries: deque[Raw] = deque(maxlen=capacity)
        self._seq = 0

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def record(
        self,
        at: datetime,
        method: str,
        path: str,
        query: bytes,
        account: str | None,
        operation: str | None,
        status: int | None,
        seconds: float,
    ) -> None:
        """Keep one request; it becomes an :class:`Entry` only when read.

        A path or query longer than ``MAX_TEXT`` is cut, so entries stay small.
        """
        self._seq += 1
        self._entries.append(
            (self._seq, at, method, path[:MAX_TEXT], query[:MAX_TEXT], account, operation,
             status, seconds)
        )  # fmt: skip

    def latest(self) -> Entry:
        return _entry(self._entries[-1])

    def entries(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        account: str | None = None,
        operation: str | None = None,
        status: int | None = None,
    ) -> list[Entry]:
        """Entries oldest first; ``path`` matches as a substring, the rest exactly."""
        return [
            entry
            for entry in map(_entry, self._entries)
            if (method is None or entry.method == method.upper())
            and (path is None or path in entry.path)
            and (account is None or entry.account == account)
            and (operation is None or entry.operation == operation)
            and (status is None or entry.status == status)
        ]

    def clear(self) -> None:
        self._entries.clear()
