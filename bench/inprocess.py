"""In-process speed: complete registration workflows per second, with no socket.

A complete workflow is: create the registration (202, the workflow pending),
move the virtual clock by one poll interval (1 s), poll registration-status,
repeat until ``succeeded``. The bench world keeps the default one-second script
and sets ``sync_wait: 0``, so every workflow is exactly one POST and one poll.
Each domain is fresh and accounts hold at most 90, far from the 100 limit.

Three drivers: raw ``httpx.AsyncClient`` on ``registrar_mock.testing.ASGITransport``,
the reference ``AsyncRegistrarClient`` on the same transport (``register()``
with the clock wired to ``sleep``/``monotonic``), and the synchronous
``RegistrarClient`` on ``SyncASGITransport`` (a helper thread runs the app).

And ceilings: the raw httpx driver and the async client against :class:`Replay`, an app
that answers each request at once with the mock's own recorded answers. What a driver
costs above its ceiling is the mock's work; what the ceiling itself costs is the
client's (httpx's, and the reference client's), whatever the mock does.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from registrar_mock import MockApp, VirtualClock, create_app
from registrar_mock.client import AsyncRegistrarClient, RegistrarClient
from registrar_mock.testing import ASGITransport, SyncASGITransport

from .scenarios import TOKEN, workflow_scenario

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "http://mock/client/v4"
PER_ACCOUNT = 90
POLL_SECONDS = 1.0
DRIVERS = ("raw_httpx", "client_async", "client_sync", "ceiling", "client_ceiling")
LABELS = {
    "raw_httpx": "raw httpx.AsyncClient on ASGITransport",
    "ceiling": "raw httpx on ASGITransport, against recorded answers (no mock)",
    "client_async": "AsyncRegistrarClient.register() on ASGITransport",
    "client_sync": "RegistrarClient.register() on SyncASGITransport",
    "client_ceiling": "AsyncRegistrarClient.register(), against recorded answers (no mock)",
}
# Each driver run against recorded answers, and the driver it is the ceiling of.
CEILINGS = {"ceiling": "raw_httpx", "client_ceiling": "client_async"}


@dataclass(frozen=True, slots=True)
class WorkflowRate:
    driver: str
    workflows: int
    requests: int
    seconds: float
    cpu_seconds: float  # this process's CPU time over the same runs (all threads)

    @property
    def per_second(self) -> float:
        return self.workflows / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "label": LABELS[self.driver],
            "workflows_per_s": round(self.per_second, 1),
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            # Unlike wall time, CPU time does not count the moments other work had the core.
            "workflows_per_cpu_s": round(self.workflows / self.cpu_seconds, 1)
            if self.cpu_seconds
            else None,
            "us_per_workflow": round(1e6 * self.seconds / self.workflows, 1)
            if self.workflows
            else None,
        }


def new_app() -> MockApp:
    return create_app(workflow_scenario())


class Replay:
    """An ASGI app that answers as the mock did, from answers recorded once, doing nothing
    else: the raw driver against it measures the client side alone."""

    def __init__(self) -> None:
        mock = new_app()
        self.clock = _clock(mock)  # moved by the driver; only the recording reads it
        self._answers: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

        async def record(scope: dict[str, Any], receive: Any, send: Any) -> None:
            start: dict[str, Any] = {}

            async def keep(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                else:
                    body = message.get("body", b"")
                    self._answers[scope["method"]] = (start["status"], start["headers"], body)
                await send(message)

            await mock(scope, receive, keep)

        self._recording: Any = record

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        answer = self._answers.get(scope["method"])
        if answer is None:
            await self._recording(scope, receive, send)
            return
        await receive()
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _clock(app: MockApp | Replay) -> VirtualClock:
    clock = app.clock
    assert isinstance(clock, VirtualClock)
    return clock


def account_for(index: int) -> str:
    return f"{index // PER_ACCOUNT:032x}"


def domain_for(index: int) -> str:
    return f"wf-{index}.com"


class Counter:
    """An httpx event hook: counts the requests a driver really sent."""

    def __init__(self) -> None:
        self.requests = 0

    def sync(self, request: httpx.Request) -> None:
        self.requests += 1

    async def async_(self, request: httpx.Request) -> None:
        self.requests += 1


# --- drivers ------------------------------------------------------------------
# Each returns a coroutine function (or function) running workflows [start, stop).


async def _run_raw(app: MockApp | Replay, counter: Counter, start: int, stop: int) -> None:
    clock = _clock(app)
    async with httpx.AsyncClient(
        transport=ASGITransport(app),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}"},
        event_hooks={"request": [counter.async_]},
    ) as http:
        for index in range(start, stop):
            registrar = f"/accounts/{account_for(index)}/registrar/registrations"
            domain = domain_for(index)
            response = await http.post(
                registrar, json={"domain_name": domain}, headers={"Prefer": "respond-async"}
            )
            if response.status_code != 202:
                raise RuntimeError(f"create {domain}: {response.status_code} {response.text}")
            state = response.json()["result"]["state"]
            while state != "succeeded":
                clock.advance(POLL_SECONDS)
                response = await http.get(f"{registrar}/{domain}/registration-status")
                if response.status_code != 200:
                    raise RuntimeError(f"poll {domain}: {response.status_code} {response.text}")
                state = response.json()["result"]["state"]


async def _run_client_async(app: MockApp | Replay, counter: Counter, start: int, stop: int) -> None:
    clock = _clock(app)
    async with httpx.AsyncClient(
        transport=ASGITransport(app), event_hooks={"request": [counter.async_]}
    ) as http:
        client: AsyncRegistrarClient | None = None
        for index in range(start, stop):
            if client is None or index % PER_ACCOUNT == 0:
                client = AsyncRegistrarClient(
                    account_for(index),
                    api_token=TOKEN,
                    base_url=BASE_URL,
                    http_client=http,
                    sleep=clock.advance,
                    monotonic=lambda: clock.now().timestamp(),
                )
            status = await client.register(domain_for(index))
            if status.state.value != "succeeded":
                raise RuntimeError(f"register {domain_for(index)}: {status.state}")


def _run_client_sync(app: MockApp, counter: Counter, start: int, stop: int) -> None:
    clock = _clock(app)
    transport = SyncASGITransport(app)
    with httpx.Client(transport=transport, event_hooks={"request": [counter.sync]}) as http:
        client: RegistrarClient | None = None
        for index in range(start, stop):
            if client is None or index % PER_ACCOUNT == 0:
                client = RegistrarClient(
                    account_for(index),
                    api_token=TOKEN,
                    base_url=BASE_URL,
                    http_client=http,
                    sleep=clock.advance,
                    monotonic=lambda: clock.now().timestamp(),
                )
            status = client.register(domain_for(index))
            if status.state.value != "succeeded":
                raise RuntimeError(f"register {domain_for(index)}: {status.state}")


def _runner(driver: str) -> Callable[[Any, Counter, int, int], None]:
    if driver == "client_sync":
        return _run_client_sync
    coroutine: Callable[[Any, Counter, int, int], Coroutine[Any, Any, None]] = (
        _run_raw if driver in ("raw_httpx", "ceiling") else _run_client_async
    )

    def run(app: Any, counter: Counter, start: int, stop: int) -> None:
        asyncio.run(coroutine(app, counter, start, stop))

    return run


def measure(driver: str, *, seconds: float, warmup: int = 100, batch: int = 200) -> WorkflowRate:
    """Workflows per second for ``driver``, run in batches for at least ``seconds``."""
    run = _runner(driver)
    app = Replay() if driver in CEILINGS else new_app()
    counter = Counter()
    run(app, counter, 0, warmup)
    counter.requests = 0
    done = warmup
    elapsed = cpu = 0.0
    while elapsed < seconds or done == warmup:
        started, started_cpu = time.perf_counter(), time.process_time()
        run(app, counter, done, done + batch)
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        done += batch
    return WorkflowRate(driver, done - warmup, counter.requests, elapsed, cpu)


def profile(driver: str, workflows: int = 500, top: int = 12) -> list[dict[str, Any]]:
    """The functions with the most own time over ``workflows`` workflows (cProfile)."""
    run = _runner(driver)
    app = new_app()
    counter = Counter()
    run(app, counter, 0, 50)
    profiler = cProfile.Profile()
    profiler.enable()
    run(app, counter, 50, 50 + workflows)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = sum(entry[2] for entry in stats.stats.values())  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    found: list[dict[str, Any]] = []
    for (filename, line, function), (_, calls, own, cumulative, _) in rows[:top]:
        found.append(
            {
                "function": f"{_short(filename)}:{line}({function})",
                "calls_per_workflow": round(calls / workflows, 1),
                "own_share": round(own / total, 3) if total else 0.0,
                "cumulative_us_per_workflow": round(1e6 * cumulative / workflows, 1),
            }
        )
    return found


def _short(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if "/lib/python3" in filename:  # the standard library: .../lib/python3.11/json/encoder.py
        return filename.split("/lib/python3", 1)[1].split("/", 1)[-1]
    root = str(ROOT) + "/"
    return filename[len(root) :] if filename.startswith(root) else filename
