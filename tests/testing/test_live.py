"""The live server behind ``registrar_mock_server`` and ``MockServer``: answers without
waiting on TCP's delayed acknowledgement."""

from __future__ import annotations

import socket

from registrar_mock import create_app
from registrar_mock.testing.live import LiveServer


def test_the_server_turns_nagle_off_on_each_connection() -> None:
    """asyncio disables Nagle's algorithm only on sockets that name TCP as their protocol;
    on others every answer (headers, then body: two writes) waits ~40 ms for an ACK."""
    live = LiveServer(create_app()).start()
    try:

        def accepted_nodelay() -> int:
            server = live._server.servers[0]
            connections = [
                transport.get_extra_info("socket")
                for protocol in live._server.server_state.connections
                if (transport := getattr(protocol, "transport", None)) is not None
            ]
            assert server.sockets and connections
            return int(connections[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        with socket.create_connection(("127.0.0.1", live.port)) as client:
            client.sendall(b"GET /__mock__/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
            assert live.call(accepted_nodelay) == 1
    finally:
        live.stop()
