"""The README's second client example, run as written against `registrar-mock serve`."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.helpers import ROOT
from tests.live import serve


def test_the_readme_transfer_and_sandbox_example_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- client-transfer-example -->\n```python\n(.*?)```", readme, re.S)
    assert match, "README has no block marked client-transfer-example"
    with serve("--scenario", "transfer-succeeds") as base_url:
        code = match.group(1).replace("http://127.0.0.1:8787/client/v4", base_url)
        result = subprocess.run(
            [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "move-me-in.com True 8.57"
    assert lines[1] == "example.com False domain_locked, zone_not_found"
    assert lines[2].split() == ["pending", "transfer_pending"]
    assert lines[3] == "com True True"
    assert lines[4] == "succeeded ['com', 'net']"
