"""Scenario keys for transfers in and the sandbox: zones, domains at other registrars,
transfer scripts, the extensions' transfer fields and the sandbox's extensions. Each is
built into the world it describes, and each mistake is refused naming the file and the
path inside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from registrar_mock import scenarios
from registrar_mock.model.catalogue import Channel
from registrar_mock.model.records import WorkflowState, Zone, ZoneStatus, ZoneType
from registrar_mock.model.world import ForeignDomain, LosingRegistrar, World
from registrar_mock.scenarios import ScenarioError
from tests.helpers import ACCOUNT

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = 86400.0


def build(document: dict[str, Any]) -> World:
    return scenarios.from_document({"start": START.isoformat(), **document}).world


def test_zones_are_names_or_mappings() -> None:
    world = build(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "zones": [
                        "Plain.COM",
                        {"domain": "signed.com", "dnssec": True},
                        {"domain": "waiting.com", "status": "pending", "type": "partial"},
                        {"domain": "secondary.net", "type": "secondary", "status": "moved"},
                    ],
                }
            ]
        }
    )
    assert world.accounts[0].zones == (
        Zone("plain.com"),  # a name alone: active, full, DNSSEC off
        Zone("signed.com", dnssec=True),
        Zone("waiting.com", ZoneStatus.PENDING, type=ZoneType.PARTIAL),
        Zone("secondary.net", ZoneStatus.MOVED, type=ZoneType.SECONDARY),
    )


def test_an_account_without_zones_has_none() -> None:
    assert build({"accounts": [{"id": ACCOUNT}]}).accounts[0].zones == ()


def test_domains_elsewhere_take_every_field_and_relative_dates() -> None:
    world = build(
        {
            "registry": {
                "elsewhere": [
                    {
                        "domain": "Moving.com",
                        "registrar": "Other Names GmbH",
                        "locked": True,
                        "auth_code": "Kx7-Move-Me-In",
                        "created_at": "-3y",
                        "expires_at": "+200d",
                        "last_transferred_at": "-1y",
                        "statuses": ["clientUpdateProhibited", "serverHold"],
                        "losing_registrar": "rejects",
                        "answers_after": "2d",
                        "registrant_approval": True,
                    },
                    {"domain": "defaults.net"},
                ]
            }
        }
    )
    elsewhere = world.registry.elsewhere
    assert elsewhere["moving.com"] == ForeignDomain(
        "moving.com",
        registrar="Other Names GmbH",
        locked=True,
        auth_code="Kx7-Move-Me-In",
        created_at=datetime(2023, 3, 1, 9, 0, tzinfo=UTC),
        expires_at=START + timedelta(days=200),
        statuses=("clientUpdateProhibited", "serverHold"),
        last_transferred_at=datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
        losing_registrar=LosingRegistrar.REJECTS,
        answers_after=2 * DAY,
        registrant_approval=True,
    )
    # Whatever a document leaves out is the model's default.
    assert elsewhere["defaults.net"] == ForeignDomain("defaults.net")
    assert world.registry.registered("defaults.net")
    # The built-in registry is kept beside them.
    assert "example.com" in world.registry.taken


@pytest.mark.parametrize("behaviour", ["approves", "approves_after", "rejects", "silent"], ids=str)
def test_every_losing_registrar_behaviour_loads(behaviour: str) -> None:
    entry: dict[str, Any] = {"domain": "x.com", "losing_registrar": behaviour}
    if behaviour in ("approves_after", "rejects"):
        entry["answers_after"] = "5d"  # the whole window, and no more
    foreign = build({"registry": {"elsewhere": [entry]}}).registry.elsewhere["x.com"]
    assert foreign.losing_registrar is LosingRegistrar(behaviour)


def test_transfer_scripts_take_rules_and_a_default() -> None:
    world = build(
        {
            "workflows": {
                "transfer": {
                    "default": [{"state": "in_progress", "for": "1m"}, {"state": "succeeded"}],
                    "rules": [
                        {
                            "match": "*.NET",
                            "steps": [
                                {"state": "blocked", "for": "3d"},
                                {
                                    "state": "failed",
                                    "error": {"code": "transfer_rejected", "message": "No."},
                                },
                            ],
                        }
                    ],
                }
            }
        }
    )
    book = world.scripts
    net = book.transfer_script("slow.net")
    assert net is not None
    assert [step.state for step in net.steps] == [WorkflowState.BLOCKED, WorkflowState.FAILED]
    assert net.steps[0].seconds == 3 * DAY
    com = book.transfer_script("quick.com")
    assert com is not None and com.steps[0].seconds == 60
    # Registration and update scripts keep their defaults.
    assert (
        book.default_registration == scenarios.from_document({}).world.scripts.default_registration
    )


def test_without_transfer_scripts_the_losing_registrar_decides() -> None:
    assert build({}).scripts.transfer_script("any.com") is None
    only_rules = build(
        {
            "workflows": {
                "transfer": {"rules": [{"match": "a.com", "steps": [{"state": "succeeded"}]}]}
            }
        }
    )
    assert only_rules.scripts.transfer_script("a.com") is not None
    assert only_rules.scripts.transfer_script("b.com") is None


def test_extension_transfer_fields() -> None:
    world = build(
        {
            "extensions": {
                "entries": [
                    {
                        "name": "io",  # a built-in one: only what is given changes
                        "transfer_channel": "api",
                        "transfer_cost": "45.00",
                        "auth_code": True,
                        "redaction": False,
                        "created_at": "-30d",
                        "updated_at": "-1d",
                    },
                    {"name": "test", "transfer_channel": "frozen", "auth_code": False},
                    {"name": "free", "registration_cost": "3.00", "transfer_cost": "0"},
                ]
            }
        }
    )
    io = world.catalogue.get("io")
    assert io is not None
    assert (io.channel, io.transfers) == (Channel.DASHBOARD, Channel.API)
    assert (io.transfer_price, io.auth_code, io.redaction) == (Decimal("45.00"), True, False)
    assert (io.created_at, io.updated_at) == (START - timedelta(days=30), START - timedelta(days=1))
    test = world.catalogue.get("test")
    assert test is not None
    assert (test.channel, test.transfers, test.auth_code) == (Channel.API, Channel.FROZEN, False)
    free = world.catalogue.get("free")
    assert free is not None and free.transfer_price == Decimal("0")
    # Without transfer_cost a transfer costs the renewal price; the UK family keeps its own.
    com, uk = world.catalogue.get("com"), world.catalogue.get("co.uk")
    assert com is not None and com.transfer_price == com.renewal_cost
    assert uk is not None and (uk.transfer_price, uk.auth_code) == (Decimal("0.00"), False)


def test_the_sandbox_lists_its_extensions() -> None:
    assert build({}).sandbox_extensions == World().sandbox_extensions == ("com", "net")
    assert build({"sandbox": {"extensions": ["dev", "com"]}}).sandbox_extensions == ("dev", "com")
    assert build({"sandbox": {"extensions": []}}).sandbox_extensions == ()
    assert build({"sandbox": {}}).sandbox_extensions == ("com", "net")
    custom = build(
        {
            "extensions": {"entries": [{"name": "test"}]},
            "sandbox": {"extensions": ["test"]},
        }
    )
    assert custom.sandbox_extensions == ("test",)


def test_sandbox_is_a_top_level_option() -> None:
    assert "sandbox" in scenarios.top_level_keys()
    changed = scenarios.resolve("default", sandbox={"extensions": ["com"]})
    assert changed.world.sandbox_extensions == ("com",)
    with pytest.raises(ScenarioError) as caught:
        scenarios.resolve("default", sandbox={"extensions": ["nope"]})
    assert caught.value.source == "option sandbox.extensions[0]"


def write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "transfers.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def elsewhere(**entry: Any) -> dict[str, Any]:
    return {"registry": {"elsewhere": [{"domain": "away.com", **entry}]}}


def zones(*entries: Any) -> dict[str, Any]:
    return {"accounts": [{"id": "a", "zones": list(entries)}]}


def entry(**fields: Any) -> dict[str, Any]:
    return {"extensions": {"entries": [{"name": "com", **fields}]}}


HERE_AND_ELSEWHERE = {
    "accounts": [{"id": "a"}, {"id": "b", "registrations": [{"domain": "one.com"}]}],
    "registry": {"elsewhere": [{"domain": "two.com"}, {"domain": "ONE.com"}]},
}
TRANSFER_SCRIPT_AFTER_END = {
    "workflows": {
        "transfer": {
            "rules": [
                {"match": "*", "steps": [{"state": "succeeded"}, {"state": "blocked"}]},
            ]
        }
    }
}


@pytest.mark.parametrize(
    ("document", "path", "problem"),
    [
        # zones
        (zones({"domain": "a.com", "dnsec": True}), "accounts[0].zones[0]", "did you mean dnssec?"),
        (
            zones({"domain": "a.com", "staus": "active"}),
            "accounts[0].zones[0]",
            "did you mean status?",
        ),
        (zones({"domain": "a.com", "status": "live"}), "accounts[0].zones[0].status", '"moved"'),
        (zones({"domain": "a.com", "type": "cname"}), "accounts[0].zones[0].type", '"partial"'),
        (zones({"domain": "a.com", "dnssec": "on"}), "accounts[0].zones[0].dnssec", "boolean"),
        (zones({"status": "active"}), "accounts[0].zones[0]", "domain is required"),
        (zones("a.com", 7), "accounts[0].zones[1]", "none of the allowed forms"),
        (
            zones("a.com", "b.com", "A.COM"),
            "accounts[0].zones[2]",
            "same zone as accounts[0].zones[0]",
        ),
        (zones("bad..com"), "accounts[0].zones[0]", "valid domain"),
        (zones({"domain": "-x.com"}), "accounts[0].zones[0].domain", "valid domain"),
        ({"accounts": [{"id": "a", "zone": ["a.com"]}]}, "accounts[0]", "did you mean zones?"),
        ({"accounts": [{"id": "a", "zones": "a.com"}]}, "accounts[0].zones", "must be a list"),
        # domains at other registrars
        (
            elsewhere(losing_registar="rejects"),
            "registry.elsewhere[0]",
            "did you mean losing_registrar?",
        ),
        (elsewhere(auth_cod="x"), "registry.elsewhere[0]", "did you mean auth_code?"),
        ({"registry": {"elsewere": []}}, "registry", "did you mean elsewhere?"),
        (
            {"registry": {"elsewhere": [{"locked": True}]}},
            "registry.elsewhere[0]",
            "domain is required",
        ),
        (
            elsewhere(losing_registrar="ignores"),
            "registry.elsewhere[0].losing_registrar",
            '"silent"',
        ),
        (
            elsewhere(answers_after="2d"),
            "registry.elsewhere[0].answers_after",
            "approves_after or rejects",
        ),
        (
            elsewhere(losing_registrar="approves", answers_after="1h"),
            "registry.elsewhere[0].answers_after",
            "approves_after or rejects",
        ),
        (
            elsewhere(losing_registrar="rejects", answers_after="6d"),
            "registry.elsewhere[0].answers_after",
            "at most 5d",
        ),
        (
            elsewhere(losing_registrar="approves_after", answers_after="soon"),
            "registry.elsewhere[0].answers_after",
            "",
        ),
        (
            elsewhere(created_at="-1y", expires_at="-2y"),
            "registry.elsewhere[0].expires_at",
            "after created_at",
        ),
        (
            elsewhere(created_at="-1y", last_transferred_at="-2y"),
            "registry.elsewhere[0].last_transferred_at",
            "not be before created_at",
        ),
        (elsewhere(created_at="+20 days"), "registry.elsewhere[0].created_at", ""),
        (elsewhere(expires_at="2027-01-01"), "registry.elsewhere[0].expires_at", ""),
        (
            elsewhere(statuses=["clientTransferProhibitted"]),
            "registry.elsewhere[0].statuses[0]",
            "clientTransferProhibited",
        ),
        (elsewhere(statuses="ok"), "registry.elsewhere[0].statuses", "must be a list"),
        (elsewhere(auth_code=""), "registry.elsewhere[0].auth_code", "visible ASCII"),
        (elsewhere(auth_code="has a space"), "registry.elsewhere[0].auth_code", "visible ASCII"),
        (elsewhere(auth_code=12345), "registry.elsewhere[0].auth_code", "must be a string"),
        (elsewhere(registrar=""), "registry.elsewhere[0].registrar", "at least 1"),
        (
            elsewhere(registrant_approval="yes"),
            "registry.elsewhere[0].registrant_approval",
            "boolean",
        ),
        (
            {"registry": {"elsewhere": [{"domain": "bad..com"}]}},
            "registry.elsewhere[0].domain",
            "valid domain",
        ),
        (
            {
                "registry": {
                    "elsewhere": [{"domain": "a.com"}, {"domain": "b.com"}, {"domain": "A.com"}]
                }
            },
            "registry.elsewhere[2].domain",
            "the same domain as registry.elsewhere[0]",
        ),
        (
            HERE_AND_ELSEWHERE,
            "registry.elsewhere[1].domain",
            "registered here, by accounts[1].registrations[0]",
        ),
        # transfer scripts
        ({"workflows": {"transfers": {}}}, "workflows", "did you mean transfer?"),
        (
            {"workflows": {"transfer": {"default": [{"state": "blocked", "for": "1d"}]}}},
            "workflows.transfer.default[0]",
            "must end in succeeded or failed",
        ),
        (
            TRANSFER_SCRIPT_AFTER_END,
            "workflows.transfer.rules[0].steps[1]",
            "after the terminal state",
        ),
        (
            {
                "workflows": {
                    "transfer": {"default": [{"state": "action_required"}, {"state": "succeeded"}]}
                }
            },
            "workflows.transfer.default[0].context",
            "confirmation_sent_to",
        ),
        (
            {"workflows": {"transfer": {"rules": [{"match": "*", "step": []}]}}},
            "workflows.transfer.rules[0]",
            "did you mean steps?",
        ),
        # extensions
        (entry(transfer_cots="1.00"), "extensions.entries[0]", "did you mean transfer_cost?"),
        (entry(transfer_chanel="api"), "extensions.entries[0]", "did you mean transfer_channel?"),
        (entry(transfer_channel="email"), "extensions.entries[0].transfer_channel", '"frozen"'),
        (entry(transfer_cost="free"), "extensions.entries[0].transfer_cost", "expected form"),
        (entry(transfer_cost=5), "extensions.entries[0].transfer_cost", "must be a string"),
        (entry(auth_code="no"), "extensions.entries[0].auth_code", "boolean"),
        (entry(redaction=1), "extensions.entries[0].redaction", "boolean"),
        (
            entry(created_at="-1d", updated_at="-2d"),
            "extensions.entries[0].updated_at",
            "before created_at",
        ),
        (entry(updated_at="tomorrow"), "extensions.entries[0].updated_at", ""),
        # the sandbox
        ({"sandbx": {}}, "", "did you mean sandbox?"),
        ({"sandbox": {"extension": ["com"]}}, "sandbox", "did you mean extensions?"),
        ({"sandbox": {"extensions": "com"}}, "sandbox.extensions", "must be a list"),
        (
            {"sandbox": {"extensions": ["com", "horse"]}},
            "sandbox.extensions[1]",
            "not an extension of",
        ),
        ({"sandbox": {"extensions": [".com"]}}, "sandbox.extensions[0]", "expected form"),
        (
            {"sandbox": {"extensions": ["com", "net", "com"]}},
            "sandbox.extensions[2]",
            "the same extension as sandbox.extensions[0]",
        ),
        (
            {
                "extensions": {"include_defaults": False, "entries": [{"name": "test"}]},
                "sandbox": {"extensions": ["com"]},
            },
            "sandbox.extensions[0]",
            "not an extension of",
        ),
    ],
)
def test_broken_transfer_keys_are_refused_naming_file_and_path(
    tmp_path: Path, document: dict[str, Any], path: str, problem: str
) -> None:
    file = write(tmp_path, document)
    with pytest.raises(ScenarioError) as caught:
        scenarios.resolve(file)
    assert caught.value.source == str(file)
    assert caught.value.path == path
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{file}: {path}" if path else f"{file}: ")


def test_a_refusal_never_quotes_an_auth_code(tmp_path: Path) -> None:
    """Messages can reach an HTTP answer: they name places, never what a file holds."""
    secret = "hunter2 secret code"
    for document in (
        elsewhere(auth_code=secret),
        elsewhere(**{secret: True}),
        zones({"domain": "a.com", secret: 1}),
    ):
        with pytest.raises(ScenarioError) as caught:
            scenarios.resolve(write(tmp_path, document))
        assert "hunter2" not in str(caught.value)
