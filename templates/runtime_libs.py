"""Build-time copy of the shared libraries the runtime image needs and does not have.

The Dockerfile's build stage runs this with the venv's Python:

    runtime_libs.py VENV OUT [--interpreter] [--has SONAME,...]

Every shared object in the venv (and, with --interpreter, in the interpreter's own lib-dynload,
for a Python that is copied into the runtime image) is resolved with ldd, which lists what it
loads and what those load in turn. Each library that is not one the runtime image has (--has),
nor inside the venv or the interpreter, is copied under OUT at its real path, with the name
ldd found it by as a link; the final image gets OUT copied onto /. A library ldd cannot find
is left to the check stage, which fails the build naming it. What was copied is listed in
/usr/share/distroless-python/runtime-libs.txt in the image.
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

LDD = re.compile(r"^\s*(\S+) => (/\S+) \(")
LISTING = Path("/usr/share/distroless-python/runtime-libs.txt")


def main(argv: list) -> None:
    venv, out = Path(argv[0]), Path(argv[1])
    interpreter = "--interpreter" in argv
    has = {name for i, arg in enumerate(argv) if arg == "--has" for name in argv[i + 1].split(",")}
    roots = [venv.resolve()]
    if interpreter:
        roots.append(Path(sysconfig.get_config_var("prefix")).resolve())
        roots.append(Path(sysconfig.get_config_var("DESTSHARED")).resolve())
    objects = sorted(p for p in roots[0].rglob("*.so*") if p.is_file())
    if interpreter:
        objects += sorted(roots[2].glob("*.so"))
    copied = {}

    def copy(name: str, found: Path, why: str) -> None:
        real = found.resolve()
        if name in has or name in copied or any(real.is_relative_to(root) for root in roots):
            return
        target = out / real.relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(real, target)
        if real.name != name:
            os.symlink(real.name, target.parent / name)
        copied[name] = f"{real} ({why})"

    for shared_object in objects:
        result = subprocess.run(["ldd", str(shared_object)], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            match = LDD.match(line)
            if match and not match.group(1).startswith("ld-linux"):
                copy(match.group(1), Path(match.group(2)), f"for {shared_object.name}")
    # The list goes into the image too, so it says what was added (and OUT is never empty: the
    # legacy builder cannot COPY an empty directory).
    listing = out / LISTING.relative_to("/")
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text("".join(f"{name} {why}\n" for name, why in sorted(copied.items())), encoding="utf-8")
    for name, why in sorted(copied.items()):
        print(f"runtime libs: {name} from {why}")
    print(f"runtime libs: {len(copied)} librar{'y' if len(copied) == 1 else 'ies'} for the runtime image, listed in {LISTING}")


main(sys.argv[1:])
