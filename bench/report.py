"""Targets, and the results as JSON and as a short markdown table."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import fixture_cost, machine, pytest_cost, suite

WORKFLOW_TARGET = 2000.0
CLIENT_WORKFLOW_TARGET = 1500.0
# (driver, what it is, workflows/s it must reach, its ceiling's driver, its profile's key)
WORKFLOW_TARGETS = (
    ("raw_httpx", "raw httpx", WORKFLOW_TARGET, "ceiling", "profile"),
    ("client_async", "AsyncRegistrarClient", CLIENT_WORKFLOW_TARGET, "client_ceiling",
     "client_profile"),
)  # fmt: skip
MEMORY_TARGET_MB = 500.0
STARTUP_TARGET_S = 1.5
RATIO_TARGETS = {"get": 0.6, "list": 0.4, "create": 0.4, "check": 0.5}
# "Must not grow with the number of accounts": the big store against 1 x 100, with room for noise.
FLAT_LIMIT = 1.5


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run
    shortfall: str = ""
    profile: str = ""


def _judged(
    name: str, goal: str, measured: str, met: bool, shortfall: str, profile: str = ""
) -> Target:
    """A measured target; by how much it fell short, and where the time went, if missed."""
    return Target(name, goal, measured, met, "" if met else shortfall, "" if met else profile)


def _percent(short: float, goal: float) -> str:
    return f"{100 * short / goal:.0f}%"


def targets(results: dict[str, Any]) -> list[Target]:
    found: list[Target] = []
    cases = (results.get("http") or {}).get("cases", {})
    profiles = (results.get("http") or {}).get("profiles", {})
    labels = {
        "get": "GET /registrations/{domain}",
        "list": "GET /registrations (a page of 20)",
        "create": "POST /registrations",
        "check": "POST /domain-check",
    }
    for key, goal in RATIO_TARGETS.items():
        row = cases.get(key)
        name = f"{labels[key]} vs baseline"
        if row is None or row.get("ratio") is None:
            found.append(Target(name, f">= {goal}x", "not measured", None))
            continue
        ratio = row["ratio"]
        met = ratio >= goal
        cpu = row.get("cpu_ratio")
        found.append(
            _judged(
                name,
                f">= {goal}x",
                f"{ratio:.2f}x" + (f" (by CPU time {cpu:.2f}x)" if cpu else ""),
                met,
                f"short by {goal - ratio:.2f}x ({_percent(goal - ratio, goal)})",
                http_profile_text(profiles.get(key)),
            )
        )

    inprocess = results.get("inprocess") or {}
    for driver, label, goal, ceiling, profile in WORKFLOW_TARGETS:
        name = f"Complete workflows/s in-process ({label})"
        row = inprocess.get(driver)
        if row is None:
            found.append(Target(name, f">= {goal:,.0f}/s", "not measured", None))
            continue
        rate = row["workflows_per_s"]
        met = rate >= goal
        short = goal - rate
        per_cpu = row.get("workflows_per_cpu_s")
        found.append(
            _judged(
                name,
                f">= {goal:,.0f}/s",
                f"{rate:,.0f}/s" + (f" ({per_cpu:,.0f} per CPU second)" if per_cpu else ""),
                met,
                f"short by {short:,.0f}/s ({_percent(short, goal)})",
                ceiling_text(row, inprocess.get(ceiling), label)
                + cprofile_text(inprocess.get(profile)),
            )
        )

    sizes = (results.get("scale") or {}).get("sizes", [])
    big = next((row for row in sizes if row["series"] == "accounts"), None)
    name = "Resident memory with 100,000 registrations"
    if big is None or big["registrations"] < 100_000:
        measured = "not measured" if big is None else f"{big['registrations']:,} only"
        found.append(Target(name, f"< {MEMORY_TARGET_MB:.0f} MB", measured, None))
    else:
        rss = big["rss_mb"]
        met = rss < MEMORY_TARGET_MB
        allocations = big.get("allocations") or []
        found.append(
            _judged(
                name,
                f"< {MEMORY_TARGET_MB:.0f} MB",
                f"{rss:.0f} MB (peak {big['peak_rss_mb']:.0f} MB)",
                met,
                f"over by {rss - MEMORY_TARGET_MB:.0f} MB",
                "; ".join(f"{a['where']} {a['mb']} MB" for a in allocations[:5]),
            )
        )
    reference = next((row for row in sizes if row["series"] == "reference"), None)
    if big is not None and reference is not None:
        growth = max(big["get"]["vs_reference"] or 0, big["list"]["vs_reference"] or 0)
        found.append(
            _judged(
                f"Request cost with {big['accounts']:,} accounts vs 1 account",
                f"flat (<= {FLAT_LIMIT}x)",
                f"get {big['get']['vs_reference']}x, list {big['list']['vs_reference']}x",
                growth <= FLAT_LIMIT,
                f"grows {growth:.1f}x",
            )
        )
    domains = [row for row in sizes if row["series"] in ("reference", "domains")]
    if len(domains) > 1 and reference is not None:
        largest = max(domains, key=lambda row: row["per_account"])
        # Logarithmic growth from 100 to N domains is at most log(N)/log(100) times the cost.
        allowed = math.log(largest["per_account"]) / math.log(100) * 1.25
        worst = max(largest["get"]["vs_reference"] or 0, largest["list"]["vs_reference"] or 0)
        found.append(
            _judged(
                f"Request cost with {largest['per_account']:,} domains in one account vs 100",
                f"flat or logarithmic (<= {allowed:.1f}x)",
                f"get {largest['get']['vs_reference']}x, list {largest['list']['vs_reference']}x",
                worst <= allowed,
                f"grows {worst:.0f}x: linear or worse",
            )
        )

    start = results.get("startup")
    name = "Start-up to first 200"
    if start is None:
        found.append(Target(name, f"< {STARTUP_TARGET_S} s", "not measured", None))
    else:
        median = start["median_s"]
        met = median < STARTUP_TARGET_S
        slow = start.get("profile") or []
        found.append(
            _judged(
                name,
                f"< {STARTUP_TARGET_S} s",
                f"{median:.2f} s",
                met,
                f"over by {median - STARTUP_TARGET_S:.2f} s",
                "; ".join(f"import {s['module']} {s['own_ms']:.0f} ms" for s in slow[:5]),
            )
        )

    plugins = results.get("pytest")
    name = "pytest start-up, our plugins vs none"
    goal = f"< {pytest_cost.TARGET_MS:.0f} ms more"
    if plugins is None:
        found.append(Target(name, goal, "not measured", None))
    else:
        cost = plugins["cost_ms"]
        met = cost < pytest_cost.TARGET_MS
        found.append(
            _judged(
                name,
                goal,
                f"{cost:+.0f} ms ({plugins['with_plugins_ms']:.0f} vs "
                f"{plugins['without_plugins_ms']:.0f} ms)",
                met,
                f"over by {cost - pytest_cost.TARGET_MS:.0f} ms",
            )
        )
    fixture = results.get("fixture")
    name = "registrar_mock fixture, setup + teardown per test (default scenario)"
    goal = f"<= {fixture_cost.TARGET_MS:g} ms median"
    if fixture is None:
        found.append(Target(name, goal, "not measured", None))
    else:
        median = fixture["median_ms"]
        met = median <= fixture_cost.TARGET_MS
        found.append(
            _judged(
                name,
                goal,
                f"{median:.2f} ms over {fixture['tests']:,} tests (p90 {fixture['p90_ms']:.2f} ms)",
                met,
                f"over by {median - fixture_cost.TARGET_MS:.2f} ms",
            )
        )
    tests = results.get("suite")
    name = "`make test` on this machine (pytest, 2 workers)"
    goal = f"< {suite.TARGET_S:.0f} s"
    if tests is None:
        found.append(Target(name, goal, "not measured", None))
    else:
        wall = tests["wall_s"]
        met = wall < suite.TARGET_S and tests["exit_code"] == 0
        found.append(
            _judged(
                name,
                goal,
                f"{wall:.0f} s, {tests['passed']} passed (exit {tests['exit_code']})",
                met,
                f"over by {wall - suite.TARGET_S:.0f} s",
                suite_text(tests),
            )
        )
    return found


def suite_text(tests: dict[str, Any]) -> str:
    """Where the test time goes: the folders and modules with the most of it."""
    folders = ", ".join(f"{row['name']} {row['seconds']:.0f} s" for row in tests["folders"])
    modules = ", ".join(f"{row['name']} {row['seconds']:.0f} s" for row in tests["modules"][:5])
    text = (
        f"{tests['test_seconds']:.0f} s of tests over 2 workers; by folder: {folders}; "
        f"slowest modules: {modules}"
    )
    if tests.get("cpu_s") and tests.get("cores"):
        floor = tests["cpu_s"] / tests["cores"]
        text += (
            f". The run took {tests['cpu_s']:.0f} s of CPU (pytest, its workers and every "
            f"process they started), so on {tests['cores']} cores it needs at least "
            f"{floor:.0f} s however the tests are spread"
        )
    return text


def http_profile_text(profile: dict[str, Any] | None) -> str:
    if not profile:
        return "no profile (py-spy runs with --profile auto, the default without --quick)"
    if "error" in profile:
        return f"no profile: {profile['error']}"
    packages = ", ".join(
        f"{row['name']} {100 * row['share']:.0f}%" for row in profile["own_by_package"][:4]
    )
    functions = ", ".join(
        f"{row['name']} {100 * row['share']:.0f}%" for row in profile["own_by_function"][:4]
    )
    ours = ", ".join(
        f"{row['name'].split(':', 1)[1]} {100 * row['share']:.0f}%"
        for row in profile["inclusive_mock_server"][2:7]
    )
    text = (
        f"py-spy (the thread holding the GIL), own time by package: {packages}. "
        f"Top functions: {functions}."
    )
    return f"{text} Inclusive, in registrar_mock: {ours}." if ours else text


def ceiling_text(driven: dict[str, Any], ceiling: dict[str, Any] | None, who: str) -> str:
    """How much of a workflow is the client's own work: the same driver against an app
    that only replays the mock's answers."""
    if not ceiling or not ceiling.get("us_per_workflow") or not driven.get("us_per_workflow"):
        return ""
    client, whole = ceiling["us_per_workflow"], driven["us_per_workflow"]
    return (
        f"the same driver against recorded answers (no mock at all) reaches "
        f"{ceiling['workflows_per_s']:,.0f}/s here: {who} and the transport take "
        f"{client:,.0f} µs of each workflow's {whole:,.0f} µs, the mock "
        f"{max(0.0, whole - client):,.0f} µs. "
    )


def cprofile_text(rows: list[dict[str, Any]] | None) -> str:
    if not rows:
        return ""
    return "cProfile, own time: " + ", ".join(
        f"{row['function']} {100 * row['own_share']:.0f}%" for row in rows[:6]
    )


# --- markdown -----------------------------------------------------------------


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def markdown(results: dict[str, Any]) -> str:
    lines: list[str] = []
    config = results["config"]
    lines.append(f"Measured {results['started_at']} on {machine.summary(results['machine'])}.")
    load = results.get("load_average", {})
    if load.get("start") is not None:
        lines.append(
            f"Load average (1 min) at start {load['start']}, at end {load.get('end')}"
            + (": the machine was busy, expect noise." if (load["start"] or 0) > 0.5 else ".")
        )
    lines.append("")

    http = results.get("http")
    if http and http.get("cases"):
        h = config["http"]
        lines.append(
            f"**HTTP** (wrk, {h['connections']} connections, {h['threads']} thread; the mock as "
            "`registrar-mock serve` runs it, access log on; the baseline under plain uvicorn, "
            f"uvloop + httptools, no access log; {h['warmup']:g} s warm-up, then "
            f"{h['rounds']} rounds of {h['round_seconds']} s, medians; ratios to the baseline "
            "in the same round)"
        )
        lines.append("")
        lines.append(
            "| Endpoint | req/s | p50 ms | p99 ms | x baseline | server CPU µs/req | "
            "x baseline (CPU) |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for row in http["cases"].values():
            lines.append(
                f"| {row['label']} | {_fmt(row['rps'])} | {row['p50_ms']:.2f} | "
                f"{row['p99_ms']:.2f} | {_fmt(row.get('ratio'), 2)} | "
                f"{_fmt(row.get('server_cpu_us'))} | {_fmt(row.get('cpu_ratio'), 2)} |"
            )
        lines.append("")
        lines.append(
            "x baseline is throughput over the baseline's, as the targets are stated. Server "
            "CPU is the server process's user + system time per request, and the baseline's "
            "over it: the same comparison seen from the server, whatever the load generator did."
        )
        lines.append("")
    elif results.get("skipped", {}).get("http"):
        lines.append(f"**HTTP**: skipped ({results['skipped']['http']}).")
        lines.append("")

    inprocess = results.get("inprocess")
    if inprocess:
        lines.append(
            "**In-process** (complete registration workflows: create, then poll "
            "registration-status on the virtual clock until `succeeded`; one at a time, "
            "asyncio loop. *Per CPU second* divides by this process's CPU time instead of "
            "wall time, so it leaves out moments when other work had the core)"
        )
        lines.append("")
        lines.append("| Driver | workflows/s | requests/s | µs per workflow | per CPU second |")
        lines.append("|---|---:|---:|---:|---:|")
        for key, row in inprocess.items():
            if key.endswith("profile"):
                continue
            lines.append(
                f"| {row['label']} | {_fmt(row['workflows_per_s'])} | "
                f"{_fmt(row['requests_per_s'])} | {_fmt(row['us_per_workflow'])} | "
                f"{_fmt(row.get('workflows_per_cpu_s'))} |"
            )
        lines.append("")

    scale = results.get("scale")
    if scale and scale.get("sizes"):
        lines.append(
            "**Scale** (each store loaded from a scenario file in a fresh process; request "
            "cost timed on the ASGI app directly, p50)"
        )
        lines.append("")
        lines.append(
            "| Accounts x domains | Load s | RSS MB | GET one µs | GET page µs | vs 1 x 100 "
            "(get, list) |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|")
        for row in scale["sizes"]:
            lines.append(
                f"| {row['accounts']:,} x {row['per_account']:,} | {row['load_s']:.2f} | "
                f"{row['rss_mb']:.0f} | {row['get']['p50_us']:.0f} | "
                f"{row['list']['p50_us']:.0f} | "
                f"{row['get']['vs_reference']}x, {row['list']['vs_reference']}x |"
            )
        lines.append("")

    start = results.get("startup")
    if start:
        lines.append(
            f"**Start-up**: `{start['command']}` to the first 200: median "
            f"{start['median_s']:.2f} s over {len(start['runs_s'])} runs "
            f"(min {start['min_s']:.2f}, max {start['max_s']:.2f})."
        )
        lines.append("")

    fixture = results.get("fixture")
    if fixture:
        lines.append(
            f"**The `registrar_mock` fixture**: {fixture['tests']:,} tests each taking it with "
            f"the default scenario; setup + teardown median {fixture['median_ms']:.2f} ms, p90 "
            f"{fixture['p90_ms']:.2f} ms, {fixture['total_s']:.1f} s in all."
        )
        lines.append("")

    tests = results.get("suite")
    if tests:
        lines.append(
            f"**The project's tests** (`{' '.join(suite.COMMAND[1:])}`): {tests['wall_s']:.0f} s, "
            f"{tests['passed']} passed; {tests['test_seconds']:.0f} s of tests in all."
        )
        lines.append("")

    found = [Target(**row) for row in results.get("targets", [])]
    if found:
        lines.append("| Target | Goal | Measured | Result |")
        lines.append("|---|---|---|---|")
        for target in found:
            verdict = (
                "not measured" if target.met is None else ("met" if target.met else "**missed**")
            )
            if target.shortfall:
                verdict += f": {target.shortfall}"
            lines.append(f"| {target.name} | {target.goal} | {target.measured} | {verdict} |")
        lines.append("")
        for target in found:
            if target.met is False and target.profile:
                lines.append(f"- {target.name}: {target.profile}")
        if any(t.met is False and t.profile for t in found):
            lines.append("")
    return "\n".join(lines)


def write(results: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    results["targets"] = [asdict(target) for target in targets(results)]
    json_path = folder / "latest.json"
    json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    md_path = folder / "latest.md"
    md_path.write_text(markdown(results) + "\n", encoding="utf-8")
    return json_path, md_path
