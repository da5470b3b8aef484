"""Build-time check that the runtime image can run what the build stage made.

The Dockerfile's check stage runs this with the runtime image's own Python (or, where the
image has none, the one copied into it):

    runtime_check.py EXPECTED_MAJOR_MINOR VENV [COMMAND]

It fails the image build, with a message saying what to change, when
  - the runtime's Python is not the version the project was generated for,
  - the venv's interpreter link points at a path the runtime image lacks, or
  - a compiled extension in the venv, or one of the interpreter's own (lib-dynload), needs a
    shared library the runtime image lacks, or
  - the start command (a console script such as /opt/venv/bin/gunicorn) is not in the venv, or
    its interpreter line names a Python the runtime image lacks.
"""

import ctypes
import os
import sys
import sysconfig
from pathlib import Path


def fail(message: str) -> None:
    print(f"runtime check failed: {message}", file=sys.stderr)
    sys.exit(1)


def check_command(command: Path) -> None:
    if not command.is_file() or not os.access(command, os.X_OK):
        fail(
            f"the start command {command.name} is not in the venv ({command} is missing): "
            f"add the distribution that provides it to the dependencies, or change the entrypoint."
        )
    with open(command, "rb") as script:
        first = script.readline()
    if first.startswith(b"#!"):
        interpreter = first[2:].split()[0].decode()
        if not os.path.exists(interpreter):
            fail(f"{command} starts with #!{interpreter}, which the runtime image does not have.")


def main(expected: str, venv: Path, command: Path | None) -> None:
    actual = f"{sys.version_info.major}.{sys.version_info.minor}"
    if actual != expected:
        fail(
            f"the project was generated for Python {expected}, but the runtime image runs Python {actual} "
            f"({sys.executable}). Use a runtime image with Python {expected}, or generate the project for {actual}."
        )

    interpreter = venv / "bin" / "python"
    if not os.path.exists(interpreter):
        fail(f"{interpreter} links to {os.path.realpath(interpreter)}, which the runtime image does not have.")

    # Loading each shared object resolves its libraries the way importing it would at run time.
    missing = []
    objects = sorted(p for p in (venv / "lib").rglob("*.so*") if p.is_file())
    dynload = Path(sysconfig.get_config_var("DESTSHARED") or "/nonexistent")
    own = sorted(dynload.glob("*.so")) if dynload.is_dir() else []
    for shared_object in objects + own:
        try:
            ctypes.CDLL(str(shared_object))
        except OSError as error:
            where = shared_object.relative_to(venv) if shared_object in objects else f"the interpreter's {shared_object.name}"
            missing.append(f"  {where}: {error}")
    if missing:
        fail(
            "compiled extensions need shared libraries the runtime image lacks:\n"
            + "\n".join(missing)
            + "\nUse wheels that bundle their libraries (manylinux), or install the -dev packages that bring them"
            + " in the build stage (the BUILD_PACKAGES build argument): the build copies what they load into the image."
        )

    if command is not None:
        check_command(command)

    started = f", {command.name} is in the venv" if command is not None else ""
    print(f"runtime check: Python {actual}, {len(objects)} shared object(s) in {venv} and {len(own)} of the interpreter's load{started}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
