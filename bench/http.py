"""HTTP throughput and latency under wrk: the mock against a bare-Starlette baseline.

The mock runs as users run it: ``registrar-mock serve``, its access log on (written to
a file), with its own HTTP protocol and limits. The baseline runs under ``python -m
bench.launch`` with uvicorn's plain settings (one worker, uvloop, httptools, no access
log): the ceiling for this stack. Every case gets
a warm-up run that is thrown away, then a measured run. The baseline runs before
and after the mock's cases; ratios are to the mean of the two, and the two are
reported so drift on a noisy machine shows.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import profiling, scenarios
from . import wrk as wrk_runner
from .report import RATIO_TARGETS
from .scenarios import CHECK_DOMAINS, GET_DOMAIN, LIST_SIZE, TOKEN, registrar_path
from .wrk import Say, WrkResult

ROOT = Path(__file__).resolve().parent.parent
# Fresh accounts for POST /registrations get this many domains each (the limit is 100).
POSTS_PER_ACCOUNT = 50


@dataclass(frozen=True, slots=True)
class Case:
    key: str
    label: str
    path: str
    lua: str
    method: str = "GET"
    body: bytes = b""
    expect: int = 200
    args: tuple[str, ...] = ()
    server: str = "mock"


def _check_body() -> bytes:
    return json.dumps({"domains": CHECK_DOMAINS}, separators=(",", ":")).encode()


BASELINE = Case(
    "baseline",
    "Baseline: bare Starlette, same JSON",
    f"{registrar_path()}/registrations/{GET_DOMAIN}",
    "get",
    server="baseline",
)
CASES: tuple[Case, ...] = (
    Case(
        "get",
        "GET /registrations/{domain}",
        f"{registrar_path()}/registrations/{GET_DOMAIN}",
        "get",
    ),
    Case("list", "GET /registrations (20 of 100)", f"{registrar_path()}/registrations", "get"),
    Case(
        "check",
        "POST /domain-check (3 domains)",
        f"{registrar_path()}/domain-check",
        "post_json",
        method="POST",
        body=_check_body(),
        args=(_check_body().decode(),),
    ),
    Case(
        "status",
        "GET /registrations/{domain}/registration-status",
        f"{registrar_path()}/registrations/{GET_DOMAIN}/registration-status",
        "get",
    ),
    Case(
        "create",
        "POST /registrations (fresh domains)",
        # The Lua script writes each path itself; this one is for the sanity check.
        f"{registrar_path('5a' * 16)}/registrations",  # an account no run writes to
        "register",
        method="POST",
        body=b'{"domain_name":"bench-sanity-check.com"}',
        expect=201,
    ),
)
CASE_KEYS = tuple(case.key for case in CASES)


@dataclass
class HttpConfig:
    seconds: float = 10.0  # measured, per case, split over `rounds`
    warmup: float = 5.0  # per case, once, thrown away
    rounds: int = 5
    connections: int = 32
    threads: int = 1
    cases: Sequence[str] = CASE_KEYS
    # "auto": sample (py-spy) the cases that miss their ratio target; "all"; "none".
    profile: str = "auto"
    profile_seconds: float = 5.0

    @property
    def round_seconds(self) -> int:
        return max(1, round(self.seconds / max(1, self.rounds)))


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class HttpResults:
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"cases": self.cases, "profiles": self.profiles}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(
    port: int, method: str, path: str, body: bytes = b"", timeout: float = 5.0
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        if body:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port: int, process: subprocess.Popen[bytes], deadline: float) -> float:
    """Poll the health endpoint until it answers 200; returns when (perf_counter)."""
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            status, _ = request(port, "GET", "/__mock__/health", timeout=1.0)
        except OSError:
            status = 0
        if status == 200:
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise RuntimeError("the server did not answer within the deadline")
        time.sleep(0.002)


@contextmanager
def serve(kind: str, scenario: Path | None, folder: Path) -> Iterator[Server]:
    port = free_port()
    if kind == "mock":
        argv = [sys.executable, "-m", "registrar_mock", "serve", "--port", str(port)]
    else:
        argv = [sys.executable, "-m", "bench.launch", kind, "--port", str(port)]
    if scenario is not None:
        argv += ["--scenario", str(scenario)]
    log = folder / f"{kind}-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    try:
        try:
            wait_until_up(port, process, time.perf_counter() + 60)
        except RuntimeError as exc:
            raise RuntimeError(f"{kind} server: {exc}\n{log.read_text()}") from None
        yield Server(kind, port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sanity(server: Server, case: Case) -> int:
    """One request as the case sends it; refuses to benchmark a wrong answer. Returns its size."""
    status, body = request(server.port, case.method, case.path, case.body)
    if status != case.expect:
        raise RuntimeError(f"{case.label}: expected {case.expect}, got {status}: {body[:300]!r}")
    document = json.loads(body)
    if document.get("success") is not True:
        raise RuntimeError(f"{case.label}: not a success: {body[:300]!r}")
    result = document["result"]
    if case.key == "list" and len(result) != 20:
        raise RuntimeError(f"{case.label}: expected a page of 20, got {len(result)}")
    if case.key == "create" and result.get("state") != "succeeded":
        raise RuntimeError(f"{case.label}: the bench world should register instantly: {result}")
    return len(body)


def _run_args(case: Case, phase: str) -> tuple[str, ...]:
    if case.key == "create":
        # A prefix per run keeps every domain fresh: warm-up and measurement never collide.
        prefix = ord(phase[0]) * 10**9 + int(time.time() * 1000) % 10**9
        return (str(prefix), str(POSTS_PER_ACCOUNT))
    return case.args


@dataclass(frozen=True, slots=True)
class Run:
    """One measured wrk run, with the server's CPU time per request (Linux only)."""

    wrk: WrkResult
    cpu_us: float | None  # server CPU (user + system) per request
    busy: float | None  # server CPU seconds per wall second: below ~0.9, it was starved


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid``, from /proc; None where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk(
    wrk: str, server: Server, case: Case, config: HttpConfig, seconds: float, phase: str
) -> Run:
    before = cpu_seconds(server.process.pid)
    result = wrk_runner.run(
        wrk,
        server.base + case.path,
        case.lua,
        seconds=seconds,
        connections=config.connections,
        threads=config.threads,
        args=_run_args(case, phase),
    )
    after = cpu_seconds(server.process.pid)
    if before is None or after is None or not result.requests:
        return Run(result, None, None)
    used = after - before
    return Run(result, 1e6 * used / result.requests, used / result.seconds)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _aggregate(
    case: Case, runs: list[Run], ratios: list[float], cpu_ratios: list[float], size: int
) -> dict[str, Any]:
    """Medians over the rounds; ratios are medians of each round's own ratio."""
    results = [r.wrk for r in runs]
    errors = {name: sum(r.errors[name] for r in results) for name in results[0].errors}
    cpu = [r.cpu_us for r in runs if r.cpu_us is not None]
    busy = [r.busy for r in runs if r.busy is not None]
    return {
        "label": case.label,
        "method": case.method,
        "path": case.path if case.key != "create" else f"{registrar_path('<fresh>')}/registrations",
        "response_bytes": size,
        "rps": round(_median([r.rps for r in results]), 1),
        "p50_ms": round(_median([r.p50_ms for r in results]), 3),
        "p90_ms": round(_median([r.p90_ms for r in results]), 3),
        "p99_ms": round(_median([r.p99_ms for r in results]), 3),
        "ratio": round(_median(ratios), 3) if ratios else None,
        "server_cpu_us": round(_median(cpu), 1) if cpu else None,
        "cpu_ratio": round(_median(cpu_ratios), 3) if cpu_ratios else None,
        "server_busy": round(_median(busy), 2) if busy else None,
        "requests": sum(r.requests for r in results),
        "errors": errors,
        "rounds": [
            {
                "rps": round(r.wrk.rps, 1),
                "p50_ms": r.wrk.p50_ms,
                "p99_ms": r.wrk.p99_ms,
                "server_cpu_us": None if r.cpu_us is None else round(r.cpu_us, 1),
                "server_busy": None if r.busy is None else round(r.busy, 2),
            }
            for r in runs
        ],
    }


def run(config: HttpConfig, say: Say, *, install: bool = True) -> HttpResults:
    """Warm every case up once, then measure them in rounds, the baseline first in each."""
    wrk = wrk_runner.ensure(say, install=install)
    results = HttpResults()
    wanted = [case for case in CASES if case.key in config.cases]
    with tempfile.TemporaryDirectory(prefix="registrar-bench-") as name:
        folder = Path(name)
        scenario = scenarios.write(scenarios.http_scenario(), folder)
        with serve("baseline", None, folder) as base, serve("mock", scenario, folder) as mock:
            plan = [(BASELINE, base), *((case, mock) for case in wanted)]
            sizes = {case.key: sanity(server, case) for case, server in plan}
            if config.warmup > 0:
                say(f"  warming up: {config.warmup:g} s per case")
                for case, server in plan:
                    _wrk(wrk, server, case, config, config.warmup, "w")
            runs: dict[str, list[Run]] = {case.key: [] for case, _ in plan}
            ratios: dict[str, list[float]] = {case.key: [] for case, _ in plan}
            cpu_ratios: dict[str, list[float]] = {case.key: [] for case, _ in plan}
            for round_ in range(config.rounds):
                reference: Run | None = None
                for case, server in plan:
                    run_ = _wrk(wrk, server, case, config, config.round_seconds, f"m{round_}x")
                    if run_.wrk.failed:
                        say(f"  warning: {case.label}: {run_.wrk.errors}")
                    if case is BASELINE:
                        reference = run_
                    runs[case.key].append(run_)
                    if reference is not None and reference.wrk.rps:
                        ratios[case.key].append(run_.wrk.rps / reference.wrk.rps)
                    if reference is not None and reference.cpu_us and run_.cpu_us:
                        cpu_ratios[case.key].append(reference.cpu_us / run_.cpu_us)
                say(
                    f"  round {round_ + 1}/{config.rounds}: "
                    + ", ".join(f"{key} {runs[key][-1].wrk.rps:,.0f}" for key in runs)
                    + " req/s"
                )
            for case, _ in plan:
                results.cases[case.key] = _aggregate(
                    case, runs[case.key], ratios[case.key], cpu_ratios[case.key], sizes[case.key]
                )
            for case in wanted:
                target = RATIO_TARGETS.get(case.key)
                ratio = results.cases[case.key]["ratio"]
                missed = target is not None and ratio is not None and ratio < target
                if config.profile == "all" or (config.profile == "auto" and missed):
                    say(f"  profiling {case.label} with py-spy ({config.profile_seconds:g} s)")
                    results.profiles[case.key] = profile(wrk, mock, case, config, say)
        return results


def profile(wrk: str, server: Server, case: Case, config: HttpConfig, say: Say) -> dict[str, Any]:
    """Sample the server with py-spy while wrk loads it with ``case``."""
    with tempfile.TemporaryDirectory(prefix="registrar-bench-lua-") as folder:
        script = Path(folder) / f"{case.lua}.lua"
        script.write_text(wrk_runner.script(case.lua))
        argv = wrk_runner.command(
            wrk,
            server.base + case.path,
            script,
            seconds=config.profile_seconds + 2,
            connections=config.connections,
            threads=config.threads,
            args=_run_args(case, "p"),
        )
        load = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            found = profiling.sample(server.process.pid, config.profile_seconds)
        finally:
            load.wait(timeout=config.profile_seconds + 60)
    if "error" in found:
        say(f"  profile of {case.label}: {found['error']}")
    return found


__all__ = ["BASELINE", "CASES", "CASE_KEYS", "LIST_SIZE", "HttpConfig", "HttpResults", "run"]
