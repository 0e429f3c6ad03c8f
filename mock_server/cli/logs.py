"""Logging for ``registrar-mock serve``: everything on stderr, one line per record.

An API request becomes one structured line built from the ``request`` extra that
the app attaches to each ``registrar_mock.access`` record, such as::

    2026-03-01T09:00:00.123Z INFO method=GET path=/client/v4/accounts/acme/registrar/registrations
      account=acme status=200 ms=1.2

(one line, shown folded here).

Other records (reloads, warnings, uvicorn's errors) keep their message. Only the
``registrar_mock`` and ``uvicorn`` loggers are configured; the root logger is left
alone.

Lines are written from a background thread, in batches, so a slow or unread stderr
(a pipe nobody drains, a classic in CI) never stalls a request: once ``CAPACITY``
lines are waiting, new ones are dropped, and a line says how many when writing
resumes. The access log's lines are even made there (see ``BackgroundHandler.access``),
so a request pays only for queueing its journal entry.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import math
import queue
import re
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any, TextIO

from registrar_mock.control.journal import Raw

LEVELS = ("debug", "info", "warning", "error")
CAPACITY = 10_000
BATCH = 1_000  # lines written at once, at most
LINGER = 0.05  # seconds a line may wait for others to be written with it


class LineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        head = f"{_stamp(record.created)} {record.levelname}"
        request = getattr(record, "request", None)
        if isinstance(request, dict):
            return f"{head} {access_line(request)}"
        line = f"{head} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def access_line(request: dict[str, Any]) -> str:
    """``method=GET path=/client/v4/... account=acme status=200 ms=1.2`` (logfmt)."""
    duration = request.get("duration_ms")
    return _line(
        request.get("method"),
        request.get("path"),
        request.get("account"),
        "dropped" if request.get("dropped") else request.get("status", "-"),
        duration if isinstance(duration, int | float) else None,
    )


def _line(method: object, path: object, account: object, status: object, ms: float | None) -> str:
    shown = "-" if ms is None else f"{ms:.1f}"
    return (
        f"method={_value(method)} path={_value(path)} account={_value(account)} "
        f"status={status} ms={shown}"
    )


def _value(value: object) -> str:
    if value is None or value == "":
        return "-"
    text = value if type(value) is str else str(value)
    return _kept(text) if len(text) <= _KEPT_LENGTH else _quoted(text)


def _quoted(text: str) -> str:
    return json.dumps(text) if _QUOTED.search(text) else text


# The same methods, accounts and paths come back request after request (a client polling
# its status path): each is looked at once, not on every line. Only short texts, and at
# most 4,096 of them, are kept, so what clients send can't make the cache grow past a
# few MiB.
_KEPT_LENGTH = 256
_kept = functools.lru_cache(maxsize=4096)(_quoted)


# What logfmt can't leave bare: spaces, quotes, equals signs.
_QUOTED = re.compile(r'[\s"=]')


class BackgroundHandler(logging.Handler):
    """Formats and writes on its own thread, in batches, dropping lines it can't keep.

    Records are formatted on the caller's thread (they may hold anything); the access
    log's lines take a faster way in: :meth:`access` queues the journal's raw entry, and
    the line is made here, off the event loop, with many written at once.
    """

    def __init__(self, stream: TextIO | None = None, capacity: int = CAPACITY) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.capacity = capacity
        self.dropped = 0
        self._reported = 0
        # A line, or (when, raw journal entry) for the access log; None stops the writer.
        self._lines: queue.SimpleQueue[str | tuple[float, Raw] | None] = queue.SimpleQueue()
        self._queued = itertools.count(1)
        self._submitted = 0
        self._written = 0
        self._idle = threading.Condition()
        self._writer = threading.Thread(target=self._write, name="registrar-mock-log", daemon=True)
        self._writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self._put(line)

    def access(self, raw: Raw) -> None:
        """Log one API request: the access log's line, made on the writer's thread."""
        self._put((time.time(), raw))

    def _put(self, item: str | tuple[float, Raw]) -> None:
        if self._lines.qsize() >= self.capacity:
            self.dropped += 1
            return
        self._submitted = next(self._queued)
        self._lines.put(item)

    def _write(self) -> None:
        running = True
        while running:
            batch = [self._lines.get()]
            # Let the lines of a busy moment gather: one wake-up of this thread writes all
            # of them. Woken for each line, it would take the interpreter from the event
            # loop for every request, which costs more than the line itself.
            time.sleep(LINGER)
            with contextlib.suppress(queue.Empty):
                while len(batch) < BATCH:
                    batch.append(self._lines.get_nowait())
            lines = []
            dropped = self.dropped - self._reported
            if dropped:
                self._reported += dropped
                lines.append(self._notice(dropped))
            taken = 0
            for item in batch:
                if item is None:
                    running = False
                    continue
                taken += 1
                lines.append(item if isinstance(item, str) else _access(*item))
            if lines:
                try:
                    self.stream.write("\n".join(lines) + "\n")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass  # stderr is gone: there is nobody left to tell
            with self._idle:
                self._written += taken
                self._idle.notify_all()

    def _notice(self, dropped: int) -> str:
        message = f"{dropped} log lines dropped: stderr was not read fast enough"
        record = logging.LogRecord(
            "registrar_mock", logging.WARNING, __file__, 0, message, (), None
        )
        return self.format(record)

    def flush(self, timeout: float = 1.0) -> None:
        """Wait (a little) for the lines so far to be written."""
        wanted = self._submitted
        with self._idle:
            self._idle.wait_for(lambda: self._written >= wanted, timeout)

    def close(self) -> None:
        self.flush()
        self._lines.put(None)
        self._writer.join(1.0)
        super().close()


def _access(when: float, raw: Raw) -> str:
    """The access log's line for a journal entry: what ``access_line(summary(raw))`` says,
    made from the entry's fields directly (the writer makes one for every request)."""
    status = "dropped" if raw.status is None else raw.status
    line = _line(raw.method, raw.path, raw.account, status, round(raw.seconds * 1000, 3))
    return f"{_stamp(when)} INFO {line}"


def _stamp(when: float) -> str:
    # To the microsecond first, as datetime.fromtimestamp() rounds; then cut to the ms.
    fraction, whole = math.modf(when)
    second, micros = int(whole), round(fraction * 1_000_000)
    if micros >= 1_000_000:
        second, micros = second + 1, micros - 1_000_000
    if second != _second[0]:
        text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _second[:] = [second, text]
    return f"{_second[1]}.{micros // 1000:03d}Z"


# The last second stamped, and its text: lines come many to a second.
_second: list[Any] = [None, ""]


def configure(
    level: str = "info", access_log: bool | None = None, stream: TextIO | None = None
) -> BackgroundHandler:
    """Send the server's logs to ``stream`` (stderr by default); returns the handler.

    ``access_log`` None means: on when ``level`` is debug or info. uvicorn's own
    start-up chatter is kept for debug; its access log is never used (ours has the
    account and the duration).
    """
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LEVELS)}")
    if access_log is None:
        access_log = numeric <= logging.INFO
    handler = BackgroundHandler(stream)
    handler.setFormatter(LineFormatter())
    for name in ("registrar_mock", "uvicorn"):
        logger = logging.getLogger(name)
        for old in logger.handlers:
            if isinstance(old, BackgroundHandler) and old is not handler:
                old.close()
        logger.handlers[:] = [handler]
        logger.propagate = False
    logging.getLogger("registrar_mock").setLevel(numeric)
    access = logging.getLogger("registrar_mock.access")
    access.setLevel(logging.INFO if access_log else logging.WARNING)
    uvicorn_level = numeric if numeric <= logging.DEBUG else max(numeric, logging.WARNING)
    logging.getLogger("uvicorn").setLevel(uvicorn_level)
    logging.getLogger("uvicorn.access").disabled = True
    return handler
