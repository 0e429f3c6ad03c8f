"""The ``registrar-mock`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .clock import SystemClock

EXAMPLES = """\
examples:
  registrar-mock serve
  registrar-mock serve --port 9000 --scenario default
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registrar-mock",
        description="A stateful mock of Cloudflare's Registrar API.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the mock over HTTP",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port to bind (default 8787)")
    serve.add_argument("--scenario", default="default", help="bundled scenario name or a path")
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="virtual seconds per real second (default 1)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    if args.scenario != "default":
        print(f"registrar-mock: unknown scenario {args.scenario!r}; try 'default'", file=sys.stderr)
        return 2
    if args.time_scale <= 0:
        print("registrar-mock: --time-scale must be positive", file=sys.stderr)
        return 2
    app = create_app(clock=SystemClock(time_scale=args.time_scale))
    base = f"http://{args.host}:{args.port}/client/v4"
    print(f"registrar-mock serving the Registrar API at {base}", file=sys.stderr)
    print(f"  scenario: {args.scenario}; any account id, any well-formed token", file=sys.stderr)
    print(
        f"  try: curl -H 'Authorization: Bearer test-token' "
        f"'{base}/accounts/023e105f4ecef8ad9ca31a8372d0c353/registrar/domain-search?q=acme'",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
