"""``registrar-mock contract``: the server-conformance suite against any running server.

::

    registrar-mock contract --base-url http://127.0.0.1:8787/client/v4 --token T
    registrar-mock contract --base-url https://api.cloudflare.com/client/v4 \\
        --token "$CLOUDFLARE_API_TOKEN" --account-id "$ACCOUNT_ID" --read-only

It prints progress as schemathesis's phases run, then a table per operation and the
failures, and exits 1 if anything failed (2 for bad arguments or an unreachable spec).
``--read-only`` sends only requests that change nothing (search, check, list, get and
the two status reads), so it is safe against the real API.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from registrar_mock.contract_tests import defaults

if TYPE_CHECKING:
    from registrar_mock.contract_tests import conformance

EXAMPLES = """\
examples:
  registrar-mock contract --base-url http://127.0.0.1:8787/client/v4
  registrar-mock contract --base-url URL --email you@example.com --key KEY --read-only
  registrar-mock contract --base-url URL --max-examples 200 --junit-xml contract.xml
"""


def add_parser(subparsers: Any) -> None:
    """Add the ``contract`` subcommand to ``registrar-mock``'s subparsers."""
    parser = subparsers.add_parser(
        "contract",
        help="run the server-conformance suite against a running server",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    configure(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", required=True, help="the API root, e.g. http://127.0.0.1:8787/client/v4"
    )
    auth = parser.add_mutually_exclusive_group()
    auth.add_argument("--token", help=f"API token (default: {defaults.DEFAULT_TOKEN!r})")
    auth.add_argument("--email", help="account email, with --key (legacy credentials)")
    parser.add_argument("--key", help="Global API key, with --email")
    parser.add_argument(
        "--account-id",
        default=defaults.DEFAULT_ACCOUNT,
        help=f"the account to test (default {defaults.DEFAULT_ACCOUNT})",
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
    return conformance.Settings(
        credentials=credentials,
        account_id=args.account_id,
        max_examples=args.max_examples,
        read_only=args.read_only,
        seed=args.seed,
    )


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
    try:
        schema = conformance.against(args.base_url, settings)
    except Exception as exc:  # the loader raises several kinds; all mean "no spec there"
        print(f"registrar-mock contract: cannot load {args.base_url}/openapi.json: {exc}",
              file=sys.stderr)  # fmt: skip
        return 2
    mode = "read-only" if settings.read_only else "read-write"
    examples = f"{settings.examples} examples per operation, seed {settings.seed}"
    print(
        f"Testing {args.base_url} as account {settings.account_id} ({mode}, {examples})", file=out
    )
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
        prog="registrar-mock contract", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
