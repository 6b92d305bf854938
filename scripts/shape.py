"""Check the code's shape: modules about 300 lines, functions under 60.

A module may run longer when its docstring's first lines say why, in a line
starting ``Longer than 300 lines:``; a function may when its docstring has a
line starting ``Longer than 60 lines:``. Run by ``scripts/lint``; exits 1 and
names every offender otherwise.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULE_LINES = 300
FUNCTION_LINES = 60
REASON = "Longer than"


def problems(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, str(path))
        lines = text.count("\n")
        doc = ast.get_docstring(tree) or ""
        if lines > MODULE_LINES and f"{REASON} {MODULE_LINES} lines:" not in doc:
            found.append(f"{path}: {lines} lines (limit {MODULE_LINES}) and no reason given")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                fdoc = ast.get_docstring(node) or ""
                if length > FUNCTION_LINES and f"{REASON} {FUNCTION_LINES} lines:" not in fdoc:
                    found.append(
                        f"{path}:{node.lineno}: {node.name}() is {length} lines "
                        f"(limit {FUNCTION_LINES}) and no reason given"
                    )
    return found


if __name__ == "__main__":
    found = problems(Path(sys.argv[1] if len(sys.argv) > 1 else "cookiegate"))
    print("\n".join(found) or "shape: every module and function within its limit")
    sys.exit(1 if found else 0)
