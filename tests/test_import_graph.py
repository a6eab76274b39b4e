"""The package's import graph has no cycles (imports inside functions count: they run when called)."""
import subprocess
import sys
from pathlib import Path

import eqgraph
from eqgraph.testing.import_graph import cycles, import_graph

PACKAGE = Path(eqgraph.__file__).parent

ALLOWED_BACK_REFERENCES = {
    # escnn's API: ``field_type(tensor)`` returns a GeometricTensor, whose constructor checks its FieldType
    ("eqgraph.fields.field_type", "eqgraph.fields.geometric_tensor"),
}


def test_the_package_import_graph_has_no_cycles():
    graph = import_graph(PACKAGE, "eqgraph")
    assert len(graph) > 150
    for source, target in ALLOWED_BACK_REFERENCES:
        graph[source].remove(target)
    assert cycles(graph) == []


def test_the_group_layers_import_downwards_only():
    graph = import_graph(PACKAGE, "eqgraph")
    assert "eqgraph.group.representation" in graph["eqgraph.group.group"]
    assert "eqgraph.group.group" not in graph["eqgraph.group.representation"]
    assert "eqgraph.group.so3" not in graph["eqgraph.group.polyhedral"]
    assert "eqgraph.group.so2" not in graph["eqgraph.group.cyclic"]


def test_cycles_are_found_including_imports_inside_functions_but_not_type_checking(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import f\n")
    (package / "b.py").write_text("def f():\n    from .c import g\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import f\n"
                                  "def g():\n    from . import a\n")
    graph = import_graph(package, "pkg")
    assert graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import f\n")
    assert cycles(import_graph(package, "pkg")) == []


FIRST_IMPORTS = """
import importlib, sys
import e3nn, numpy, scipy, torch, torch_geometric  # third-party packages once; eqgraph afresh for every module
for module in {modules!r}:
    for name in [n for n in sys.modules if n == "eqgraph" or n.startswith("eqgraph.")]:
        del sys.modules[name]
    importlib.import_module(module)
print("ok")
"""


def test_every_subpackage_imports_first():
    # importing any module runs eqgraph/__init__ first; the subpackages it leaves to be imported on demand
    # (models, data, training, calculators, cli) are the other entry points
    modules = sorted(m for m in import_graph(PACKAGE, "eqgraph") if m.count(".") == 1 and not m.endswith("__main__"))
    assert "eqgraph.models" in modules and "eqgraph.group" in modules
    done = subprocess.run([sys.executable, "-c", FIRST_IMPORTS.format(modules=modules)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
