"""Counts the packages in an image's SBOM, the way the distroless-vs-slim comparisons count them:
operating-system packages (deb, apk, rpm) and Python distributions, listed separately.

    count_packages.py SBOM.json
    count_packages.py --compare NAME BYTES SBOM.json NAME BYTES SBOM.json

Reads CycloneDX JSON (syft, cdxgen) or SPDX JSON (syft). The second form prints a table comparing
the two images, the first being the one generated here and the second the baseline.
"""

import json
import re
import sys
from urllib.parse import unquote

OS_TYPES = ("deb", "apk", "rpm")


def purls(sbom: dict) -> list[tuple[str, dict]]:
    """(purl, package) for every package in a CycloneDX or SPDX document."""
    if "spdxVersion" in sbom:
        out = []
        for package in sbom.get("packages", []):
            for ref in package.get("externalRefs", []):
                if ref.get("referenceType") == "purl":
                    out.append((ref["referenceLocator"], package))
        return out
    return [(c["purl"], c) for c in sbom.get("components", []) if c.get("purl")]


def binary_only(found: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """cdxgen (through trivy) also lists source packages; its binary ones carry a PkgID."""

    def pkg_id(component: dict) -> bool:
        return any(p.get("name") == "aquasecurity:trivy:PkgID" for p in component.get("properties", []))

    if any(pkg_id(c) for _, c in found):
        return [(p, c) for p, c in found if pkg_id(c)]
    return found


def count(path: str) -> tuple[list[str], list[str]]:
    with open(path, encoding="utf-8") as f:
        found = purls(json.load(f))
    os_packages, python = set(), set()
    for purl, _ in binary_only([(p, c) for p, c in found if p.startswith(tuple(f"pkg:{t}/" for t in OS_TYPES))]):
        os_packages.add(unquote(re.sub(r"[?#].*", "", purl).split("/")[-1]))
    for purl, _ in found:
        if purl.startswith("pkg:pypi/") and "@" in purl:
            name, version = unquote(re.sub(r"[?#].*", "", purl)[len("pkg:pypi/"):]).split("@", 1)
            python.add(f"{re.sub(r'[-_.]+', '-', name).lower()}@{version}")
    return sorted(os_packages), sorted(python)


def reduction(ours: float, baseline: float) -> str:
    return f"{(1 - ours / baseline) * 100:.0f} %" if baseline else "n/a"


def main(argv: list[str]) -> None:
    if argv[:1] == ["--compare"] and len(argv) == 7:
        rows = []
        for name, size, path in (argv[1:4], argv[4:7]):
            os_packages, python = count(path)
            rows.append((name, int(size), len(os_packages), len(python)))
        print("| image | size | packages (OS + Python) |")
        print("|---|---|---|")
        for name, size, n_os, n_py in rows:
            print(f"| {name} | {size / 1e6:.1f} MB | {n_os + n_py} ({n_os} + {n_py}) |")
        (_, size, n_os, n_py), (_, base_size, base_os, base_py) = rows
        print(f"| reduction | {reduction(size, base_size)} smaller | {reduction(n_os + n_py, base_os + base_py)} fewer packages |")
    elif len(argv) == 1:
        os_packages, python = count(argv[0])
        print(f"{len(os_packages) + len(python)} packages: {len(os_packages)} OS, {len(python)} Python ({argv[0]})")
        print(f"OS ({len(os_packages)}): {' '.join(os_packages)}")
        print(f"Python ({len(python)}): {' '.join(python)}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
