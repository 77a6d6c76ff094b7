"""The design holds by itself: dependencies run one way, never in a circle, one idea a file.

The direction of dependencies (core below the apps, no DRF below the HTTP layer, the
accounts app in layers, accounts never importing mfa) is checked by import-linter
(``make lint``, contracts in pyproject.toml); this adds what it does not check.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
from django.conf import settings

PACKAGES = ("accounts", "core", "mfa", "pages", "config")
BASE = Path(settings.BASE_DIR)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)

    assert _cycles(graph) == []


def test_the_dependency_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-3000:]


def test_no_source_file_holds_more_than_one_idea():
    """A module past 400 lines becomes a package (STYLE: HackSoft's "Modules")."""
    long = [
        f"{path.relative_to(BASE)}: {lines}"
        for package in PACKAGES
        for path in sorted((BASE / package).rglob("*.py"))
        if "migrations" not in path.parts and "tests" not in path.parts
        if (lines := len(path.read_text().splitlines())) > 400
    ]

    assert long == []
