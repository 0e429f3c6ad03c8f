"""Logs of `registrar-mock serve`: one structured line per request, never a stall."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.cli import logs
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN


@pytest.fixture
def restore_loggers() -> Iterator[None]:
    names = ["registrar_mock", "registrar_mock.access", "uvicorn", "uvicorn.access"]
    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate, logger.disabled)
        for logger in map(logging.getLogger, names)
    ]
    yield
    for logger, handlers, level, propagate, disabled in saved:
        for added in set(logger.handlers) - set(handlers):
            added.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


def test_access_line() -> None:
    request = {"method": "GET", "path": "/client/v4/accounts/a b/x", "account": None,
               "status": 200, "duration_ms": 1.234}  # fmt: skip
    assert logs.access_line(request) == (
        'method=GET path="/client/v4/accounts/a b/x" account=- status=200 ms=1.2'
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [("acme", "acme"), ("a b", '"a b"'), ("x\ny=1", '"x\\ny=1"'), ('say "hi"', '"say \\"hi\\""'),
     ("", "-"), (None, "-"), (42, "42"), ("a=b", '"a=b"'), ("p" * 300 + " q", f'"{"p" * 300} q"')],
)  # fmt: skip
def test_logfmt_values_are_the_same_each_time_they_come_back(value: object, shown: str) -> None:
    """A value seen before (its text is kept for the next line) is shown as the first time:
    bare when it can be, else quoted, so no value can start a line or a field of its own."""
    assert [logs._value(value) for _ in range(3)] == [shown] * 3


def test_the_texts_kept_for_the_log_stay_few_and_short() -> None:
    for index in range(6000):
        logs._value(f"/client/v4/accounts/{index:032x}/registrar/registrations")
    assert logs._kept.cache_info().currsize == 4096
    long = "/" + "long" * 100
    before = logs._kept.cache_info()
    assert logs._value(long) == logs._value(long) == long
    assert logs._kept.cache_info() == before  # neither looked up nor kept


@pytest.mark.usefixtures("restore_loggers")
@pytest.mark.parametrize(
    ("level", "access", "logged"),
    [
        ("info", None, True),
        ("debug", None, True),
        ("warning", None, False),
        ("warning", True, True),
        ("info", False, False),
    ],
)
def test_one_structured_line_per_request(level: str, access: bool | None, logged: bool) -> None:
    stream = io.StringIO()
    handler = logs.configure(level, access, stream)
    app = create_app()
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as http:
        http.get(f"/client/v4/accounts/{ACCOUNT}/registrar/registrations",
                 headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
        http.get("/__mock__/health")
    handler.flush()
    lines = stream.getvalue().splitlines()
    if not logged:
        assert lines == []
        return
    [line] = lines
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO method=GET "
        rf"path=/client/v4/accounts/{ACCOUNT}/registrar/registrations account={ACCOUNT} status=200 "
        r"ms=\d+\.\d",
        line,
    ), line


class StuckStream(io.StringIO):
    """stderr as a pipe nobody reads: every write waits until released."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = threading.Event()
        self.released = threading.Event()

    def write(self, text: str) -> int:
        self.writing.set()
        self.released.wait()
        return super().write(text)


def test_an_unread_stderr_never_stalls_the_server() -> None:
    stream = StuckStream()
    handler = logs.BackgroundHandler(stream, capacity=3)
    handler.setFormatter(logs.LineFormatter())
    log = logging.Logger("stuck")  # not registered: nothing global changes
    log.addHandler(handler)
    log.warning("line 0")
    assert stream.writing.wait(10)  # the writer is stuck on line 0
    for n in range(1, 10):
        log.warning("line %d", n)  # returns at once: 1-3 wait in the queue, 4-9 are dropped
    stream.released.set()
    handler.close()
    assert [line.split(" ", 2)[2] for line in stream.getvalue().splitlines()] == [
        "line 0",
        "6 log lines dropped: stderr was not read fast enough",
        "line 1",
        "line 2",
        "line 3",
    ]


def test_the_access_fast_path_writes_the_same_line_as_a_record() -> None:
    """`serve` hands the journal's raw entry to the handler, which makes the line on its own
    thread: the same line the logging record makes."""
    stream = io.StringIO()
    handler = logs.BackgroundHandler(stream)
    handler.setFormatter(logs.LineFormatter())
    app = create_app()
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as http:
        http.get(f"/client/v4/accounts/{ACCOUNT}/registrar/registrations?token=s3cret",
                 headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
    raw = app.control.journal.latest_raw()
    handler.access(raw)
    record = logging.LogRecord("registrar_mock.access", logging.INFO, __file__, 0, "", (), None)
    record.request = app.control.journal.latest_summary()
    record.created = raw_created = 1_700_000_000.0
    handler.emit(record)
    handler.close()
    fast, slow = stream.getvalue().splitlines()
    assert fast.split(" ", 1)[1] == slow.split(" ", 1)[1]  # all but the time
    for seconds, status in ((0.00104999, 200), (0.0123456, None), (2.5, 503)):
        entry = dataclasses.replace(raw, seconds=seconds, status=status, account=None)
        summary = {**app.control.journal.latest_summary(), "account": None, "status": status,
                   "dropped": status is None, "duration_ms": round(seconds * 1000, 3)}  # fmt: skip
        assert logs._access(0.0, entry).split(" ", 2)[2] == logs.access_line(summary)
    assert "s3cret" not in fast
    assert slow.startswith(logs._stamp(raw_created))


def test_lines_come_out_in_order_in_batches() -> None:
    stream = io.StringIO()
    handler = logs.BackgroundHandler(stream)
    handler.setFormatter(logs.LineFormatter())
    log = logging.Logger("batches")
    log.addHandler(handler)
    for n in range(2500):
        log.warning("line %d", n)
    handler.flush(10)
    assert [line.rsplit(" ", 1)[1] for line in stream.getvalue().splitlines()] == [
        str(n) for n in range(2500)
    ]
    handler.close()


@pytest.mark.parametrize(
    "when", [0.0, 0.9995, 0.9999996, 1e9 + 0.0005, 1563682907.9349995, 1764612345.9999999]
)
def test_the_access_logs_stamp_is_datetimes_to_the_millisecond(when: float) -> None:
    expected = datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds")
    assert logs._stamp(when) == expected.replace("+00:00", "Z")
