"""Running `registrar-mock serve` as a real process on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Running:
    """A served mock: its process, and where it answers."""

    process: subprocess.Popen[str]
    origin: str  # http://127.0.0.1:PORT

    @property
    def base(self) -> str:
        return f"{self.origin}/client/v4"


def stop(process: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """End a process politely (SIGTERM), then by force if it takes longer than ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running(*args: str, ready_timeout: float = 20.0) -> Iterator[Running]:
    """Start the server; stop it afterwards (by SIGTERM, unless the test already stopped it)."""
    port = free_port()
    command = [sys.executable, "-m", "registrar_mock", "serve", "--port", str(port),
               "--no-access-log", *args]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    served = Running(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early: {process.stderr.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{served.base}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready")
            time.sleep(0.05)
        yield served
    finally:
        stop(process)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def serve(*args: str, ready_timeout: float = 20.0) -> Iterator[str]:
    """Start the server and yield its base URL (ending in /client/v4); stop it afterwards."""
    with running(*args, ready_timeout=ready_timeout) as served:
        yield served.base
