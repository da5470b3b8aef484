#!/usr/bin/env python3
"""Lay out Debian's CPython as a python-build-standalone "install_only" tree.

Stdlib only; pbs.sh runs it with the host's python3. Arguments: the minor
version, an output directory, a file of "<package>\t<version>\t<.deb path>"
lines (the interpreter's packages, the shared libraries it needs, the pip and
setuptools wheels) and the runtime's libc6 .deb (its libraries are the only
ones the tree may take from the system). It writes <out>/python:

    bin/pythonX.Y, bin/python3 and bin/python -> pythonX.Y
    lib/pythonX.Y/             the stdlib, lib-dynload, ensurepip/_bundled, and
                               site-packages/ with pip (and setuptools up to 3.11) installed
    lib/pythonX.Y/dist-packages -> site-packages, where Debian's (frozen) site
                               looks, so that pip imports outside a venv, as upstream's
    bin/pip3                   runs that pip
    lib/libpythonX.Y.so.1.0    (+ libpythonX.Y.so)
    lib/<soname>               every shared library the interpreter, libpython
                               and lib-dynload need, except glibc's and
                               libcrypt.so.1 (as upstream)
    include/pythonX.Y/         the headers (pyconfig.h de-multiarched)

and makes it relocatable the way PBS is:
  * RUNPATH $ORIGIN/../lib on the interpreter, $ORIGIN/../.. on lib-dynload
    modules, $ORIGIN on the bundled libraries (patchelf), so that only glibc
    (and, as upstream, libcrypt.so.1 for _crypt) comes from the system;
  * CPython finds its prefix from the executable (lib/pythonX.Y/os.py), so
    nothing else needs to move;
  * _sysconfigdata has "/install" where Debian has "/usr", as PBS ships it
    (uv rewrites "/install" to the real prefix after unpacking);
  * ensurepip uses wheels in ensurepip/_bundled (as upstream), not Debian's
    /usr/share/python-wheels, so "python -m venv" works from any path;
  * no Debian EXTERNALLY-MANAGED marker and no /etc sitecustomize link.
It fails when a needed library is missing, when an object needs a symbol
version neither the runtime's glibc nor a bundled library defines (as PBS runs
on any glibc since 2.17, the stand-in must run on the runtime's), unless it is
a lib-dynload module named with --drop (left out), or when a listed package
contributes nothing, so the package list stays exact. Prints a JSON summary on
stdout.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

MULTIARCH = "x86_64-linux-gnu"
LIB_DIRS = (f"usr/lib/{MULTIARCH}", f"lib/{MULTIARCH}")


def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def deb_names(deb: str) -> list[str]:
    """Paths (relative, no leading ./) of the files and links in a .deb."""
    names = []
    for line in run("dpkg-deb", "-c", deb).splitlines():
        # drwxr-xr-x root/root 0 2025-01-01 00:00 ./usr/lib/ [-> target]
        path = line.split(None, 5)[5].split(" -> ")[0]
        path = path[2:] if path.startswith("./") else path
        if path and not path.endswith("/"):
            names.append(path)
    return names


def needed(path: str) -> list[str]:
    return [n for n in run("patchelf", "--print-needed", path).split() if n]


def version_needs(path: str) -> dict[str, set[str]]:
    """The symbol versions an ELF object requires, by the library it requires them from."""
    needs: dict[str, set[str]] = {}
    lib = None
    for line in run("objdump", "-p", path).splitlines():
        m = re.match(r"  required from (\S+):$", line)
        if m:
            lib = m.group(1)
            needs.setdefault(lib, set())
            continue
        m = re.match(r"    0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)$", line)
        if m and lib:
            needs[lib].add(m.group(1))
        elif not line.startswith("    "):
            lib = None
    return needs


def version_defs(path: str) -> set[str]:
    """The symbol versions an ELF shared library defines."""
    return set(re.findall(r"^\d+ 0x[0-9a-f]+ 0x[0-9a-f]+ (\S+)$", run("objdump", "-p", path), re.M))


def is_elf(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"\x7fELF"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minor", required=True, help="e.g. 3.11")
    ap.add_argument("--out", required=True)
    ap.add_argument("--debs", required=True, help="file of <package>\\t<version>\\t<deb> lines")
    ap.add_argument("--libc6", required=True, help="the runtime's libc6 .deb")
    ap.add_argument("--drop", action="append", default=[], metavar="MODULE",
                    help="a lib-dynload module Debian built against a newer glibc than the runtime's: left out")
    args = ap.parse_args()

    minor = args.minor
    py = f"python{minor}"
    work = args.out
    root = os.path.join(work, "debroot")
    dest = os.path.join(work, "python")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(root)

    # Unpack everything into one tree, remembering who shipped what.
    owner: dict[str, str] = {}
    versions: dict[str, str] = {}
    for line in open(args.debs, encoding="utf-8"):
        if not line.strip():
            continue
        pkg, ver, deb = line.rstrip("\n").split("\t")
        versions[pkg] = ver
        run("dpkg-deb", "-x", deb, root)
        for name in deb_names(deb):
            owner.setdefault(name, pkg)
    used: set[str] = set()

    def take(rel: str) -> str:
        """Mark a path of the unpacked tree as used; return its real path."""
        if rel in owner:
            used.add(owner[rel])
        return os.path.join(root, rel)

    # glibc's libraries: the only ones the runtime image must provide.
    glibc_dir = os.path.join(work, "libc6")
    run("dpkg-deb", "-x", args.libc6, glibc_dir)
    glibc = set()
    for d in LIB_DIRS:
        full = os.path.join(glibc_dir, d)
        if os.path.isdir(full):
            glibc.update(f for f in os.listdir(full) if ".so" in f)
    # Upstream links _crypt (3.10-3.12) against the system's libcrypt.so.1 instead of bundling it,
    # and cc-debian13 has none: like upstream, the stand-in needs it from the system.
    glibc.add("libcrypt.so.1")
    if "libc.so.6" not in glibc:
        raise SystemExit(f"{args.libc6}: no libc.so.6 in it")

    os.makedirs(os.path.join(dest, "bin"))
    os.makedirs(os.path.join(dest, "lib"))
    os.makedirs(os.path.join(dest, "include"))

    # Interpreter.
    exe = os.path.join(dest, "bin", py)
    shutil.copy2(take(f"usr/bin/{py}"), exe)
    os.symlink(py, os.path.join(dest, "bin", "python3"))
    os.symlink(py, os.path.join(dest, "bin", "python"))  # PBS has it since 20240726

    # libpython (Debian's interpreter links it statically; PBS ships it too).
    soname = f"lib{py}.so.1.0"
    shutil.copy2(take(f"usr/lib/{MULTIARCH}/{soname}"), os.path.join(dest, "lib", soname))
    os.symlink(soname, os.path.join(dest, "lib", f"lib{py}.so"))

    # Stdlib. Symlinks into Debian's libpython are re-pointed at lib/; others
    # leaving the tree (e.g. sitecustomize.py -> /etc/...) are dropped, as are
    # the static libraries in config-*.
    stdlib_src = os.path.join(root, "usr/lib", py)
    stdlib = os.path.join(dest, "lib", py)
    dropped = []
    for dirpath, dirnames, filenames in os.walk(stdlib_src):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, stdlib_src)
        out_dir = os.path.normpath(os.path.join(stdlib, rel_dir))
        os.makedirs(out_dir, exist_ok=True)
        for fn in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            src = os.path.join(dirpath, fn)
            rel = os.path.normpath(os.path.join(f"usr/lib/{py}", rel_dir, fn))
            take(rel)
            out = os.path.join(out_dir, fn)
            if fn.endswith((".a", ".o")) and rel_dir.startswith("config-"):
                dropped.append(rel)
                continue
            if os.path.islink(src):
                target = os.readlink(src)
                resolved = os.path.normpath(os.path.join(os.path.dirname(rel), target))
                if not os.path.isabs(target) and resolved.startswith(f"usr/lib/{py}/"):
                    os.symlink(target, out)
                elif not os.path.isabs(target) and resolved.startswith(f"usr/lib/{MULTIARCH}/lib{py}.so"):
                    os.symlink(os.path.relpath(os.path.join(dest, "lib", soname), out_dir), out)
                else:
                    dropped.append(f"{rel} -> {target}")
                continue
            shutil.copy2(src, out)
    # Debian's site (frozen into the interpreter: its site.py cannot be patched) puts dist-packages
    # on sys.path outside a venv, and its sysconfig installs into /usr/local: upstream's, as PBS
    # ships it, use <prefix>/lib/pythonX.Y/site-packages, where its bundled pip is importable. So
    # lib/pythonX.Y/dist-packages, which Debian's site looks for, is that directory, and sysconfig's
    # default scheme is upstream's posix_prefix.
    os.symlink("site-packages", os.path.join(stdlib, "dist-packages"))
    sysconfig_file = next(f for f in (os.path.join(stdlib, "sysconfig", "__init__.py"), os.path.join(stdlib, "sysconfig.py")) if os.path.exists(f))
    sysconfig_src = open(sysconfig_file, encoding="utf-8").read()
    sysconfig_src, n = re.subn(r"^( +)prefix_scheme = 'posix_local'$", r"\1prefix_scheme = 'posix_prefix'", sysconfig_src, flags=re.M)
    if n != 1:
        raise SystemExit(f"{os.path.relpath(sysconfig_file, stdlib)}: Debian's posix_local default found {n} times")
    with open(sysconfig_file, "w", encoding="utf-8") as fh:
        fh.write(sysconfig_src)

    # Debian's PEP 668 marker ("use apt"); uv writes its own on install.
    marker = os.path.join(stdlib, "EXTERNALLY-MANAGED")
    if os.path.exists(marker):
        os.remove(marker)
        dropped.append(f"usr/lib/{py}/EXTERNALLY-MANAGED")
    if not os.path.exists(os.path.join(stdlib, "os.py")):
        raise SystemExit(f"no {py}/os.py: the stdlib packages are missing")
    if not os.path.isdir(os.path.join(stdlib, "lib-dynload")):
        raise SystemExit(f"no {py}/lib-dynload")

    # Headers: Debian splits pyconfig.h by architecture.
    inc_src = os.path.join(root, "usr/include", py)
    inc = os.path.join(dest, "include", py)
    if os.path.isdir(inc_src):
        for dirpath, _, filenames in os.walk(inc_src):
            for fn in filenames:
                take(os.path.relpath(os.path.join(dirpath, fn), root))
        shutil.copytree(inc_src, inc, symlinks=True)
        arch_conf = f"usr/include/{MULTIARCH}/{py}/pyconfig.h"
        shutil.copy2(take(arch_conf), os.path.join(inc, "pyconfig.h"))

    # ensurepip: Debian's reads WHEEL_PKG_DIR (/usr/share/python-wheels);
    # bundle the wheels instead, and name their versions in ensurepip.
    bundled = os.path.join(stdlib, "ensurepip", "_bundled")
    os.makedirs(bundled)
    ep_file = os.path.join(stdlib, "ensurepip", "__init__.py")
    ep = open(ep_file, encoding="utf-8").read()
    wheels = {}
    for rel in sorted(owner):
        m = re.match(r"usr/share/python-wheels/(pip|setuptools)-([^-]+)-py3-none-any\.whl$", rel)
        if not m:
            continue
        name, ver = m.groups()
        const = f"_{name.upper()}_VERSION"
        if not re.search(rf'^{const} = "[^"]*"$', ep, re.M):
            continue  # this ensurepip does not install it (3.12+: pip only)
        shutil.copy2(take(rel), bundled)
        ep, n = re.subn(rf'^{const} = "[^"]*"$', f'{const} = "{ver}"', ep, flags=re.M)
        if n != 1:
            raise SystemExit(f"ensurepip: {const} found {n} times")
        wheels[name] = ver
    if "pip" not in wheels:
        raise SystemExit("ensurepip: no pip wheel among the packages")
    with open(ep_file, "w", encoding="utf-8") as fh:
        fh.write(ep)

    # As upstream, the ensurepip wheels come installed too: pip (and setuptools up to 3.11) in the
    # interpreter's own site-packages, with bin/pip3 (a wheel is a zip of its installed files).
    site_packages = os.path.join(stdlib, "site-packages")
    os.makedirs(site_packages, exist_ok=True)
    for wheel in sorted(os.listdir(bundled)):
        with zipfile.ZipFile(os.path.join(bundled, wheel)) as zf:
            zf.extractall(site_packages)
    with open(os.path.join(dest, "bin", "pip3"), "w", encoding="utf-8") as fh:
        fh.write(f"#!/bin/sh\nexec \"$(dirname \"$0\")/{py}\" -m pip \"$@\"\n")
    os.chmod(os.path.join(dest, "bin", "pip3"), 0o755)

    # _sysconfigdata: no WHEEL_PKG_DIR, and "/install" for "/usr", like PBS.
    sysconfigdata = [f for f in os.listdir(stdlib)
                     if f.startswith("_sysconfigdata_") and f.endswith(".py")
                     and not os.path.islink(os.path.join(stdlib, f))]
    if len(sysconfigdata) != 1:
        raise SystemExit(f"expected one _sysconfigdata_*.py, found {sysconfigdata}")
    scd_file = os.path.join(stdlib, sysconfigdata[0])
    scd = open(scd_file, encoding="utf-8").read()
    scd, n = re.subn(r"^ *'WHEEL_PKG_DIR': '[^']*',\n", "", scd, flags=re.M)
    if n != 1:
        raise SystemExit(f"{sysconfigdata[0]}: WHEEL_PKG_DIR found {n} times")
    scd = re.sub(r"(?<![\w/.-])/usr(?=[/'\" :]|$)", "/install", scd, flags=re.M)
    ast.parse(scd)
    build_vars = ast.literal_eval(scd[scd.index("{"):scd.rindex("}") + 1])
    if build_vars.get("prefix") != "/install":
        raise SystemExit(f"{sysconfigdata[0]}: prefix is {build_vars.get('prefix')!r} after the rewrite")
    with open(scd_file, "w", encoding="utf-8") as fh:
        fh.write(scd)

    # Bundle the non-glibc libraries (transitively) and set the RUNPATHs.
    dynload = os.path.join(stdlib, "lib-dynload")
    objects = {exe: "$ORIGIN/../lib", os.path.join(dest, "lib", soname): "$ORIGIN"}
    for fn in sorted(os.listdir(dynload)):
        full = os.path.join(dynload, fn)
        if fn.endswith(".so") and is_elf(full):
            objects[full] = "$ORIGIN/../.."
    libs: dict[str, str] = {}  # soname -> package
    queue = list(objects)
    while queue:
        obj = queue.pop()
        for name in needed(obj):
            if name in glibc or name in libs or name == soname:
                continue
            for d in LIB_DIRS:
                rel = f"{d}/{name}"
                if os.path.lexists(os.path.join(root, rel)):
                    break
            else:
                raise SystemExit(f"{os.path.relpath(obj, dest)} needs {name}: no listed package ships it")
            real = os.path.realpath(os.path.join(root, rel))
            real_rel = os.path.relpath(real, root)
            take(rel)
            take(real_rel)
            libs[name] = owner.get(real_rel, "?")
            out = os.path.join(dest, "lib", name)
            shutil.copy2(real, out)
            os.chmod(out, 0o644)
            objects[out] = "$ORIGIN"
            queue.append(out)
    for obj, rpath in sorted(objects.items()):
        run("patchelf", "--set-rpath", rpath, obj)

    # As PBS builds against an old glibc, every symbol version any object needs must be defined by
    # the runtime's glibc or a bundled library. Debian's newer suites build against a newer glibc:
    # a lib-dynload module listed with "drop:" is left out (no source is reachable to rebuild it).
    providers = {soname: os.path.join(dest, "lib", soname)}
    providers.update({name: os.path.join(dest, "lib", name) for name in libs})
    for d in LIB_DIRS:
        full = os.path.join(glibc_dir, d)
        if os.path.isdir(full):
            providers.update({f: os.path.join(full, f) for f in os.listdir(full) if f not in providers})
    defs: dict[str, set[str]] = {}

    def missing_versions(obj: str) -> list[str]:
        out = []
        for lib, vers in sorted(version_needs(obj).items()):
            if lib == "libcrypt.so.1":
                continue  # from the system, as upstream (see above)
            if lib not in defs:
                defs[lib] = version_defs(providers[lib]) if lib in providers else set()
            out += [f"{v} from {lib}" for v in sorted(vers - defs[lib])]
        return out

    left_out = {}
    for module in args.drop:
        found = [o for o in objects if os.path.dirname(o) == dynload and os.path.basename(o).split(".")[0] == module]
        if len(found) != 1:
            raise SystemExit(f"drop: {module}: no lib-dynload/{module}.*.so")
        reason = missing_versions(found[0])
        if not reason:
            raise SystemExit(f"drop: {module}: Debian's build runs on the runtime's glibc (remove the line from pbs-packages.txt)")
        os.remove(found[0])
        del objects[found[0]]
        left_out[module] = reason
    problems = [f"{os.path.relpath(o, dest)} needs {', '.join(m)}" for o in sorted(objects) if (m := missing_versions(o))]
    if problems:
        raise SystemExit("not runnable on the runtime's glibc or the bundled libraries: " + "; ".join(problems)
                         + " (take the library from the runtime's suite, or add 'drop: <module>' for a lib-dynload module)")

    unused = sorted(set(versions) - used)
    if unused:
        raise SystemExit(f"listed but not needed: {' '.join(unused)} (drop them from pbs-packages.txt)")

    version = versions[f"{py}-minimal"]
    upstream = re.match(r"(\d+\.\d+\.\d+)", version)
    if not upstream:
        raise SystemExit(f"cannot read an upstream version from {version}")
    shutil.rmtree(root)
    shutil.rmtree(glibc_dir)
    json.dump({
        "minor": minor,
        "version": upstream.group(1),
        "debian": {"package": f"{py}-minimal", "version": version},
        "packages": versions,
        "bundledLibraries": dict(sorted(libs.items())),
        "ensurepip": wheels,
        "dropped": dropped,
        "leftOut": left_out,
    }, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
