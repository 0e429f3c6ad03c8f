"""The built wheel, installed as a user would, into fresh virtual environments.

Adding registrar-mock to a project must never break it: with the base install
only, an unrelated test suite runs exactly as before, and a project whose own
modules are called ``client`` and ``contract_tests`` keeps them while using our
fixtures. Each environment gets only what the test names (pip reuses its cache).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

PIP = [sys.executable, "-m", "pip"]


def run(*command: str | Path, cwd: Path | None = None, check: bool = True) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    output = done.stdout + done.stderr
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {done.returncode}:\n{output}")
    return output


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (tracked and new files, nothing ignored)."""
    source = tmp_path_factory.mktemp("source")
    listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in listed.splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, source)
    (built,) = out.glob("registrar_mock-*.whl")
    return built


def venv(where: Path, *requirements: str | Path) -> Path:
    """A new environment holding only ``requirements`` (and what they need); its bin dir."""
    run(sys.executable, "-m", "venv", "--without-pip", where)
    # No byte-compiling of every installed module (the SDK has thousands): only what runs.
    run(
        *PIP,
        "--python",
        where / "bin" / "python",
        "install",
        "--quiet",
        "--no-compile",
        *requirements,
    )
    return where / "bin"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_wheel_holds_one_package_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"registrar_mock"}
    for expected in (
        "registrar_mock/client/__init__.py",
        "registrar_mock/contract_tests/__init__.py",
        "registrar_mock/spec/openapi.yaml",
        "registrar_mock/spec/control-openapi.yaml",
        "registrar_mock/scenarios/bundled/default.yaml",
        "registrar_mock/scenarios/bundled/scenario.schema.json",
        "registrar_mock/py.typed",
        "registrar_mock/inspector/static/index.html",
        "registrar_mock/inspector/static/inspector.js",
        "registrar_mock/inspector/static/inspector.css",
        "registrar_mock/inspector/static/icon.svg",
    ):
        assert expected in names


UNRELATED = {
    "test_unrelated.py": (
        "import sys\n\n"
        "def test_something_of_the_users_own():\n"
        "    assert 1 + 1 == 2\n\n"
        "def test_our_plugins_loaded_nothing_heavy():\n"
        "    assert 'registrar_mock.testing.pytest_plugin' in sys.modules\n"
        "    assert 'registrar_mock.contract_tests.pytest_plugin' in sys.modules\n"
        "    heavy = {'starlette', 'uvicorn', 'httpx', 'yaml', 'registrar_mock.app'}\n"
        "    assert not heavy & set(sys.modules)\n"
    )
}


def test_the_base_install_leaves_an_unrelated_suite_alone(wheel: Path, tmp_path: Path) -> None:
    bin = venv(tmp_path / "env", wheel, "pytest")
    project = write(tmp_path / "project", UNRELATED)
    output = run(bin / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert "2 passed" in output
    assert "registrar-mock" in run(bin / "registrar-mock", "--version")
    assert "registrar-mock" in run(bin / "python", "-m", "registrar_mock", "--version")
    # The inspector's page comes from the installed package, whole.
    page = "from registrar_mock.inspector.routes import asset; print(len(asset('index.html')))"
    assert int(run(bin / "python", "-c", page)) > 1000

    # The contract kit without its extra: one line naming the extra, a non-zero exit.
    done = subprocess.run(
        [bin / "registrar-mock", "contract", "--base-url", "http://127.0.0.1:9/client/v4"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert "pip install 'registrar-mock[contract]'" in done.stderr
    # The in-process fixture works with the base install; only the SDK needs its extra.
    fixtures = write(tmp_path / "fixtures", BASE_FIXTURES)
    output = run(bin / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=fixtures)
    assert "1 passed" in output, output

    # ... and from Python, a clear ImportError rather than schemathesis's own.
    problem = run(
        bin / "python",
        "-c",
        "from registrar_mock.contract_tests import conformance",
        check=False,
    )
    assert "MissingExtra" in problem and "pip install 'registrar-mock[contract]'" in problem


BASE_FIXTURES = {
    "test_fixture.py": (
        "import pytest\n\n"
        "def test_the_in_process_fixture_needs_no_extra(registrar_mock):\n"
        "    registrations = f'/accounts/{registrar_mock.account_id}/registrar/registrations'\n"
        "    answer = registrar_mock.http_client.post(\n"
        "        registrations, json={'domain_name': 'b.com'})\n"
        "    assert answer.status_code == 201\n"
        "    with pytest.raises(ImportError, match=r\"pip install 'registrar-mock\\[sdk\\]'\"):\n"
        "        registrar_mock.cloudflare\n"
    )
}


USER_PROJECT = {
    "conftest.py": ("import pytest\n\n@pytest.fixture\ndef greeting():\n    return 'hello'\n"),
    "client.py": "class RegistrarClient:\n    name = 'the user app client'\n",
    "contract_tests/__init__.py": "",
    "contract_tests/test_own_contract.py": (
        "from client import RegistrarClient\n\n"
        "def test_the_users_own_contract(greeting):\n"
        "    assert RegistrarClient.name == 'the user app client' and greeting == 'hello'\n"
    ),
    "test_with_the_mock.py": (
        "import client\n\n"
        "def test_both_fixtures(registrar_mock, registrar_mock_server, greeting):\n"
        "    assert client.RegistrarClient.name == 'the user app client'\n"
        "    account = registrar_mock.account_id\n"
        "    done = registrar_mock.registrar.registrations.create(\n"
        "        account_id=account, domain_name='user-app.com')\n"
        "    assert done.state == 'succeeded'\n"
        "    served = registrar_mock_server.registrar.registrations.create(\n"
        "        account_id=account, domain_name='user-app.dev')\n"
        "    assert served.state == 'succeeded'\n"
        "    with registrar_mock.client() as ours:\n"
        "        assert [r.domain_name for r in ours.iter_registrations()] == ['user-app.com']\n"
    ),
}


def test_a_project_with_its_own_client_and_contract_tests(wheel: Path, tmp_path: Path) -> None:
    bin = venv(tmp_path / "env", f"{wheel}[sdk]", "pytest")
    project = write(tmp_path / "project", USER_PROJECT)
    output = run(bin / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert "2 passed" in output, output
