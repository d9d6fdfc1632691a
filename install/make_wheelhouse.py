r"""Make a folder of wheels ("wheelhouse") to install socsec on a machine without internet access.

Run it on any machine with internet access and Python 3.11 or later (Windows, macOS or Linux),
from the socsec folder:

    python install/make_wheelhouse.py D:\socsec-wheels                         (Windows 64-bit, Python 3.13)
    python install/make_wheelhouse.py D:\socsec-wheels --python-version 3.12 3.13
    python install/make_wheelhouse.py wheels --platform macosx_14_0_arm64      (Apple-silicon Mac)
    python install/make_wheelhouse.py wheels --platform native                 (this machine's platform)

It downloads the binary wheels of the packages of pyproject.toml that the installers install (the
base and the extras excel, report and prep), at the tested versions (constraints.txt), and of the
packages they need, for the target platform and each Python version given, and builds socsec's own
wheel into the same folder. Copy the folder and the socsec folder to the offline machine, then

    install\windows\install.cmd -Wheelhouse D:\socsec-wheels
    bash install/macos/install.sh --wheelhouse /path/to/wheels

The offline machine's Python must be one of the versions given here (minor version, e.g. 3.13).
"""

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONSTRAINTS = REPO / "constraints.txt"  # the versions tested together
EXTRAS = ("excel", "report", "prep")  # the extras the installers install (install.ps1, install.sh: $EXTRAS)


def requirements(pyproject: Path = REPO / "pyproject.toml", sys_platform: str | None = None) -> list[str]:
    """The [project] dependencies of pyproject.toml and those of :data:`EXTRAS`; with ``sys_platform``,
    those of that system only, their markers taken off (pip evaluates a marker for the machine it runs on,
    not for --platform: pywin32, marked sys_platform == 'win32', would be left out of a Windows wheelhouse
    made on Linux)."""
    with open(pyproject, "rb") as handle:
        project = tomllib.load(handle)["project"]
    requirements = list(project["dependencies"]) + [r for e in EXTRAS for r in project["optional-dependencies"][e]]
    if sys_platform is None:
        return requirements
    out = []
    for requirement in requirements:
        spec, _, marker = (part.strip() for part in requirement.partition(";"))
        if not marker or marker_platform(marker) == sys_platform:
            out.append(spec)
    return out


def marker_platform(marker: str) -> str:
    """The system of a marker ``sys_platform == 'win32'`` (the only form socsec's requirements use)."""
    match = re.fullmatch(r"""sys_platform\s*==\s*['"]([\w.]+)['"]""", marker)
    if match is None:
        raise ValueError(f"pyproject.toml: marker {marker!r} is not of the form sys_platform == '...'")
    return match.group(1)


def target_platform(platform: str) -> str:
    """sys.platform of the machine a pip platform tag is for: win_amd64 -> win32, macosx_14_0_arm64 ->
    darwin, manylinux... -> linux; 'native' -> this machine's."""
    if platform == "native":
        return sys.platform
    for prefix, name in (("win", "win32"), ("macosx", "darwin"), ("manylinux", "linux"), ("musllinux", "linux"),
                         ("linux", "linux")):
        if platform.startswith(prefix):
            return name
    raise ValueError(f"unknown pip platform tag {platform!r}")


def commands(dest: Path, platform: str, python_versions: list[str]) -> list[list[str]]:
    """The pip commands that fill ``dest``."""
    pip = [sys.executable, "-m", "pip"]
    wanted = ["-c", str(CONSTRAINTS)] + requirements(sys_platform=target_platform(platform))
    out = []
    if platform == "native":
        out.append(pip + ["download", "--only-binary=:all:", "--dest", str(dest)] + wanted)
    else:
        for version in python_versions:
            out.append(pip + ["download", "--only-binary=:all:", "--platform", platform, "--python-version", version,
                              "--implementation", "cp", "--dest", str(dest)] + wanted)
    out.append(pip + ["wheel", "--no-deps", "--wheel-dir", str(dest), str(REPO)])
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="folder to fill with wheels (made if missing)")
    parser.add_argument("--platform", default="win_amd64",
                        help="pip platform tag of the offline machine (default win_amd64; macosx_14_0_arm64 for an "
                             "Apple-silicon Mac; 'native' for this machine's platform and Python)")
    parser.add_argument("--python-version", nargs="+", default=["3.13"], metavar="X.Y",
                        help="Python version(s) of the offline machine (default 3.13)")
    parser.add_argument("--dry-run", action="store_true", help="print the pip commands, run nothing")
    args = parser.parse_args(argv)
    for command in commands(args.dest, args.platform, args.python_version):
        print(" ".join(command), flush=True)
        if not args.dry_run:
            args.dest.mkdir(parents=True, exist_ok=True)
            if subprocess.call(command) != 0:
                print("make_wheelhouse: the command above failed (internet access? a Python version without "
                      "wheels of a tested package?)", file=sys.stderr)
                return 1
    if not args.dry_run:
        print(f"wheelhouse ready: {args.dest.resolve()} ({len(list(args.dest.glob('*.whl')))} wheels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
