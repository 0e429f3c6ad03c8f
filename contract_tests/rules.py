"""The Registrar API's documented rules, as functions of decoded JSON.

Each ``*_problems`` function takes a response body (or its ``result``) and returns
what is wrong with it, in words; an empty list means it keeps the rule. They need
nothing but the standard library, so the schemathesis checks (``checks``), the
generated-response tests and the CLI all share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

TERMINAL_STATES = frozenset({"succeeded", "failed"})
# Cloudflare's own codes start at 1000; anything lower is not a Cloudflare error code.
MIN_ERROR_CODE = 1000
# The answers HTTP itself sends without a body, so without the v4 envelope.
BODILESS_STATUSES = frozenset({204, 304})
# An entity tag as RFC 9110 section 8.8.3 writes it: optionally weak, always quoted.
_ETAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"')


def envelope_problems(body: Any, status: int) -> list[str]:
    """The v4 envelope: success, errors, messages, result; success true exactly on 2xx."""
    if not isinstance(body, dict):
        return [f"the body is not a JSON object: {body!r:.200}"]
    problems = []
    for key in ("success", "errors", "messages", "result"):
        if key not in body:
            problems.append(f"`{key}` is missing")
    success = body.get("success")
    if "success" in body and not isinstance(success, bool):
        problems.append(f"`success` is not a boolean: {success!r}")
    for key in ("errors", "messages"):
        if key in body and not isinstance(body[key], list):
            problems.append(f"`{key}` is not an array")
    ok = 200 <= status < 300
    if isinstance(success, bool) and success is not ok:
        problems.append(f"`success` is {str(success).lower()} on HTTP {status}")
    if success is True and body.get("errors"):
        problems.append("a successful answer carries `errors`")
    if success is False and not body.get("errors"):
        problems.append("a failed answer has no `errors`")
    if success is False and body.get("result") is not None:
        problems.append(f"`result` is not null on failure: {body.get('result')!r:.200}")
    if success is True and isinstance(body.get("result"), list) and "result_info" not in body:
        problems.append("a list result comes without `result_info`")
    return problems


def error_code_problems(body: Any) -> list[str]:
    """Every error and message code is an integer of at least 1000, error chains included."""
    if not isinstance(body, dict):
        return []
    problems = []
    for where, item in _info_items(body):
        code = item.get("code") if isinstance(item, dict) else None
        if isinstance(code, bool) or not isinstance(code, int) or code < MIN_ERROR_CODE:
            problems.append(f"{where}: code {code!r} is not an integer >= {MIN_ERROR_CODE}")
    return problems


def _info_items(body: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for key in ("errors", "messages"):
        items = body.get(key)
        for index, item in enumerate(items if isinstance(items, list) else ()):
            yield f"{key}[{index}]", item
            chain = item.get("error_chain") if isinstance(item, dict) else None
            for inner, link in enumerate(chain if isinstance(chain, list) else ()):
                yield f"{key}[{index}].error_chain[{inner}]", link


def workflow_problems(result: Any) -> list[str]:
    """``completed`` is true exactly when ``state`` is terminal; a failed workflow says why."""
    if not isinstance(result, dict) or "state" not in result or "completed" not in result:
        return []
    state, completed = result["state"], result["completed"]
    problems = []
    if completed is not (state in TERMINAL_STATES):
        problems.append(f"`completed` is {completed!r} with `state: {state}`")
    if state == "failed" and not isinstance(result.get("error"), dict):
        problems.append("a failed workflow has no `error`")
    return problems


def availability_problems(result: Any) -> list[str]:
    """``pricing`` appears exactly when ``registrable`` is true; ``reason`` only when false."""
    domains = result.get("domains") if isinstance(result, dict) else None
    problems = []
    for index, item in enumerate(domains if isinstance(domains, list) else ()):
        if not isinstance(item, dict):
            continue
        registrable = item.get("registrable")
        name = item.get("name", f"domains[{index}]")
        if ("pricing" in item) is not (registrable is True):
            problems.append(
                f"{name}: `pricing` present={'pricing' in item}, registrable={registrable}"
            )
        if registrable is True and "reason" in item:
            problems.append(f"{name}: a registrable domain carries `reason`")
    return problems


def transferability_problems(result: Any, sent: Iterable[str] | None = None) -> list[str]:
    """A transfer check answers each domain sent, under the name it was sent as;
    ``pricing`` comes exactly when ``transferable`` is true, ``reasons`` exactly when false."""
    domains = result.get("domains") if isinstance(result, dict) else None
    if not isinstance(domains, dict):
        return []
    problems = []
    for key, item in domains.items():
        if not isinstance(item, dict):
            continue
        transferable = item.get("transferable")
        if ("pricing" in item) is not (transferable is True):
            problems.append(f"{key}: `pricing` present={'pricing' in item}, "
                            f"transferable={transferable}")  # fmt: skip
        reasons = item.get("reasons")
        if transferable is True and reasons:
            problems.append(f"{key}: a transferable domain carries `reasons`")
        if transferable is False and not reasons:
            problems.append(f"{key}: a domain that can't be transferred says no reason")
    if sent is not None:
        wanted = set(sent)
        missing = sorted(wanted - set(domains))
        extra = sorted(set(domains) - wanted)
        problems += [f"{name}: sent, but not answered" for name in missing]
        problems += [f"{name}: answered, but not sent" for name in extra]
    return problems


def not_modified_problems(status: int, content: bytes, etag: str | None) -> list[str]:
    """A 304 has no body, and says which entity tag still holds."""
    problems = []
    if status == 304 and content:
        problems.append(f"a 304 carries a body: {content[:200]!r}")
    if status == 304 and etag is None:
        problems.append("a 304 does not repeat the ETag")
    return problems


def etag_problems(etag: str | None) -> list[str]:
    """An ETag is one quoted entity tag, optionally weak (RFC 9110 section 8.8.3)."""
    if etag is None:
        return ["the answer has no ETag"]
    if not _ETAG.fullmatch(etag):
        return [f"ETag {etag!r} is not a quoted entity tag"]
    return []


def item_key(item: Any) -> str | None:
    """What identifies an item of a list: a registration's or a legacy domain's name,
    or an extension's (in its ``metadata``)."""
    if not isinstance(item, dict):
        return None
    for key in ("domain_name", "id", "name"):
        value = item.get(key)
        if isinstance(value, str):
            return value
    metadata = item.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
        return str(metadata["name"])
    return None


def page_problems(body: Any) -> list[str]:
    """A page lists each item once, and ``result_info.count`` says how many it lists."""
    if not isinstance(body, dict) or not isinstance(body.get("result"), list):
        return []
    keys = [item_key(item) for item in body["result"]]
    seen: set[str] = set()
    problems = []
    for key in keys:
        if key is not None and key in seen:
            problems.append(f"{key} appears twice on one page")
        if key is not None:
            seen.add(key)
    info = body.get("result_info")
    count = info.get("count") if isinstance(info, dict) else None
    if isinstance(count, int) and count != len(keys):
        problems.append(f"result_info.count is {count} but the page lists {len(keys)}")
    return problems
