"""``registrar-mock contract``: the server-conformance suite against any running server.

::

    registrar-mock contract --base-url http://127.0.0.1:8787/client/v4
    registrar-mock contract --base-url https://api.cloudflare.com/client/v4 \\
        --token "$CLOUDFLARE_API_TOKEN" --account-id "$ACCOUNT_ID" --read-only

The requests come from the spec bundled with the package, or from ``--spec``'s file or
URL: the server under test need not serve one (Cloudflare's API does not). A read-write
run works in a fresh, random account unless ``--account-id`` names one, so what it
creates is apart from everything else on the server; ``--read-only`` sends only
requests that change nothing (search, check, list, get and the status reads), so it is
safe against the real API. Before the suite starts, one list request checks that the
server accepts the credentials for that account. It prints the account, progress as
schemathesis's phases run, then a table per operation and the failures, and exits 1 if
anything failed (2 for bad arguments, a spec that can't be loaded, or an account the
server refuses).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from registrar_mock.contract_tests import defaults

if TYPE_CHECKING:
    from registrar_mock.contract_tests import conformance

EXAMPLES = f"""\
examples:
  registrar-mock contract --base-url http://127.0.0.1:8787/client/v4
  registrar-mock contract --base-url URL --spec ./openapi.yaml --account-id ID
  registrar-mock contract --base-url https://api.cloudflare.com/client/v4 \\
      --token "$CLOUDFLARE_API_TOKEN" --account-id "$ACCOUNT_ID" --read-only
  registrar-mock contract --base-url URL --max-examples 200 --junit-xml contract.xml

accounts:
  A read-write run uses a fresh, random account id (32 hex digits) unless --account-id
  names one; the id is printed first and last, so you can find what the run created.
  The mock's default world accepts any account id, so a random one works there; a
  server that refuses the account stops the run before it starts (exit 2).
  A --read-only run uses {defaults.DEFAULT_ACCOUNT} (the README's) unless
  --account-id names one: against the real API, name yours.

spec:
  The requests are built from the spec bundled with registrar-mock unless --spec names
  a file or an http(s) URL; nothing is fetched from the server under test.
"""


# Wrapped by hand: the raw formatter keeps the epilog's layout, and this one's too.
DESCRIPTION = """\
Run the server-conformance suite against a running server: the mock, or, with
--read-only, Cloudflare's API. Exits 1 if anything failed; 2 for bad arguments, a spec
that can't be loaded, or an account the server refuses."""


def add_parser(subparsers: Any) -> None:
    """Add the ``contract`` subcommand to ``registrar-mock``'s subparsers."""
    parser = subparsers.add_parser(
        "contract",
        help="run the server-conformance suite against a running server",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    configure(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", required=True, help="the API root, e.g. http://127.0.0.1:8787/client/v4"
    )
    parser.add_argument(
        "--spec",
        metavar="PATH_OR_URL",
        help="the OpenAPI document to test against, a file or an http(s) URL (default: the "
        "one bundled with registrar-mock; the server need not serve a spec)",
    )
    auth = parser.add_mutually_exclusive_group()
    auth.add_argument("--token", help=f"API token (default: {defaults.DEFAULT_TOKEN!r})")
    auth.add_argument("--email", help="account email, with --key (legacy credentials)")
    parser.add_argument("--key", help="Global API key, with --email")
    parser.add_argument(
        "--account-id",
        metavar="ID",
        help="the account to test (default: a fresh, random one for a read-write run, "
        f"printed at the start; {defaults.DEFAULT_ACCOUNT} for --read-only)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="send only requests that change nothing; safe against the real API",
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=None,
        help=f"examples per operation and phase (default {defaults.CI_MAX_EXAMPLES})",
    )
    parser.add_argument("--seed", type=int, default=defaults.DEFAULT_SEED, help="random seed")
    parser.add_argument("--junit-xml", type=Path, help="also write the results as JUnit XML")


def settings_from(args: argparse.Namespace) -> conformance.Settings:
    from registrar_mock.contract_tests import conformance

    if args.email is not None or args.key is not None:
        if args.email is None or args.key is None:
            raise ValueError("--email and --key go together")
        credentials = conformance.Credentials(email=args.email, key=args.key)
    else:
        credentials = conformance.Credentials(token=args.token or defaults.DEFAULT_TOKEN)
    if args.max_examples is not None and args.max_examples < 1:
        raise ValueError("--max-examples must be at least 1")
    if args.account_id is not None and not args.account_id.strip():
        raise ValueError("--account-id must not be empty")
    return conformance.Settings(
        credentials=credentials,
        account_id=account_for(args),
        max_examples=args.max_examples,
        read_only=args.read_only,
        seed=args.seed,
    )


def fresh_account() -> str:
    """A new account id, in Cloudflare's form: 32 lowercase hex digits, from ``secrets``."""
    return secrets.token_hex(16)


def account_for(args: argparse.Namespace) -> str:
    """The account a run uses: ``--account-id``; else the README's for a read-only run,
    and a fresh random one for a read-write run."""
    if args.account_id is not None:
        return str(args.account_id)
    return defaults.DEFAULT_ACCOUNT if args.read_only else fresh_account()


def account_origin(args: argparse.Namespace) -> str:
    if args.account_id is not None:
        return "from --account-id"
    if args.read_only:
        return "the default for --read-only; --account-id names another"
    return "fresh and random for this run; --account-id names another"


# Cloudflare's code for a path that matches no route: no Registrar API at that base URL.
NO_ROUTE = 7000


def check_account(base_url: str, settings: conformance.Settings) -> str:
    """List the account's registrations once; the line to print if the server accepts the
    credentials for the account. Otherwise raises ``PermissionError`` (the account or the
    credentials refused) or ``OSError`` (unreachable, or no Registrar API there), with a
    message for a person."""
    path = f"/accounts/{settings.account_id}/registrar/registrations"
    try:
        response = httpx.get(
            base_url.rstrip("/") + path, headers=settings.credentials.headers(), timeout=30
        )
    except httpx.HTTPError as exc:
        raise OSError(f"cannot reach {base_url}: {exc}") from exc
    answered = f"GET {path} answered {response.status_code}"
    if response.is_success:
        return f"Account {settings.account_id} authenticates: {answered}"
    codes, detail = _errors_of(response)
    if codes is None or NO_ROUTE in codes or response.status_code == 404:
        raise OSError(
            f"no Registrar API at {base_url}: {answered}{detail}; --base-url is the API "
            "root, such as http://127.0.0.1:8787/client/v4"
        )
    hint = (
        "the mock's default world accepts any account and any well-formed credential; a "
        "scenario with fixed accounts, or the real API, needs --account-id with an account "
        "these credentials may use"
    )
    raise PermissionError(
        f"the server refused account {settings.account_id}: {answered}{detail}; {hint}"
    )


def _errors_of(response: httpx.Response) -> tuple[set[int] | None, str]:
    """The codes of a Cloudflare error envelope (``None`` if it isn't one), and a note."""
    try:
        errors = response.json()["errors"]
        codes = {int(error["code"]) for error in errors}
        described = "; ".join(f"{error['code']} {error.get('message', '')}" for error in errors)
    except (ValueError, KeyError, TypeError):
        return None, ""
    return codes, f" ({described})" if described else ""


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from registrar_mock.contract_tests import (
        conformance,  # schemathesis loads only when the suite runs
    )

    out = out or sys.stdout
    try:
        settings = settings_from(args)
    except ValueError as exc:
        print(f"registrar-mock contract: {exc}", file=sys.stderr)
        return 2
    spec = getattr(args, "spec", None)
    where = conformance.describe_spec(spec)
    try:
        schema = conformance.against(args.base_url, settings, spec=spec)
    except Exception as exc:  # the loaders raise several kinds; all mean "no usable spec"
        print(f"registrar-mock contract: cannot load {where}: {exc}", file=sys.stderr)
        return 2
    try:
        authenticated = check_account(args.base_url, settings)
    except (PermissionError, OSError) as exc:
        print(f"registrar-mock contract: {exc}", file=sys.stderr)
        return 2
    mode = "read-only" if settings.read_only else "read-write"
    examples = f"{settings.examples} examples per operation, seed {settings.seed}"
    print(f"Testing {args.base_url} ({mode}, {examples})", file=out)
    print(f"Spec: {where}", file=out)
    print(f"Account: {settings.account_id} ({account_origin(args)})", file=out)
    print(authenticated, file=out, flush=True)
    started = time.monotonic()
    report = conformance.run(schema, progress=lambda line: print(line, file=out, flush=True))
    report.seconds = report.seconds or time.monotonic() - started
    print("", file=out)
    print(report.table(), file=out)
    for finding in report.findings:
        print(f"\n{finding}", file=out)
    for error in report.errors:
        print(f"\nERROR {error}", file=out)
    verdict = "passed" if report.ok else "FAILED"
    counts = f"{len(report.findings)} failures, {len(report.errors)} errors"
    summary = f"{len(report.operations)} operations, {counts} in {report.seconds:.1f} s"
    if not settings.read_only:
        print(f"\nWhat this run created is in account {settings.account_id}.", file=out)
    print(f"\n{summary}: {verdict}", file=out)
    if args.junit_xml is not None:
        write_junit(report, args.junit_xml)
    return 0 if report.ok else 1


def write_junit(report: conformance.Report, path: Path) -> None:
    """One test case per operation; its failures and errors as JUnit failures."""
    suite = ET.Element(
        "testsuite",
        name="registrar-mock contract",
        tests=str(len(report.operations)),
        failures=str(sum(1 for op in report.operations.values() if op.failures)),
        errors=str(len(report.errors)),
        time=f"{report.seconds:.3f}",
    )
    for label, result in sorted(report.operations.items()):
        case = ET.SubElement(suite, "testcase", classname="contract", name=label)
        for finding in report.findings:
            if finding.operation == label:
                failure = ET.SubElement(
                    case, "failure", message=f"[{finding.check}] {finding.title}"
                )
                failure.text = f"{finding.message}\n{finding.reproduce}"
        if result.cases == 0 and not result.failures:
            ET.SubElement(case, "skipped", message="no case was generated")
    for error in report.errors:
        case = ET.SubElement(suite, "testcase", classname="contract", name="(run)")
        ET.SubElement(
            case, "error", message=error.splitlines()[0] if error else "error"
        ).text = error
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m contract_tests.cli ...``: the same as ``registrar-mock contract ...``."""
    parser = argparse.ArgumentParser(
        prog="registrar-mock contract", description=DESCRIPTION, epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
