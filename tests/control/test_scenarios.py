"""Scenario files: strict loading with errors that name the file and the path inside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from registrar_mock import create_app, scenarios
from registrar_mock.scenarios import ScenarioError
from tests.helpers import ACCOUNT, ROOT

BUNDLED = ROOT / "scenarios"
REQUIRED = {
    "default", "slow-registry", "action-required", "registry-rejects", "near-limit",
    "no-billing", "no-default-contact", "premium-and-unsupported", "stale-search", "flaky",
    "expiring", "transfer-succeeds", "transfer-awaits-registrant", "transfer-rejected",
    "transfer-prerequisites", "current-api",
}  # fmt: skip


def test_every_required_scenario_is_bundled_and_loads() -> None:
    assert set(scenarios.bundled()) >= REQUIRED
    for name in scenarios.bundled():
        scenario = scenarios.resolve(name)
        assert scenario.name == name
        assert scenario.world.description


def test_bundled_files_point_editors_at_the_schema() -> None:
    schema = json.loads((BUNDLED / "scenario.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in BUNDLED.glob("*.yaml"):
        first_line = path.read_text().splitlines()[0]
        assert first_line == "# yaml-language-server: $schema=./scenario.schema.json", path


def write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


ACCOUNT_WITH_BAD_DATES = {
    "accounts": [
        {"id": "a"},
        {
            "id": "b",
            "registrations": [
                {"domain": "one.com"},
                {"domain": "two.com"},
                {"domain": "three.com"},
                {
                    "domain": "four.com",
                    "created_at": "2026-01-01T00:00:00Z",
                    "expires_at": "2025-01-01T00:00:00Z",
                },
            ],
        },
    ]
}


@pytest.mark.parametrize(
    ("document", "path", "problem"),
    [
        ({"colour": "blue"}, "", "an unknown key (allowed here: accounts,"),
        ({"domian_limit": 5}, "", "did you mean domain_limit?"),
        ({"accounts": [{"id": "a", "billing": "yes"}]}, "accounts[0].billing", "boolean"),
        ({"accounts": [{"id": "a", "tokens": "t"}]}, "accounts[0].tokens", "must be a list"),
        (ACCOUNT_WITH_BAD_DATES, "accounts[1].registrations[3].expires_at", "after created_at"),
        ({"accounts": [{"id": "a"}, {"id": "a"}]}, "accounts[1].id", "the same id as accounts[0]"),
        (
            {"accounts": [{"id": "a", "registrations": [{"domain": "bad..com"}]}]},
            "accounts[0].registrations[0].domain",
            "valid domain",
        ),
        (
            {
                "workflows": {
                    "registration": {
                        "rules": [
                            {
                                "match": "*",
                                "steps": [{"state": "succeeded"}, {"state": "in_progress"}],
                            }
                        ]
                    }
                }
            },
            "workflows.registration.rules[0].steps[1]",
            "after the terminal state",
        ),
        (
            {"workflows": {"update": {"default": [{"state": "blocked", "for": "1d"}]}}},
            "workflows.update.default[0]",
            "must end in succeeded or failed",
        ),
        (
            {"workflows": {"registration": {"default": [{"state": "failed"}]}}},
            "workflows.registration.default[0]",
            "error.code",
        ),
        (
            {
                "workflows": {
                    "registration": {
                        "default": [{"state": "action_required"}, {"state": "succeeded"}]
                    }
                }
            },
            "workflows.registration.default[0].context",
            "confirmation_sent_to",
        ),
        (
            {
                "workflows": {
                    "registration": {
                        "default": [{"state": "pending", "for": "forever"}, {"state": "succeeded"}]
                    }
                }
            },
            "workflows.registration.default[0].for",
            "",
        ),
        (
            {
                "accounts": [{"id": "a"}],
                "faults": [{"account": "ghost", "effect": {"status": 500}}],
            },
            "faults[0].account",
            "names no account of this scenario",
        ),
        (
            {"faults": [{"operations": ["delete-everything"], "effect": {"status": 500}}]},
            "faults[0].operations[0]",
            "not an operationId",
        ),
        (
            {"extensions": {"entries": [{"name": "ai", "min_years": 5, "max_years": 2}]}},
            "extensions.entries[0].min_years",
            "greater",
        ),
        ({"start": "yesterday"}, "start", ""),
        ({"start": "9999-06-01T00:00:00Z"}, "start", ""),  # past the span of time kept
        (
            {
                "workflows": {
                    "registration": {
                        "default": [
                            {"state": "pending", "for": "99999999d"},
                            {"state": "succeeded"},
                        ]
                    }
                }
            },
            "workflows.registration.default[0].for",
            "",
        ),
    ],
)
def test_broken_files_are_refused_naming_file_and_path(
    tmp_path: Path, document: dict[str, Any], path: str, problem: str
) -> None:
    file = write(tmp_path, document)
    with pytest.raises(ScenarioError) as caught:
        scenarios.resolve(file)
    assert caught.value.source == str(file)
    assert caught.value.path == path
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{file}: {path}")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("name: x\naccounts: [\n")
    with pytest.raises(ScenarioError) as caught:
        scenarios.resolve(file)
    assert caught.value.path.startswith("line ")


def test_a_yaml_error_never_quotes_the_file(tmp_path: Path) -> None:
    """PyYAML quotes what it could not read; messages go over HTTP, so the quote is cut."""
    file = tmp_path / "alias.yaml"
    file.write_text("name: x\nsecret: *hunter2-password\n")
    with pytest.raises(ScenarioError) as caught:
        scenarios.resolve(file)
    assert caught.value.path.startswith("line ")
    assert "hunter2" not in str(caught.value)


def test_unknown_scenario_name_lists_the_bundled_ones() -> None:
    with pytest.raises(ScenarioError, match=r"bundled: .*near-limit"):
        scenarios.resolve("no-such-world")


def test_a_refused_scenario_stops_the_app_before_it_starts(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError):
        create_app(write(tmp_path, {"domain_limit": -1}))


def test_documents_build_the_world_they_describe() -> None:
    scenario = scenarios.from_document(
        {
            "seed": 7,
            "domain_limit": 3,
            "sync_wait": "2s",
            "extensions": {"include_defaults": False, "entries": [{"name": "test"}]},
            "registry": {"include_defaults": False, "taken": ["Taken.TEST"]},
            "accounts": [{"id": ACCOUNT, "billing": False, "default_contact": None}],
        }
    )
    world = scenario.world
    assert (world.seed, world.domain_limit, world.sync_wait_seconds) == (7, 3, 2.0)
    assert [ext.name for ext in world.catalogue.supported] == ["test"]
    assert world.registry.taken == frozenset({"taken.test"})
    assert world.open_accounts is False  # listing accounts closes the world by default
    [account] = world.accounts
    assert account.has_billing is False
    assert account.default_contact is None


def test_the_readme_example_scenario_loads_and_behaves(tmp_path: Path) -> None:
    import re

    readme = (ROOT / "README.md").read_text()
    match = re.search(r"A complete example:\n\n```yaml\n(.*?)```", readme, re.S)
    assert match
    file = tmp_path / "launch-day.yaml"
    file.write_text(match.group(1))
    world = scenarios.resolve(file).world
    assert world.name == "launch-day"
    assert [a.id for a in world.accounts] == [
        "023e105f4ecef8ad9ca31a8372d0c353",
        "9a7806061c88ada191ed06f989cc3dac",
    ]
    assert len(world.accounts[0].registrations) == 41
    assert world.open_accounts is False
