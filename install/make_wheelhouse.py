r"""Make a folder of wheels ("wheelhouse") to install socsec on a machine without internet access.

Run it on any machine with internet access and Python 3.11 or later (Windows, macOS or Linux),
from the socsec folder:

    python install/make_wheelhouse.py D:\socsec-wheels                         (Windows 64-bit, Python 3.13)
    python install/make_wheelhouse.py D:\socsec-wheels --python-version 3.12 3.13
    python install/make_wheelhouse.py wheels --platform macosx_14_0_arm64      (Apple-silicon Mac)
    python install/make_wheelhouse.py wheels --platform native                 (this machine's platform)

It downloads the binary wheels of the pinned packages of pyproject.toml, and of the packages
they need, for the target platform and each Python version given, and builds socsec's own
wheel into the same folder. Copy the folder and the socsec folder to the offline machine, then

    install\windows\install.cmd -Wheelhouse D:\socsec-wheels
    bash install/macos/install.sh --wheelhouse /path/to/wheels

The offline machine's Python must be one of the versions given here (minor version, e.g. 3.13).
"""

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pinned_requirements(pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    """The [project] dependencies of pyproject.toml (each pinned with ==)."""
    with open(pyproject, "rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


def commands(dest: Path, platform: str, python_versions: list[str]) -> list[list[str]]:
    """The pip commands that fill ``dest``."""
    pip = [sys.executable, "-m", "pip"]
    requirements = pinned_requirements()
    out = []
    if platform == "native":
        out.append(pip + ["download", "--only-binary=:all:", "--dest", str(dest)] + requirements)
    else:
        for version in python_versions:
            out.append(pip + ["download", "--only-binary=:all:", "--platform", platform, "--python-version", version,
                              "--implementation", "cp", "--dest", str(dest)] + requirements)
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
                      "wheels of a pinned package?)", file=sys.stderr)
                return 1
    if not args.dry_run:
        print(f"wheelhouse ready: {args.dest.resolve()} ({len(list(args.dest.glob('*.whl')))} wheels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
