"""How the served mock writes an answer: its head and body in one write, a streamed
answer's head at once, nothing out of order."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import httpx
import pytest

from registrar_mock.http.serving import _OneWrite
from tests.live import Running, running


@pytest.fixture(scope="module")
def live_mock() -> Iterator[Running]:
    with running() as served:
        yield served


class Recorder(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def test_a_head_and_its_body_leave_in_one_write() -> None:
    async def answer() -> Recorder:
        transport = Recorder()
        one = _OneWrite(transport, asyncio.get_running_loop())
        one.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        one.write(b"{}")
        await asyncio.sleep(0)
        return transport

    assert asyncio.run(answer()).writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]


def test_a_streamed_answers_head_goes_out_before_its_first_event() -> None:
    async def stream() -> list[list[bytes]]:
        transport = Recorder()
        one = _OneWrite(transport, asyncio.get_running_loop())
        one.write(b"HEAD")
        seen = [list(transport.writes)]
        await asyncio.sleep(0)  # the stream waits for its first event: the loop runs
        seen.append(list(transport.writes))
        one.write(b"event 1")
        one.write(b"event 2")
        seen.append(list(transport.writes))
        return seen

    assert asyncio.run(stream()) == [[], [b"HEAD"], [b"HEAD", b"event 1", b"event 2"]]


def test_closing_sends_what_is_held_first() -> None:
    async def close() -> Recorder:
        transport = Recorder()
        one = _OneWrite(transport, asyncio.get_running_loop())
        one.write(b"HEAD")
        one.close()
        await asyncio.sleep(0)
        return transport

    transport = asyncio.run(close())
    assert (transport.writes, transport.closed) == ([b"HEAD"], True)


def test_pipelined_answers_arrive_whole_and_in_order(live_mock: Running) -> None:
    host, port = live_mock.origin.removeprefix("http://").split(":")
    request = b"GET /__mock__/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request * 3 + b"GET /__mock__/clock HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while data.count(b"HTTP/1.1 200") < 4 or not data.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
    answers = data.split(b"HTTP/1.1 ")[1:]
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"200 OK"] * 4
    assert b'"virtual"' in answers[-1] and all(b'"status":"ok"' in a for a in answers[:3])
    assert httpx.get(f"{live_mock.origin}/__mock__/health").status_code == 200


class Connection(Recorder):
    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8787)}.get(name)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def test_the_served_protocol_sends_a_small_answer_in_one_write() -> None:
    from uvicorn.server import ServerState

    from registrar_mock import create_app
    from registrar_mock.http import serving

    config = serving.config(create_app(), serving.Limits())
    config.load()

    async def serve_one() -> list[bytes]:
        protocol = config.http_protocol_class(  # type: ignore[call-arg]
            config=config,
            server_state=ServerState(),
            app_state={},
            _loop=asyncio.get_running_loop(),
        )
        connection = Connection()
        protocol.connection_made(connection)
        protocol.data_received(b"GET /__mock__/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for _ in range(100):
            await asyncio.sleep(0)
            if protocol.cycle is not None and protocol.cycle.response_complete:
                break
        await asyncio.sleep(0)
        protocol.connection_lost(None)
        return connection.writes

    writes = asyncio.run(serve_one())
    assert len(writes) == 1, writes
    assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n") and writes[0].endswith(b"}")
