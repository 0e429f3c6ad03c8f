"""The control plane: what a test can do to the mock beyond the Registrar API.

Reset to a scenario, read and move the clock, settle `action_required`
workflows, manage faults, read the journal, and export or import the whole
state. The HTTP control API (`/__mock__`) and in-process tests both use this
class (``app.control``), so the two can't drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import scenarios
from .clock import Clock, SystemClock, VirtualClock, isoformat
from .domain import Registrar, WorkflowKind
from .domain import snapshot as snapshots
from .domain.models import Charge
from .domain.workflows import Workflow
from .faults import FaultBook, FaultRule
from .journal import Journal
from .persistence import StateFile, StoredState
from .scenarios import Scenario

ScenarioLike = Scenario | str | Path | dict[str, Any] | None
# Far enough for any test, and far from datetime's year 9999 limit that dates are added to.
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class Control:
    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        registrar: Registrar,
        store: StateFile | None = None,
        control_token: str | None = None,
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.registrar = registrar
        self.faults = FaultBook(seed=scenario.world.seed)
        self.faults.reset(_copies(scenario.faults), scenario.world.seed)
        self.journal = Journal()
        self.store = store
        self.control_token = control_token

    # --- persistence ----------------------------------------------------------

    def _document(self) -> dict[str, Any] | None:
        """The scenario as exports and state files keep it: credentials as digests."""
        document = self.scenario.document
        return scenarios.redacted(document) if document else None

    def resume(self, stored: StoredState) -> None:
        """Carry on from a state file's contents."""
        with self.registrar.lock:
            self.registrar.replace_accounts(stored.accounts)
            if stored.clock is not None:
                saved = datetime.fromisoformat(stored.clock)
                # A real clock keeps real time, unless it had been moved past it.
                if isinstance(self.clock, VirtualClock) or saved > self.clock.now():
                    _movable(self.clock).set(saved)
            rules = _saved_rules(stored.faults)
            self.faults.reset(rules, self.scenario.world.seed)
            self.registrar.take_dirty()

    def persist(self, *, everything: bool = False) -> None:
        """Make the changes so far durable (no-op without a state file)."""
        store = self.store
        if store is None:
            return
        with self.registrar.lock:
            accounts = self.registrar.accounts
            if everything:
                self.registrar.take_dirty()
                store.save(
                    accounts=list(accounts.values()),
                    scenario=self._document(),
                    clock=self.clock.now().isoformat(),
                    faults=[rule.to_json() for rule in self.faults.rules],
                    replace_all=True,
                )
                self.faults.changed = False
                return
            dirty = self.registrar.take_dirty()
            faults = None
            if self.faults.changed:
                faults = [rule.to_json() for rule in self.faults.rules]
                self.faults.changed = False
            if dirty or faults is not None:
                store.save(
                    accounts=[accounts[i] for i in dirty if i in accounts],
                    clock=self.clock.now().isoformat(),
                    faults=faults,
                )

    # --- scenario -----------------------------------------------------------

    def reset(self, scenario: ScenarioLike = None) -> Scenario:
        """Start over from the loaded scenario, or from another one (name, path or document)."""
        if isinstance(scenario, dict):
            scenario = scenarios.from_document(scenario)
        elif isinstance(scenario, str | Path):
            scenario = scenarios.load(scenario)
        self.scenario = scenario or self.scenario
        world = self.scenario.world
        self.registrar.load(world)
        if isinstance(self.clock, VirtualClock):
            self.clock.set(world.start)
        self.faults.reset(_copies(self.scenario.faults), world.seed)
        self.journal.clear()
        self.persist(everything=True)
        return self.scenario

    # --- clock ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        if self.clock.now() + timedelta(seconds=seconds) > LATEST:
            raise ValueError(f"the clock stops at {LATEST.date()}")
        now = _movable(self.clock).advance(seconds)
        self.persist(everything=True)
        return now

    def set_time(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("the time needs a timezone")
        if instant < self.clock.now():
            raise ValueError("the clock only moves forward")
        if instant > LATEST:
            raise ValueError(f"the clock stops at {LATEST.date()}")
        now = _movable(self.clock).set(instant)
        self.persist(everything=True)
        return now

    def clock_json(self) -> dict[str, Any]:
        scale = self.clock.time_scale if isinstance(self.clock, SystemClock) else None
        return {
            "now": isoformat(self.clock.now()),
            "virtual": isinstance(self.clock, VirtualClock),
            "time_scale": scale,
        }

    # --- workflows and accounts ---------------------------------------------

    def resolve(
        self, account_id: str, domain: str, *, confirm: bool = True, kind: str = "registration"
    ) -> Workflow:
        account = self.registrar.accounts.get(account_id)
        if account is None:
            raise LookupError(f"no account {account_id!r}")
        workflow = self.registrar.resolve_action(account, domain, WorkflowKind(kind), confirm)
        self.persist()
        return workflow

    def charges(self, account_id: str) -> list[Charge]:
        return self.registrar.charges(account_id)

    # --- faults ---------------------------------------------------------------

    def add_fault(self, spec: dict[str, Any] | FaultRule) -> FaultRule:
        if isinstance(spec, dict):
            scenarios.validate_fault(spec)
            spec = scenarios.fault_rule(spec, default_id=self.faults.next_id())
        rule = self.faults.add(spec)
        self.persist(everything=True)
        return rule

    def remove_fault(self, rule_id: str) -> bool:
        removed = self.faults.remove(rule_id)
        self.persist(everything=True)
        return removed

    def clear_faults(self) -> None:
        self.faults.clear()
        self.persist(everything=True)

    # --- state ----------------------------------------------------------------

    def export_state(self) -> dict[str, Any]:
        with self.registrar.lock:
            return {
                "format": "registrar-mock-state",
                "scenario": self._document(),
                "clock": self.clock.now().isoformat(),
                "registrar": snapshots.dump(self.registrar),
                "faults": [rule.to_json() for rule in self.faults.rules],
            }

    def import_state(self, state: dict[str, Any]) -> None:
        """Restore an export. Refuses anything malformed before changing a thing."""
        if not isinstance(state, dict) or state.get("format") != "registrar-mock-state":
            raise snapshots.SnapshotError("not a registrar-mock state export")
        try:
            document = state.get("scenario")
            scenario = scenarios.from_document(document) if document else self.scenario
            clock = datetime.fromisoformat(state["clock"])
            rules = _saved_rules(state["faults"])
        except (KeyError, TypeError, ValueError) as exc:
            raise snapshots.SnapshotError(f"malformed state export: {exc!r}") from None
        accounts = snapshots.parse(state.get("registrar"))
        with self.registrar.lock:
            self.registrar.load(scenario.world)
            self.registrar.replace_accounts(accounts)
            self.scenario = scenario
            if isinstance(self.clock, VirtualClock):
                self.clock.set(clock)
            self.faults.reset(rules, scenario.world.seed)
            self.persist(everything=True)


def _saved_rules(saved: list[dict[str, Any]]) -> list[FaultRule]:
    """Fault rules as exported or persisted, with their counters where they left off."""
    rules = []
    for data in saved:
        rule = scenarios.fault_rule(data, default_id=str(data.get("id")))
        rule.seen, rule.fired = int(data.get("seen", 0)), int(data.get("fired", 0))
        rules.append(rule)
    return rules


def _copies(rules: tuple[FaultRule, ...]) -> list[FaultRule]:
    """Fresh counters for each reset: a scenario's rules are templates."""
    import dataclasses

    return [dataclasses.replace(rule, seen=0, fired=0) for rule in rules]


def _movable(clock: Clock) -> VirtualClock | SystemClock:
    if not isinstance(clock, VirtualClock | SystemClock):
        raise TypeError("this clock cannot be moved")
    return clock
