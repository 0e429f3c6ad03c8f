"""The served mock's own limits: header size, slow clients, open connections."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import Running, running

HEALTH = b"GET /__mock__/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    options = ("--header-timeout", "1", "--body-timeout", "1", "--max-connections", "8")
    with running(*options) as served:
        yield served


@pytest.fixture
def origin(server: Running) -> str:
    return server.origin


def connect(origin: str) -> socket.socket:
    host, port = origin.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def read_response(sock: socket.socket) -> bytes:
    """One whole answer (its headers and a Content-Length body), however it is split up."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, data
        body += chunk
    return head + b"\r\n\r\n" + body


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_oversized_headers_are_431_and_never_kept(origin: str) -> None:
    with connect(origin) as sock:
        sock.sendall(HEALTH + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b'"success":false' in answer and b"exceed 64 KiB" in answer
    assert httpx.get(f"{origin}/__mock__/health").status_code == 200


def test_a_flood_of_header_bytes_does_not_grow_the_server(server: Running) -> None:
    origin = server.origin
    before = rss_kb(server.process.pid)
    with connect(origin) as sock:
        try:
            sock.sendall(HEALTH + b"X-Flood: ")
            for _ in range(200):  # 20 MB, where the server stops reading at 64 KiB
                sock.sendall(b"b" * 100_000)
        except OSError:
            pass  # the server closed the connection: what it should do
    assert rss_kb(server.process.pid) - before < 30_000
    assert httpx.get(f"{origin}/__mock__/health").status_code == 200


def test_a_client_too_slow_with_its_headers_is_disconnected(origin: str) -> None:
    with connect(origin) as sock:
        sock.sendall(b"GET /__mock__/health HTTP/1.1\r\n")
        closed = False
        for _ in range(20):  # a byte every quarter second: the slowloris way
            try:
                sock.sendall(b"X")
            except OSError:
                closed = True
                break
            sock.settimeout(0.25)
            try:
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed


def test_a_client_too_slow_with_its_body_is_disconnected(origin: str) -> None:
    with connect(origin) as sock:
        sock.sendall(
            b"POST /__mock__/clock/advance HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        assert read_all(sock) == b""  # closed, with the request never processed


def test_past_the_connection_limit_a_genuine_request_gets_a_503(origin: str) -> None:
    idle = [connect(origin) for _ in range(8)]
    try:
        time.sleep(0.1)
        answer = httpx.get(f"{origin}/__mock__/health")
        assert answer.status_code == 503
        assert "Too many open connections" in answer.json()["errors"][0]["message"]
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 5
    while httpx.get(f"{origin}/__mock__/health").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_idle_connections_are_closed_so_they_cannot_starve_others(origin: str) -> None:
    idle = [connect(origin) for _ in range(8)]
    try:
        time.sleep(1.6)  # past the header timeout: the server has closed them
        assert httpx.get(f"{origin}/__mock__/health").status_code == 200
    finally:
        for sock in idle:
            sock.close()


def chunked_post(trailers: bytes) -> bytes:
    return (
        b"POST /__mock__/clock/advance HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'e\r\n{"seconds": 0}\r\n0\r\n' + trailers + b"\r\n"
    )


def test_a_small_trailer_is_accepted_and_ignored(origin: str) -> None:
    with connect(origin) as sock:
        sock.sendall(chunked_post(b"X-Checksum: abc\r\n"))
        sock.settimeout(5)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_trailers_are_bounded_like_headers(server: Running) -> None:
    """Headers after a chunked body count against the same 64 KiB, and are never kept."""
    before = rss_kb(server.process.pid)
    for _ in range(5):
        trailers = b"".join(b"X-T%d: %s\r\n" % (n, b"t" * 8000) for n in range(2000))  # 16 MB
        with connect(server.origin) as sock:
            answer = b""
            with contextlib.suppress(OSError):  # closed on us mid-way: what it should do
                sock.sendall(chunked_post(trailers))
                answer = read_all(sock)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 431 ")
    assert rss_kb(server.process.pid) - before < 30_000
    assert httpx.get(f"{server.origin}/__mock__/health").status_code == 200


def test_a_large_body_never_counts_as_the_next_requests_headers(origin: str) -> None:
    """A body bigger than the header limit, which the answer never reads (the path takes
    no POST), on a kept-alive connection, then another request: both are answered, and
    neither with a 431."""
    body = b'{"pad": "' + b"p" * 200_000 + b'"}'
    first = (
        b"POST /__mock__/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    ) + body
    with connect(origin) as sock:
        sock.sendall(first + HEALTH + b"Connection: close\r\n\r\n")
        answer = read_all(sock)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answer) == [b"405", b"200"], answer[:300]


def test_a_body_sent_after_its_answer_does_not_keep_the_connection_open(origin: str) -> None:
    """A request answered before its body arrives, then the body: the connection is back to
    waiting for headers, and the header timeout applies again."""
    with connect(origin) as sock:
        sock.sendall(HEALTH + b"Content-Length: 5\r\n\r\n")
        sock.settimeout(5)
        assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"hello")
        sock.settimeout(10)
        assert read_all(sock) == b""  # closed by the server


def test_idle_after_an_early_answer_is_still_timed_out(origin: str) -> None:
    """Answered before its body: the rest of the body must come in time."""
    with connect(origin) as sock:
        sock.sendall(HEALTH + b"Content-Length: 5\r\n\r\n")
        sock.settimeout(5)
        assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        sock.settimeout(10)
        assert read_all(sock) == b""


def test_pipelined_requests_are_held_to_the_header_limit_each(origin: str) -> None:
    """Two requests in one write: the second one's oversized headers are refused too."""
    second = b"GET /__mock__/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 180_000
    with connect(origin) as sock:
        sock.sendall(HEALTH + b"\r\n" + second + b"\r\n\r\n")
        answer = read_all(sock)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answer) == [b"200", b"431"], answer[:300]


def test_a_request_the_parser_refuses_is_answered_in_the_envelope(origin: str) -> None:
    with connect(origin) as sock:
        sock.sendall(HEALTH + b"Content-Length: five\r\n\r\n")
        answer = read_response(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request")
    assert b"content-type: application/json" in head
    assert json.loads(body) == {
        "success": False,
        "errors": [{"code": 10000, "message": "Invalid HTTP request received"}],
        "messages": [],
        "result": None,
    }
