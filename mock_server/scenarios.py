"""Scenario files: one YAML document describes a whole world. Loading is strict.

A bad file is refused before the server starts, with a message naming the file
and the path inside it, e.g. ``near-limit.yaml: accounts[0].registrations[3].expires_at:
...``. The format is published as a JSON Schema (``scenarios/scenario.schema.json``)
so editors can check files as they are written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .clock import DEFAULT_START
from .domain.catalogue import Catalogue, Channel, Extension, default_catalogue
from .domain.models import Contact, PrivacyMode, RegistrationStatus, WorkflowState
from .domain.names import normalize
from .domain.registrar import secret_digest
from .domain.timeutil import add_years
from .domain.workflows import (
    DEFAULT_REGISTRATION_SCRIPT,
    DEFAULT_UPDATE_SCRIPT,
    Script,
    ScriptBook,
    ScriptRule,
    Step,
)
from .domain.world import (
    DEFAULT_CONTACT,
    AccountSpec,
    ApiKey,
    Lifecycle,
    PremiumDomain,
    RegistryView,
    SeedRegistration,
    World,
    default_registry,
)
from .faults import Effect, FaultRule
from .spec import registrar_operations

DEFAULT_SEED_CREATED = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file and the path in it."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source, self.path, self.problem = source, path, problem
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Scenario:
    world: World
    faults: tuple[FaultRule, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict)
    source: str = "<built-in>"

    @property
    def name(self) -> str:
        return self.world.name


# --- finding scenarios --------------------------------------------------------


def bundled_dir() -> Path:
    """Bundled scenarios: in the installed package, or beside it in a source checkout."""
    packaged = Path(__file__).resolve().parent / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "scenarios"


def bundled() -> dict[str, Path]:
    return {path.stem: path for path in sorted(bundled_dir().glob("*.yaml"))}


def resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    found = bundled().get(text)
    if found is not None:
        return found
    path = Path(text)
    if path.is_file():
        return path
    names = ", ".join(bundled())
    raise ScenarioError(text, "", f"no such scenario file or bundled scenario (bundled: {names})")


def load(name_or_path: str | Path) -> Scenario:
    path = resolve(name_or_path)
    return load_file(path)


def load_file(path: Path) -> Scenario:
    source = path.name if path.parent == bundled_dir() else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot read: {exc.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(
            source, where, f"not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if document is None:
        document = {}
    return from_document(document, source=source, default_name=path.stem)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((bundled_dir() / "scenario.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def dotted(path: Iterable[Any]) -> str:
    """``["accounts", 1, "registrations"]`` as ``accounts[1].registrations``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- building a world ---------------------------------------------------------


def from_document(
    document: Any, *, source: str = "<inline>", default_name: str = "inline"
) -> Scenario:
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        assert best is not None
        raise ScenarioError(source, dotted(best.absolute_path), best.message)
    return _Builder(document, source).build(default_name)


class _Builder:
    def __init__(self, document: Mapping[str, Any], source: str) -> None:
        self.doc = document
        self.source = source

    def fail(self, path: Sequence[Any], problem: str) -> ScenarioError:
        return ScenarioError(self.source, dotted(path), problem)

    def build(self, default_name: str) -> Scenario:
        doc = self.doc
        catalogue = self.catalogue()
        accounts = tuple(
            self.account(spec, ["accounts", i], catalogue)
            for i, spec in enumerate(doc.get("accounts", []))
        )
        ids = [account.id for account in accounts]
        for i, account_id in enumerate(ids):
            if account_id in ids[:i]:
                raise self.fail(["accounts", i, "id"], f"duplicate account id {account_id!r}")
        held: dict[str, str] = {}
        for i, account in enumerate(accounts):
            for j, seed in enumerate(account.registrations):
                if seed.domain_name in held:
                    raise self.fail(
                        ["accounts", i, "registrations", j, "domain"],
                        f"{seed.domain_name} is already held by account {held[seed.domain_name]}",
                    )
                held[seed.domain_name] = account.id
        world = World(
            name=str(doc.get("name", default_name)),
            description=str(doc.get("description", "")),
            accounts=accounts,
            open_accounts=bool(doc.get("open_accounts", not accounts)),
            catalogue=catalogue,
            registry=self.registry(),
            scripts=self.scripts(),
            domain_limit=int(doc.get("domain_limit", 100)),
            sync_wait_seconds=self.duration(doc.get("sync_wait", 10)),
            seed=int(doc.get("seed", 0)),
            start=self.timestamp(doc["start"], ["start"]) if "start" in doc else DEFAULT_START,
            lifecycle=self.lifecycle(),
        )
        faults = tuple(
            self.fault(spec, ["faults", i], set(ids), world.open_accounts)
            for i, spec in enumerate(doc.get("faults", []))
        )
        return Scenario(world, faults, document=doc, source=self.source)

    # --- pieces ---

    def duration(self, value: float | str) -> float:
        if isinstance(value, int | float):
            return float(value)
        match = _DURATION.fullmatch(value)
        assert match, value  # the schema's pattern already guarantees the form
        return float(match.group(1)) * _UNITS[match.group(2)]

    def timestamp(self, value: str, path: list[Any]) -> datetime:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(path, f"not a timestamp: {value!r}") from None
        if parsed.tzinfo is None:
            raise self.fail(path, "timestamps need a timezone, e.g. a trailing Z")
        return parsed.astimezone(UTC)

    def domain(self, value: str, path: list[Any]) -> str:
        name = normalize(value)
        if name is None:
            raise self.fail(path, f"not a valid domain name: {value!r}")
        return name

    def catalogue(self) -> Catalogue:
        spec = self.doc.get("extensions", {})
        base = (
            {ext.name: ext for ext in default_catalogue()}
            if spec.get("include_defaults", True)
            else {}
        )
        for i, entry in enumerate(spec.get("entries", [])):
            path = ["extensions", "entries", i]
            known = base.get(entry["name"])
            registration = (
                Decimal(entry["registration_cost"]) if "registration_cost" in entry else None
            )
            extension = Extension(
                entry["name"],
                Channel(entry.get("channel", known.channel if known else "api")),
                currency=entry.get("currency", known.currency if known else "USD"),
                registration_cost=registration
                or (known.registration_cost if known else Decimal("10.00")),
                renewal_cost=Decimal(entry["renewal_cost"])
                if "renewal_cost" in entry
                else (registration or (known.renewal_cost if known else Decimal("10.00"))),
                min_years=entry.get("min_years", known.min_years if known else 1),
                max_years=entry.get("max_years", known.max_years if known else 10),
            )
            if extension.min_years > extension.max_years:
                raise self.fail([*path, "min_years"], "min_years is greater than max_years")
            base[extension.name] = extension
        return Catalogue(base.values())

    def registry(self) -> RegistryView:
        spec = self.doc.get("registry", {})
        base = default_registry() if spec.get("include_defaults", True) else RegistryView()
        taken = set(base.taken)
        taken.update(
            self.domain(d, ["registry", "taken", i]) for i, d in enumerate(spec.get("taken", []))
        )
        premium = dict(base.premium)
        for i, entry in enumerate(spec.get("premium", [])):
            name = self.domain(entry["domain"], ["registry", "premium", i, "domain"])
            cost = Decimal(entry["registration_cost"])
            premium[name] = PremiumDomain(name, cost, Decimal(entry.get("renewal_cost", cost)))
        stale = {
            self.domain(d, ["registry", "stale_in_search", i])
            for i, d in enumerate(spec.get("stale_in_search", []))
        }
        return RegistryView(frozenset(taken), premium, frozenset(base.stale_in_search | stale))

    def script(self, steps: list[Mapping[str, Any]], path: list[Any]) -> Script:
        built: list[Step] = []
        for i, step in enumerate(steps):
            here = [*path, i]
            state = WorkflowState(step["state"])
            if built and built[-1].state.terminal:
                raise self.fail(here, f"a step after the terminal state {built[-1].state.value}")
            if "for" in step and "polls" in step:
                raise self.fail(here, "a step holds either 'for' a time or for 'polls', not both")
            if state.terminal and ("for" in step or "polls" in step):
                raise self.fail(here, f"{state.value} is terminal and cannot hold")
            if "error" in step and state is not WorkflowState.FAILED:
                raise self.fail([*here, "error"], "only a failed step carries an error")
            if state is WorkflowState.FAILED and "error" not in step:
                raise self.fail(here, "a failed step needs error.code and error.message")
            if state is WorkflowState.ACTION_REQUIRED:
                missing = {"action", "confirmation_sent_to"} - set(step.get("context", {}))
                if missing:
                    raise self.fail([*here, "context"], f"action_required needs {sorted(missing)}")
            error = step.get("error", {})
            built.append(
                Step(
                    state,
                    seconds=self.duration(step["for"]) if "for" in step else None,
                    polls=step.get("polls"),
                    context=dict(step.get("context", {})),
                    error_code=error.get("code"),
                    error_message=error.get("message"),
                )
            )
        if not built[-1].state.terminal:
            raise self.fail([*path, len(steps) - 1], "a script must end in succeeded or failed")
        return Script(tuple(built))

    def scripts(self) -> ScriptBook:
        spec = self.doc.get("workflows", {})
        books: dict[str, tuple[Script, tuple[ScriptRule, ...]]] = {}
        defaults = {"registration": DEFAULT_REGISTRATION_SCRIPT, "update": DEFAULT_UPDATE_SCRIPT}
        for kind, default in defaults.items():
            kind_spec = spec.get(kind, {})
            path = ["workflows", kind]
            if "default" in kind_spec:
                default = self.script(kind_spec["default"], [*path, "default"])
            rules = tuple(
                ScriptRule(
                    rule["match"].lower(), self.script(rule["steps"], [*path, "rules", i, "steps"])
                )
                for i, rule in enumerate(kind_spec.get("rules", []))
            )
            books[kind] = (default, rules)
        return ScriptBook(
            registration_rules=books["registration"][1],
            update_rules=books["update"][1],
            default_registration=books["registration"][0],
            default_update=books["update"][0],
        )

    def lifecycle(self) -> Lifecycle:
        spec = self.doc.get("lifecycle", {})
        base = Lifecycle()
        return Lifecycle(
            renew_before=self.duration(spec.get("renew_before", base.renew_before)),
            expired_for=self.duration(spec.get("expired_for", base.expired_for)),
            redemption_for=self.duration(spec.get("redemption_for", base.redemption_for)),
            pending_delete_for=self.duration(
                spec.get("pending_delete_for", base.pending_delete_for)
            ),
        )

    def contact(self, spec: Mapping[str, Any]) -> Contact:
        fields: dict[str, Any] = {key: spec.get(key) for key in Contact.__dataclass_fields__}
        return Contact(**fields)

    def account(
        self, spec: Mapping[str, Any], path: list[Any], catalogue: Catalogue
    ) -> AccountSpec:
        contact = spec.get("default_contact", DEFAULT_CONTACT)
        seeds = [
            self.seed_registration(entry, [*path, "registrations", i])
            for i, entry in enumerate(spec.get("registrations", []))
        ]
        generate = spec.get("generate")
        if generate is not None:
            created = self.timestamp(
                generate.get("created_at", "2025-01-15T10:00:00Z"),
                [*path, "generate", "created_at"],
            )
            pattern = generate.get("pattern", f"{spec['id']}-{{n}}.com")
            for n in range(generate["count"]):
                name = self.domain(pattern.replace("{n}", str(n)), [*path, "generate", "pattern"])
                seeds.append(
                    SeedRegistration(
                        name,
                        created_at=created,
                        expires_at=add_years(created, generate.get("years", 2)),
                        auto_renew=generate.get("auto_renew", False),
                    )
                )
        for i, seed in enumerate(seeds):
            _, _, extension = catalogue.split(seed.domain_name)
            if extension is None:
                raise self.fail([*path, "registrations", i, "domain"], "unknown extension")
        return AccountSpec(
            id=spec["id"],
            tokens=tuple(spec.get("tokens", ())),
            api_keys=tuple(ApiKey(k["email"], k["key"]) for k in spec.get("api_keys", ())),
            has_billing=spec.get("billing", True),
            default_contact=None
            if contact is None
            else (contact if isinstance(contact, Contact) else self.contact(contact)),
            registrations=tuple(seeds),
        )

    def seed_registration(self, spec: Mapping[str, Any], path: list[Any]) -> SeedRegistration:
        name = self.domain(spec["domain"], [*path, "domain"])
        created = (
            self.timestamp(spec["created_at"], [*path, "created_at"])
            if "created_at" in spec
            else DEFAULT_SEED_CREATED
        )
        expires = (
            self.timestamp(spec["expires_at"], [*path, "expires_at"])
            if "expires_at" in spec
            else add_years(created, 1)
        )
        if expires <= created:
            raise self.fail([*path, "expires_at"], "expires_at must be after created_at")
        return SeedRegistration(
            name,
            status=RegistrationStatus(spec.get("status", "active")),
            created_at=created,
            expires_at=expires,
            auto_renew=spec.get("auto_renew", False),
            locked=spec.get("locked", True),
            privacy_mode=PrivacyMode(spec.get("privacy_mode", "redaction")),
        )

    def fault(
        self, spec: Mapping[str, Any], path: list[Any], accounts: set[str], open_accounts: bool
    ) -> FaultRule:
        for i, operation in enumerate(spec.get("operations", [])):
            if operation not in registrar_operations():
                raise self.fail([*path, "operations", i], f"unknown operation {operation!r}")
        account = spec.get("account")
        if account is not None and not open_accounts and account not in accounts:
            raise self.fail([*path, "account"], f"no account {account!r} in this scenario")
        return fault_rule(spec, default_id=f"fault-{path[-1] + 1}", duration=self.duration)


def parse_duration(value: float | str) -> float:
    return _Builder({}, "").duration(value)


def fault_rule(
    spec: Mapping[str, Any], *, default_id: str, duration: Any = parse_duration
) -> FaultRule:
    """A rule from its JSON form (scenario files and the control API share it)."""
    effect_spec = spec["effect"]
    status = effect_spec.get("status")
    effect = Effect(
        status=status,
        code=effect_spec.get("code", 10429 if status == 429 else 10500) if status else None,
        message=effect_spec.get("message", _default_message(status)) if status else None,
        headers=tuple((str(k), str(v)) for k, v in effect_spec.get("headers", {}).items()),
        latency=duration(effect_spec.get("latency", 0)),
        drop=effect_spec.get("drop"),
    )
    operations = spec.get("operations")
    return FaultRule(
        id=str(spec.get("id", default_id)),
        effect=effect,
        operations=frozenset(operations) if operations is not None else None,
        account=spec.get("account"),
        probability=spec.get("probability"),
        nth=spec.get("nth"),
        every=spec.get("every"),
        times=spec.get("times"),
    )


def _default_message(status: int | None) -> str:
    if status == 429:
        return "Rate limited. Please wait and try again."
    if status is not None and status >= 500:
        return "Internal server error"
    return "Injected fault"


def validate_fault(spec: Any) -> None:
    """Check one fault rule against the scenario schema; raises ScenarioError."""
    schema = _validator().schema["$defs"]["fault"]
    validator = jsonschema.Draft202012Validator({**schema, "$defs": _validator().schema["$defs"]})
    errors = list(validator.iter_errors(spec))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        assert best is not None
        raise ScenarioError("fault", dotted(best.absolute_path), best.message)
    for i, operation in enumerate(spec.get("operations", [])):
        if operation not in registrar_operations():
            raise ScenarioError("fault", f"operations[{i}]", f"unknown operation {operation!r}")


def redacted(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a scenario document with each token and key replaced by its digest.

    Exports and state files hold this, so they never carry a credential, and
    loading them still accepts the real credentials.
    """
    copy: dict[str, Any] = json.loads(json.dumps(document))
    for account in copy.get("accounts", []):
        account["tokens"] = [_digest(token) for token in account.get("tokens", [])]
        for api_key in account.get("api_keys", []):
            api_key["key"] = _digest(api_key["key"])
    return copy


def _digest(secret: str) -> str:
    return secret if secret.startswith("sha256:") else secret_digest(secret)


def default_scenario() -> Scenario:
    return load("default")


__all__ = [
    "Scenario",
    "ScenarioError",
    "bundled",
    "default_scenario",
    "fault_rule",
    "from_document",
    "load",
    "parse_duration",
    "redacted",
]
