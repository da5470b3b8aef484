#!/usr/bin/env python3
"""Turn unpacked Debian python3-* packages into wheels and a PEP 503 index.

Stdlib only (runs with the host's python3, 3.11 on Debian 12). index.sh unpacks
each .deb with dpkg-deb -x and passes a tab-separated list of
    <debian package> <debian version> <role or -> <unpacked root> <suite>
on stdin. For every entry this script:
  * copies *.whl files shipped under usr/share/python-wheels (pip, setuptools,
    wheel, packaging: Debian ships them as real wheels for venvs), or
  * builds a wheel from usr/lib/python3/dist-packages: module files plus the
    package's .dist-info (or .egg-info, converted), a fresh WHEEL file and a
    RECORD with sha256 hashes; zip entries are sorted with fixed mtimes so the
    output is reproducible. A *.cpython-313-x86_64-linux-gnu.so makes the wheel
    cp313-cp313-linux_x86_64 (Root-Is-Purelib: false), else py3-none-any; a
    package with extensions for several ABIs (sid's cp314 and cp315) makes one
    wheel per ABI, each with only its own extensions.
A package from another suite than --suite (e.g. bookworm's python3-markupsafe,
cp311) must have the same project name as one from --suite: its wheel is an
extra link on that project's page and listed in the project's extraWheels.
Then it writes <out>/files/*.whl, <out>/simple/<project>/index.html with
#sha256= links and data-requires-python, and <out>/index.json, the manifest
the tests read (names, versions, wheel files, roles, dependencies).
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import zipfile

ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed: same input gives the same wheel bytes
SO_RE = re.compile(r"\.cpython-(\d)(\d+)-(x86_64|aarch64)-linux-gnu\.so$")
DROP_META = {"INSTALLER", "RECORD", "REQUESTED", "direct_url.json", "WHEEL",
             "SOURCES.txt", "dependency_links.txt", "zip-safe", "PKG-INFO",
             "requires.txt", "not-zip-safe"}


def normalize(name: str) -> str:
    """PEP 503 project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_escape(name: str) -> str:
    """Name as it appears in wheel file and .dist-info names."""
    return re.sub(r"[-_.]+", "_", name).lower()


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def parse_metadata(text: str) -> email.message.Message:
    return email.parser.Parser().parsestr(text, headersonly=True)


def requires_txt_to_dist(text: str) -> list[str]:
    """setuptools' egg-info requires.txt -> Requires-Dist values."""
    out, extra, marker = [], "", ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            continue
        conds = []
        if marker:
            conds.append(f"({marker})" if extra else marker)
        if extra:
            conds.append(f'extra == "{extra}"')
        out.append(line + ("; " + " and ".join(conds) if conds else ""))
    return out


def unconditional_names(requires: list[str]) -> list[str]:
    """Names of requirements without an extra marker (the ones pip installs)."""
    names = []
    for req in requires:
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if m:
            names.append(normalize(m.group(1)))
    return names


# The target the index serves: CPython 3.13 on x86_64 Linux (pip's view).
MARKER_ENV = {"python_version": "3.13", "python_full_version": "3.13.5",
              "sys_platform": "linux", "platform_system": "Linux",
              "platform_machine": "x86_64", "os_name": "posix",
              "platform_python_implementation": "CPython",
              "implementation_name": "cpython", "extra": ""}
MARKER_CMP = re.compile(
    r"""([A-Za-z_]+|'[^']*'|"[^"]*")\s*(===|==|!=|<=|>=|~=|<|>|not\s+in|in)\s*([A-Za-z_]+|'[^']*'|"[^"]*")""")


def marker_applies(marker: str) -> bool:
    """Whether a PEP 508 marker holds for MARKER_ENV (enough for Requires-Dist)."""
    def value(tok: str) -> str:
        return tok[1:-1] if tok[0] in "'\"" else MARKER_ENV.get(tok, "")

    def key(v: str):
        return tuple(int(x) if x.isdigit() else x for x in re.split(r"[.]", v))

    def cmp(m: re.Match) -> str:
        lhs, op, rhs = value(m.group(1)), re.sub(r"\s+", " ", m.group(2)), value(m.group(3))
        if op in ("in", "not in"):
            return str((lhs in rhs) == (op == "in"))
        version = "version" in m.group(1) + m.group(3)
        a, b = (key(lhs), key(rhs)) if version else (lhs, rhs)
        return str({"==": a == b, "===": lhs == rhs, "!=": a != b, "<": a < b, "<=": a <= b,
                    ">": a > b, ">=": a >= b, "~=": a >= b}[op])

    return bool(eval(MARKER_CMP.sub(cmp, marker), {"__builtins__": {}}))  # only True/False/and/or/()


class Built:
    def __init__(self, name, version, wheel, requires, requires_python, compiled, tag):
        self.name, self.version, self.wheel = name, version, wheel
        self.requires, self.requires_python = requires, requires_python
        self.compiled, self.tag = compiled, tag


def wheel_metadata(path: str) -> Built:
    """Read name/version/requirements from an existing wheel."""
    with zipfile.ZipFile(path) as zf:
        meta_name = next(n for n in zf.namelist()
                         if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        msg = parse_metadata(zf.read(meta_name).decode("utf-8"))
    tag = "-".join(os.path.basename(path)[:-4].split("-")[-3:])
    return Built(msg["Name"], msg["Version"], os.path.basename(path),
                 msg.get_all("Requires-Dist") or [], msg.get("Requires-Python"),
                 not tag.endswith("-none-any"), tag)


def build_from_tree(root: str, files_dir: str) -> list[Built]:
    """One wheel, or one per ABI when the package has extensions for several (sid: cp314 and cp315)."""
    site = os.path.join(root, "usr/lib/python3/dist-packages")
    if not os.path.isdir(site):
        raise SystemExit(f"{root}: no usr/lib/python3/dist-packages")
    metas = [e for e in os.listdir(site) if e.endswith((".dist-info", ".egg-info"))]
    if len(metas) != 1:
        raise SystemExit(f"{site}: expected one .dist-info/.egg-info, found {metas}")
    meta_dir = os.path.join(site, metas[0])
    if metas[0].endswith(".egg-info"):
        # setuptools' legacy layout: PKG-INFO is the metadata, requirements
        # live in requires.txt.
        msg_text = open(os.path.join(meta_dir, "PKG-INFO"), encoding="utf-8").read()
        msg = parse_metadata(msg_text)
        req_file = os.path.join(meta_dir, "requires.txt")
        if not msg.get_all("Requires-Dist") and os.path.exists(req_file):
            extra = requires_txt_to_dist(open(req_file, encoding="utf-8").read())
            head, sep, body = msg_text.partition("\n\n")
            msg_text = head + "".join(f"\nRequires-Dist: {r}" for r in extra) + "\n" + sep + body
            msg = parse_metadata(msg_text)
    else:
        msg_text = open(os.path.join(meta_dir, "METADATA"), encoding="utf-8").read()
        msg = parse_metadata(msg_text)
    name, version = msg["Name"], msg["Version"]
    dist_info = f"{wheel_escape(name)}-{version}.dist-info"

    entries: dict[str, tuple[bytes, int]] = {}  # arcname -> (data, mode)
    so_tags: dict[str, str] = {}  # arcname of an extension -> its wheel tag
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for d in dirnames:
            if os.path.islink(os.path.join(dirpath, d)):
                raise SystemExit(f"{dirpath}/{d}: directory symlinks are not supported")
        rel_dir = os.path.relpath(dirpath, site)
        in_meta = rel_dir == metas[0] or rel_dir.startswith(metas[0] + os.sep)
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            rel = os.path.normpath(os.path.join(rel_dir, fn))
            if in_meta:
                if rel_dir == metas[0] and fn in DROP_META:
                    continue
                rel = dist_info + rel[len(metas[0]):]
            # Debian may replace duplicated files with symlinks (e.g. into
            # /usr/share/doc); a wheel carries the content, resolved inside root.
            for _ in range(10):
                if not os.path.islink(full):
                    break
                target = os.readlink(full)
                full = (os.path.join(root, target.lstrip("/")) if os.path.isabs(target)
                        else os.path.normpath(os.path.join(os.path.dirname(full), target)))
            m = SO_RE.search(fn)
            if m:
                arch = m.group(3)
                so_tags[rel.replace(os.sep, "/")] = f"cp{m.group(1)}{m.group(2)}-cp{m.group(1)}{m.group(2)}-linux_{arch}"
            with open(full, "rb") as fh:
                data = fh.read()
            mode = 0o755 if os.stat(full).st_mode & 0o111 else 0o644
            entries[rel.replace(os.sep, "/")] = (data, mode)
    abis = sorted(set(so_tags.values()))
    if len(abis) > 1:
        # Built for several CPythons only, the oldest of which is its floor: say so, as a project
        # on PyPI would, or resolvers for older Pythons (Poetry, PDM) would pick this version and
        # find no wheel for them.
        # cp314-cp314-linux_x86_64 -> (3, 14)
        major, minor = min((int(t[2]), int(t[3:t.index("-")])) for t in abis)
        floor_spec = f">={major}.{minor}"
        msg_text = re.sub(r"^Requires-Python:.*\n", "", msg_text, flags=re.M)
        head, sep, body = msg_text.partition("\n\n")
        msg_text = f"{head}\nRequires-Python: {floor_spec}\n{sep}{body}" if sep else f"{head.rstrip(chr(10))}\nRequires-Python: {floor_spec}\n"
        msg = parse_metadata(msg_text)
    return [write_wheel(name, version, dist_info, msg, msg_text, files_dir, tag,
                        {n: e for n, e in entries.items() if so_tags.get(n, tag) == tag})
            for tag in abis or ["py3-none-any"]]


def write_wheel(name, version, dist_info, msg, msg_text, files_dir, tag, entries) -> Built:
    compiled = tag != "py3-none-any"
    entries[f"{dist_info}/METADATA"] = (msg_text.encode("utf-8"), 0o644)
    wheel_file = (
        "Wheel-Version: 1.0\n"
        "Generator: standins-index-mkwheel (1.0)\n"
        f"Root-Is-Purelib: {'false' if compiled else 'true'}\n"
        f"Tag: {tag}\n"
    )
    entries[f"{dist_info}/WHEEL"] = (wheel_file.encode(), 0o644)

    # Module files first, .dist-info last, RECORD at the very end (wheel spec
    # recommendation, so installers that stream can verify).
    names = sorted(entries, key=lambda n: (n.startswith(dist_info + "/"), n))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for n in names:
        data, _ = entries[n]
        writer.writerow([n, record_hash(data), len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])

    wheel_name = f"{wheel_escape(name)}-{version}-{tag}.whl"
    out = os.path.join(files_dir, wheel_name)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n in names + [f"{dist_info}/RECORD"]:
            if n.endswith("/RECORD") and n not in entries:
                data, mode = record.getvalue().encode(), 0o644
            else:
                data, mode = entries[n]
            info = zipfile.ZipInfo(n, ZIP_DATE)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return Built(name, version, wheel_name, msg.get_all("Requires-Dist") or [],
                 msg.get("Requires-Python"), compiled, tag)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="index directory to (re)create")
    ap.add_argument("--recipe-hash", required=True)
    ap.add_argument("--suite", default="trixie")
    args = ap.parse_args()

    out = args.out
    tmp = out + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    files_dir = os.path.join(tmp, "files")
    os.makedirs(files_dir)

    dists: dict[str, dict] = {}
    extras: list[tuple[str, dict]] = []
    roles: dict[str, str] = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        deb_pkg, deb_ver, role, root, suite = line.rstrip("\n").split("\t")
        wheel_src = os.path.join(root, "usr/share/python-wheels")
        built_list = []
        if os.path.isdir(wheel_src):
            for fn in sorted(os.listdir(wheel_src)):
                if fn.endswith(".whl"):
                    shutil.copyfile(os.path.join(wheel_src, fn), os.path.join(files_dir, fn))
                    built_list.append(wheel_metadata(os.path.join(files_dir, fn)))
        else:
            built_list += build_from_tree(root, files_dir)
        for b in built_list:
            key = normalize(b.name)
            if suite != args.suite:
                if role != "-":
                    raise SystemExit(f"{deb_pkg} ({suite}): packages from other suites take no role")
                extras.append((key, {
                    "version": b.version,
                    "wheel": b.wheel,
                    "sha256": sha256_file(os.path.join(files_dir, b.wheel)),
                    "tag": b.tag,
                    "compiled": b.compiled,
                    "requiresPython": b.requires_python,
                    "debian": {"package": deb_pkg, "version": deb_ver, "suite": suite},
                }))
                continue
            if key in dists:
                raise SystemExit(f"{key} provided twice")
            dists[key] = {
                "name": b.name,
                "version": b.version,
                "wheel": b.wheel,
                "sha256": sha256_file(os.path.join(files_dir, b.wheel)),
                "tag": b.tag,
                "compiled": b.compiled,
                "requiresPython": b.requires_python,
                "requiresDist": b.requires,
                "dependsOn": [],
                "debian": {"package": deb_pkg, "version": deb_ver},
                "extraWheels": [],
            }
            if role != "-":
                if role in roles:
                    raise SystemExit(f"role {role} given twice")
                roles[role] = key

    for key, extra in extras:
        if key not in dists:
            raise SystemExit(f"{extra['debian']['package']} ({extra['debian']['suite']}): no {key} from {args.suite} to add its wheel to")
        if any(e["wheel"] == extra["wheel"] for e in dists[key]["extraWheels"]) or extra["wheel"] == dists[key]["wheel"]:
            raise SystemExit(f"{extra['wheel']} provided twice")
        dists[key]["extraWheels"].append(extra)

    # Dependencies pip will fetch (no extra; marker true on CPython 3.13 x86_64
    # Linux) must all be in the index: they are dependsOn.
    for key, d in dists.items():
        for req in d["requiresDist"]:
            spec, _, marker = req.partition(";")
            if "extra" in marker or (marker.strip() and not marker_applies(marker)):
                continue
            dep = unconditional_names([spec])[0]
            if dep not in dists:
                raise SystemExit(f"{key} requires {dep}, which is not in the index")
            d["dependsOn"].append(dep)

    simple = os.path.join(tmp, "simple")
    os.makedirs(simple)
    with open(os.path.join(simple, "index.html"), "w", encoding="utf-8") as fh:
        fh.write("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                 "<title>Simple index</title></head><body>\n")
        for key in sorted(dists):
            fh.write(f'<a href="{key}/">{key}</a><br>\n')
        fh.write("</body></html>\n")
    for key, d in sorted(dists.items()):
        os.makedirs(os.path.join(simple, key))
        with open(os.path.join(simple, key, "index.html"), "w", encoding="utf-8") as fh:
            fh.write("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\">"
                     f"<title>Links for {key}</title></head><body>\n<h1>Links for {key}</h1>\n")
            for w in [d] + d["extraWheels"]:
                rp = w["requiresPython"]
                attr = f' data-requires-python="{html.escape(rp, quote=True)}"' if rp else ""
                fh.write(f'<a href="../../files/{w["wheel"]}#sha256={w["sha256"]}"{attr}>{w["wheel"]}</a><br>\n')
            fh.write("</body></html>\n")

    manifest = {
        "format": 1,
        "recipeHash": args.recipe_hash,
        "source": f"Debian {args.suite} python3-* packages, repackaged as wheels"
                  + "".join(sorted({f" (+ {e['debian']['suite']} {e['debian']['package']})" for _, e in extras})),
        "roles": roles,
        "distributions": dists,
    }
    with open(os.path.join(tmp, "index.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True)
        fh.write("\n")

    # Swap in the finished index in one rename, so a server on <out> never
    # sees a half-written tree.
    old = out + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(out):
        os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    for key, d in sorted(dists.items()):
        print(f"  {d['wheel']}" + (f"  (needs {', '.join(d['dependsOn'])})" if d["dependsOn"] else ""))
        for e in d["extraWheels"]:
            print(f"  {e['wheel']}  ({e['debian']['suite']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
