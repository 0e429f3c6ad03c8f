"""The bench imports and its smallest configuration runs. No timing is asserted here.

The bench itself (``make bench``) is not part of the test suite. Without wrk on
the machine, the HTTP part is only imported and its pieces checked offline.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import __main__ as cli
from bench import asgi, http, inprocess, profiling, report, scale, scenarios, suite, wrk
from bench.baseline import BODY, create_baseline_app
from registrar_mock import create_app

MODULES = [
    "bench",
    "bench.__main__",
    "bench.asgi",
    "bench.baseline",
    "bench.fixture_cost",
    "bench.http",
    "bench.inprocess",
    "bench.launch",
    "bench.machine",
    "bench.profiling",
    "bench.pytest_cost",
    "bench.report",
    "bench.scale",
    "bench.scenarios",
    "bench.startup",
    "bench.wrk",
]


@pytest.mark.parametrize("module", MODULES)
def test_bench_modules_import(module: str) -> None:
    importlib.import_module(module)


def test_every_case_has_its_lua_script() -> None:
    for case in (http.BASELINE, *http.CASES):
        assert "BENCH_RESULT" in wrk.script(case.lua)


def test_wrk_command_and_result_line() -> None:
    argv = wrk.command(
        "wrk", "http://127.0.0.1:1/x", Path("s.lua"), seconds=2, connections=32, threads=1,
        args=("prefix", "50"),
    )  # fmt: skip
    assert argv[:4] == ["wrk", "-t1", "-c32", "-d2s"]
    assert argv[-3:] == ["--", "prefix", "50"]
    line = (
        'BENCH_RESULT {"requests":1000,"duration_us":2000000,"bytes":5,"connect_errors":0,'
        '"read_errors":0,"write_errors":0,"status_errors":1,"timeouts":0,"p50_us":1500,'
        '"p90_us":2000,"p99_us":3000,"mean_us":1600.0,"max_us":9000}'
    )
    result = wrk.parse(f"Running 2s test\n{line}\n")
    assert result.rps == 500
    assert result.p99_ms == 3.0
    assert result.failed == 1


def test_the_baseline_answers_what_the_mock_answers() -> None:
    """Same route shape, same JSON: the ratio compares the apps' work, not body sizes."""
    path = f"{scenarios.registrar_path()}/registrations/{scenarios.GET_DOMAIN}"
    status, mock_body = asyncio.run(asgi.call(create_app(scenarios.http_scenario()), "GET", path))
    assert status == 200
    assert json.loads(mock_body) == BODY
    status, baseline_body = asyncio.run(asgi.call(create_baseline_app(), "GET", path))
    assert status == 200
    assert len(baseline_body) == len(mock_body)


def test_the_http_world_registers_instantly() -> None:
    app = create_app(scenarios.http_scenario())
    body = json.dumps({"domain_name": "instant-bench.com"}).encode()
    path = f"{scenarios.registrar_path('f' * 32)}/registrations"
    status, answer = asyncio.run(asgi.call(app, "POST", path, body=body))
    assert status == 201
    assert json.loads(answer)["result"]["state"] == "succeeded"


@pytest.mark.parametrize("driver", inprocess.DRIVERS)
def test_inprocess_workflows_complete(driver: str) -> None:
    rate = inprocess.measure(driver, seconds=0, warmup=3, batch=5)
    assert rate.workflows == 5
    assert rate.requests == 10  # one create and one poll each


def test_scale_worker_runs_in_its_own_process(tmp_path: Path) -> None:
    row = scale.measure_size(3, 10, 20, tmp_path, budget=0.01)
    assert row["registrations"] == 30
    assert row["rss_mb"] > 0
    assert row["get"]["p50_us"] > 0
    assert row["list"]["p50_us"] > 0


def test_py_spy_stacks_are_summarised() -> None:
    raw = (
        "run (uvicorn/server.py:1);__call__ (registrar_mock/app.py:70);normalize "
        "(registrar_mock/domain/names.py:20) 3\n"
        "run (uvicorn/server.py:1);send (uvicorn/protocols/http/httptools_impl.py:551) 1\n"
    )
    found = profiling.summarise(raw)
    assert found["samples"] == 4
    assert found["own_by_package"][0] == {"name": "registrar_mock", "share": 0.75}
    inclusive = {row["name"]: row["share"] for row in found["inclusive_mock_server"]}
    assert inclusive["registrar_mock/app.py:__call__"] == 0.75


def test_smallest_configuration_writes_results(tmp_path: Path) -> None:
    code = cli.main(["--quick", "--no-http", "--output", str(tmp_path)])
    assert code == 0
    results = json.loads((tmp_path / "latest.json").read_text())
    assert set(results["inprocess"]) == set(inprocess.DRIVERS)
    assert [row["series"] for row in results["scale"]["sizes"]] == [
        "reference",
        "domains",
        "accounts",
    ]
    assert results["startup"]["median_s"] > 0
    assert results["pytest"]["with_plugins_ms"] > 0 and results["pytest"]["without_plugins_ms"] > 0
    assert results["fixture"]["tests"] == 200 and results["fixture"]["median_ms"] > 0
    names = [target["name"] for target in results["targets"]]
    assert any("workflows" in name for name in names)
    assert any("pytest start-up" in name for name in names)
    assert any("registrar_mock fixture" in name for name in names)
    table = (tmp_path / "latest.md").read_text()
    assert "| Target | Goal | Measured | Result |" in table
    assert "HTTP**: skipped" in table


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_smallest_http_run(tmp_path: Path) -> None:
    code = cli.main(
        ["--quick", "--only", "http", "--cases", "get", "--seconds", "1", "--rounds", "1",
         "--warmup", "0", "--profile", "none", "--no-install", "--output", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    cases = json.loads((tmp_path / "latest.json").read_text())["http"]["cases"]
    assert set(cases) == {"baseline", "get"}
    assert cases["get"]["requests"] > 0
    assert cases["get"]["ratio"] is not None
    assert report.targets({"http": {"cases": cases}})[0].met is not None


def test_a_slow_test_suite_is_reported_with_where_its_time_goes() -> None:
    tests = {
        "wall_s": 95.0, "exit_code": 0, "passed": 4000, "test_seconds": 180.0,
        "folders": [{"name": "tests/contract", "seconds": 120.0}],
        "modules": [{"name": "tests/contract/test_stateful.py", "seconds": 60.0}],
    }  # fmt: skip
    found = {t.name: t for t in report.targets({"suite": tests})}
    target = found["`make test` on this machine (pytest, 2 workers)"]
    assert target.met is False and target.shortfall == "over by 35 s"
    assert "tests/contract 120 s" in target.profile
    assert "tests/contract/test_stateful.py 60 s" in target.profile
    assert "CPU" not in target.profile  # results from before the CPU time was measured
    cpu_bound = report.targets({"suite": {**tests, "cpu_s": 170.0, "cores": 2}})[-1]
    assert "170 s of CPU" in cpu_bound.profile and "at least 85 s" in cpu_bound.profile
    assert report.targets({"suite": {**tests, "wall_s": 50.0}})[-1].met is True
    assert report.targets({"suite": {**tests, "wall_s": 50.0, "exit_code": 1}})[-1].met is False


def test_the_suites_cpu_time_counts_the_processes_it_waits_for() -> None:
    before = suite._children_cpu()
    subprocess.run([sys.executable, "-c", "sum(range(20_000_000))"], check=True)
    assert suite._children_cpu() > before + 0.05


def test_a_missed_workflow_rate_says_how_much_is_the_clients_own() -> None:
    raw = {"workflows_per_s": 1000.0, "us_per_workflow": 1000.0, "workflows_per_cpu_s": 1000.0}
    ceiling = {"workflows_per_s": 2500.0, "us_per_workflow": 400.0}
    found = report.targets({"inprocess": {"raw_httpx": raw, "ceiling": ceiling}})
    target = next(t for t in found if "workflows" in t.name)
    assert target.met is False
    assert "reaches 2,500/s here" in target.profile
    assert "take 400 µs of each workflow's 1,000 µs, the mock 600 µs" in target.profile


def test_the_async_clients_rate_is_a_target_of_its_own() -> None:
    client = {"workflows_per_s": 800.0, "us_per_workflow": 1250.0}
    ceiling = {"workflows_per_s": 1000.0, "us_per_workflow": 1000.0}
    profile = [{"function": "client/_async.py:10(register)", "own_share": 0.2}]
    results = {"client_async": client, "client_ceiling": ceiling, "client_profile": profile}
    found = {t.name: t for t in report.targets({"inprocess": results})}
    target = found["Complete workflows/s in-process (AsyncRegistrarClient)"]
    assert target.met is False and target.goal == ">= 1,500/s"
    assert target.shortfall == "short by 700/s (47%)"
    assert "AsyncRegistrarClient and the transport take 1,000 µs" in target.profile
    assert "the mock 250 µs" in target.profile and "register) 20%" in target.profile
    met = report.targets({"inprocess": {"client_async": {"workflows_per_s": 1600.0}}})
    assert next(t for t in met if "AsyncRegistrarClient" in t.name).met is True


def test_a_checkouts_source_folder_is_named_as_the_package_in_profiles() -> None:
    raw = "run (mock_server/app.py:10);send (uvicorn/x.py:3) 3\nrun (mock_server/app.py:10) 1\n"
    found = profiling.summarise(raw)
    assert {row["name"] for row in found["own_by_package"]} == {"uvicorn", "registrar_mock"}
    assert found["inclusive_mock_server"] == [{"name": "registrar_mock/app.py:run", "share": 1.0}]
