"""The banner ``serve`` prints: where to point an SDK, who may call, what to try."""

from __future__ import annotations

import ipaddress
from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registrar_mock.app import MockApp

PROG = "registrar-mock"
# The account the bundled scenarios use; any id works in an open world.
EXAMPLE_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
SHOWN_ACCOUNTS = 5


def banner(
    app: MockApp,
    *,
    host: str,
    port: int,
    reloading: bool = False,
    state_file: str | None = None,
    time_scale: float = 1.0,
) -> str:
    """What a person needs to start: where to point an SDK, who may call, what to try."""
    origin = f"http://{_display_host(host)}:{port}"
    base = f"{origin}/client/v4"
    scenario = app.control.scenario
    world = app.world
    lines = [
        f"{PROG} {version()}: Cloudflare's Registrar API, mocked",
        "",
        f"  Base URL     {base}   (give this to your SDK as base_url)",
        f"  Scenario     {scenario.name} ({scenario.source})"
        + (", reloaded when the file changes" if reloading else ""),
    ]
    if world.open_accounts:
        lines.append("  Accounts     any account id, with any well-formed token or key")
        account, auth = EXAMPLE_ACCOUNT, "-H 'Authorization: Bearer any-token'"
    elif not world.accounts:
        lines.append("  Accounts     none: every request will be refused")
        account, auth = EXAMPLE_ACCOUNT, "-H 'Authorization: Bearer any-token'"
    else:
        lines.append("  Accounts     only these (secrets shortened):")
        for spec in world.accounts[:SHOWN_ACCOUNTS]:
            secrets = [f"token {mask(token)}" for token in spec.tokens]
            secrets += [f"key {key.email} {mask(key.key)}" for key in spec.api_keys]
            lines.append(f"                 {spec.id}  {', '.join(secrets) or 'no credentials'}")
        if len(world.accounts) > SHOWN_ACCOUNTS:
            lines.append(f"                 ... and {len(world.accounts) - SHOWN_ACCOUNTS} more")
        first = world.accounts[0]
        account = first.id
        if first.tokens or not first.api_keys:
            auth = '-H "Authorization: Bearer $TOKEN"'
        else:
            auth = f"-H 'X-Auth-Email: {first.api_keys[0].email}' -H \"X-Auth-Key: $KEY\""
    protected = bool(getattr(app.control, "control_token", None))
    guard = "Authorization: Bearer <your --control-token>" if protected else "no token needed"
    lines.append(f"  Control API  {origin}/__mock__   ({guard})")
    speed = f", {time_scale:g} times faster" if time_scale != 1 else ""
    lines.append(f"  Clock        real time{speed}; the control API can move it forward")
    if state_file is not None:
        lines.append(f"  State file   {state_file}")
    if not protected and not is_loopback(host):
        lines.append(
            f"  WARNING      {host} is reachable from other machines and the control API has no "
            "token: anyone can reset or read this mock; set --control-token"
        )
    url = f"{base}/accounts/{account}/registrar/registrations"
    lines += ["", "  Try it:", f"    curl -s {auth} {url}"]
    if "$TOKEN" in auth or "$KEY" in auth:
        what = "TOKEN: a token" if "$TOKEN" in auth else "KEY: the key"
        lines.append(f"    (${what} of {account}, shortened above; secrets are never printed)")
    return "\n".join(lines) + "\n"


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, never enough to use it: at most 4 characters,
    and at most a quarter of it (``0123…``)."""
    keep = min(4, len(secret) // 4)
    return f"{secret[:keep]}…"


def _display_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def version() -> str:
    try:
        return metadata.version("registrar-mock")
    except metadata.PackageNotFoundError:
        return "(source)"
