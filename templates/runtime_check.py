"""Build-time check that the runtime image can run what the build stage made.

The Dockerfile's check stage runs this with the runtime image's own Python (or, where the
image has none, the one copied into it):

    runtime_check.py EXPECTED_MAJOR_MINOR VENV

It fails the image build, with a message saying what to change, when
  - the runtime's Python is not the version the project was generated for,
  - the venv's interpreter link points at a path the runtime image lacks, or
  - a compiled extension in the venv needs a shared library the runtime image lacks.
"""

import ctypes
import os
import sys
from pathlib import Path


def fail(message: str) -> None:
    print(f"runtime check failed: {message}", file=sys.stderr)
    sys.exit(1)


def main(expected: str, venv: Path) -> None:
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
    for shared_object in objects:
        try:
            ctypes.CDLL(str(shared_object))
        except OSError as error:
            missing.append(f"  {shared_object.relative_to(venv)}: {error}")
    if missing:
        fail(
            "compiled extensions need shared libraries the runtime image lacks:\n"
            + "\n".join(missing)
            + "\nUse wheels that bundle their libraries (manylinux), or copy the libraries into the image."
        )

    print(f"runtime check: Python {actual}, {len(objects)} shared object(s) in {venv} load")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
