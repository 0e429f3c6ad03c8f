"""The control plane: what a test can do to the mock beyond the Registrar API.

Reset to a scenario, read and move the clock, settle `action_required`
workflows, manage faults, read the journal, and export or import the whole
state. The HTTP control API (`/__mock__`) and in-process tests both use this
class (``app.control``), so the two can't drift apart. It is also the API's
edge: fault rules fire here, and each request's changes are committed here.

Every refusal is an error from the catalogue (``registrar_mock.errors``), so
Python callers and HTTP callers see the same status, code and message.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registrar_mock import durations
from registrar_mock import errors as e
from registrar_mock.clock import LATEST, Clock, SystemClock, VirtualClock, in_span, isoformat
from registrar_mock.control.durability import SAFE_METHODS, Durability
from registrar_mock.control.faults import FaultBook, FaultRule, fresh, rule_from_spec, saved_rules
from registrar_mock.control.journal import Journal
from registrar_mock.http.edge import Effect
from registrar_mock.model import Account, Registrar, WorkflowKind
from registrar_mock.model.records import Charge
from registrar_mock.model.workflows import Workflow
from registrar_mock.scenarios import (
    Scenario,
    ScenarioError,
    ScenarioNotAllowed,
    ScenarioSource,
    find,
    from_document,
    from_text,
    plain,
    redacted,
    resolve,
    validate_fault,
    with_options,
)
from registrar_mock.scenarios import check_fault as _check_fault
from registrar_mock.store import SnapshotError, StateFile, StateFileError, StoredState, snapshot

EXPORT_FORMAT = "registrar-mock-state"


class Control:
    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        registrar: Registrar,
        store: StateFile | None = None,
        control_token: str | None = None,
        scenario_dirs: Sequence[Path] = (),
    ) -> None:
        self.scenario = scenario
        # The only directories the control API may load scenario files from.
        self.scenario_dirs = tuple(scenario_dirs)
        self.clock = clock
        self.registrar = registrar
        self.faults = FaultBook(seed=scenario.world.seed)
        self.faults.reset(self._scenario_rules(scenario), scenario.world.seed)
        self.journal = Journal()
        # Moves on with every change committed (an API request's, or a control call's), so
        # a watcher (the inspector) knows when to look again; time moving by itself on a
        # running clock is the one change it doesn't count.
        self.version = 0
        self.durability = Durability(
            store,
            registrar,
            clock,
            self.faults,
            document=self._document,
            restore=self._restore_from_file,
        )
        if control_token is not None and not control_token.strip():
            raise ValueError("a control token must not be empty or blank")
        # Header values arrive stripped of surrounding spaces, so the token is compared so too.
        self.control_token = None if control_token is None else control_token.strip()
        self.control_token_bytes = (
            None
            if self.control_token is None
            else self.control_token.encode("utf-8", "surrogateescape")
        )

    # --- the API's edge ---------------------------------------------------------

    def admit(self, method: str) -> None:
        self.durability.admit(method)

    def intercept(self, operation: str, account_id: str) -> Effect | None:
        return self.faults.pick(operation, account_id)

    def commit(self, method: str = "POST", *, saved: bool = False) -> None:
        self.version += 1
        self.durability.commit(reading=saved or method in SAFE_METHODS)

    # --- persistence ------------------------------------------------------------

    def _document(self) -> dict[str, Any] | None:
        """The scenario as exports and state files keep it: credentials as digests, with
        a random salt each time. (The one thing in an export no seed decides: a salt
        anybody could work out would let a guessed token be checked against it.)"""
        document = self.scenario.document
        if not document:
            return None
        return redacted(document, secrets.token_hex(8))

    @property
    def store(self) -> StateFile | None:
        return self.durability.store

    def resume(self, stored: StoredState) -> None:
        """Carry on from a state file's contents (already checked row by row)."""
        with self.registrar.lock:
            try:
                rules = saved_rules(stored.faults)
            except ScenarioError as exc:
                path = self.store.path if self.store is not None else "the state file"
                raise StateFileError(
                    f"{path} is damaged (its {exc}); it was left untouched: move it aside or "
                    "choose another --state-file"
                ) from None
            self.registrar.replace_accounts(stored.accounts)
            # A real clock keeps real time, unless it had been moved past it.
            saved = stored.clock
            if saved is not None and (isinstance(self.clock, VirtualClock) or saved > self.now()):
                _movable(self.clock).set(saved)
            self.faults.reset(rules, self.scenario.world.seed)
            self.registrar.take_dirty()

    def _restore_from_file(self, stored: StoredState) -> None:
        """Undo a whole change (a reset, an import, a clock move) that could not be saved:
        back to the file's scenario, accounts, rules and clock, even a running clock."""
        if stored.scenario is not None:
            self.scenario = from_document(stored.scenario, source="the state file")
        with self.registrar.lock:
            self.registrar.load(self.scenario.world)
            if stored.clock is not None:
                _movable(self.clock).set(stored.clock)
            self.resume(stored)

    def persist(self, *, everything: bool = False) -> None:
        """Make the changes so far durable (no-op without a state file); 503 if they can't be."""
        self.version += 1
        self.durability.commit(everything=everything)

    # --- scenario ---------------------------------------------------------------

    def reset(self, scenario: ScenarioSource | Scenario = None) -> Scenario:
        """Start over from the loaded scenario, or from another one (name, path or document)."""
        self.durability.admit()
        if scenario is not None:
            try:
                self.scenario = anchored(resolve(scenario), self.clock)
            except ScenarioError as exc:
                raise e.SCENARIO_INVALID(detail=str(exc)) from None
        return self._restart()

    def reset_to_named(self, name: str) -> Scenario:
        """Reset to a scenario named over HTTP: bundled, or a file in ``scenario_dirs`` only."""
        try:
            path = find(name, roots=self.scenario_dirs)
        except ScenarioNotAllowed as exc:
            raise e.SCENARIO_NOT_ALLOWED(detail=str(exc)) from None
        except ScenarioError as exc:
            raise e.SCENARIO_INVALID(detail=str(exc)) from None
        return self.reset(path)

    def reset_to_text(self, text: str, name: str) -> Scenario:
        """Reset to an uploaded scenario file's text; errors name the file as ``name``."""
        # Only the file name is kept: a path sent along would read as one on the server.
        name = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "uploaded scenario"
        try:
            scenario = from_text(text, name)
        except ScenarioError as exc:
            raise e.SCENARIO_INVALID(detail=str(exc)) from None
        return self.reset(scenario)

    def _restart(self) -> Scenario:
        world = self.scenario.world
        self.registrar.load(world)
        # Back to the scenario's start, running or not: a reset is a new beginning.
        if isinstance(self.clock, VirtualClock | SystemClock):
            self.clock.set(world.start)
        self.faults.reset(self._scenario_rules(self.scenario), world.seed)
        self.persist(everything=True)
        self.journal.clear()  # only once the reset is kept: a refused one changes nothing
        return self.scenario

    @staticmethod
    def _scenario_rules(scenario: Scenario) -> list[FaultRule]:
        return fresh(rule_from_spec(spec, default_id=str(spec["id"])) for spec in scenario.faults)

    # --- clock ------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, by: durations.Duration) -> datetime:
        """Move the clock forward by seconds, a timedelta, or a duration such as ``"2d"``."""
        self.durability.admit()
        seconds = durations.seconds(by)  # a negative one too is refused, naming the forms
        if seconds > (LATEST - self.clock.now()).total_seconds():
            raise e.CLOCK_LIMIT(limit=LATEST.date())
        _movable(self.clock).advance(seconds)
        self.persist(everything=True)
        return self.clock.now()

    def set_time(self, instant: datetime | str) -> datetime:
        """Move the clock forward to an instant (timezone-aware, or RFC 3339 text)."""
        self.durability.admit()
        if isinstance(instant, str):
            instant = parse_timestamp(instant)
        if instant.tzinfo is None:
            raise e.BAD_TIMESTAMP(value=repr(instant.isoformat()))
        if instant < self.clock.now():
            raise e.CLOCK_BACKWARDS()
        if instant > LATEST:
            raise e.CLOCK_LIMIT(limit=LATEST.date())
        _movable(self.clock).set(instant)
        self.persist(everything=True)
        return self.clock.now()

    def clock_json(self) -> dict[str, Any]:
        scale = self.clock.time_scale if isinstance(self.clock, SystemClock) else None
        return {
            "now": isoformat(self.clock.now()),
            "virtual": isinstance(self.clock, VirtualClock),
            "time_scale": scale,
        }

    # --- workflows and accounts -------------------------------------------------

    def resolve(
        self,
        account_id: str,
        domain: str,
        *,
        confirm: bool = True,
        kind: str = "registration",
        sandbox: bool = False,
    ) -> Workflow:
        """Settle an ``action_required`` workflow: confirm it, or reject it."""
        self.durability.admit()
        account = self._account(account_id, sandbox)
        workflow = self.registrar.resolve_action(account, domain, WorkflowKind(kind), confirm)
        self.persist()
        return workflow

    def answer_transfer(self, account_id: str, domain: str, *, approve: bool) -> Workflow:
        """Answer, as the losing registrar, a transfer in that waits on it (``blocked``)."""
        self.durability.admit()
        account = self._account(account_id, sandbox=False)
        workflow = self.registrar.answer_transfer(account, domain, approve=approve)
        self.persist()
        return workflow

    def approve_transfer(self, account_id: str, domain: str) -> Workflow:
        """The losing registrar approves a transfer in waiting on it: it goes on."""
        return self.answer_transfer(account_id, domain, approve=True)

    def reject_transfer(self, account_id: str, domain: str) -> Workflow:
        """The losing registrar rejects it: it fails with ``transfer_rejected``."""
        return self.answer_transfer(account_id, domain, approve=False)

    def accept_transfer(self, account_id: str, domain: str) -> Workflow:
        """The registrant accepts the approval a transfer in asks for by email."""
        return self.resolve(account_id, domain, confirm=True, kind=WorkflowKind.TRANSFER.value)

    def decline_transfer(self, account_id: str, domain: str) -> Workflow:
        """The registrant declines it: the transfer fails with ``transfer_declined``."""
        return self.resolve(account_id, domain, confirm=False, kind=WorkflowKind.TRANSFER.value)

    def _account(self, account_id: str, sandbox: bool) -> Account:
        blank = Account(account_id, True, None, sandbox=sandbox)
        account = self.registrar.accounts.get(blank.key)
        if account is None:
            raise e.NO_SUCH_ACCOUNT(account=account_id)
        return account

    def charges(self, account_id: str) -> list[Charge]:
        return self.registrar.charges(account_id)

    # --- faults -----------------------------------------------------------------

    def add_fault(self, spec: Mapping[str, Any] | FaultRule) -> FaultRule:
        """Add a rule, written as in a scenario's ``faults`` list (or built already)."""
        self.durability.admit()
        if not isinstance(spec, FaultRule):
            document: dict[str, Any] = plain(spec)  # a latency may be a timedelta
            try:
                validate_fault(document)
                _check_fault(document, "fault")
            except ScenarioError as exc:
                raise e.FAULT_INVALID(detail=str(exc)) from None
            spec = rule_from_spec(document, default_id=self.faults.next_id())
        if any(rule.id == spec.id for rule in self.faults.rules):
            raise e.FAULT_INVALID(detail="fault: id: a rule with this id is already in place")
        rule = self.faults.add(spec)
        self.persist(everything=True)
        return rule

    def remove_fault(self, rule_id: str) -> bool:
        self.durability.admit()
        removed = self.faults.remove(rule_id)
        self.persist(everything=True)
        return removed

    def clear_faults(self) -> None:
        self.durability.admit()
        self.faults.clear()
        self.persist(everything=True)

    # --- state ------------------------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        with self.registrar.lock:
            return {
                "format": EXPORT_FORMAT,
                "scenario": self._document(),
                "clock": self.clock.now().isoformat(),
                "registrar": snapshot.dump(self.registrar),
                "faults": [rule.to_json() for rule in self.faults.rules],
            }

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Restore an export. The whole export is checked before anything changes: a bad
        one is refused naming its first problem, and the state stays as it was."""
        self.durability.admit()
        if not isinstance(state, Mapping) or state.get("format") != EXPORT_FORMAT:
            raise e.STATE_INVALID(detail=f"format: must be {EXPORT_FORMAT!r}")
        unknown = set(state) - {"format", "scenario", "clock", "registrar", "faults"}
        if unknown:
            raise e.STATE_INVALID(detail=f"{sorted(unknown)[0]}: not a field of an export")
        document = state.get("scenario")
        if document is not None and not isinstance(document, Mapping):
            # An export holds a document; a name or a path would read a file.
            raise e.STATE_INVALID(detail="scenario: must be a scenario document or null")
        try:
            scenario = resolve(document) if document else self.scenario
        except ScenarioError as exc:
            where = exc.path or "the document"
            raise e.STATE_INVALID(detail=f"scenario: {where}: {exc.problem}") from None
        clock = state.get("clock")
        try:
            instant = parse_timestamp(clock) if isinstance(clock, str) else None
        except e.InvalidRequest:
            instant = None
        if instant is None:
            raise e.STATE_INVALID(detail="clock: must be an RFC 3339 timestamp with a timezone")
        try:
            rules = saved_rules(state.get("faults"))
        except ScenarioError as exc:
            raise e.STATE_INVALID(detail=str(exc)) from None
        try:
            accounts = snapshot.parse(state.get("registrar"))
        except SnapshotError as exc:
            raise e.STATE_INVALID(detail=f"registrar.{exc}") from None
        _check_against(scenario, accounts)
        with self.registrar.lock:
            self.registrar.load(scenario.world)
            self.registrar.replace_accounts(accounts)
            self.scenario = scenario
            _movable(self.clock).set(instant)
            self.faults.reset(rules, scenario.world.seed)
            self.persist(everything=True)


def anchored(scenario: Scenario, clock: Clock) -> Scenario:
    """A scenario that names no start, started now when the clock runs by itself.

    So a served mock's clock never jumps to a default date, and the scenario's relative
    dates count from the moment it was loaded.
    """
    if scenario.fixed_start or not isinstance(clock, SystemClock):
        return scenario
    return with_options(scenario, {"start": clock.now().replace(microsecond=0)})


def _check_against(scenario: Scenario, accounts: Sequence[Account]) -> None:
    """What an export's accounts must agree on with its scenario."""
    world = scenario.world
    declared = {spec.id for spec in world.accounts}
    for index, account in enumerate(accounts):
        where = f"registrar.accounts[{index}]"
        if not world.open_accounts and account.id not in declared:
            raise e.STATE_INVALID(detail=f"{where}: an account the closed world doesn't declare")
        if len(account.registrations) > world.domain_limit:
            raise e.STATE_INVALID(detail=f"{where}: holds more domains than the domain limit")


def parse_timestamp(text: str) -> datetime:
    """RFC 3339 text (``Z`` or an offset) as an aware UTC datetime in the mock's span of
    time; ``BAD_TIMESTAMP`` otherwise."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise e.BAD_TIMESTAMP(value=repr(text[:40])) from None
    if parsed.tzinfo is None or not in_span(parsed):
        raise e.BAD_TIMESTAMP(value=repr(text[:40]))
    return parsed.astimezone(UTC)


def _movable(clock: Clock) -> VirtualClock | SystemClock:
    if not isinstance(clock, VirtualClock | SystemClock):
        raise e.CLOCK_FIXED()
    return clock
