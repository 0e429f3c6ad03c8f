"""Finding, reading and checking scenario files.

A bad file is refused with a :class:`ScenarioError` naming the file and the path
inside it, e.g. ``near-limit.yaml: accounts[0].registrations[3].expires_at: ...``.
The format is published as a JSON Schema (``scenario.schema.json``, beside the
bundled files) so editors can check files as they are written.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from registrar_mock.scenarios import bundled as _bundled_package

SCHEMA_NAME = "scenario.schema.json"
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file and the path in it."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source, self.path, self.problem = source, path, problem
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {problem}")


@cache
def bundled_dir() -> Path:
    """Where the bundled scenarios are: ``registrar_mock.scenarios.bundled``."""
    return Path(_bundled_package.__file__).resolve().parent


def bundled() -> dict[str, Path]:
    """The bundled scenarios by name."""
    return dict(_bundled())


@cache
def _bundled() -> tuple[tuple[str, Path], ...]:
    # Files shipped with the package: they don't change while it runs.
    return tuple((path.stem, path) for path in sorted(bundled_dir().glob("*.yaml")))


def display_name(path: Path) -> str:
    """How messages name a file: bundled ones by file name, others as given."""
    if _bundled_paths().get(path.name) == path:
        return path.name  # the common case, without asking the file system
    return path.name if path.resolve().parent == bundled_dir() else str(path)


@cache
def _bundled_paths() -> dict[str, Path]:
    return {path.name: path for _, path in _bundled()}


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that timestamps stay text: the scenario rules read them
    (relative ones too), so an impossible date is a scenario error naming its place."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in found if tag != "tag:yaml.org,2002:timestamp"]
    for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_bytes(path: Path, source: str) -> bytes:
    """A scenario file's contents; ScenarioError naming it (as ``source``) if unreadable."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot read: {exc.strerror}") from None


def document_of(content: bytes, source: str) -> Any:
    """The document in a scenario file's contents (``{}`` for an empty file)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "not a scenario file: it is not UTF-8 text") from None
    return parse_text(text, source)


# Values a document may hold once YAML's aliases are expanded: far more than any world
# needs, far fewer than a few lines of nested aliases can make (a "billion laughs"), which
# everything that walks the document (the schema check first) would expand.
MAX_VALUES = 1_000_000


def _within_budget(document: Any) -> bool:
    """Whether the document, aliases expanded, holds at most ``MAX_VALUES`` values; walked
    without recursion, and given up as soon as the budget is spent."""
    left = MAX_VALUES
    pending = [document]
    while pending:
        value = pending.pop()
        left -= 1
        if left < 0:
            return False
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


def parse_text(text: str, source: str) -> Any:
    """A scenario's YAML (or JSON) text as its document (``{}`` when empty). Errors name
    ``source`` and the line, never the text itself."""
    try:
        document = yaml.load(text, Loader=_Loader)
    except (ValueError, OverflowError, RecursionError):
        # A value PyYAML can't build: an integer of thousands of digits, a nesting too deep.
        raise ScenarioError(source, "", "not valid YAML: a value in it can't be read") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        # The parser quotes what it read ('found undefined alias ...'): take that out.
        problem = _QUOTED.sub("", getattr(exc, "problem", None) or "unreadable")
        raise ScenarioError(source, where, f"not valid YAML: {' '.join(problem.split())}") from None
    if not _within_budget(document):
        raise ScenarioError(
            source, "", f"too large: more than {MAX_VALUES:,} values once its aliases are expanded"
        )
    return {} if document is None else document


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((bundled_dir() / SCHEMA_NAME).read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _fault_validator() -> jsonschema.Draft202012Validator:
    defs = schema()["$defs"]
    return jsonschema.Draft202012Validator({**defs["fault"], "$defs": defs})


def validate(document: Any, source: str) -> None:
    """Check a whole document against the schema; raises ScenarioError."""
    _raise_first(_validator(), document, source)


def validate_fault(spec: Any, source: str = "fault") -> None:
    """Check one fault rule against the schema's definition of one; raises ScenarioError."""
    _raise_first(_fault_validator(), spec, source)


def _raise_first(validator: jsonschema.Draft202012Validator, document: Any, source: str) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    best = jsonschema.exceptions.best_match(errors)
    if best is None:  # pragma: no cover - best_match returns one when there are errors
        best = errors[0]
    raise ScenarioError(source, dotted(best.absolute_path), describe(best))


_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
          "number": "a number", "boolean": "a boolean (true or false)", "null": "null"}  # fmt: skip


def describe(error: jsonschema.ValidationError) -> str:
    """What a schema error means, in words taken from the schema only.

    jsonschema's own messages quote the offending value; these never do, so no
    message (a control API answer, a log line) can carry a file's contents.
    """
    rule, expected, schema = error.validator, error.validator_value, error.schema
    hint = _hint(error)
    if rule == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        return "must be " + " or ".join(_TYPES.get(kind, kind) for kind in kinds)
    if rule == "enum":
        return "must be one of: " + ", ".join(json.dumps(value) for value in expected)
    if rule == "const":
        return f"must be {json.dumps(expected)}"
    if rule == "required" and isinstance(error.instance, dict):
        missing = [key for key in expected if key not in error.instance]
        return f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required"
    if rule == "additionalProperties" and isinstance(error.instance, dict):
        # A key is the file's contents too (it may be a secret pasted in the wrong place),
        # so it is never quoted; a near miss is named by the allowed key it resembles.
        allowed = set(schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in allowed]
        near = sorted(
            {match for key in unknown if isinstance(key, str)
             for match in difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)}
        )  # fmt: skip
        count = "an unknown key" if len(unknown) == 1 else f"{len(unknown)} unknown keys"
        known = ", ".join(sorted(allowed)) if allowed else "none"
        guess = f"; did you mean {' or '.join(near)}?" if near else ""
        return f"{count} (allowed here: {known}){guess}"
    bounds = {
        "minimum": "must be at least {}",
        "maximum": "must be at most {}",
        "exclusiveMinimum": "must be more than {}",
        "exclusiveMaximum": "must be less than {}",
        "minLength": "must be at least {} characters long",
        "maxLength": "must be at most {} characters long",
        "minItems": "must hold at least {} items",
        "maxItems": "must hold at most {} items",
        "minProperties": "must hold at least {} keys",
    }
    if rule in bounds:
        bound = bounds[rule].format(expected)
        # A bound on one of several forms (a duration's number) says what the forms are.
        within = error.parent is not None and error.parent.validator in ("oneOf", "anyOf")
        return f"{bound}: {hint}" if within and hint else bound
    if rule == "pattern":
        return f"is not in the expected form{f': {hint}' if hint else ''}"
    if rule == "format":
        return f"must be a valid {expected}"
    if rule in ("oneOf", "anyOf"):
        return f"matches none of the allowed forms{f': {hint}' if hint else ''}"
    return f"is not valid here ({rule})"


def _hint(error: jsonschema.ValidationError | None) -> str | None:
    """The schema's own description of what was expected, from the error or what holds it."""
    while error is not None:
        if isinstance(error.schema, dict) and error.schema.get("description"):
            return str(error.schema["description"])
        error = error.parent
    return None


def dotted(path: Iterable[Any]) -> str:
    """``["accounts", 1, "registrations"]`` as ``accounts[1].registrations``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def top_level_keys() -> list[str]:
    """The keys a scenario document may have (what the fixtures' options may replace)."""
    return list(schema()["properties"])
