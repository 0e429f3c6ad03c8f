"""The package's shape: imports that cost nothing, the layers, and one namespace."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT

HEAVY = ("starlette", "uvicorn", "httpx", "yaml", "jsonschema", "idna", "schemathesis")


def imported_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_the_pytest_plugins_import_nothing_heavy() -> None:
    loaded = imported_after(
        "import registrar_mock.testing.pytest_plugin, registrar_mock.contract_tests.pytest_plugin"
    )
    assert not loaded & set(HEAVY)
    assert "registrar_mock.app" not in loaded


def test_the_model_needs_only_the_standard_library() -> None:
    loaded = imported_after("import registrar_mock.model, registrar_mock.model.registrar")
    assert not loaded & set(HEAVY)
    assert (
        not {m for m in loaded if m.startswith("registrar_mock.")}
        - {
            "registrar_mock.errors",
            "registrar_mock.clock",
        }
        - {m for m in loaded if m.startswith("registrar_mock.model")}
    )


@pytest.mark.parametrize("bare", ["client", "mock_server", "contract_tests", "mock_server.app"])
def test_a_lint_rule_refuses_the_source_folders_as_imports(bare: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", "tests/example.py", "-"],
        input=f"from {bare} import something\n\nsomething()\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "TID251" in done.stdout


def test_validation_survives_python_dash_o() -> None:
    """No assert validates input: under -O a bad control request is still a 400."""
    code = (
        "from registrar_mock import create_app\n"
        "from registrar_mock.testing import SyncASGITransport\n"
        "import httpx\n"
        "c = httpx.Client(transport=SyncASGITransport(create_app()), base_url='http://m')\n"
        "r = c.post('/__mock__/clock/advance', json={'by': 'bogus'})\n"
        "print(r.status_code, r.json()['errors'][0]['message'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True
    )
    status, message = done.stdout.split(" ", 1)
    assert status == "400"
    assert "'bogus' is not a duration" in message
