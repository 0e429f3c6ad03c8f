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
from registrar_mock.inspector import feed
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
    journal = listener.until("journal", lambda body: body["entries"])
    assert (journal["first"], journal["last"]) == (1, 1)
    (entry,) = journal["entries"]
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
    assert seqs(everything.next("journal")) == [1, 2, 3]
    later = Listener(f"{server.origin}/__mock__/ui/events?after=2")
    assert seqs(later.next("journal")) == [3]
    # A page that knows more than this journal holds (the server restarted) gets it all.
    ahead = Listener(f"{server.origin}/__mock__/ui/events?after=50")
    assert seqs(ahead.next("journal")) == [1, 2, 3]


def seqs(journal: dict[str, Any]) -> list[int]:
    return [entry["seq"] for entry in journal["entries"]]


def test_a_page_catches_up_with_the_whole_journal_in_batches(server: LiveServer) -> None:
    with api(server) as client:
        for _ in range(450):
            client.get("/registrations")
    listener = Listener(f"{server.origin}/__mock__/ui/events")
    batches = [listener.next("journal") for _ in range(3)]
    assert [len(batch["entries"]) for batch in batches] == [200, 200, 50]
    assert [seq for batch in batches for seq in seqs(batch)] == list(range(1, 451))


def test_a_read_that_changes_nothing_sends_no_new_view(server: LiveServer) -> None:
    listener = Listener(f"{server.origin}/__mock__/ui/events")
    listener.next("view")
    with api(server) as client:
        client.post("/domain-check", json={"domains": ["quiet.com"]})
        # Until the stream has shown the check (in the journal), it sends no view: the
        # check changed nothing the page draws.
        seen = []
        while (event := listener.events.get(timeout=PATIENCE)) is not None:
            seen.append(event[0])
            if event[0] == "journal" and event[1]["last"] == 1:
                break
        assert "view" not in seen, seen
        client.post("/registrations", json={"domain_name": "loud.com"})
    shown = listener.next("view")
    assert registrations(shown) == ["loud.com"]
    journal = listener.until("journal", lambda body: body["last"] == 2)
    assert journal["entries"][-1]["operation"] == "registrar-domain-registration-create"


def test_a_clear_of_the_journal_reaches_the_page(server: LiveServer) -> None:
    with api(server) as client:
        client.get("/registrations")
    listener = Listener(f"{server.origin}/__mock__/ui/events")
    assert listener.next("journal")["first"] == 1
    httpx.delete(f"{server.origin}/__mock__/journal", headers={"Content-Type": "application/json"})
    cleared = listener.next("journal")
    assert (cleared["first"], cleared["last"], cleared["entries"]) == (2, 1, [])


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


def test_too_many_open_pages_are_refused(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed, "MAX_STREAMS", 2)
    first, second = (Listener(f"{server.origin}/__mock__/ui/events") for _ in range(2))
    first.next("view"), second.next("view")
    third = Listener(f"{server.origin}/__mock__/ui/events")
    assert third.ended.wait(PATIENCE) and third.status == 503
    answer = httpx.get(f"{server.origin}/__mock__/ui/events")
    assert answer.json()["errors"][0]["message"].startswith("Too many inspector pages")
    assert answer.headers["retry-after"] == "5"


def test_head_answers_without_a_stream(server: LiveServer) -> None:
    answer = httpx.head(f"{server.origin}/__mock__/ui/events", timeout=PATIENCE)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")


def test_a_stream_ends_by_itself_and_the_page_carries_on(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed, "LIFETIME", 0.5)
    listener = Listener(f"{server.origin}/__mock__/ui/events")
    listener.next("view")
    assert listener.ended.wait(PATIENCE)  # even on a server that never says it stops


def test_an_app_served_again_streams_again() -> None:
    app = create_app()
    for _ in range(2):
        live = LiveServer(app).start()
        try:
            listener = Listener(f"{live.origin}/__mock__/ui/events")
            assert listener.next("view")["scenario"]["name"] == "default"
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
