"""A lock file's pins for production, with their hashes, as a requirements file pip checks.

The Dockerfile's build stage runs this with the venv's Python (the standard library only), so a
changed lock reaches the next build without the generator:

    lock_requirements.py TOOL DIRECTORY OUTPUT

TOOL is poetry (DIRECTORY holds pyproject.toml and poetry.lock), pdm (pyproject.toml and
pdm.lock) or pipenv (Pipfile.lock). Only the main group is written (Poetry's main, PDM's
default, Pipenv's default), each package as name==version with every hash the lock has and the
marker under which it is needed; pip then installs them with --require-hashes, evaluating the
markers for the image's Python, and fails if any dependency is not pinned.
"""

import json
import re
import sys
from pathlib import Path


def fail(message: str) -> None:
    print(f"lock_requirements: {message}", file=sys.stderr)
    sys.exit(1)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def load_toml(path: Path) -> dict:
    try:
        import tomllib
    except ImportError:
        fail(f"{path.name} is TOML, which Python {sys.version_info[0]}.{sys.version_info[1]} cannot read (tomllib is 3.11+)")
    with path.open("rb") as file:
        return tomllib.load(file)


def both(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    return f"({first}) and ({second})"


PEP508 = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?[^;]*(?:;(.*))?$")


def pep508(text: str) -> tuple:
    """A PEP 508 requirement as (name, extras, marker); the version is the lock's to pin."""
    match = PEP508.match(text)
    if not match:
        fail(f"cannot read the requirement {text!r}")
    extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return match.group(1), extras, (match.group(3) or "").strip()


def closure(packages: dict, roots: list) -> dict:
    """Every package the roots need, each with the markers of the paths that reach it ('' = always)."""
    reached = {}
    extras_of = {}
    queue = list(roots)
    while queue:
        name, extras, marker = queue.pop()
        key = normalise(name)
        package = packages.get(key)
        if package is None:
            fail(f"{name} is required but not in the lock: lock it again")
        markers = reached.setdefault(key, set())
        wanted = extras_of.setdefault(key, set())
        new_extras = set(extras) - wanted
        if ("" in markers or marker in markers) and not new_extras:
            continue
        # More than a few different paths: needed on every platform, to keep the file readable.
        markers.add(marker if len(markers) < 4 else "")
        wanted.update(extras)
        for dep_name, dep_extras, dep_marker, extra in package["dependencies"]:
            if extra is None or extra in wanted:
                queue.append((dep_name, dep_extras, both(marker, dep_marker)))
    return {key: either(markers) for key, markers in reached.items()}


def either(markers: set) -> str:
    if "" in markers:
        return ""
    if len(markers) == 1:
        return next(iter(markers))
    return " or ".join(f"({m})" for m in sorted(markers))


def poetry_dependency(name: str, spec) -> list:
    """(name, extras, marker, optional) for one of Poetry's dependency tables (a list: one per marker)."""
    specs = spec if isinstance(spec, list) else [spec]
    out = []
    for s in specs:
        if isinstance(s, str):
            out.append((name, [], "", False))
        else:
            out.append((name, list(s.get("extras", [])), s.get("markers", ""), bool(s.get("optional", False))))
    return out


def poetry(directory: Path) -> tuple:
    lock = load_toml(directory / "poetry.lock")
    project = load_toml(directory / "pyproject.toml")
    files = lock.get("metadata", {}).get("files", {})  # lock-version 1.1 keeps the hashes here
    packages = {}
    for p in lock.get("package", []):
        source = p.get("source", {})
        if source.get("type") == "directory" and source.get("url") in (".", "./"):
            continue
        foreign = f"a {source['type']} source ({source.get('url')})" if source.get("type") in ("git", "directory", "file", "url") else None
        dependencies = []
        optional = set()
        for dep_name, spec in p.get("dependencies", {}).items():
            for name, extras, marker, is_optional in poetry_dependency(dep_name, spec):
                if is_optional:
                    optional.add(normalise(name))
                else:
                    dependencies.append((name, extras, marker, None))
        for extra, names in p.get("extras", {}).items():
            for requirement in names:
                name = re.split(r"[\s(\[<>=!~;]", requirement.strip(), maxsplit=1)[0]
                if normalise(name) in optional:
                    dependencies.append((name, [], "", extra))
        hashes = [f["hash"] for f in p.get("files", files.get(p["name"], []))]
        markers = p.get("markers", "")
        packages[normalise(p["name"])] = {
            "name": p["name"], "version": p["version"], "hashes": hashes, "dependencies": dependencies,
            "groups": p.get("groups"), "marker": markers.get("main", "") if isinstance(markers, dict) else markers,
            "foreign": foreign,
        }
    if packages and all(p["groups"] is not None for p in packages.values()):
        # lock-version 2.1 (Poetry 2): each package says its groups and the marker it is needed under.
        return {k: p["marker"] for k, p in packages.items() if "main" in p["groups"]}, packages
    tool = project.get("tool", {}).get("poetry", {})
    roots = []
    for dep_name, spec in {**tool.get("dependencies", {}), **tool.get("group", {}).get("main", {}).get("dependencies", {})}.items():
        if dep_name.lower() == "python":
            continue
        roots += [(name, extras, marker) for name, extras, marker, is_optional in poetry_dependency(dep_name, spec) if not is_optional]
    roots += [pep508(r) for r in project.get("project", {}).get("dependencies", [])]
    return closure(packages, roots), packages


def pdm(directory: Path) -> tuple:
    lock = load_toml(directory / "pdm.lock")
    packages = {}
    for p in lock.get("package", []):
        foreign = p.get("git") or p.get("url") or p.get("path")
        key = normalise(p["name"])
        # A package locked with extras is a second entry of the same name; its dependencies add up.
        entry = packages.setdefault(key, {"name": p["name"], "version": p["version"], "hashes": [], "dependencies": [], "groups": p.get("groups"), "marker": p.get("marker", ""), "foreign": foreign})
        entry["hashes"] += [f["hash"] for f in p.get("files", []) if f["hash"] not in entry["hashes"]]
        entry["dependencies"] += [(*pep508(d), None) for d in p.get("dependencies", [])]
    if packages and all(p["groups"] is not None for p in packages.values()):
        # inherit_metadata (PDM 2.11+): each package says its groups and the marker it is needed under.
        return {k: p["marker"] for k, p in packages.items() if "default" in p["groups"]}, packages
    project = load_toml(directory / "pyproject.toml").get("project", {})
    return closure(packages, [pep508(r) for r in project.get("dependencies", [])]), packages


def pipenv(directory: Path) -> tuple:
    lock = json.loads((directory / "Pipfile.lock").read_text(encoding="utf-8"))
    packages = {}
    selected = {}
    for name, p in lock.get("default", {}).items():
        if "git" in p or "file" in p or ("path" in p and p["path"] not in (".", "./")):
            fail(f"{name} comes from {p.get('git') or p.get('file') or p.get('path')}, not an index: pip cannot check it by hash")
        if "path" in p:
            continue
        key = normalise(name)
        packages[key] = {"name": name, "version": p["version"].lstrip("="), "hashes": p.get("hashes", []), "extras": p.get("extras", [])}
        selected[key] = p.get("markers", "")
    return selected, packages


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] not in ("poetry", "pdm", "pipenv"):
        fail("usage: lock_requirements.py poetry|pdm|pipenv DIRECTORY OUTPUT")
    tool, directory, output = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    selected, packages = {"poetry": poetry, "pdm": pdm, "pipenv": pipenv}[tool](directory)
    lines = []
    for key in sorted(selected):
        p = packages[key]
        if p.get("foreign"):
            fail(f"{p['name']} comes from {p['foreign']}, not an index: pip cannot check it by hash")
        if not p["hashes"]:
            fail(f"{p['name']} {p['version']} has no hashes in the lock: lock it again with hashes")
        extras = f"[{','.join(p['extras'])}]" if p.get("extras") else ""
        marker = f" ; {selected[key]}" if selected[key] else ""
        hashes = "".join(f" \\\n    --hash={h}" for h in p["hashes"])
        lines.append(f"{p['name']}{extras}=={p['version']}{marker}{hashes}\n")
    output.write_text("".join(lines), encoding="utf-8")
    print(f"lock_requirements: {len(selected)} of {len(packages)} locked packages are for production", file=sys.stderr)


main()
