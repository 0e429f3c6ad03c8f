"""Building a :class:`~registrar_mock.model.World` from a scenario document, strictly.

The schema has already checked shapes; this adds the rules a schema can't state
(a step after a terminal state, duplicate accounts, a domain held twice or both here
and at another registrar, a fault naming an unknown operation) and names the path of
whatever breaks them. Where a document leaves a field out, the model's own default
applies: nothing here restates one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from registrar_mock import durations
from registrar_mock import errors as e
from registrar_mock.clock import DEFAULT_START, EARLIEST, LATEST, in_span
from registrar_mock.model.catalogue import Catalogue, Channel, Extension, default_catalogue
from registrar_mock.model.records import (
    Contact,
    PrivacyMode,
    RegistrationStatus,
    WorkflowState,
    Zone,
    ZoneStatus,
    ZoneType,
)
from registrar_mock.model.timeutil import add_years
from registrar_mock.model.workflows import (
    DEFAULT_REGISTRATION_SCRIPT,
    DEFAULT_UPDATE_SCRIPT,
    Script,
    ScriptBook,
    ScriptRule,
    Step,
)
from registrar_mock.model.world import (
    APPROVAL_WINDOW,
    AccountSpec,
    ApiKey,
    ForeignDomain,
    Lifecycle,
    LosingRegistrar,
    PremiumDomain,
    RegistryView,
    SeedRegistration,
    World,
    default_registry,
)
from registrar_mock.names import normalize
from registrar_mock.scenarios.files import ScenarioError, dotted, validate
from registrar_mock.spec import registrar_operations


@dataclass(frozen=True)
class Scenario:
    """A world, the fault rules it starts with (as checked documents) and where it came from."""

    world: World
    faults: tuple[Mapping[str, Any], ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict)
    source: str = "<built-in>"

    @property
    def name(self) -> str:
        return self.world.name

    @property
    def fixed_start(self) -> bool:
        """Whether the scenario says where its clock starts (a world built in code does)."""
        return not self.document or "start" in self.document


def from_document(
    document: Any, *, source: str = "<inline>", default_name: str = "inline"
) -> Scenario:
    validate(document, source)
    return _Builder(document, source).build(default_name)


def _given(spec: Mapping[str, Any], **renames: str) -> dict[str, Any]:
    """The keyword arguments for fields a document gives: ``{field: spec[key]}``."""
    return {name: spec[key] for name, key in renames.items() if key in spec}


class _Builder:
    def __init__(self, document: Mapping[str, Any], source: str) -> None:
        self.doc = document
        self.source = source

    def fail(self, path: Sequence[Any], problem: str) -> ScenarioError:
        return ScenarioError(self.source, dotted(path), problem)

    def build(self, default_name: str) -> Scenario:
        doc = self.doc
        # First: relative dates elsewhere in the document count from it.
        self.start = self.timestamp(doc["start"], ["start"]) if "start" in doc else DEFAULT_START
        catalogue = self.catalogue()
        accounts = tuple(
            self.account(spec, ["accounts", i], catalogue)
            for i, spec in enumerate(doc.get("accounts", []))
        )
        # Messages name places in the file, never the values in it: a scenario error can
        # reach an HTTP answer, and must not carry a file's contents.
        ids = [account.id for account in accounts]
        for i, account_id in enumerate(ids):
            if account_id in ids[:i]:
                first = ids.index(account_id)
                raise self.fail(["accounts", i, "id"], f"the same id as accounts[{first}]")
        held: dict[str, str] = {}
        for i, account in enumerate(accounts):
            for j, seed in enumerate(account.registrations):
                if seed.domain_name in held:
                    raise self.fail(
                        ["accounts", i, "registrations", j, "domain"],
                        f"already held by {held[seed.domain_name]}",
                    )
                held[seed.domain_name] = dotted(["accounts", i, "registrations", j])
        options: dict[str, Any] = _given(
            doc,
            domain_limit="domain_limit",
            seed="seed",
            lenient_ids="lenient_ids",
            lenient_credentials="lenient_credentials",
        )
        if "sync_wait" in doc:
            options["sync_wait_seconds"] = self.duration(doc["sync_wait"], ["sync_wait"])
        if "start" in doc:
            options["start"] = self.start
        if "extensions" in doc.get("sandbox", {}):
            options["sandbox_extensions"] = self.sandbox_extensions(catalogue)
        world = World(
            name=str(doc.get("name", default_name)),
            description=str(doc.get("description", "")),
            accounts=accounts,
            # A world that lists no account serves any; one that lists some, only those.
            open_accounts=bool(doc.get("open_accounts", not accounts)),
            catalogue=catalogue,
            registry=self.registry(held),
            scripts=self.scripts(),
            lifecycle=self.lifecycle(),
            **options,
        )
        faults = tuple(
            self.fault(spec, ["faults", i], set(ids), world.open_accounts)
            for i, spec in enumerate(doc.get("faults", []))
        )
        rule_ids = [str(spec["id"]) for spec in faults]
        for i, rule_id in enumerate(rule_ids):
            if rule_id in rule_ids[:i]:
                raise self.fail(
                    ["faults", i, "id"], f"the same id as faults[{rule_ids.index(rule_id)}]"
                )
        return Scenario(world, faults, document=doc, source=self.source)

    # --- pieces ---

    def duration(self, value: Any, path: list[Any]) -> float:
        try:
            return durations.seconds(value)
        except e.InvalidRequest:
            raise self.fail(
                path, f"not a duration: give {durations.FORMS}; from 0 to 100 years"
            ) from None

    def timestamp(self, value: str, path: list[Any]) -> datetime:
        """An RFC 3339 timestamp, or one relative to the start (``+20d``, ``-1y+30d``),
        between 1970 and 9000."""
        instant = self.relative(value, path) if value[:1] in "+-" else self.absolute(value, path)
        if not in_span(instant):
            raise self.fail(path, f"outside {EARLIEST.year} to {LATEST.year}")
        return instant

    def absolute(self, value: str, path: list[Any]) -> datetime:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(path, "not an RFC 3339 timestamp") from None
        if parsed.tzinfo is None:
            raise self.fail(path, "timestamps need a timezone, e.g. a trailing Z")
        if not in_span(parsed):
            raise self.fail(path, f"outside {EARLIEST.year} to {LATEST.year}")
        return parsed.astimezone(UTC)

    def relative(self, value: str, path: list[Any]) -> datetime:
        instant = self.start
        try:
            for sign, amount, unit in _RELATIVE.findall(value):
                signed = int(amount) if sign == "+" else -int(amount)
                if unit == "y":
                    instant = add_years(instant, signed)
                else:
                    instant += timedelta(seconds=signed * _UNIT_SECONDS[unit])
        except (OverflowError, ValueError):
            raise self.fail(path, "too far from the start") from None
        return instant

    def domain(self, value: str, path: list[Any]) -> str:
        name = normalize(value)
        if name is None:
            raise self.fail(path, "not a valid domain name")
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
            changes = _given(
                entry, currency="currency", min_years="min_years", max_years="max_years"
            )
            changes.update(_given(entry, auth_code="auth_code", redaction="redaction"))
            for key in ("channel", "transfer_channel"):
                if key in entry:
                    changes[key] = Channel(entry[key])
            for key in ("created_at", "updated_at"):
                if key in entry:
                    changes[key] = self.timestamp(entry[key], [*path, key])
            if "registration_cost" in entry:
                changes["registration_cost"] = Decimal(entry["registration_cost"])
                # One price given is both prices, unless the renewal is given too.
                changes["renewal_cost"] = changes["registration_cost"]
            if "renewal_cost" in entry:
                changes["renewal_cost"] = Decimal(entry["renewal_cost"])
            if "transfer_cost" in entry:
                changes["transfer_cost"] = Decimal(entry["transfer_cost"])
            known = base.get(entry["name"])
            extension = replace(known, **changes) if known else Extension(entry["name"], **changes)
            if extension.min_years > extension.max_years:
                raise self.fail([*path, "min_years"], "min_years is greater than max_years")
            if extension.updated_at < extension.created_at:
                raise self.fail([*path, "updated_at"], "updated_at is before created_at")
            base[extension.name] = extension
        return Catalogue(base.values())

    def registry(self, held: Mapping[str, str]) -> RegistryView:
        """The registry; ``held`` names where each domain the accounts hold is declared."""
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
        elsewhere = dict(base.elsewhere)
        described: list[str] = []
        for i, entry in enumerate(spec.get("elsewhere", [])):
            path = ["registry", "elsewhere", i]
            foreign = self.foreign_domain(entry, path)
            if foreign.name in described:
                first = described.index(foreign.name)
                raise self.fail(
                    [*path, "domain"], f"the same domain as registry.elsewhere[{first}]"
                )
            if foreign.name in held:
                # A domain is at one registrar: an account here holding it is Cloudflare.
                raise self.fail([*path, "domain"], f"registered here, by {held[foreign.name]}")
            described.append(foreign.name)
            elsewhere[foreign.name] = foreign
        return RegistryView(
            frozenset(taken), premium, frozenset(base.stale_in_search | stale), elsewhere
        )

    def foreign_domain(self, spec: Mapping[str, Any], path: list[Any]) -> ForeignDomain:
        name = self.domain(spec["domain"], [*path, "domain"])
        options: dict[str, Any] = _given(
            spec,
            registrar="registrar",
            locked="locked",
            auth_code="auth_code",
            registrant_approval="registrant_approval",
        )
        for key in ("created_at", "expires_at", "last_transferred_at"):
            if key in spec:
                options[key] = self.timestamp(spec[key], [*path, key])
        if "statuses" in spec:
            options["statuses"] = tuple(spec["statuses"])
        if "losing_registrar" in spec:
            options["losing_registrar"] = LosingRegistrar(spec["losing_registrar"])
        if "answers_after" in spec:
            options["answers_after"] = self.duration(
                spec["answers_after"], [*path, "answers_after"]
            )
        foreign = ForeignDomain(name, **options)
        if foreign.expires_at is not None and foreign.expires_at <= foreign.created_at:
            raise self.fail([*path, "expires_at"], "expires_at must be after created_at")
        moved = foreign.last_transferred_at
        if moved is not None and moved < foreign.created_at:
            raise self.fail(
                [*path, "last_transferred_at"], "last_transferred_at must not be before created_at"
            )
        if "answers_after" in spec:
            timed = (LosingRegistrar.APPROVES_AFTER, LosingRegistrar.REJECTS)
            if foreign.losing_registrar not in timed:
                raise self.fail(
                    [*path, "answers_after"],
                    "only a losing_registrar that approves_after or rejects answers after a while",
                )
            if foreign.answers_after > APPROVAL_WINDOW:
                raise self.fail(
                    [*path, "answers_after"],
                    "at most 5d: a losing registrar has five days to answer, after which its "
                    "silence approves (losing_registrar: silent)",
                )
        return foreign

    def sandbox_extensions(self, catalogue: Catalogue) -> tuple[str, ...]:
        names: list[str] = []
        for i, name in enumerate(self.doc["sandbox"]["extensions"]):
            path = ["sandbox", "extensions", i]
            if name not in catalogue:
                raise self.fail(path, "not an extension of this scenario's catalogue")
            if name in names:
                raise self.fail(
                    path, f"the same extension as sandbox.extensions[{names.index(name)}]"
                )
            names.append(name)
        return tuple(names)

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
                    seconds=self.duration(step["for"], [*here, "for"]) if "for" in step else None,
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
        registration, registration_rules = self.script_set("registration")
        update, update_rules = self.script_set("update")
        # A transfer with no script written follows its losing registrar (the model's).
        transfer, transfer_rules = self.script_set("transfer")
        return ScriptBook(
            registration_rules=registration_rules,
            update_rules=update_rules,
            default_registration=registration or DEFAULT_REGISTRATION_SCRIPT,
            default_update=update or DEFAULT_UPDATE_SCRIPT,
            transfer_rules=transfer_rules,
            default_transfer=transfer,
        )

    def script_set(self, kind: str) -> tuple[Script | None, tuple[ScriptRule, ...]]:
        """A kind's default script as written (None if it isn't), and its rules."""
        spec = self.doc.get("workflows", {}).get(kind, {})
        path = ["workflows", kind]
        default = self.script(spec["default"], [*path, "default"]) if "default" in spec else None
        rules = tuple(
            ScriptRule(
                rule["match"].lower(), self.script(rule["steps"], [*path, "rules", i, "steps"])
            )
            for i, rule in enumerate(spec.get("rules", []))
        )
        return default, rules

    def lifecycle(self) -> Lifecycle:
        spec = self.doc.get("lifecycle", {})
        phases = ("renew_before", "expired_for", "redemption_for", "pending_delete_for")
        return Lifecycle(
            **{
                name: self.duration(spec[name], ["lifecycle", name])
                for name in phases
                if name in spec
            }
        )

    def contact(self, spec: Mapping[str, Any]) -> Contact:
        fields: dict[str, Any] = {key: spec.get(key) for key in Contact.__dataclass_fields__}
        return Contact(**fields)

    def account(
        self, spec: Mapping[str, Any], path: list[Any], catalogue: Catalogue
    ) -> AccountSpec:
        seeds = [
            self.seed_registration(entry, [*path, "registrations", i])
            for i, entry in enumerate(spec.get("registrations", []))
        ]
        generate = spec.get("generate")
        if generate is not None:
            options = _given(generate, years="years", auto_renew="auto_renew")
            if "created_at" in generate:
                options["created_at"] = self.timestamp(
                    generate["created_at"], [*path, "generate", "created_at"]
                )
            pattern = generate.get("pattern", f"{spec['id']}-{{n}}.com")
            for n in range(generate["count"]):
                name = self.domain(pattern.replace("{n}", str(n)), [*path, "generate", "pattern"])
                seeds.append(SeedRegistration(name, **options))
        for i, seed in enumerate(seeds):
            _, _, extension = catalogue.split(seed.domain_name)
            if extension is None:
                raise self.fail([*path, "registrations", i, "domain"], "unknown extension")
        options = _given(spec, has_billing="billing")
        if "zones" in spec:
            options["zones"] = self.zones(spec["zones"], [*path, "zones"])
        if "default_contact" in spec:
            contact = spec["default_contact"]
            options["default_contact"] = None if contact is None else self.contact(contact)
        return AccountSpec(
            id=spec["id"],
            tokens=tuple(spec.get("tokens", ())),
            api_keys=tuple(ApiKey(k["email"], k["key"]) for k in spec.get("api_keys", ())),
            registrations=tuple(seeds),
            **options,
        )

    def zones(self, entries: Sequence[Any], path: list[Any]) -> tuple[Zone, ...]:
        """An account's zones: each a name (active, full, DNSSEC off) or a mapping."""
        zones: list[Zone] = []
        for i, entry in enumerate(entries):
            here = [*path, i]
            if isinstance(entry, str):
                zone = Zone(self.domain(entry, here))
            else:
                options: dict[str, Any] = _given(entry, dnssec="dnssec")
                if "status" in entry:
                    options["status"] = ZoneStatus(entry["status"])
                if "type" in entry:
                    options["type"] = ZoneType(entry["type"])
                zone = Zone(self.domain(entry["domain"], [*here, "domain"]), **options)
            names = [known.name for known in zones]
            if zone.name in names:
                raise self.fail(here, f"the same zone as {dotted([*path, names.index(zone.name)])}")
            zones.append(zone)
        return tuple(zones)

    def seed_registration(self, spec: Mapping[str, Any], path: list[Any]) -> SeedRegistration:
        name = self.domain(spec["domain"], [*path, "domain"])
        options: dict[str, Any] = _given(spec, auto_renew="auto_renew", locked="locked")
        for key in ("created_at", "expires_at"):
            if key in spec:
                options[key] = self.timestamp(spec[key], [*path, key])
        if "status" in spec:
            options["status"] = RegistrationStatus(spec["status"])
        if "privacy_mode" in spec:
            options["privacy_mode"] = PrivacyMode(spec["privacy_mode"])
        seed = SeedRegistration(name, **options)
        if seed.expires_at is not None and seed.expires_at <= seed.created_at:
            raise self.fail([*path, "expires_at"], "expires_at must be after created_at")
        return seed

    def fault(
        self, spec: Mapping[str, Any], path: list[Any], accounts: set[str], open_accounts: bool
    ) -> Mapping[str, Any]:
        check_fault(spec, self.source, dotted(path))
        account = spec.get("account")
        if account is not None and not open_accounts and account not in accounts:
            raise self.fail([*path, "account"], "names no account of this scenario")
        # A rule without an id is named by its place in the list, so a reset names it the same.
        return {"id": f"fault-{path[-1] + 1}", **spec}


# A time relative to the scenario's start, one signed amount at a time: "+1y", "-1y+30d".
_RELATIVE = re.compile(r"([+-])(\d+)(ms|s|m|h|d|w|y)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

# RFC 9110: a field name is a token; a value is visible characters (latin-1), with spaces
# and tabs only between them. Framing and hop-by-hop fields belong to the server.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r"[\x21-\x7e\x80-\xff]([\x20\x09\x21-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?|")
# Content-Type too: every answer is the JSON envelope, never a page a browser would run.
SERVER_HEADERS = frozenset(
    {"connection", "content-encoding", "content-length", "content-type", "keep-alive",
     "proxy-connection", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade"}
)  # fmt: skip
MAX_HEADER_VALUE = 1024
# Headers the mock uses to signal to its own transports (a dropped connection, say).
OWN_HEADERS = "x-registrar-mock-"


def check_fault(spec: Mapping[str, Any], source: str, where: str = "") -> None:
    """What the schema can't say of a fault rule: its operations are the spec's
    operationIds, and its headers can be sent."""
    prefix = f"{where}." if where else ""
    for i, operation in enumerate(spec.get("operations", [])):
        if operation not in registrar_operations():
            raise ScenarioError(
                source, f"{prefix}operations[{i}]", "not an operationId of the Registrar API"
            )
    headers = spec.get("effect", {}).get("headers", {})
    for name, value in headers.items():
        at = f"{prefix}effect.headers"
        if not _TOKEN.fullmatch(name):
            raise ScenarioError(source, at, "a header name must be an RFC 9110 token")
        if name.lower() in SERVER_HEADERS:
            raise ScenarioError(
                source, at, f"{name} frames the answer or the connection: the server sets it"
            )
        if name.lower().startswith(OWN_HEADERS):
            raise ScenarioError(source, at, "the mock's own headers are not for fault rules")
        if (
            not isinstance(value, str)
            or len(value) > MAX_HEADER_VALUE
            or not _VALUE.fullmatch(value)
        ):
            raise ScenarioError(
                source,
                f"{at}.{name}",
                "a header value must be at most 1,024 visible latin-1 characters, with no CR, "
                "LF or other control characters",
            )
