"""What open inspector pages are sent, as server-sent events.

One :class:`Feed` per app serves every open page. It rebuilds the document only when
something may have changed it (a request or a control call committed, or a running
clock's second passed) and at most once per tick however many pages are open, and
serialises it once for all of them. Each page's stream then sends:

* ``view``: the whole document, whenever its text changes;
* ``clock``: the clock alone, when only it moved (a virtual clock at once, a running one
  each second);
* ``journal``: ``{first, last, entries}``, summaries of the requests after the last one
  the page has (all of them, in batches), and the journal's span whenever it changes.

A stream ends when the server shuts down, and after ``LIFETIME`` seconds in any case (the
page reconnects at once, naming the last request it has), so no server waits long for a
page, even one served by a plain uvicorn that never says it is stopping.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from registrar_mock.control.plane import Control
from registrar_mock.inspector.view import build

# How often a stream looks: a change reaches the page well within a second.
TICK = 0.25
# A running clock's time, and what it moves by itself, is looked at once a second.
CLOCK_EVERY = 1.0
HEARTBEAT = 15.0  # a comment line, so idle streams aren't cut by anything in between
JOURNAL_BATCH = 200  # entries per event
LIFETIME = 60.0  # seconds a stream lasts before the page reconnects
MAX_STREAMS = 16  # open pages at once; more are refused, so pages can't starve the API


def _dumps(value: Any) -> str:
    # ASCII escapes keep any stored text (a lone surrogate too) on one valid line.
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


class Feed:
    def __init__(self, control: Control) -> None:
        self.control = control
        self.streams = 0
        self._version: tuple[int, int, int] | None = None
        self._built = float("-inf")
        self._text = ""  # the document without its clock, as JSON
        self._clock: dict[str, Any] = {}
        self._clock_text = ""

    @property
    def full(self) -> bool:
        """Whether as many pages are open as may be."""
        return self.streams >= MAX_STREAMS

    def look(self, now: float) -> tuple[str, dict[str, Any], str]:
        """The document's text (without the clock), the clock, and the clock's text."""
        control = self.control
        clock = control.clock_json()
        version = (control.version, control.journal.last_seq, id(control.scenario))
        running = clock["time_scale"] is not None
        if version != self._version or (running and now - self._built >= CLOCK_EVERY):
            document = build(control)
            clock = document.pop("clock")
            self._text, self._version, self._built = _dumps(document), version, now
        if clock != self._clock:
            self._clock, self._clock_text = clock, _dumps(clock)
        return self._text, self._clock, self._clock_text

    async def stream(self, after: int, closing: Callable[[], bool]) -> AsyncIterator[bytes]:
        """One page's events, its journal from entry number ``after`` on."""
        loop = asyncio.get_running_loop()
        started = quiet = clock_sent = loop.time()
        journal = self.control.journal
        shown: str | None = None
        clock_shown: dict[str, Any] | None = None
        span: tuple[int, int] | None = None
        seq = after
        self.streams += 1
        try:
            yield b"retry: 1000\n\n"
            while not closing() and loop.time() - started < LIFETIME:
                now = loop.time()
                out: list[bytes] = []
                text, clock, clock_text = self.look(now)
                if text != shown:
                    # One object: the clock put in front of the rest.
                    out.append(event("view", f'{{"clock":{clock_text},{text[1:]}'))
                    shown, clock_shown, clock_sent = text, clock, now
                elif clock != clock_shown and (
                    clock["time_scale"] is None or now - clock_sent >= CLOCK_EVERY
                ):
                    out.append(event("clock", clock_text))
                    clock_shown, clock_sent = clock, now
                if journal.last_seq < seq:
                    seq = 0  # a journal newer than the page's (the server restarted)
                fresh = journal.since(seq)
                while fresh or span != (journal.first_seq, journal.last_seq):
                    batch, fresh = fresh[:JOURNAL_BATCH], fresh[JOURNAL_BATCH:]
                    if batch:
                        seq = batch[-1]["seq"]
                    span = (journal.first_seq, journal.last_seq)
                    body = {"first": span[0], "last": span[1], "entries": batch}
                    out.append(event("journal", _dumps(body)))
                if not out and now - quiet >= HEARTBEAT:
                    out.append(b": still here\n\n")
                for chunk in out:
                    yield chunk
                if out:
                    quiet = now
                await asyncio.sleep(TICK)
        finally:
            self.streams -= 1
