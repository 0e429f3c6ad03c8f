"""Scale: memory, load time and request cost with many accounts and many registrations.

Each size is measured in its own fresh interpreter (``python -m bench.scale
--worker ...``), so resident memory is the process's alone. The worker loads a
scenario file (as ``serve --scenario`` does), then times GET /registrations/{domain}
and GET /registrations (first page of 20) by calling the ASGI app directly: no
client library, no socket, only the server's own work.

Two series: *accounts* (N accounts x 100 domains, against 1 x 100) shows whether
a request's cost grows with the number of accounts; *domains* (1 account x N)
shows how it grows with the domains in one account.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import asgi, machine, scenarios

ROOT = Path(__file__).resolve().parent.parent
MEMORY_TARGET_MB = 500.0


@dataclass
class ScaleConfig:
    accounts: int = 1000
    per_account: int = 100
    # One account holding this many domains each (the account-size series).
    domain_series: Sequence[int] = (100, 1000, 10000)
    samples: int = 2000
    budget: float = 2.0  # at most this many seconds of requests per endpoint and size
    tracemalloc: bool = False  # where the memory goes (slow; used when the target is missed)


@dataclass
class ScaleResults:
    sizes: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"sizes": self.sizes}


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "p50_us": round(asgi.percentile(timings, 0.5), 1),
        "p99_us": round(asgi.percentile(timings, 0.99), 1),
    }


async def _latencies(
    app: Any, account: str, domain: str, samples: int, budget: float
) -> dict[str, Any]:
    base = scenarios.registrar_path(account)
    one = f"{base}/registrations/{domain}"
    get = await asgi.latencies(app, "GET", one, samples=samples, budget=budget)
    page = await asgi.latencies(app, "GET", f"{base}/registrations", samples=samples, budget=budget)
    return {"get": _summary(get), "list": _summary(page)}


def worker(
    accounts: int, per_account: int, samples: int, budget: float, scenario: Path, trace: bool
) -> dict[str, Any]:
    """Runs in its own process: load, measure memory, time requests. Returns the numbers."""
    from registrar_mock import create_app
    from registrar_mock import scenarios as loader

    if trace:
        tracemalloc.start(8)
    gc.collect()
    before = machine.rss_mb()
    started = time.perf_counter()
    app = create_app(loader.resolve(scenario))
    load_seconds = time.perf_counter() - started
    gc.collect()
    after = machine.rss_mb()
    peak = machine.peak_rss_mb()
    result: dict[str, Any] = {
        "accounts": accounts,
        "per_account": per_account,
        "registrations": accounts * per_account,
        "load_s": round(load_seconds, 3),
        "rss_mb": round(after, 1),
        "rss_before_load_mb": round(before, 1),
        "rss_growth_mb": round(after - before, 1),
        "peak_rss_mb": round(peak, 1),
    }
    if trace:
        snapshot = tracemalloc.take_snapshot()
        tracemalloc.stop()
        top = snapshot.statistics("lineno")[:10]
        result["allocations"] = [
            {"where": str(stat.traceback[0]), "mb": round(stat.size / 1e6, 1)} for stat in top
        ]
    middle = accounts // 2
    account = scenarios.scale_account(middle)
    domain = scenarios.scale_domain(middle, per_account // 2)
    result.update(asyncio.run(_latencies(app, account, domain, samples, budget)))
    return result


def measure_size(
    accounts: int,
    per_account: int,
    samples: int,
    folder: Path,
    *,
    budget: float = 2.0,
    trace: bool = False,
) -> dict[str, Any]:
    """One size, in a fresh interpreter."""
    scenario = scenarios.write(scenarios.scale_scenario(accounts, per_account), folder)
    argv = [
        sys.executable, "-m", "bench.scale", "--worker",
        "--accounts", str(accounts), "--per-account", str(per_account),
        "--samples", str(samples), "--budget", str(budget), "--scenario", str(scenario),
    ]  # fmt: skip
    if trace:
        argv.append("--tracemalloc")
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"scale worker {accounts}x{per_account} failed:\n{done.stderr}")
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def run(config: ScaleConfig, say: Callable[[str], None]) -> ScaleResults:
    results = ScaleResults()
    plan: list[tuple[str, int, int]] = [("reference", 1, 100)]
    plan += [("domains", 1, n) for n in config.domain_series if n != 100]
    plan.append(("accounts", config.accounts, config.per_account))
    with tempfile.TemporaryDirectory(prefix="registrar-bench-scale-") as name:
        for series, accounts, per_account in plan:
            row = measure_size(
                accounts, per_account, config.samples, Path(name), budget=config.budget
            )
            big = series == "accounts"
            if big and (config.tracemalloc or row["rss_mb"] >= MEMORY_TARGET_MB):
                say("  memory target missed: tracing allocations (tracemalloc)")
                traced = measure_size(accounts, per_account, 200, Path(name), trace=True)
                row["allocations"] = traced.get("allocations", [])
            row["series"] = series
            results.sizes.append(row)
            say(
                f"  {accounts:,} x {per_account:,}: load {row['load_s']:.2f} s, "
                f"RSS {row['rss_mb']:.0f} MB, get p50 {row['get']['p50_us']:.0f} us, "
                f"list p50 {row['list']['p50_us']:.0f} us"
            )
    reference = results.sizes[0]
    for row in results.sizes:
        for kind in ("get", "list"):
            base = reference[kind]["p50_us"]
            row[kind]["vs_reference"] = round(row[kind]["p50_us"] / base, 2) if base else None
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--worker", action="store_true", required=True)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--per-account", type=int, required=True)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--scenario", type=Path, required=True)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args(argv)
    found = worker(
        args.accounts, args.per_account, args.samples, args.budget, args.scenario, args.tracemalloc
    )
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
