"""A bounded record of the API requests the mock received, for tests to assert on.

Each entry keeps the request's and the response's headers and bodies, so a test can
check what an application sent and what it was told. Credentials never land in it:
``Authorization``, ``X-Auth-Key`` and the like are masked, and so are secret-looking
query parameters and body fields (an ``auth_code``, a ``token``). Bodies are cut at
``MAX_BODY`` bytes and the journal holds at most ``capacity`` entries, so a long soak
cannot grow memory without limit.

Recording is cheap (raw bytes into a tuple); parsing, masking and the near-miss report
for a request that matched no route happen only when somebody reads the journal.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from registrar_mock.clock import isoformat
from registrar_mock.control import nearmiss

DEFAULT_CAPACITY = 1000
MAX_TEXT = 2048  # a path or query longer than this is cut, so entries stay small
MAX_BODY = 8192  # bytes of each body kept
MASK = "***"

Headers = Sequence[tuple[bytes, bytes]]


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
    # The domain the request is about: from its path, else its body's domain_name.
    domain: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    # Parsed JSON when the body is JSON (secrets masked), else its text; None when empty.
    request_body: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None
    # For a request that matched no route: the closest operation, and what differed.
    near_miss: dict[str, Any] | None = None

    @property
    def dropped(self) -> bool:
        return self.status is None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "dropped": self.dropped}

    def describe(self) -> str:
        """One line: ``#3 POST /accounts/…/registrations → 201 (operation)``."""
        answer = "dropped" if self.status is None else str(self.status)
        query = f"?{self.query}" if self.query else ""
        operation = self.operation or "no route"
        return f"#{self.seq} {self.method} {self.path}{query} -> {answer} ({operation})"


# What record() keeps, raw; formatting waits until somebody reads the journal, which is
# rare next to writing it.
@dataclass(frozen=True, slots=True)
class Raw:
    seq: int
    at: datetime
    method: str
    path: str
    query: bytes
    account: str | None
    operation: str | None
    status: int | None
    seconds: float
    request_headers: Headers = ()
    request_body: bytes = b""
    response_headers: Headers = ()
    response_body: bytes = b""


# Names of query parameters, headers and body fields whose values look like secrets.
_SECRET = re.compile(r"(?i)token|key|secret|passw|auth|signature|credential|session|cookie")
_SECRET_BYTES = re.compile(_SECRET.pattern.encode())
# Headers never worth showing: they describe the connection, not the request.
_HIDDEN_HEADERS = frozenset({"connection", "keep-alive"})


def masked_query(query: bytes) -> str:
    """The query string, with the values of secret-looking parameters masked."""
    parts = []
    for part in query.split(b"&"):
        name, equals, _ = part.partition(b"=")
        secret = equals and _SECRET_BYTES.search(name)
        parts.append(name + equals + MASK.encode() if secret else part)
    return b"&".join(parts).decode("latin-1")


def masked_headers(headers: Headers) -> dict[str, str]:
    """Headers by lower-case name; a credential shows its scheme and no more of itself."""
    shown: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1").lower()
        if name in _HIDDEN_HEADERS:
            continue
        value = raw_value.decode("latin-1")
        if name == "authorization":
            scheme, _, secret = value.partition(" ")
            value = f"{scheme} {MASK}" if secret else MASK
        elif _SECRET.search(name) or name == "x-auth-email":
            value = MASK
        shown[name] = f"{shown[name]}, {value}" if name in shown else value
    return shown


def masked(value: Any) -> Any:
    """A JSON value with the values of secret-looking members replaced by ``***``."""
    if isinstance(value, dict):
        return {
            key: MASK if _SECRET.search(key) and value[key] is not None else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def body_of(raw: bytes, content_type: str | None) -> Any:
    """What a test sees of a body: parsed JSON (masked) when it is JSON, else its text."""
    if not raw:
        return None
    if len(raw) >= MAX_BODY:
        return {"truncated": True, "first_bytes": raw[:200].decode("utf-8", "replace")}
    text = raw.decode("utf-8", "replace")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime == "application/json" or mime.endswith("+json") or not mime:
        try:
            # NaN and Infinity are not JSON: such a body is kept as the text it was.
            return masked(json.loads(text, parse_constant=_not_json, parse_float=_finite))
        except ValueError:
            pass
    return text


def _not_json(constant: str) -> Any:
    raise ValueError(constant)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999: a number JSON can't give back
        raise ValueError(text)
    return value


def _domain(path: str, body: Any) -> str | None:
    for marker in ("/registrations/", "/domains/"):
        if marker in path:
            return path.split(marker, 1)[1].split("/", 1)[0] or None
    if isinstance(body, dict) and isinstance(body.get("domain_name"), str):
        return str(body["domain_name"])
    return None


def _entry(raw: Raw) -> Entry:
    request_headers = masked_headers(raw.request_headers)
    response_headers = masked_headers(raw.response_headers)
    request_body = body_of(raw.request_body, request_headers.get("content-type"))
    miss = None
    if raw.operation is None and raw.status is not None:
        miss = nearmiss.closest(raw.method, raw.path)
    return Entry(
        raw.seq,
        isoformat(raw.at),
        raw.method,
        raw.path,
        masked_query(raw.query),
        raw.account,
        raw.operation,
        raw.status,
        round(raw.seconds * 1000, 3),
        domain=_domain(raw.path, request_body),
        request_headers=request_headers,
        request_body=request_body,
        response_headers=response_headers,
        response_body=body_of(raw.response_body, response_headers.get("content-type")),
        near_miss=miss,
    )


def summary(raw: Raw) -> dict[str, Any]:
    """An entry without headers or bodies: what the access log and the inspector's table
    show."""
    return {
        "seq": raw.seq,
        "at": isoformat(raw.at),
        "method": raw.method,
        "path": raw.path,
        "query": masked_query(raw.query),
        "account": raw.account,
        "operation": raw.operation,
        "status": raw.status,
        "duration_ms": round(raw.seconds * 1000, 3),
        "dropped": raw.status is None,
    }


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
        *,
        request_headers: Headers = (),
        request_body: bytes = b"",
        response_headers: Headers = (),
        response_body: bytes = b"",
    ) -> None:
        """Keep one request; it becomes an :class:`Entry` only when read.

        A path or query longer than ``MAX_TEXT`` is cut, and bodies at ``MAX_BODY``.
        """
        self._seq += 1
        self._entries.append(
            Raw(self._seq, at, method, path[:MAX_TEXT], query[:MAX_TEXT], account, operation,
                status, seconds, request_headers, request_body[:MAX_BODY], response_headers,
                response_body[:MAX_BODY])
        )  # fmt: skip

    def latest(self) -> Entry:
        return _entry(self._entries[-1])

    def latest_raw(self) -> Raw:
        """The newest entry as recorded, unformatted (for the access log's fast path)."""
        return self._entries[-1]

    def latest_summary(self) -> dict[str, Any]:
        """The newest entry without headers or bodies: what the access log writes."""
        return summary(self._entries[-1])

    @property
    def last_seq(self) -> int:
        """The number of the newest request ever recorded (0 before the first)."""
        return self._seq

    @property
    def first_seq(self) -> int:
        """The number of the oldest entry still kept (``last_seq + 1`` when none is)."""
        return self._entries[0].seq if self._entries else self._seq + 1

    def since(self, seq: int, limit: int | None = None) -> list[dict[str, Any]]:
        """Summaries of the entries after number ``seq``, oldest first; the newest
        ``limit`` of them if a limit is given. Cheap: no body is parsed."""
        newer: list[Raw] = []
        for raw in reversed(self._entries):
            if raw.seq <= seq or (limit is not None and len(newer) >= limit):
                break
            newer.append(raw)
        return [summary(raw) for raw in reversed(newer)]

    def get(self, seq: int) -> Entry | None:
        """Entry number ``seq``, with its headers and bodies, if it is still kept."""
        if not self._entries or not self._entries[0].seq <= seq <= self._entries[-1].seq:
            return None
        # Numbers are consecutive within the deque, so the entry's place follows from it.
        raw = self._entries[seq - self._entries[0].seq]
        return _entry(raw) if raw.seq == seq else None

    def entries(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        account: str | None = None,
        operation: str | None = None,
        status: int | None = None,
        domain: str | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> list[Entry]:
        """Entries oldest first; ``path`` matches as a substring, ``body`` as a subset of the
        request's JSON body (nested objects too), the rest exactly."""
        return [
            entry
            for entry in map(_entry, self._entries)
            if (method is None or entry.method == method.upper())
            and (path is None or path in entry.path)
            and (account is None or entry.account == account)
            and (operation is None or entry.operation == operation)
            and (status is None or entry.status == status)
            and (domain is None or entry.domain == domain)
            and (body is None or contains(entry.request_body, body))
        ]

    def unmatched(self) -> list[Entry]:
        """Requests that matched no route, each with its near miss."""
        return [entry for entry in map(_entry, self._entries) if entry.near_miss is not None]

    def clear(self) -> None:
        self._entries.clear()

    # --- assertions ----------------------------------------------------------------

    def assert_called(
        self,
        operation: str,
        *,
        times: int | None = None,
        domain: str | None = None,
        body: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> list[Entry]:
        """Assert the operation was called (``times`` exactly, else at least once) with these
        details; return the matching entries. A failure lists what was called instead."""
        found = self.entries(operation=operation, domain=domain, body=body, status=status)
        if (times is None and found) or (times is not None and len(found) == times):
            return found
        expected = "at least once" if times is None else f"{times} time{'s' * (times != 1)}"
        wanted = _wanted(operation, domain, body, status)
        lines = [f"expected {wanted} {expected}, but it was called {len(found)} time(s)."]
        lines += _explain(self.entries(operation=operation), domain, body, status)
        lines += _misses(self.unmatched())
        raise AssertionError("\n".join(lines))

    def assert_not_called(
        self,
        operation: str,
        *,
        domain: str | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        self.assert_called(operation, times=0, domain=domain, body=body)


def contains(actual: Any, expected: Any) -> bool:
    """Whether ``actual`` holds ``expected``: every member of an expected object is in the
    actual one (recursively); lists and other values compare equal."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return bool(actual == expected)


def differences(actual: Any, expected: Any, at: str = "") -> list[str]:
    """Where ``actual`` falls short of ``expected``, as JSON pointers and both values."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{at or '/'}: expected an object, got {_show(actual)}"]
        found: list[str] = []
        for key, value in expected.items():
            where = f"{at}/{key}"
            if key not in actual:
                found.append(f"{where}: missing (expected {_show(value)})")
            else:
                found += differences(actual[key], value, where)
        return found
    if actual != expected:
        return [f"{at or '/'}: expected {_show(expected)}, got {_show(actual)}"]
    return []


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def _wanted(
    operation: str, domain: str | None, body: Mapping[str, Any] | None, status: int | None
) -> str:
    details = [f"domain {domain}"] if domain is not None else []
    if body is not None:
        details.append(f"body containing {_show(body)}")
    if status is not None:
        details.append(f"status {status}")
    return operation + (f" with {', '.join(details)}" if details else "")


def _explain(
    calls: Iterable[Entry], domain: str | None, body: Mapping[str, Any] | None, status: int | None
) -> list[str]:
    calls = list(calls)
    if not calls:
        return ["That operation was never called."]
    lines = [f"Calls of that operation ({len(calls)}):"]
    for entry in calls:
        lines.append(f"  {entry.describe()}")
        if domain is not None and entry.domain != domain:
            lines.append(f"      domain: expected {domain!r}, got {entry.domain!r}")
        if status is not None and entry.status != status:
            lines.append(f"      status: expected {status}, got {entry.status}")
        if body is not None:
            lines += [f"      body {line}" for line in differences(entry.request_body, body)]
    return lines


def _misses(unmatched: Sequence[Entry]) -> list[str]:
    if not unmatched:
        return []
    lines = ["Requests that matched no route:"]
    for entry in unmatched:
        miss = entry.near_miss or {}
        lines.append(f"  {entry.describe()}")
        if miss.get("operation"):
            lines.append(f"      closest: {miss['operation']} ({miss['method']} {miss['path']})")
        lines += [f"      {difference}" for difference in miss.get("differences", [])]
    return lines
