"""Fault injection: rate limits, errors, latency and dropped connections, on demand.

A rule matches requests by operation and account, decides whether to fire (by
probability, on the nth request, on every nth, at most N times) and says what
happens. Rules can be added and removed while the server runs. Probabilities
draw from a generator seeded by the scenario, so a run repeats exactly.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from registrar_mock import durations
from registrar_mock.http.edge import Effect
from registrar_mock.scenarios import ScenarioError, check_fault, validate_fault


@dataclass(slots=True)
class FaultRule:
    id: str
    effect: Effect
    operations: frozenset[str] | None = None
    account: str | None = None
    probability: float | None = None
    nth: int | None = None
    every: int | None = None
    times: int | None = None
    seen: int = 0  # matching requests so far
    fired: int = 0

    def matches(self, operation: str, account: str | None) -> bool:
        if self.operations is not None and operation not in self.operations:
            return False
        return self.account is None or self.account == account

    def decide(self, rng: random.Random) -> bool:
        self.seen += 1
        if self.times is not None and self.fired >= self.times:
            return False
        if self.nth is not None and self.seen != self.nth:
            return False
        if self.every is not None and self.seen % self.every != 0:
            return False
        if self.probability is not None and rng.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "effect": self.effect.to_json()}
        if self.operations is not None:
            body["operations"] = sorted(self.operations)
        for name in ("account", "probability", "nth", "every", "times"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        body["seen"], body["fired"] = self.seen, self.fired
        return body


@dataclass
class FaultBook:
    seed: int = 0
    rules: list[FaultRule] = field(default_factory=list)
    _counter: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        # Set whenever a rule's counters move: persistence rewrites the rules then.
        self.changed = False

    def reset(self, rules: Iterable[FaultRule], seed: int) -> None:
        self.rules = list(rules)
        self._rng = random.Random(seed)
        self._counter = len(self.rules)

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        self._counter += 1
        return rule

    def next_id(self) -> str:
        """An id for a rule given none: the next ``fault-N`` that no rule has taken."""
        taken = {rule.id for rule in self.rules}
        number = self._counter + 1
        while f"fault-{number}" in taken:
            number += 1
        return f"fault-{number}"

    def remove(self, rule_id: str) -> bool:
        before = len(self.rules)
        self.rules = [rule for rule in self.rules if rule.id != rule_id]
        return len(self.rules) != before

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, operation: str, account: str | None) -> Effect | None:
        """The effect of the first rule that matches and fires, if any."""
        for rule in self.rules:
            if rule.matches(operation, account):
                self.changed = True
                if rule.decide(self._rng):
                    return rule.effect
        return None


def rule_from_spec(spec: Mapping[str, Any], *, default_id: str) -> FaultRule:
    """A rule from its JSON form, already checked against the schema (scenario files, the
    control API and saved state share it)."""
    effect_spec = spec["effect"]
    status = effect_spec.get("status")
    effect = Effect(
        status=status,
        code=effect_spec.get("code", 10429 if status == 429 else 10500) if status else None,
        message=effect_spec.get("message", _default_message(status)) if status else None,
        headers=tuple((str(k), str(v)) for k, v in effect_spec.get("headers", {}).items()),
        latency=durations.seconds(effect_spec.get("latency", 0)),
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


def saved_rules(saved: Any) -> list[FaultRule]:
    """Rules as exported or persisted, with their counters where they left off.

    Each is checked as a scenario's fault rule is; raises ScenarioError naming the first
    bad one, so a damaged export or state file is refused whole.
    """
    if not isinstance(saved, list):
        raise ScenarioError("faults", "", "must be a list of fault rules")
    rules: list[FaultRule] = []
    for index, data in enumerate(saved):
        where = f"faults[{index}]"
        if not isinstance(data, Mapping):
            raise ScenarioError(where, "", "must be a fault rule")
        counters = {name: data.get(name, 0) for name in ("seen", "fired")}
        spec = {key: value for key, value in data.items() if key not in counters}
        validate_fault(spec, where)
        check_fault(spec, where)
        for name, value in counters.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ScenarioError(where, name, "must be a count")
        rule = rule_from_spec(spec, default_id=str(spec.get("id", f"fault-{index + 1}")))
        if any(other.id == rule.id for other in rules):
            raise ScenarioError(where, "id", "the same id as a rule before it")
        rule.seen, rule.fired = counters["seen"], counters["fired"]
        rules.append(rule)
    return rules


def fresh(rules: Iterable[FaultRule]) -> list[FaultRule]:
    """Copies with their counters at zero: a scenario's rules are templates for each reset."""
    return [dataclasses.replace(rule, seen=0, fired=0) for rule in rules]


def _default_message(status: int | None) -> str:
    if status == 429:
        return "Rate limited. Please wait and try again."
    if status is not None and status >= 500:
        return "Internal server error"
    return "Injected fault"
