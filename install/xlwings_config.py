"""Write (and undo) socsec's entries in the xlwings user configuration file.

Run by install/windows/install.ps1, install/windows/uninstall.ps1 and install/macos/install.sh
with the Python of socsec's virtual environment.  Standard library only.

The file is the one the xlwings add-in's ribbon reads and writes (xlwings 0.37, docs
"Add-in & Settings", "User Config: Ribbon/Config File"):

* Windows: %USERPROFILE%\\.xlwings\\xlwings.conf
* macOS:   ~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf

one setting a line, as VBA's ``Write #`` writes them: ``"KEY","value"`` with the key in capitals.
socsec sets two keys:

* ``INTERPRETER_WIN`` (``INTERPRETER_MAC`` on macOS): the interpreter of socsec's virtual
  environment (pythonw.exe on Windows, so no console window opens);
* ``UDF MODULES``: a ";"-separated list of modules Excel imports UDFs from; socsec adds
  ``socsec.excel.udfs`` and keeps the modules already listed.

Every other line is kept as it is.  What the file held before is remembered in a small JSON
state file next to the virtual environment, so that ``uninstall`` restores it: the interpreter
goes back to its former value (or the key is removed) unless the user has changed it since,
and only socsec's module is taken out of ``UDF MODULES``.  Running ``install`` twice changes
nothing the second time.

    python xlwings_config.py install --interpreter PATH --udf-module socsec.excel.udfs --state FILE
    python xlwings_config.py uninstall --state FILE
    python xlwings_config.py show
    xlwings addin status | python xlwings_config.py addin-target

``addin-target`` prints where the xlwings add-in is, or will be, installed, read from what
``xlwings addin status`` prints (xlwings 0.37: "The add-in is installed at PATH" when it is,
'"xlwings addin install" will install it at: PATH' when it is not); exit code 1 if neither.

On macOS the interpreter path must not contain a space: xlwings' RunPython AppleScript
(xlwings-0.37.8.applescript) puts it unquoted at the start of a shell command, so such a Python
never starts; ``install`` refuses it.
"""

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path

UDF_KEY = "UDF MODULES"


def platform_name() -> str:
    return "mac" if sys.platform == "darwin" else "win"


def default_config_file(platform: str | None = None) -> Path:
    """Where the xlwings add-in looks for the user configuration (same rule as xlwings itself)."""
    if (platform or platform_name()) == "mac":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path(os.environ.get("USERPROFILE") or Path.home()) / ".xlwings" / "xlwings.conf"


def interpreter_key(platform: str | None = None) -> str:
    return "INTERPRETER_MAC" if (platform or platform_name()) == "mac" else "INTERPRETER_WIN"


def _encoding(platform: str) -> str:
    # VBA's Input # reads the file in the ANSI code page on Windows
    return "mbcs" if platform == "win" and sys.platform == "win32" else "utf-8"


def read_config(path: Path, platform: str) -> list[tuple[str, str] | str]:
    """The file's lines: (key, value) for settings, the raw text for anything else."""
    if not path.exists():
        return []
    text = path.read_text(encoding=_encoding(platform), errors="replace")
    lines: list[tuple[str, str] | str] = []
    for raw in text.splitlines():
        fields = next(csv.reader([raw]), [])
        if len(fields) == 2 and raw.lstrip().startswith('"'):
            lines.append((fields[0], fields[1]))
        elif raw.strip():
            lines.append(raw)
    return lines


def write_config(path: Path, lines, platform: str) -> None:
    """Write atomically, CRLF line ends on Windows (as VBA writes them)."""
    newline = "\r\n" if platform == "win" else "\n"
    out = io.StringIO()
    for line in lines:
        out.write((f'"{line[0]}","{line[1]}"' if isinstance(line, tuple) else line) + newline)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".xlwings-", suffix=".conf", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=_encoding(platform), newline="") as handle:
            handle.write(out.getvalue())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def get(lines, key: str) -> str | None:
    """The value xlwings uses: the first line whose key matches, regardless of case."""
    for line in lines:
        if isinstance(line, tuple) and line[0].upper() == key.upper():
            return line[1]
    return None


def put(lines, key: str, value: str | None) -> list:
    """Set ``key`` (in place of its first line; later duplicates dropped) or remove it if None."""
    out, done = [], False
    for line in lines:
        if isinstance(line, tuple) and line[0].upper() == key.upper():
            if not done and value is not None:
                out.append((key, value))
            done = True
        else:
            out.append(line)
    if not done and value is not None:
        out.append((key, value))
    return out


def _modules(value: str | None) -> list[str]:
    return [m.strip() for m in (value or "").split(";") if m.strip()]


def _same_path(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return os.path.normcase(os.path.normpath(a)) == os.path.normcase(os.path.normpath(b))


ADDIN_TARGET = re.compile(r"(?:The add-in is installed at|will install it at:)\s*(.+?)\s*$")


def addin_target(status: str) -> str | None:
    """Where ``xlwings addin status`` (its output ``status``) says the add-in is or will be installed."""
    for line in status.splitlines():
        match = ADDIN_TARGET.search(line)
        if match:
            return match.group(1)
    return None


def interpreter_problem(interpreter: str, platform: str) -> str | None:
    """Why Excel could not start ``interpreter`` (None if it can): on macOS a path with a space."""
    if platform == "mac" and " " in interpreter:
        return (f"the interpreter path {interpreter!r} contains a space: xlwings' RunPython on macOS passes it "
                "unquoted to the shell and Python never starts; install the environment in a folder without "
                "spaces (install.sh --venv ~/.socsec/venv)")
    return None


def install(config: Path, state_file: Path, interpreter: str, udf_module: str | None, platform: str) -> list[str]:
    """Set socsec's keys; remember what was there before (only on the first install)."""
    problem = interpreter_problem(interpreter, platform)
    if problem:
        raise ValueError(problem)
    lines = read_config(config, platform)
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    key = interpreter_key(platform)
    messages = []
    if key not in state:
        state[key] = {"before": get(lines, key)}
    state[key]["ours"] = interpreter
    lines = put(lines, key, interpreter)
    messages.append(f"{key} = {interpreter}")
    if udf_module:
        modules = _modules(get(lines, UDF_KEY))
        if UDF_KEY not in state:
            state[UDF_KEY] = {"before": get(lines, UDF_KEY), "added": udf_module not in modules}
        if udf_module not in modules:
            modules.append(udf_module)
        lines = put(lines, UDF_KEY, ";".join(modules))
        messages.append(f"{UDF_KEY} = {';'.join(modules)}")
    write_config(config, lines, platform)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, indent=1))
    return messages


def uninstall(config: Path, state_file: Path, udf_module: str | None, platform: str) -> list[str]:
    """Undo :func:`install` as far as the user has not changed the keys since."""
    if not state_file.exists():
        return [f"no record of socsec's xlwings settings ({state_file}): {config} left as it is"]
    state = json.loads(state_file.read_text())
    lines = read_config(config, platform)
    messages = []
    key = interpreter_key(platform)
    if key in state:
        if _same_path(get(lines, key), state[key].get("ours")):
            before = state[key].get("before")
            lines = put(lines, key, before)
            messages.append(f"{key} removed" if before is None else f"{key} restored to {before}")
        else:
            messages.append(f"{key} was changed after socsec's installation: left as it is")
    if UDF_KEY in state and udf_module:
        modules = _modules(get(lines, UDF_KEY))
        if state[UDF_KEY].get("added") and udf_module in modules:
            modules.remove(udf_module)
            messages.append(f"{UDF_KEY}: {udf_module} taken out")
        # nothing left: the former value comes back (None: no such line before)
        lines = put(lines, UDF_KEY, ";".join(modules) if modules else state[UDF_KEY].get("before"))
    if lines:
        write_config(config, lines, platform)
    elif config.exists():
        config.unlink()
    state_file.unlink()
    return messages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("install", "uninstall", "show", "addin-target"))
    parser.add_argument("--config", type=Path, help="xlwings.conf (default: the xlwings user config file)")
    parser.add_argument("--state", type=Path, help="JSON file remembering the former settings")
    parser.add_argument("--interpreter", help="install: the Python interpreter Excel should start")
    parser.add_argument("--udf-module", default="socsec.excel.udfs",
                        help="module to add to UDF MODULES (default socsec.excel.udfs; '' for none)")
    parser.add_argument("--platform", choices=("win", "mac"), default=platform_name(), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.action == "addin-target":
        target = addin_target(sys.stdin.read())
        if target:
            print(target)
        return 0 if target else 1
    config = args.config or default_config_file(args.platform)
    if args.action == "show":
        print(f"{config}:")
        for line in read_config(config, args.platform):
            print(f"  {line[0]} = {line[1]}" if isinstance(line, tuple) else f"  {line}")
        return 0
    if args.state is None:
        parser.error("--state is required")
    if args.action == "install":
        if not args.interpreter:
            parser.error("install needs --interpreter")
        try:
            messages = install(config, args.state, args.interpreter, args.udf_module or None, args.platform)
        except ValueError as exc:
            print(f"xlwings_config: {exc}", file=sys.stderr)
            return 2
    else:
        messages = uninstall(config, args.state, args.udf_module or None, args.platform)
    print(f"xlwings settings in {config}:")
    for message in messages:
        print(f"  {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
