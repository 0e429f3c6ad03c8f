"""Lay out the ``registrar_mock`` namespace as the wheel does, as a tree of symlinks.

The repository keeps its source folders at the top (``mock_server/``, ``client/``,
``contract_tests/``, ``scenarios/``) and the build maps them into one package, as
``[tool.setuptools.package-dir]`` in pyproject.toml says. Python finds them through
the editable install; tools that read files instead of importing (mypy,
import-linter) need to see the package as it will be installed. This builds that
view from the same table, so the two can't disagree::

    python tools/namespace_view.py .venv/namespace   # then MYPYPATH=.venv/namespace
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_dirs() -> dict[str, Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    return {name: ROOT / folder for name, folder in table.items()}


def build(target: Path) -> Path:
    """Rebuild ``target`` so that ``target/registrar_mock`` is the installed package."""
    mapping = package_dirs()
    if target.exists():
        shutil.rmtree(target)
    # Shallow names first, so a mapped subpackage lands inside its parent's view.
    for name in sorted(mapping, key=lambda n: n.count(".")):
        place = target
        for part in name.split("."):
            place = _real_dir(place / part)
        _link_entries(mapping[name], place)
    return target


def _real_dir(path: Path) -> Path:
    """``path`` as a directory of the view: a link to a source folder becomes a directory
    of links to its entries, so nothing is ever written into the sources."""
    if path.is_symlink():
        source = path.resolve()
        path.unlink()
        path.mkdir()
        _link_entries(source, path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _link_entries(source: Path, place: Path) -> None:
    for entry in source.iterdir():
        link = place / entry.name
        if entry.name != "__pycache__" and not (link.exists() or link.is_symlink()):
            link.symlink_to(entry)


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else ".venv/namespace").resolve()))
