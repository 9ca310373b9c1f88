"""gan_core is the engine: importing all of it must not pull in Streamlit, its modules must not
import each other in a circle (lazy imports inside functions included), and each layer imports
only the layers below it (STYLE.md: data, networks, objectives, training, sampling, evaluation,
views, plots, live, cli), each layer its own rank so that a step up the table is caught."""

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "gan_core"
LAYERS = {  # top-level name -> rank; a module may import from its own rank or lower
    "config": 0,
    "device": 0,
    "presets": 0,
    "data": 1,
    "networks": 2,
    "objectives": 3,
    "training": 4,
    "sampling": 5,
    "evaluation": 6,
    "views": 7,
    "plots": 8,
    "live": 9,
    "cli": 10,
    "__main__": 10,
    "__init__": 10,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The gan_core modules `name` imports anywhere in its file (top level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("gan_core")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("gan_core"):
                continue
            for alias in node.names:  # `from package import module` imports that module
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    return found & known


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) - {name} for name, path in modules.items()}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles_in_gan_core():
    graph = _graph()
    assert len(graph) > 30  # the walk found the package
    assert _find_cycle(graph) is None, " -> ".join(_find_cycle(graph))


def test_the_cycle_finder_finds_one():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def _upward(graph: dict[str, set[str]]) -> list[str]:
    def rank(module):
        parts = module.split(".")
        return LAYERS[parts[1] if len(parts) > 1 else "__init__"]

    return [f"{a} -> {b}" for a, targets in graph.items() for b in targets if b != "gan_core" and rank(b) > rank(a)]


def test_each_layer_imports_only_layers_below_it():
    assert _upward(_graph()) == []


def test_the_layer_check_catches_a_step_up_between_neighbours():
    """Training importing sampling, or views importing plots, is a step up: the check must see it."""
    assert _upward({"gan_core.training.x": {"gan_core.sampling.y"}}) == ["gan_core.training.x -> gan_core.sampling.y"]
    assert _upward({"gan_core.views.x": {"gan_core.plots.y"}}) == ["gan_core.views.x -> gan_core.plots.y"]
    assert _upward({"gan_core.plots.x": {"gan_core.views.y"}}) == []


def test_gan_core_never_imports_streamlit(root):
    code = (
        "import pkgutil, importlib, sys, gan_core\n"
        "for m in pkgutil.walk_packages(gan_core.__path__, 'gan_core.'):\n"
        "    if m.name != 'gan_core.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_only_the_plot_builders_know_plotly(root):
    """STYLE.md: plot builders are the only code that knows about plotly (pages call st.plotly_chart
    on the figures they return)."""
    pattern = re.compile(r"^\s*(import plotly|from plotly)", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for folder in ("gan_core", "ui", "app_pages")
        for path in (root / folder).rglob("*.py")
        if pattern.search(path.read_text()) and "plots" not in path.relative_to(root).parts
    ]
    assert offenders == []
