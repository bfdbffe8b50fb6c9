"""The house rules for imports and module size, checked by reading the source with `ast`.

No import cycles between project modules, nothing but views, urls and the API imports a view, and
no module over 450 lines. The first half of this file is the import graph; the self-tests at the
end run it on small synthetic trees, so a rule that could never fail would show there.
"""

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("webcare", "inbox", "channels", "cases", "klantcontacten", "triage", "reports", "audit", "security", "privacy")
SKIPPED_DIRS = {"migrations", ".venv", "tests", "__pycache__"}
MAX_LINES = 450


# --- The import graph ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One import statement of `source` that reaches the project module `target`."""

    source: str
    target: str
    path: Path
    line: int

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every module under the given top-level packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if SKIPPED_DIRS.intersection(relative.parts):
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _most_specific(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is a project module, or None if it is not ours."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _from_base(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a `from … import` statement reads from."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if node.level > 1:
        package = package[: -(node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every project module `module` imports, at any depth (functions, methods, try, if)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [_most_specific(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(module, path, node)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else _most_specific(base, modules)
                for alias in node.names
            ]
        else:
            continue
        for target in dict.fromkeys(targets):  # `from x import a, b`: one edge per statement
            # A package's __init__ naming its own attributes (`from . import x`, x not a module)
            # is not an edge.
            if target is not None and target != module:
                found.append(Import(module, target, path, node.lineno))
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, list[Import]]]:
    """source → target → the import statements making that edge. No implicit parent-package edges."""
    graph: dict[str, dict[str, list[Import]]] = {name: {} for name in modules}
    for name, path in modules.items():
        for imp in imports_of(name, path, modules):
            graph[name].setdefault(imp.target, []).append(imp)
    return graph


def strongly_connected(graph: dict[str, dict]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit to worry about)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, ())))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def _shortest_path(graph: dict[str, dict], start: str, goal: str, within: set[str]) -> list[str]:
    previous = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for succ in sorted(graph[node]):
            if succ in within and succ not in previous:
                previous[succ] = node
                queue.append(succ)
    raise AssertionError(f"{goal} is not reachable from {start} inside its component")


def cycles(graph: dict[str, dict]) -> list[list[str]]:
    """Cycles as chains [a, b, …, a]: for each edge inside a cycle, the shortest cycle through it.

    Every import that takes part in a cycle appears in at least one chain, without enumerating
    the (possibly exponential) set of all elementary cycles.
    """
    found = []
    for component in strongly_connected(graph):
        members = set(component)
        covered = set()
        for source in component:
            for target in sorted(graph[source]):
                if target not in members or (source, target) in covered:
                    continue
                chain = [source, *_shortest_path(graph, target, source, members)]
                covered.update(zip(chain, chain[1:]))
                found.append(chain)
    return found


def describe_cycle(graph: dict[str, dict], chain: list[str], root: Path) -> str:
    lines = [" → ".join(chain)]
    for source, target in zip(chain, chain[1:]):
        where = ", ".join(imp.where(root) for imp in graph[source][target])
        lines.append(f"    {source} → {target}  ({where})")
    return "\n".join(lines)


# --- Which modules are views, urls and the API --------------------------------------------------


def _named_or_inside(module: str, name: str) -> bool:
    """`module` is called `name` (`triage.views`) or lives in a `name` package (`inbox.views.queue`)."""
    return name in module.split(".")


def is_view_module(module: str) -> bool:
    return _named_or_inside(module, "views")


def may_import_views(module: str) -> bool:
    return is_view_module(module) or _named_or_inside(module, "urls") or _named_or_inside(module, "api")


def view_imports(graph: dict[str, dict]) -> list[Import]:
    return [
        imp
        for source, targets in sorted(graph.items())
        for target, imps in sorted(targets.items())
        if is_view_module(target) and not may_import_views(source)
        for imp in imps
    ]


# --- Module size --------------------------------------------------------------------------------


def python_files(root: Path, top_level) -> list[Path]:
    files = []
    for name in top_level:
        for path in sorted((root / name).rglob("*.py")):
            if not {"migrations", ".venv", "__pycache__"}.intersection(path.relative_to(root).parts):
                files.append(path)
    return files


def oversized(files, limit=MAX_LINES) -> list[tuple[Path, int]]:
    counts = [(path, len(path.read_text().splitlines())) for path in files]
    return [(path, count) for path, count in counts if count > limit]


# --- The rules on this project ------------------------------------------------------------------


def test_no_import_cycles():
    graph = import_graph(project_modules(ROOT))

    found = cycles(graph)

    assert not found, f"{len(found)} import cycle(s):\n" + "\n".join(
        describe_cycle(graph, chain, ROOT) for chain in found
    )


def test_views_are_imported_only_by_views_urls_and_the_api():
    offending = view_imports(import_graph(project_modules(ROOT)))

    assert not offending, "a view is imported from outside views, urls and the API:\n" + "\n".join(
        f"    {imp.source} → {imp.target}  ({imp.where(ROOT)})" for imp in offending
    )


def test_no_module_is_over_450_lines():
    too_long = oversized(python_files(ROOT, (*PACKAGES, "tests")))

    assert not too_long, f"modules over {MAX_LINES} lines:\n" + "\n".join(
        f"    {path.relative_to(ROOT)}: {count}" for path, count in too_long
    )


# --- The graph code itself, on synthetic trees --------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return project_modules(root, packages=("pkg",))


def _edges(graph) -> set[tuple[str, str]]:
    return {(source, target) for source, targets in graph.items() for target in targets}


def test_imports_are_found_at_any_depth_and_resolved_to_the_most_specific_module(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "from . import a\nfrom . import VERSION\n",
            "pkg/a.py": "import json\n\ndef f():\n    from pkg import b\n",
            "pkg/b.py": "class C:\n    def m(self):\n        try:\n            from .c import X\n"
            "        except ImportError:\n            pass\n",
            "pkg/c.py": "if True:\n    import pkg.sub.d\nfrom pkg.a import f, g\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/d.py": "from .. import b\nfrom ..c import X\nfrom . import e\n",
            "pkg/sub/e.py": "import pkg.sub.nothing_here\n",
            "pkg/migrations/0001.py": "from pkg import a\n",
        },
    )

    graph = import_graph(modules)

    assert set(modules) == {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.sub", "pkg.sub.d", "pkg.sub.e"}
    # Exactly these: no implicit edge from a submodule to the package it lives in.
    assert _edges(graph) == {
        ("pkg", "pkg.a"),  # `from . import a` in a package's __init__
        ("pkg.a", "pkg.b"),  # inside a function; `json` is not ours
        ("pkg.b", "pkg.c"),  # inside try, inside a method
        ("pkg.c", "pkg.sub.d"),  # inside an if
        ("pkg.c", "pkg.a"),
        ("pkg.sub.d", "pkg.b"),  # `from .. import b`: the module b
        ("pkg.sub.d", "pkg.c"),
        ("pkg.sub.d", "pkg.sub.e"),
        ("pkg.sub.e", "pkg.sub"),  # no such submodule: the nearest one that exists
    }
    assert graph["pkg.b"]["pkg.c"][0].line == 4
    assert [imp.line for imp in graph["pkg.c"]["pkg.a"]] == [3]  # one edge for `import f, g`


def test_a_cycle_through_an_import_inside_a_function_is_found_with_its_lines(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from .b import g\n",
            "pkg/b.py": "def g():\n    from pkg.c import h\n",
            "pkg/c.py": "\n\nfrom .a import x\n",
            "pkg/d.py": "from .a import x\n",
        },
    )
    graph = import_graph(modules)

    found = cycles(graph)

    assert found == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    assert describe_cycle(graph, found[0], tmp_path).splitlines() == [
        "pkg.a → pkg.b → pkg.c → pkg.a",
        "    pkg.a → pkg.b  (pkg/a.py:1)",
        "    pkg.b → pkg.c  (pkg/b.py:2)",
        "    pkg.c → pkg.a  (pkg/c.py:3)",
    ]


def test_a_submodule_importing_its_package_is_a_cycle_only_if_the_package_imports_it(tmp_path):
    acyclic = _tree(tmp_path / "one", {"pkg/__init__.py": "X = 1\n", "pkg/z.py": "from . import X\n"})
    cyclic = _tree(
        tmp_path / "two",
        {"pkg/__init__.py": "def get():\n    from .z import Z\n", "pkg/z.py": "from . import X\n"},
    )

    assert cycles(import_graph(acyclic)) == []
    assert cycles(import_graph(cyclic)) == [["pkg", "pkg.z", "pkg"]]


def test_every_edge_of_a_tangle_is_in_some_reported_cycle():
    graph = {"a": {"b": [], "c": []}, "b": {"a": []}, "c": {"a": [], "d": []}, "d": {}, "e": {"d": []}}

    found = cycles(graph)

    assert found == [["a", "b", "a"], ["a", "c", "a"]]
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["d"], ["e"]]


def test_only_views_urls_and_the_api_may_import_a_view(tmp_path):
    modules = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/views/__init__.py": "",
            "pkg/views/queue.py": "from pkg.views import helpers\n",
            "pkg/views/helpers.py": "",
            "pkg/urls.py": "from .views import queue\n",
            "pkg/api.py": "from pkg.views.queue import x\n",
            "pkg/templatetags/tags.py": "def tag():\n    from pkg.views import queue\n",
            "pkg/services.py": "import pkg.views\n",
        },
    )

    offending = view_imports(import_graph(modules))

    assert [(imp.source, imp.target) for imp in offending] == [
        ("pkg.services", "pkg.views"),
        ("pkg.templatetags.tags", "pkg.views.queue"),
    ]
    assert [is_view_module(m) for m in ("triage.views", "inbox.views.queue", "inbox.viewsets")] == [
        True,
        True,
        False,
    ]
    assert [
        may_import_views(m) for m in ("webcare.urls", "inbox.urls.cases", "webcare.api", "inbox.api.x")
    ] == [
        True,
        True,
        True,
        True,
    ]
    assert [may_import_views(m) for m in ("triage.templatetags.triage_tags", "inbox.selectors")] == [
        False,
        False,
    ]


def test_long_modules_are_reported_with_their_line_count(tmp_path):
    _tree(tmp_path, {"pkg/short.py": "x = 1\n" * 450, "pkg/long.py": "x = 1\n" * 451})
    _tree(tmp_path, {"pkg/migrations/0001_long.py": "x = 1\n" * 900})

    too_long = oversized(python_files(tmp_path, ("pkg",)))

    assert [(path.name, count) for path, count in too_long] == [("long.py", 451)]
