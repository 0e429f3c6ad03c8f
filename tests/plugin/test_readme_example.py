"""The six-line example from the README: the fixture, the marker and the official SDK."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .support import run

EXAMPLE = """\
import pytest


@pytest.mark.registrar_scenario("slow-registry")
def test_registration_waits_for_the_registry(registrar_mock_server):
    mock = registrar_mock_server
    mock.registrar.registrations.create(account_id=mock.account_id, domain_name="acme.dev")
    assert [e.status for e in mock.journal.entries()] == [202]
"""


def test_example_is_six_lines() -> None:
    assert len([line for line in EXAMPLE.splitlines() if line.strip()]) == 6
    assert max(len(line) for line in EXAMPLE.splitlines()) <= 100


def test_example_passes_in_a_users_project(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_registrar=EXAMPLE)
    result = run(inner)
    result.assert_outcomes(passed=1)


def test_the_readme_shows_this_example() -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    match = re.search(r"<!-- pytest-plugin-example -->\n```python\n(.*?)```", text, re.S)
    assert match
    assert match.group(1) == EXAMPLE
