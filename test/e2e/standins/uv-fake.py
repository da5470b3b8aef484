"""Offline stand-in for uv 0.12.5 (the /uv of standin/uv:0.12.5).

uv.sh packs this file as __main__.py of a Python zip application together with
downloads.json (the python-build-standalone builds this "uv" knows, as real uv
has its list compiled in; here: the stand-in mirror of pbs.sh) and Debian's pip
wheel. It runs on the *builder's* /usr/bin/python3 (real uv is a static binary
and needs no Python), and implements only what the generated Dockerfiles use,
with uv's observable behaviour (paths, links, pyvenv.cfg, messages):

  uv python install X.Y[.Z]...      download from UV_PYTHON_INSTALL_MIRROR into
                                    UV_PYTHON_INSTALL_DIR, minor-version link,
                                    bin/python, EXTERNALLY-MANAGED, BUILD,
                                    sysconfig "/install" patch, ~/.local/bin link
  uv venv [--python REQ] [PATH]     venv without pip, bin/python linked into the
                                    minor-version directory, uv's pyvenv.cfg
  uv pip install [--python P] [-r F]... [SPEC]...
                                    pip (from the embedded wheel, run by P
                                    itself) against UV_DEFAULT_INDEX, no PIP_*
                                    settings, bytecode only with
                                    UV_COMPILE_BYTECODE
  uv --version

Anything else exits 2 with "not implemented in the stand-in". Without
UV_PYTHON_INSTALL_MIRROR, downloads fail with a clear message: real uv would
fetch from releases.astral.sh / github.com, which this machine cannot reach.
The interpreter running this script is invisible to Python discovery (it
stands for nothing in the real image, where uv needs no Python).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

VERSION = "0.12.5"
GITHUB_PREFIX = "https://github.com/astral-sh/python-build-standalone/releases/download/"
ASTRAL_MIRROR = "https://releases.astral.sh/github/python-build-standalone/releases/download/"
PLATFORM = "linux-x86_64-gnu"
ARCHIVE = os.path.dirname(os.path.abspath(__file__))
TRUE = {"y", "yes", "t", "true", "on", "1"}
FALSE = {"n", "no", "f", "false", "off", "0"}
EXTERNALLY_MANAGED = (
    "[externally-managed]\n"
    "Error=This Python installation is managed by uv and should not be modified.\n"
)


class Fail(Exception):
    """An error message (uv's "error: ..." chain) and the exit code."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def eprint(*lines: str) -> None:
    for line in lines:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


def not_implemented(what: str) -> Fail:
    return Fail(
        f"`uv {what}` is not implemented in the stand-in of uv {VERSION} "
        "(test/e2e/standins/uv-fake.py implements `uv python install`, `uv venv`, "
        "`uv pip install`, `uv export` and `uv --version`, with the options the generated Dockerfiles use)"
    )


def env(name: str) -> str | None:
    """Like uv: an empty variable counts as unset."""
    value = os.environ.get(name)
    return value if value else None


def boolish(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise Fail(f"Failed to parse environment variable `{name}` with invalid value `{value}`: expected a boolish value")


def elapsed(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def user_display(path: str) -> str:
    cwd = os.getcwd()
    if cwd == "/":
        return path
    if path == cwd:
        return "."
    return path[len(cwd) + 1:] if path.startswith(cwd + "/") else path


def version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


# ---------------------------------------------------------------- settings


def install_dir() -> str:
    d = env("UV_PYTHON_INSTALL_DIR")
    if d is None:
        data = env("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
        d = os.path.join(data, "uv", "python")
    return os.path.abspath(d)


def bin_dir() -> str:
    d = env("UV_PYTHON_BIN_DIR") or env("XDG_BIN_HOME")
    if d is None and env("XDG_DATA_HOME"):
        d = os.path.join(env("XDG_DATA_HOME"), "..", "bin")
    if d is None:
        d = os.path.join(os.path.expanduser("~"), ".local", "bin")
    return os.path.normpath(os.path.abspath(d))


def preference() -> str:
    p = env("UV_PYTHON_PREFERENCE") or "managed"
    if p not in ("only-managed", "managed", "system", "only-system"):
        raise Fail(f"invalid value '{p}' for '--python-preference <PYTHON_PREFERENCE>'")
    return p


def downloads_allowed() -> bool:
    d = (env("UV_PYTHON_DOWNLOADS") or "automatic").lower()
    if d in ("automatic", "true", "1"):
        return True
    if d in ("manual", "never", "false", "0"):
        return False
    raise Fail(f"invalid value '{d}' for '--python-downloads <PYTHON_DOWNLOADS>'")


# ---------------------------------------------------------------- requests


class Request:
    """A Python request: a version (3, 3.11, 3.11.2, cpython-3.11, cpython@3.11) or a path."""

    def __init__(self, text: str):
        self.text = text
        self.path = None
        self.parts: tuple[int, ...] = ()
        if "/" in text:
            self.path = text
            return
        m = re.fullmatch(r"(?:cpython[-@]?|python)?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
        if not m:
            raise not_implemented(f"... --python {text}")
        self.parts = tuple(int(g) for g in m.groups() if g is not None)

    def matches(self, version: str) -> bool:
        return version_tuple(version)[: len(self.parts)] == self.parts

    @property
    def includes_patch(self) -> bool:
        return len(self.parts) >= 3

    def __str__(self) -> str:
        return "Python " + ".".join(map(str, self.parts)) if self.parts else self.text


def known_downloads() -> dict[str, dict]:
    with zipfile.ZipFile(ARCHIVE) as zf:
        return json.loads(zf.read("downloads.json"))


def find_download(request: Request) -> tuple[str, dict]:
    found = [(key, d) for key, d in known_downloads().items() if request.matches(d["version"])]
    if not found:
        raise Fail(f"No download found for request: {request.text}", 1)
    return max(found, key=lambda kd: version_tuple(kd[1]["version"]))


# ---------------------------------------------------------------- managed pythons


class Installation:
    def __init__(self, root: str, key: str):
        self.root, self.key = root, key
        m = re.fullmatch(rf"cpython-(\d+)\.(\d+)\.(\d+)-{PLATFORM}", key)
        if not m:
            raise ValueError(key)
        self.version = ".".join(m.groups())
        self.minor = f"{m.group(1)}.{m.group(2)}"

    @property
    def path(self) -> str:
        return os.path.join(self.root, self.key)

    @property
    def executable(self) -> str:
        return os.path.join(self.path, "bin", f"python{self.minor}")

    @property
    def minor_link(self) -> str:
        return os.path.join(self.root, f"cpython-{self.minor}-{PLATFORM}")

    @property
    def minor_link_executable(self) -> str:
        return os.path.join(self.minor_link, "bin", f"python{self.minor}")

    def minor_link_exists(self) -> bool:
        return os.path.islink(self.minor_link) and os.readlink(self.minor_link) == self.path


def installations() -> list[Installation]:
    root = install_dir()
    found = []
    if os.path.isdir(root):
        for name in os.listdir(root):
            full = os.path.join(root, name)
            if os.path.islink(full) or not os.path.isdir(full):
                continue
            try:
                found.append(Installation(root, name))
            except ValueError:
                continue
    return sorted(found, key=lambda i: version_tuple(i.version))


def download_url(url: str) -> tuple[str, str]:
    """uv's URL for a PBS file: the user's mirror, else the Astral mirror then GitHub."""
    suffix = url[len(GITHUB_PREFIX):]
    mirror = env("UV_PYTHON_INSTALL_MIRROR")
    if mirror is None:
        return ASTRAL_MIRROR + suffix, (
            "the uv stand-in is offline and releases.astral.sh / github.com are unreachable here: "
            "set UV_PYTHON_INSTALL_MIRROR to the local python-build-standalone mirror "
            "(Standins.pythonMirror in test/e2e/standins.ts)"
        )
    return mirror.rstrip("/") + "/" + suffix, ""


def init_root() -> str:
    """uv's ManagedPythonInstallations::init (+ its lock file)."""
    root = install_dir()
    os.makedirs(os.path.join(root, ".temp"), exist_ok=True)
    if not os.path.exists(os.path.join(root, ".gitignore")):
        with open(os.path.join(root, ".gitignore"), "w") as fh:
            fh.write("*")
    open(os.path.join(root, ".lock"), "a").close()
    return root


def install(key: str, download: dict) -> Installation:
    """Download, verify and unpack one PBS build; finish it as uv does."""
    url, offline = download_url(download["url"])
    fail = f"Failed to install {key}"
    if offline:
        raise Fail(f"{fail}\n  Caused by: Failed to download {url}\n  Caused by: {offline}", 1)
    root = init_root()
    tmp = tempfile.mkdtemp(dir=os.path.join(root, ".temp"))
    try:
        archive = os.path.join(tmp, "download.tar.gz")
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(url, timeout=60) as resp, open(archive, "wb") as out:
                for chunk in iter(lambda: resp.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
        except (urllib.error.URLError, OSError) as e:
            raise Fail(f"{fail}\n  Caused by: Failed to download {url}\n  Caused by: {e}", 1)
        if digest.hexdigest() != download["sha256"]:
            raise Fail(
                f"{fail}\n  Caused by: Hash mismatch for `{key}`\n\n"
                f"Expected:\n  {download['sha256']}\n\nComputed:\n  {digest.hexdigest()}", 1)
        with tarfile.open(archive) as tf:
            tf.extractall(os.path.join(tmp, "x"), filter="tar")
        # uv strips the archive's one top-level directory (python/).
        top = os.listdir(os.path.join(tmp, "x"))
        if len(top) != 1 or not os.path.isdir(os.path.join(tmp, "x", top[0])):
            raise Fail(f"{fail}\n  Caused by: the archive has no single top-level directory: {top}", 1)
        src = os.path.join(tmp, "x", top[0])
        # PBS releases before 20240726 lack bin/python; uv adds it.
        minor = ".".join(download["version"].split(".")[:2])
        if not os.path.lexists(os.path.join(src, "bin", "python")):
            os.symlink(f"python{minor}", os.path.join(src, "bin", "python"))
        dest = os.path.join(root, key)
        if os.path.exists(dest):
            shutil.rmtree(dest)
        os.rename(src, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    inst = Installation(root, key)
    finish(inst, download.get("build"))
    return inst


def finish(inst: Installation, build: str | None) -> None:
    """uv's ensure_* steps for an installation."""
    stdlib = os.path.join(inst.path, "lib", f"python{inst.minor}")
    with open(os.path.join(stdlib, "EXTERNALLY-MANAGED"), "w") as fh:
        fh.write(EXTERNALLY_MANAGED)
    # sysconfig: PBS ships "/install" as its prefix; uv rewrites it.
    for name in os.listdir(stdlib):
        full = os.path.join(stdlib, name)
        if name.startswith("_sysconfigdata_") and name.endswith(".py") and not os.path.islink(full):
            text = open(full, encoding="utf-8").read()
            text = re.sub(r"(?<![\w/.-])/install(?=[/'\" :]|$)", inst.path, text, flags=re.M)
            with open(full, "w", encoding="utf-8") as fh:
                fh.write(text)
    canonical = os.path.join(inst.path, "bin", "python")
    if not os.path.lexists(canonical):
        os.symlink(inst.executable, canonical)
    if build:
        with open(os.path.join(inst.path, "BUILD"), "w") as fh:
            fh.write(build)


def update_minor_links() -> None:
    """The highest patch of each minor version gets cpython-X.Y-<platform> -> it."""
    best: dict[str, Installation] = {}
    for inst in installations():
        best[inst.minor] = inst  # sorted ascending
    for inst in best.values():
        if inst.minor_link_exists():
            continue
        if os.path.lexists(inst.minor_link):
            os.remove(inst.minor_link)
        os.symlink(inst.path, inst.minor_link)


def find_managed(request: Request) -> Installation | None:
    matching = [i for i in installations() if request.matches(i.version)]
    return matching[-1] if matching else None


def query(python: str) -> dict:
    code = (
        "import json, sys, sysconfig, platform\n"
        "print(json.dumps({'version': platform.python_version(), 'implementation': platform.python_implementation(),"
        " 'prefix': sys.prefix, 'base_prefix': sys.base_prefix, 'executable': sys.executable,"
        " 'base_executable': getattr(sys, '_base_executable', sys.executable),"
        " 'stdlib': sysconfig.get_path('stdlib'), 'purelib': sysconfig.get_path('purelib')}))"
    )
    try:
        r = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise Fail(f"Failed to inspect Python interpreter from provided path at `{python}`\n  Caused by: {e}")
    return json.loads(r.stdout)


def self_interpreter(path: str) -> bool:
    return os.path.realpath(path) == os.path.realpath(sys.executable)


def find_system(request: Request) -> str | None:
    names = []
    if len(request.parts) >= 2:
        names.append(f"python{request.parts[0]}.{request.parts[1]}")
    names += ["python3", "python"]
    for d in os.environ.get("PATH", "").split(os.pathsep):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and os.access(p, os.X_OK) and not self_interpreter(p):
                if request.matches(query(p)["version"]):
                    return p
    return None


def find_python(request: Request) -> tuple[str, dict, Installation | None]:
    """(executable, query(), managed installation or None), downloading if allowed."""
    if request.path:
        p = request.path
        if os.path.isdir(p):
            p = os.path.join(p, "bin", "python")
        if not os.path.exists(p) or self_interpreter(p):
            raise Fail(f"No interpreter found at path `{request.path}`")
        return p, query(p), None
    pref = preference()
    if pref != "only-system":
        inst = find_managed(request)
        if inst is None and pref == "managed":
            system = find_system(request)
            if system:
                return system, query(system), None
        if inst is None and downloads_allowed():
            key, download = find_download(request)
            inst = install(key, download)
            update_minor_links()
        if inst is not None:
            return inst.executable, query(inst.executable), inst
    if pref in ("system", "only-system"):
        system = find_system(request)
        if system:
            return system, query(system), None
    sources = {"only-managed": "managed installations", "managed": "managed installations or search path",
               "system": "search path or managed installations", "only-system": "search path"}[pref]
    raise Fail(f"No interpreter found for {request} in {sources}")


# ---------------------------------------------------------------- commands


def take_value(args: list[str], i: int, opt: str) -> tuple[str, int]:
    a = args[i]
    if "=" in a and a.startswith("--"):
        return a.split("=", 1)[1], i + 1
    if i + 1 >= len(args):
        raise Fail(f"a value is required for '{opt}' but none was supplied")
    return args[i + 1], i + 2


def cmd_python_install(args: list[str]) -> int:
    targets, i = [], 0
    compile_bc = False
    while i < len(args):
        a = args[i]
        if a in ("-i", "--install-dir") or a.startswith("--install-dir="):
            value, i = take_value(args, i, "--install-dir")
            os.environ["UV_PYTHON_INSTALL_DIR"] = os.path.abspath(value)
        elif a in ("--compile-bytecode", "--no-compile-bytecode"):
            # uv: "Compile Python's standard library to bytecode after installation ...
            # It will ignore any compilation errors."
            compile_bc, i = a == "--compile-bytecode", i + 1
        elif a.startswith("-"):
            raise not_implemented(f"python install {a}")
        else:
            targets.append(a)
            i += 1
    if not targets:
        raise not_implemented("python install (without a version)")
    start = time.monotonic()
    installed = []
    for t in targets:
        request = Request(t)
        if request.path:
            raise not_implemented(f"python install {t}")
        inst = find_managed(request)
        if inst is None:
            key, download = find_download(request)
            inst = install(key, download)
            installed.append((request, inst))
        else:
            installed.append((request, None))
        if compile_bc:
            stdlib = os.path.join(inst.path, "lib", f"python{inst.minor}")
            subprocess.run([inst.executable, "-m", "compileall", "-q", "-j", "0", stdlib],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    update_minor_links()
    # Versioned executables in the user's bin directory (uv >= 0.8).
    links: dict[str, str] = {}
    if boolish("UV_PYTHON_INSTALL_BIN") is not False:
        bdir = bin_dir()
        os.makedirs(bdir, exist_ok=True)
        for request, inst in installed:
            inst = inst or find_managed(request)
            name = f"python{inst.minor}"
            target = inst.minor_link_executable if not request.includes_patch else inst.executable
            link = os.path.join(bdir, name)
            if os.path.lexists(link):
                if os.path.islink(link) and os.readlink(link) == target:
                    continue
                os.remove(link)
            os.symlink(target, link)
            links[inst.key] = name
    new = [inst for _, inst in installed if inst is not None]
    if not new:
        eprint(f"{installed[0][0]} is already installed" if len(installed) == 1
               else "All requested versions already installed")
        return 0
    took = elapsed(time.monotonic() - start)
    eprint(f"Installed Python {new[0].version} in {took}" if len(new) == 1
           else f"Installed {len(new)} versions in {took}")
    for inst in sorted(new, key=lambda i: i.key):
        suffix = f" ({links[inst.key]})" if inst.key in links else ""
        eprint(f" + {inst.key}{suffix}")
    if links and bin_dir() not in os.environ.get("PATH", "").split(os.pathsep):
        eprint(f"warning: `{bin_dir()}` is not on your PATH. To use installed Python executables, "
               "add the directory to your PATH.")
    return 0


ACTIVATE = """\
# Activate with `source {bin}/activate` (written by the uv stand-in, not uv's template)
deactivate () {{
    if [ -n "${{_OLD_VIRTUAL_PATH:-}}" ]; then PATH="$_OLD_VIRTUAL_PATH"; export PATH; unset _OLD_VIRTUAL_PATH; fi
    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    [ "${{1:-}}" = nondestructive ] || unset -f deactivate
}}
deactivate nondestructive
VIRTUAL_ENV='{venv}'
export VIRTUAL_ENV
_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/bin:$PATH"
export PATH
hash -r 2>/dev/null || true
"""

VIRTUALENV_PATCH = '''"""Placeholder for uv's distutils patch module (the uv stand-in writes no patch)."""
'''


def cmd_venv(args: list[str]) -> int:
    request_text, location, clear, prompt, system_site = None, None, False, None, False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-p", "--python") or a.startswith("--python="):
            request_text, i = take_value(args, i, "--python")
        elif a == "--clear":
            clear, i = True, i + 1
        elif a == "--prompt" or a.startswith("--prompt="):
            prompt, i = take_value(args, i, "--prompt")
        elif a == "--system-site-packages":
            system_site, i = True, i + 1
        elif a.startswith("-"):
            raise not_implemented(f"venv {a}")
        elif location is None:
            location, i = a, i + 1
        else:
            raise Fail(f"unexpected argument '{a}' found")
    request = Request(request_text or env("UV_PYTHON") or "3")
    clear = clear or bool(boolish("UV_VENV_CLEAR"))
    executable, info, inst = find_python(request)
    if inst is not None:
        eprint(f"Using CPython {info['version']}")
    else:
        eprint(f"Using CPython {info['version']} interpreter at: {user_display(executable)}")
    location = os.path.abspath(location or ".venv")
    eprint(f"Creating virtual environment at: {user_display(location)}")

    if os.path.isfile(location):
        raise Fail(f"Failed to create virtual environment\n  Caused by: File exists at `{user_display(location)}`")
    if os.path.isdir(location) and os.listdir(location):
        is_venv = os.path.exists(os.path.join(location, "pyvenv.cfg"))
        name = "virtual environment" if is_venv else "directory"
        if not clear:
            raise Fail(f"Failed to create virtual environment\n  Caused by: A {name} already exists at: "
                       f"{user_display(location)}\n\nhint: Use the `--clear` flag or set `UV_VENV_CLEAR=1` "
                       f"to replace the existing {name}")
        shutil.rmtree(location)
    os.makedirs(location, exist_ok=True)

    minor = ".".join(info["version"].split(".")[:2])
    upgradeable = not request.includes_patch
    if inst is not None and upgradeable and inst.minor_link_exists():
        target, version_info = inst.minor_link_executable, minor
    elif inst is not None:
        target, version_info = inst.executable, info["version"]
    else:
        target, version_info = info["base_executable"], info["version"]

    with open(os.path.join(location, "CACHEDIR.TAG"), "w") as fh:
        fh.write("Signature: 8a477f597d28d172789f06886806bc55\n")
    with open(os.path.join(location, ".gitignore"), "w") as fh:
        fh.write("*")
    scripts = os.path.join(location, "bin")
    os.makedirs(scripts, exist_ok=True)
    os.symlink(target, os.path.join(scripts, "python"))
    os.symlink("python", os.path.join(scripts, f"python{minor.split('.')[0]}"))
    os.symlink("python", os.path.join(scripts, f"python{minor}"))
    with open(os.path.join(scripts, "activate"), "w") as fh:
        fh.write(ACTIVATE.format(bin=scripts, venv=location))
    cfg = [
        ("home", os.path.dirname(target)),
        ("implementation", info["implementation"]),
        ("uv", VERSION),
        ("version_info", version_info),
        ("include-system-site-packages", "true" if system_site else "false"),
    ]
    if prompt:
        cfg.append(("prompt", os.path.basename(os.getcwd()) if prompt == "." else prompt))
    with open(os.path.join(location, "pyvenv.cfg"), "w") as fh:
        fh.writelines(f"{k} = {v}\n" for k, v in cfg)
    site = os.path.join(location, "lib", f"python{minor}", "site-packages")
    os.makedirs(site, exist_ok=True)
    os.symlink("lib", os.path.join(location, "lib64"))
    with open(os.path.join(site, "_virtualenv.py"), "w") as fh:
        fh.write(VIRTUALENV_PATCH)
    with open(os.path.join(site, "_virtualenv.pth"), "w") as fh:
        fh.write("import _virtualenv")
    shell = os.path.basename(os.environ.get("SHELL", ""))
    if shell in ("bash", "zsh", "ksh"):
        eprint(f"Activate with: source {user_display(os.path.join(scripts, 'activate'))}")
    return 0


LIST_DISTS = (
    "import importlib.metadata as m, json, sys\n"
    "print(json.dumps(sorted({(d.metadata['Name'] or '').lower().replace('_', '-'): d.version"
    " for d in m.distributions()}.items())))"
)


def cmd_pip_install(args: list[str]) -> int:
    python, reqs, specs, passthrough = None, [], [], []
    index = None
    compile_bc = boolish("UV_COMPILE_BYTECODE") or False
    no_cache = boolish("UV_NO_CACHE") or False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-p", "--python") or a.startswith("--python="):
            python, i = take_value(args, i, "--python")
        elif a in ("-r", "--requirement") or a.startswith("--requirement="):
            value, i = take_value(args, i, "--requirement")
            reqs.append(value)
        elif a in ("-i", "--index-url", "--default-index") or a.startswith(("--index-url=", "--default-index=")):
            index, i = take_value(args, i, a.split("=")[0])
        elif a == "--compile-bytecode":
            compile_bc, i = True, i + 1
        elif a == "--no-cache":
            no_cache, i = True, i + 1
        elif a in ("--no-deps", "-U", "--upgrade"):
            passthrough.append("--upgrade" if a == "-U" else a)
            i += 1
        elif a.startswith("-"):
            raise not_implemented(f"pip install {a}")
        else:
            specs.append(a)
            i += 1
    if not reqs and not specs:
        raise Fail("the following required arguments were not provided:\n  <PACKAGE|--requirements <REQUIREMENTS>|--editable <EDITABLE>|--group <GROUP>>")
    index = index or env("UV_DEFAULT_INDEX") or env("UV_INDEX_URL") or "https://pypi.org/simple"

    if python is None:
        venv = env("VIRTUAL_ENV")
        if venv is None:
            d = os.getcwd()
            while True:
                if os.path.exists(os.path.join(d, ".venv", "pyvenv.cfg")):
                    venv = os.path.join(d, ".venv")
                    break
                if d == "/":
                    break
                d = os.path.dirname(d)
        if venv is None:
            raise Fail("No virtual environment found; run `uv venv` to create an environment, "
                       "or pass `--system` to install into a non-virtual environment")
        python = os.path.join(venv, "bin", "python")
    elif os.path.isdir(python):
        python = os.path.join(python, "bin", "python")
    elif "/" not in python:
        raise not_implemented(f"pip install --python {python} (only paths)")
    if not os.path.exists(python) or self_interpreter(python):
        raise Fail(f"Failed to inspect Python interpreter from provided path at `{python}`")
    info = query(python)
    in_venv = info["prefix"] != info["base_prefix"]
    root = info["prefix"]
    if not in_venv:
        marker = os.path.join(info["stdlib"], "EXTERNALLY-MANAGED")
        if os.path.exists(marker):
            import configparser
            cp = configparser.ConfigParser(interpolation=None)
            cp.read(marker)
            why = cp.get("externally-managed", "Error", fallback="")
            raise Fail(f"The interpreter at {user_display(root)} is externally managed, and indicates the "
                       f"following:\n\n  {why}\n\nConsider creating a virtual environment with `uv venv`.")
    eprint(f"Using Python {info['version']} environment at: {user_display(root)}")

    def dists() -> dict[str, str]:
        r = subprocess.run([python, "-I", "-c", LIST_DISTS], capture_output=True, text=True, check=True)
        return dict(json.loads(r.stdout))

    def pycs() -> int:
        return sum(1 for _, _, files in os.walk(info["purelib"]) for f in files if f.endswith(".pyc"))

    before = dists()
    pyc_before = pycs() if compile_bc else 0
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="uv-standin-")
    try:
        with zipfile.ZipFile(ARCHIVE) as zf:
            wheel = next(n for n in zf.namelist() if re.fullmatch(r"pip-[^/]+\.whl", n))
            zf.extract(wheel, tmp)
        report = os.path.join(tmp, "report.json")
        cmd = [python, "-I", os.path.join(tmp, wheel, "pip"), "install", "--quiet",
               "--disable-pip-version-check", "--no-input", "--root-user-action=ignore",
               "--no-warn-script-location", "--index-url", index, "--report", report]
        cmd += [] if compile_bc else ["--no-compile"]
        cmd += ["--no-cache-dir"] if no_cache else []
        cmd += passthrough + specs
        for r in reqs:
            cmd += ["--requirement", r]
        # uv reads no pip configuration: no PIP_* variables, no pip.conf.
        child_env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
        child_env["PIP_CONFIG_FILE"] = os.devnull
        r = subprocess.run(cmd, env=child_env, capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stdout + r.stderr)
            raise Fail("the stand-in's installer (pip, in place of uv's resolver) failed; see above", 1)
        resolved = json.load(open(report)).get("install", [])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    after = dists()
    took = elapsed(time.monotonic() - start)
    added = sorted((n, v) for n, v in after.items() if before.get(n) != v)
    removed = sorted((n, before[n]) for n, _ in added if n in before)
    if not added:
        eprint(f"Audited {plural(len(specs) + len(resolved) or 1, 'package')} in {took}")
        return 0
    eprint(f"Resolved {plural(len(resolved), 'package')} in {took}",
           f"Prepared {plural(len(added), 'package')} in {took}")
    if removed:
        eprint(f"Uninstalled {plural(len(removed), 'package')} in {took}")
    eprint(f"Installed {plural(len(added), 'package')} in {took}")
    if compile_bc:
        eprint(f"Bytecode compiled {plural(pycs() - pyc_before, 'file')} in {took}")
    for n, v in removed:
        eprint(f" - {n}=={v}")
    for n, v in added:
        eprint(f" + {n}=={v}")
    return 0


def cmd_export(args: list[str]) -> int:
    """`uv export --frozen` to requirements.txt format: every locked registry package pinned with
    its hashes (the sdist's and the wheels'), as uv writes them; the project itself left out with
    --no-emit-project. Markers, extras, groups and workspaces are beyond this stand-in."""
    import tomllib

    project, output, frozen, emit_project = ".", None, False, True
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--project" or a.startswith("--project="):
            project, i = take_value(args, i, "--project")
        elif a in ("-o", "--output-file") or a.startswith("--output-file="):
            output, i = take_value(args, i, "--output-file")
        elif a == "--format" or a.startswith("--format="):
            fmt, i = take_value(args, i, "--format")
            if fmt != "requirements-txt":
                raise not_implemented(f"export --format {fmt}")
        elif a == "--frozen":
            frozen, i = True, i + 1
        elif a == "--no-dev":
            i += 1  # the stand-in lock has no dev groups
        elif a == "--no-emit-project":
            emit_project, i = False, i + 1
        else:
            raise not_implemented(f"export {a}")
    if not frozen:
        raise not_implemented("export without --frozen (it would resolve and update uv.lock)")
    lock_path = os.path.join(project, "uv.lock")
    if not os.path.exists(lock_path):
        raise Fail(f"Unable to find lockfile at `uv.lock`. To create a lockfile, run `uv lock` or `uv sync`.", 2)
    with open(lock_path, "rb") as fh:
        lock = tomllib.load(fh)
    lines = ["# This file was autogenerated by uv via the following command:", "#    uv export " + " ".join(args)]
    for package in sorted(lock.get("package", []), key=lambda p: p["name"]):
        source = package.get("source", {})
        if "registry" not in source:
            if emit_project and ("virtual" in source or "editable" in source):
                lines.append(f"-e {source.get('editable', source.get('virtual'))}")
            continue
        hashes = [a["hash"] for a in ([package["sdist"]] if "sdist" in package else []) + package.get("wheels", [])]
        lines.append(f"{package['name']}=={package['version']}" + "".join(f" \\\n    --hash={h}" for h in hashes))
    text = "\n".join(lines) + "\n"
    if output:
        with open(output, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    eprint(f"Resolved {len(lock.get('package', []))} packages")
    return 0


def main(argv: list[str]) -> int:
    args = list(argv)
    # Global options the generated Dockerfiles might put first.
    while args and args[0] in ("--no-cache", "-q", "--quiet", "--no-progress", "-n"):
        if args[0] in ("--no-cache", "-n"):
            os.environ["UV_NO_CACHE"] = "1"
        args.pop(0)
    if args in (["--version"], ["-V"], ["self", "version"]):
        print(f"uv {VERSION}")
        return 0
    if args[:2] == ["python", "install"]:
        return cmd_python_install(args[2:])
    if args[:1] == ["venv"]:
        return cmd_venv(args[1:])
    if args[:2] == ["pip", "install"]:
        return cmd_pip_install(args[2:])
    if args[:1] == ["export"]:
        return cmd_export(args[1:])
    raise not_implemented(" ".join(args[:2]) or "(no command)")


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Fail as e:
        eprint(f"error: {e}")
        sys.exit(e.code)
