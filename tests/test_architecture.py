"""The README's architecture section is the code's: the layers it lists are the
direction of the imports (a module imports only from its own layer and the layers
listed before it), and every module of src/flowmap is in exactly one layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import ROOT

SRC = ROOT / "src" / "flowmap"


def _layers() -> list[set[str]]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Architecture", 1)[1].split("\n## ", 1)[0]
    listed = re.search(r"<!-- layers:start -->\n(.*?)<!-- layers:end -->", section, re.S)
    assert listed, "README.md's architecture section lacks the layers list"
    return [set(re.findall(r"`([\w/]+)`", line)) for line in listed.group(1).splitlines() if line.strip()]


def _unit(parts: tuple[str, ...], units: set[str]) -> str:
    """The listed unit a module belongs to: ``io/config`` when listed on its own, else its package or module."""
    two = "/".join(parts[:2])
    return two if two in units else parts[0]


def _runtime_imports(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """The flowmap modules ``path`` imports when it runs (imports for annotations only left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    package = path.relative_to(SRC).parts[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and id(node) not in typing_only:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                out.append((node.lineno, (*base, *node.module.split("."))))
            else:
                out += [(node.lineno, (*base, a.name)) for a in node.names]
    return out


def test_imports_go_up_the_readme_layers() -> None:
    layers = _layers()
    units = set().union(*layers)
    level = {u: i for i, layer in enumerate(layers) for u in layer}
    modules = [p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts != ("__init__.py",)]
    unlisted = sorted({_unit(p.relative_to(SRC).with_suffix("").parts, units) for p in modules} - units)
    assert not unlisted, f"modules in no layer of README.md's architecture: {unlisted}"
    wrong = []
    for p in modules:
        me = _unit(p.relative_to(SRC).with_suffix("").parts, units)
        for line, target in _runtime_imports(p):
            to = _unit(target, units) if target else me
            if to in level and level[to] > level[me]:
                wrong.append(f"{p.relative_to(SRC)}:{line} ({me}, layer {level[me] + 1}) imports {to} (layer {level[to] + 1})")
    assert not wrong, "imports against the README's layers:\n" + "\n".join(wrong)


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    """A ``type: ignore`` silences one named check and says on the same line why it is right."""
    bare = [f"{p.relative_to(SRC)}:{i}" for p in SRC.rglob("*.py")
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
            if "type: ignore" in line and not re.search(r"type: ignore\[[a-z, -]+\]  # \S", line)]
    assert not bare, f"type: ignore without a code and a reason: {bare}"
