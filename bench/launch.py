"""Serve the app under test, or the baseline, with identical uvicorn settings.

``python -m bench.launch mock --scenario PATH --port N`` or ``python -m bench.launch
baseline --port N``. One worker, uvloop, httptools, no access log: the settings
the issue fixes for every HTTP measurement, so ratios compare apps, not servers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

UVICORN_SETTINGS: dict[str, Any] = {
    "loop": "uvloop",
    "http": "httptools",
    "workers": 1,
    "access_log": False,
    "log_level": "warning",
}


def build_app(kind: str, scenario: str | None) -> Any:
    if kind == "baseline":
        from .baseline import create_baseline_app

        return create_baseline_app()
    from registrar_mock import SystemClock, create_app
    from registrar_mock import scenarios as loader

    world = loader.resolve(scenario)
    return create_app(world, clock=SystemClock())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.launch")
    parser.add_argument("kind", choices=("mock", "baseline"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scenario", default=None, help="scenario path (mock only)")
    args = parser.parse_args(argv)

    import uvicorn

    app = build_app(args.kind, args.scenario)
    uvicorn.run(app, host=args.host, port=args.port, **UVICORN_SETTINGS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
