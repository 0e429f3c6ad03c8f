"""``python -m bench``: run every measurement and write ``bench/results/latest.{json,md}``.

``make bench`` runs this. ``--quick`` is the smallest configuration (seconds, not
minutes); ``--no-http`` leaves out everything that needs wrk.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import fixture_cost, http, inprocess, machine, pytest_cost, report, scale, startup, suite
from .wrk import WrkMissing

RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("http", "inprocess", "scale", "startup", "pytest", "fixture", "suite")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark registrar-mock: HTTP (wrk) against a bare-Starlette baseline, "
        "in-process workflows, scale, start-up and the pytest plugins' cost.",
    )
    parser.add_argument("--quick", action="store_true", help="the smallest configuration")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts to run ({', '.join(PARTS)})"
    )
    parser.add_argument("--no-http", action="store_true", help="leave out the wrk part")
    parser.add_argument(
        "--no-install", action="store_true", help="do not install wrk if it is missing"
    )
    parser.add_argument("--seconds", type=float, help="measured seconds per endpoint (10)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per endpoint (5)")
    parser.add_argument("--rounds", type=int, help="rounds the measured seconds are split in (5)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--cases", default=",".join(http.CASE_KEYS), help="HTTP cases (the baseline always runs)"
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "all", "none"),
        help="py-spy the HTTP cases that miss a target (auto), every case, or none",
    )
    parser.add_argument("--accounts", type=int, help="accounts in the scale test (1000)")
    parser.add_argument("--per-account", type=int, help="registrations per account (100)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a target is missed (not only on errors)"
    )
    return parser


def configure(args: argparse.Namespace) -> dict[str, Any]:
    quick = args.quick
    http_config = http.HttpConfig(
        seconds=args.seconds if args.seconds is not None else (2 if quick else 10),
        warmup=args.warmup if args.warmup is not None else (1 if quick else 5),
        rounds=args.rounds if args.rounds is not None else (2 if quick else 5),
        connections=args.connections,
        threads=args.threads,
        cases=[c for c in args.cases.split(",") if c],
        profile=args.profile or ("none" if quick else "auto"),
    )
    scale_config = scale.ScaleConfig(
        accounts=args.accounts or (20 if quick else 1000),
        per_account=args.per_account or 100,
        domain_series=(100, 1000) if quick else (100, 1000, 10000),
        samples=2000,
        budget=0.3 if quick else 2.0,
    )
    return {
        "http": http_config,
        "scale": scale_config,
        "inprocess_seconds": 0.5 if quick else 3.0,
        "startup_runs": 2 if quick else 5,
        "pytest_runs": 3 if quick else 15,
        "fixture_tests": 200 if quick else 1000,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    parts = [p for p in args.only.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        say(f"bench: unknown part(s): {', '.join(sorted(unknown))}")
        return 2
    if args.no_http and "http" in parts:
        parts.remove("http")
    config = configure(args)
    http_config: http.HttpConfig = config["http"]
    began = time.perf_counter()
    results: dict[str, Any] = {
        "version": 1,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(),
        "load_average": {"start": machine.load_average()},
        "config": {
            "quick": args.quick,
            "parts": parts,
            "http": {**asdict(http_config), "round_seconds": http_config.round_seconds},
            "scale": asdict(config["scale"]),
            "inprocess_seconds": config["inprocess_seconds"],
            "startup_runs": config["startup_runs"],
            "pytest_runs": config["pytest_runs"],
            "fixture_tests": config["fixture_tests"],
        },
        "skipped": {},
    }
    load = results["load_average"]["start"]
    if load is not None and load > 0.5:
        say(f"bench: the machine is busy (load average {load}); expect noisy numbers")
    failed = False

    if "http" in parts:
        say("HTTP (wrk):")
        try:
            results["http"] = http.run(http_config, say, install=not args.no_install).to_json()
        except WrkMissing as exc:
            say(f"  skipped: {exc}")
            results["skipped"]["http"] = str(exc)
            failed = True
        # The wrk part is filled in by machine.describe() only if wrk was there at the start.
        results["machine"]["wrk"] = machine.wrk_version()
    elif args.no_http:
        results["skipped"]["http"] = "--no-http"

    if "inprocess" in parts:
        say("In-process workflows:")
        rows: dict[str, Any] = {}
        for driver in inprocess.DRIVERS:
            rate = inprocess.measure(driver, seconds=config["inprocess_seconds"])
            rows[driver] = rate.to_json()
            say(f"  {inprocess.LABELS[driver]}: {rate.per_second:,.0f} workflows/s")
        for driver, label, goal, _, key in report.WORKFLOW_TARGETS:
            if not args.quick and rows[driver]["workflows_per_s"] < goal:
                say(f"  below target: profiling {label} with cProfile")
                rows[key] = inprocess.profile(driver)
        results["inprocess"] = rows

    if "scale" in parts:
        say("Scale:")
        results["scale"] = scale.run(config["scale"], say).to_json()

    if "startup" in parts:
        say("Start-up:")
        results["startup"] = startup.run(config["startup_runs"], say)

    if "pytest" in parts:
        say("What our pytest plugins cost an unrelated test run:")
        results["pytest"] = pytest_cost.run(config["pytest_runs"], say)

    if "fixture" in parts:
        say("The registrar_mock fixture, per test (setup and teardown):")
        results["fixture"] = fixture_cost.run(config["fixture_tests"], say)

    # Not with --quick: the suite's own bench test runs the bench that way.
    if "suite" in parts and not args.quick:
        say("The project's tests, as `make test` runs them:")
        results["suite"] = suite.run(say)

    results["load_average"]["end"] = machine.load_average()
    results["duration_s"] = round(time.perf_counter() - began, 1)
    json_path, md_path = report.write(results, args.output)
    print(report.markdown(results))
    say(f"bench: wrote {json_path} and {md_path} in {results['duration_s']:.0f} s")
    missed = any(t["met"] is False for t in results["targets"])
    return 1 if failed or (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
