"""The one place that turns "a scenario" into a :class:`Scenario`.

A scenario may be given as a bundled name (``"near-limit"``), a path to a YAML
file, a document (a dict), a loaded :class:`Scenario` or a :class:`World` built in
code, with options that replace top-level keys of its document. ``create_app``,
the control API, the command line and the pytest plugin all come here, so they
accept the same forms and refuse bad ones with the same messages.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from registrar_mock.model import World, secret_digest
from registrar_mock.scenarios.builder import Scenario, from_document
from registrar_mock.scenarios.files import (
    ScenarioError,
    bundled,
    display_name,
    document_of,
    parse_text,
    read_bytes,
    top_level_keys,
)

ScenarioSource = Scenario | World | str | os.PathLike[str] | Mapping[str, Any] | None

DEFAULT = "default"


class ScenarioNotAllowed(ScenarioError):
    """A scenario file outside the directories a caller may load from."""


SCENARIO_SUFFIXES = (".yaml", ".yml")
MAX_NAME = 1024


def find(
    name_or_path: str | os.PathLike[str],
    here: Path | None = None,
    *,
    roots: Sequence[Path] | None = None,
) -> Path:
    """The file a name or path means: a bundled name, then a path (beside ``here`` first).

    With ``roots`` (what the control API passes), a path must lead to a YAML file directly
    in one of those directories (not in a folder below) once every link is resolved, so a
    project's other YAML (its CI's, say) stays out of reach; anything else is refused
    before the file system is asked about it, so no answer tells what exists elsewhere.
    """
    text = os.fspath(name_or_path)
    found = bundled().get(text)
    if found is not None:
        return found
    if roots is not None:
        return _within(text, roots)
    path = Path(text)
    if here is not None and not path.is_absolute() and (here / path).is_file():
        return here / path
    if path.is_file():
        return path
    names = ", ".join(bundled())
    raise ScenarioError(text, "", f"no such scenario file or bundled scenario (bundled: {names})")


def _within(text: str, roots: Sequence[Path]) -> Path:
    path = Path(text)
    usable = "\0" not in text and len(text) <= MAX_NAME
    for root in roots if usable else ():
        try:
            base = Path(os.path.realpath(root))
            candidate = Path(os.path.realpath(path if path.is_absolute() else base / path))
            # Checked in this order: nothing outside the roots is ever asked whether it exists.
            inside = candidate.parent == base and candidate.suffix in SCENARIO_SUFFIXES
            if inside and candidate.is_file():
                return candidate
        except (OSError, ValueError):
            continue  # a name no file can have
    raise ScenarioNotAllowed(
        text[:80],
        "",
        "the control API loads a bundled scenario by name, a posted document, or a .yaml "
        "file directly in the directories the server was started with (--scenario-dir, and "
        f"the directory of --scenario: {len(roots)} here); no other file is read",
    )


def load_file(path: Path) -> Scenario:
    """The scenario a file holds. Built once per content: a test suite creating a mock per
    test reads the same few files thousands of times, and a Scenario never changes."""
    source = display_name(path)
    return _built(source, path.stem, read_bytes(path, source))


@lru_cache(maxsize=64)
def _built(source: str, stem: str, content: bytes) -> Scenario:
    # Keyed by the very bytes parsed, so a file that changes is built again.
    return from_document(document_of(content, source), source=source, default_name=stem)


def from_text(text: str, name: str) -> Scenario:
    """A scenario from the text of a YAML file (an upload), named ``name`` in errors."""
    stem = name.rsplit(".", 1)[0] if name.endswith(SCENARIO_SUFFIXES) else name
    return from_document(parse_text(text, name), source=name, default_name=stem or "uploaded")


def resolve(source: ScenarioSource = None, *, here: Path | None = None, **options: Any) -> Scenario:
    """A scenario from any of the forms above, with ``options`` replacing top-level keys.

    Raises :class:`ScenarioError`, whose message names what is wrong and where.
    """
    if source is None:
        scenario = load_file(find(DEFAULT))
    elif isinstance(source, Scenario):
        scenario = source
    elif isinstance(source, World):
        scenario = Scenario(source)
    elif isinstance(source, Mapping):
        scenario = from_document(plain(source), source="<document>")
    elif isinstance(source, str | os.PathLike):
        scenario = load_file(find(source, here))
    else:
        raise ScenarioError(
            repr(source)[:60], "", "a scenario is a bundled name, a path, a dict or a Scenario"
        )
    return with_options(scenario, options) if options else scenario


def with_options(scenario: Scenario, options: Mapping[str, Any]) -> Scenario:
    """``scenario`` with top-level keys of its document replaced by ``options``."""
    if not scenario.document:
        raise ScenarioError(
            scenario.source, "", "options need a scenario loaded from a file or a document"
        )
    keys = top_level_keys()
    for key in options:
        if key not in keys:
            raise ScenarioError(
                f"option {key}", "", f"not a scenario key; options are {', '.join(keys)}"
            )
    document = dict(scenario.document)
    document.update((key, plain(value)) for key, value in options.items())
    try:
        changed = from_document(document, source=scenario.source, default_name=scenario.name)
    except ScenarioError as exc:
        key = exc.path.split(".")[0].split("[")[0]
        if key not in options:
            raise
        raise ScenarioError(f"option {exc.path}", "", exc.problem) from None
    return replace(changed, source=scenario.source)


def plain(value: Any) -> Any:
    """Python values a caller may pass, as the YAML document would hold them: an instant
    in RFC 3339, a timedelta in seconds."""
    if isinstance(value, timedelta):
        return value.total_seconds()  # a negative one is refused as the number it is
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()  # the loader refuses it, saying a timezone is needed
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def redacted(document: Mapping[str, Any], salt: str) -> dict[str, Any]:
    """A copy of a scenario document with each token and key replaced by its salted digest.

    Exports and state files hold this, so they never carry a credential, and
    loading them still accepts the real credentials.
    """
    copy: dict[str, Any] = json.loads(json.dumps(document, default=str))
    for account in copy.get("accounts", []):
        account["tokens"] = [_digest(token, salt) for token in account.get("tokens", [])]
        for api_key in account.get("api_keys", []):
            api_key["key"] = _digest(api_key["key"], salt)
    return copy


def _digest(secret: str, salt: str) -> str:
    return secret if secret.startswith("sha256:") else secret_digest(secret, salt)
