"""The inspector's event stream over a real server: every change reaches an open page
without it asking again, and an open page never keeps the server from stopping."""

from __future__ import annotations

import json
import queue
import signal
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.testing.live import LiveServer
from tests.helpers import ACCOUNT, TOKEN
from tests.live import running

# Long enough for any machine; the stream itself looks four times a second.
PATIENCE = 15.0

Event = tuple[str, Any]


class Listener:
    """Reads a stream of server-sent events in the background, one event at a time."""

    def __init__(self, url: str, **headers: str) -> None:
        self.events: queue.Queue[Event | None] = queue.Queue()
        self.status: int | None = None
        self.ended = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with httpx.stream("GET", url, headers=headers, timeout=PATIENCE * 4) as response:
                self.status = response.status_code
                buffer = ""
                for text in response.iter_text():
                    buffer += text
                    while "\n\n" in buffer:
                        block, buffer = buffer.split("\n\n", 1)
                        self.events.put(parse(block))
        except httpx.HTTPError:
            pass
        finally:
            self.ended.set()
            self.events.put(None)

    def next(self, name: str) -> Any:
        """The data of the next event called ``name``, skipping others."""
        while True:
            event = self.events.get(timeout=PATIENCE)
            assert event is not None, f"the stream ended before a {name!r} event"
            if event[0] == name:
                return event[1]

    def until(self, name: str, wanted: Any) -> Any:
        """The first ``name`` event whose data passes ``wanted``."""
        while True:
            data = self.next(name)
            if wanted(data):
                return data


def parse(block: str) -> Event:
    name, data = "message", []
    for line in block.split("\n"):
        if line.startswith(":"):
            return ("comment", line[1:].strip())
        field, _, value = line.partition(": ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "retry":
            return ("retry", int(value))
    return (name, json.loads("\n".join(data)) if data else None)


@pytest.fixture
def server() -> Iterator[LiveServer]:
    live = LiveServer(create_app("action-required")).start()
    yield live
    live.stop()


def registrations(document: dict[str, Any]) -> list[str]:
    return [r["domain_name"] for a in document["accounts"] for r in a["registrations"]]


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.origin}/client/v4/accounts/{ACCOUNT}/registrar",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def test_a_registration_made_through_the_api_reaches_an_open_stream(server: LiveServer) -> None:
    listener = Listener(f"{server.origin}/__mock__/ui/events")
    assert listener.events.get(timeout=PATIENCE) == ("retry", 1000)
    first = listener.next("view")
    assert registrations(first) == [] and first["clock"]["now"] == "2026-01-01T00:00:00Z"
    with api(server) as client:
        assert client.post("/registrations", json={"domain_name": "live.com"}).status_code == 202
    shown = listener.until("view", lambda doc: registrations(doc) == ["live.com"])
    assert shown["accounts"][0]["registrations"][0]["workflows"][0]["state"] == "in_progress"
    (entry,) = listener.next("journal")
    assert (entry["method"], entry["status"], entry["operation"]) == (
        "POST",
        202,
        "registrar-domain-registration-create",
    )
    assert "request_body" not in entry  # summaries only: bodies are fetched on demand


def test_a_control_change_reaches_it_too(server: LiveServer) -> None:
    listener = Listener(f"{server.origin}/__mock__/ui/events")
    listener.next("view")
    httpx.post(f"{server.origin}/__mock__/clock/advance", json={"by": "2d"})
    # Nothing else changed: the clock comes on its own.
    assert listener.next("clock") == {
        "now": "2026-01-03T00:00:00Z",
        "virtual": True,
        "time_scale": None,
    }
    httpx.post(f"{server.origin}/__mock__/faults", json={"effect": {"status": 500}})
    faulted = listener.until("view", lambda doc: doc["faults"])
    assert faulted["faults"][0]["fired"] == 0


def test_after_names_the_last_request_the_page_has(server: LiveServer) -> None:
    with api(server) as client:
        for name in ("one.com", "two.com", "three.com"):
            client.post("/registrations", json={"domain_name": name})
    everything = Listener(f"{server.origin}/__mock__/ui/events")
    assert [entry["seq"] for entry in everything.next("journal")] == [1, 2, 3]
    later = Listener(f"{server.origin}/__mock__/ui/events?after=2")
    assert [entry["seq"] for entry in later.next("journal")] == [3]
    # A page that knows more than this journal holds (the server restarted) gets it all.
    ahead = Listener(f"{server.origin}/__mock__/ui/events?after=50")
    assert [entry["seq"] for entry in ahead.next("journal")] == [1, 2, 3]


def test_a_running_clock_is_sent_on_its_own() -> None:
    live = LiveServer(create_app(time_scale=60)).start()
    try:
        listener = Listener(f"{live.origin}/__mock__/ui/events")
        first = listener.next("view")
        assert first["clock"]["time_scale"] == 60 and first["clock"]["virtual"] is False
        tick = listener.next("clock")
        assert tick["time_scale"] == 60 and tick["now"] > first["clock"]["now"]
    finally:
        live.stop()


def test_an_open_stream_ends_when_the_server_stops() -> None:
    live = LiveServer(create_app()).start()
    listener = Listener(f"{live.origin}/__mock__/ui/events")
    listener.next("view")
    stopping = threading.Thread(target=live.stop)
    stopping.start()
    stopping.join(PATIENCE)
    assert not stopping.is_alive(), "the server waited for the open stream"
    assert listener.ended.wait(PATIENCE)


def test_serve_stops_on_sigterm_with_a_page_open() -> None:
    with running("--control-token", "stop-test-token") as served:
        refused = Listener(f"{served.origin}/__mock__/ui/events")
        assert refused.ended.wait(PATIENCE) and refused.status == 401
        listener = Listener(
            f"{served.origin}/__mock__/ui/events", authorization="Bearer stop-test-token"
        )
        listener.next("view")
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(timeout=PATIENCE)  # raises if the server hangs on the stream
        assert listener.ended.wait(PATIENCE)
