"""Logging for ``registrar-mock serve``: everything on stderr, one line per record.

An API request becomes one structured line built from the ``request`` extra that
the app attaches to each ``registrar_mock.access`` record, such as::

    2026-03-01T09:00:00.123Z INFO method=GET path=/client/v4/accounts/acme/registrar/registrations
      account=acme status=200 ms=1.2

(one line, shown folded here).

Other records (reloads, warnings, uvicorn's errors) keep their message. Only the
``registrar_mock`` and ``uvicorn`` loggers are configured; the root logger is left
alone.

Lines are written from a background thread, so a slow or unread stderr (a pipe
nobody drains, a classic in CI) never stalls a request: once ``CAPACITY`` lines
are waiting, new ones are dropped, and a line says how many when writing resumes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sys
import threading
from datetime import UTC, datetime
from typing import Any, TextIO

LEVELS = ("debug", "info", "warning", "error")
CAPACITY = 10_000
ACCESS_FIELDS = (("method", "method"), ("path", "path"), ("account", "account"))


class LineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        head = f"{stamp.replace('+00:00', 'Z')} {record.levelname}"
        request = getattr(record, "request", None)
        if isinstance(request, dict):
            return f"{head} {access_line(request)}"
        line = f"{head} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def access_line(request: dict[str, Any]) -> str:
    """``method=GET path=/client/v4/... account=acme status=200 ms=1.2`` (logfmt)."""
    parts = [f"{key}={_value(request.get(field))}" for key, field in ACCESS_FIELDS]
    status = request.get("status", "-")
    parts.append(f"status={'dropped' if request.get('dropped') else status}")
    duration = request.get("duration_ms")
    parts.append(f"ms={duration:.1f}" if isinstance(duration, int | float) else "ms=-")
    return " ".join(parts)


def _value(value: object) -> str:
    if value is None or value == "":
        return "-"
    text = str(value)
    if any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text)
    return text


class BackgroundHandler(logging.Handler):
    """Formats on the caller's thread and writes on its own, dropping lines it can't keep."""

    def __init__(self, stream: TextIO | None = None, capacity: int = CAPACITY) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        self.dropped = 0
        self._reported = 0
        self._lines: queue.Queue[str | None] = queue.Queue(capacity)
        self._waiting = 0
        self._idle = threading.Condition()
        self._writer = threading.Thread(target=self._write, name="registrar-mock-log", daemon=True)
        self._writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        with self._idle:
            try:
                self._lines.put_nowait(line)
            except queue.Full:
                self.dropped += 1
                return
            self._waiting += 1

    def _write(self) -> None:
        while (line := self._lines.get()) is not None:
            with self._idle:
                dropped = self.dropped - self._reported
                self._reported = self.dropped
            if dropped:
                line = f"{self._notice(dropped)}\n{line}"
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass  # stderr is gone: there is nobody left to tell
            with self._idle:
                self._waiting -= 1
                self._idle.notify_all()

    def _notice(self, dropped: int) -> str:
        message = f"{dropped} log lines dropped: stderr was not read fast enough"
        record = logging.LogRecord(
            "registrar_mock", logging.WARNING, __file__, 0, message, (), None
        )
        return self.format(record)

    def flush(self, timeout: float = 1.0) -> None:
        """Wait (a little) for the lines so far to be written."""
        with self._idle:
            self._idle.wait_for(lambda: self._waiting == 0, timeout)

    def close(self) -> None:
        self.flush()
        with contextlib.suppress(queue.Full):
            self._lines.put_nowait(None)
        self._writer.join(1.0)
        super().close()


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
