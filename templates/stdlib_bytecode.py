"""Build-time bytecode for the standard-library modules the app loads at start.

The runtime image's standard library may ship without bytecode (distroless's does), and a nonroot
process on a read-only root cannot write it, so every start would compile those modules from
source. The Dockerfile's check stage runs this with the venv's Python (the runtime image's own):

    stdlib_bytecode.py OUT APP [FILE...]

It finds what the app imports at the top of its files (APP, and FILE: e.g. the console script
that starts it) and every top-level package of the venv, imports those in a fresh interpreter
(never the app's own modules, so none of its code runs), and writes a hash-checked .pyc for each
standard-library module that this loaded and that has none, at its __pycache__ path under OUT,
for the final stage to copy to /. Hash-checked bytecode stays valid whatever the files' times.
"""

import ast
import py_compile
import site
import subprocess
import sys
import sysconfig
from importlib.util import cache_from_source
from pathlib import Path

# Modules whose import does something (opens a browser, prints, needs a display).
NEVER = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "__main__"}

# Run in a fresh interpreter: its modules are exactly what start-up and these imports load.
CHILD = """
import sys
for name in sys.argv[1:]:
    try:
        __import__(name)
    except BaseException:
        pass
for module in list(sys.modules.values()):
    spec = getattr(module, "__spec__", None)
    file = getattr(module, "__file__", None)
    if file and not (spec is not None and spec.origin == "frozen"):
        print("\\0" + file)
"""


def top_level_imports(file: Path) -> set[str]:
    """The modules a file imports outside functions (under if and try too)."""
    try:
        tree = ast.parse(file.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return set()
    names: set[str] = set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for part in (*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])):
                todo.append(part)
            for handler in getattr(node, "handlers", []):
                todo.extend(handler.body)
    return names


def main(out: Path, app: Path, files: list[Path]) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = [f for f in app.rglob("*.py")] + files
    # The app's own top-level modules and packages: never imported here.
    own = {p.stem for root in (app, app / "src") if root.is_dir() for p in root.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    wanted = set().union(*(top_level_imports(f) for f in sources)) if sources else set()
    for packages in filter(Path.is_dir, map(Path, site.getsitepackages())):
        for item in packages.iterdir():
            name = item.stem if item.suffix == ".py" else item.name
            if name.isidentifier() and not name.startswith("_") and (item.suffix == ".py" or (item / "__init__.py").exists()):
                wanted.add(name)
    names = sorted(n for n in wanted if n.split(".")[0] not in NEVER | own)
    child = subprocess.run([sys.executable, "-B", "-c", CHILD, *names], capture_output=True, text=True, check=False, timeout=600)
    loaded = {Path(line[1:]) for line in child.stdout.splitlines() if line.startswith("\0")}
    out.mkdir(parents=True, exist_ok=True)
    compiled = size = 0
    for source in sorted(loaded):
        if source.suffix != ".py" or stdlib not in source.parents or "site-packages" in source.parts:
            continue
        cache = Path(cache_from_source(str(source)))
        if cache.exists():
            continue
        target = out / cache.relative_to("/")
        py_compile.compile(str(source), cfile=str(target), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        compiled += 1
        size += target.stat().st_size
    print(f"stdlib bytecode: {compiled} module(s) of {stdlib} loaded at start compiled ({size // 1024} KiB), from {len(names)} import(s)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), [Path(f) for f in sys.argv[3:]])
