"""Finding and running the Swift tools (cml-dev, cml-client, cml-server): the package's only engine."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Optional, Sequence

TOOLS = ("cml-dev", "cml-client", "cml-server")
BUILD_HINT = "build them in the cml repository with `swift build -c release` (they land in .build/release)"


class ToolNotFoundError(FileNotFoundError):
    """A cml executable is neither in $CML_BIN_DIR, next to the package, on PATH nor in the repository build."""


class ToolError(RuntimeError):
    """A cml executable exited with an error; the message is the tool's own, with the command that failed."""

    def __init__(self, command: Sequence[str], returncode: int, stderr: str, stdout: str = ""):
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        message = (stderr.strip() or stdout.strip()).splitlines()
        detail = "\n".join(message[-12:]) if message else f"exit status {returncode}"
        super().__init__(f"{Path(command[0]).name} {command[1] if len(command) > 1 else ''} failed: {detail}")


def _candidates(name: str):
    """Where `name` is looked for without $CML_BIN_DIR: cml/bin, PATH, the repository's .build/release."""
    yield Path(__file__).resolve().parent / "bin" / name
    found = shutil.which(name)
    if found:
        yield Path(found)
    # An in-tree checkout (python/cml/_tools.py): the repository root is two folders up.
    yield Path(__file__).resolve().parents[2] / ".build" / "release" / name


def find_tool(name: str) -> Path:
    """The path of cml executable `name`, or ToolNotFoundError saying where it looked and how to build it."""
    env = os.environ.get("CML_BIN_DIR")
    if env:  # an explicit directory is the only place looked at, so a wrong one is not hidden by PATH
        path = Path(env) / name
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise ToolNotFoundError(f"{name} not found in CML_BIN_DIR={env}: {BUILD_HINT}, then point CML_BIN_DIR "
                                f"at that folder")
    for path in _candidates(name):
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise ToolNotFoundError(f"{name} not found (looked in $CML_BIN_DIR, {Path(__file__).resolve().parent / 'bin'}, "
                            f"PATH and the repository's .build/release): {BUILD_HINT}, then set CML_BIN_DIR to "
                            f"that folder or put it on PATH")


def run_tool(name: str, arguments: Sequence[str], *, env: Optional[Mapping[str, str]] = None,
             echo: bool = False, cwd: Optional[str] = None) -> str:
    """Runs `name arguments...`, returns its standard output; ToolError with its message when it fails.

    echo prints the tool's output as it would appear on a terminal (verbose compiles, show_mlir)."""
    command = [str(find_tool(name)), *map(str, arguments)]
    environment = dict(os.environ)
    if env:
        environment.update(env)
    result = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd,
                            stdin=subprocess.DEVNULL)
    if echo:
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
    if result.returncode != 0:
        raise ToolError(command, result.returncode, result.stderr, result.stdout)
    return result.stdout
