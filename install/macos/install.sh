#!/usr/bin/env bash
# socsec installer for macOS (current user only, no administrator rights needed).
#
#   1. finds a Python 3.11 to 3.14 (or uses --python); Apple-silicon Macs (macOS 12 or later) only:
#      numba has no wheels for Intel Macs;
#   2. creates a virtual environment, by default ~/.socsec/venv (a path without spaces: xlwings'
#      RunPython on macOS passes the interpreter unquoted to the shell);
#   3. installs socsec with its extras excel, report and prep as binary wheels, at the tested
#      versions (pip -c constraints.txt), from PyPI or with --wheelhouse DIR from a folder of
#      wheels (offline machines), then socsec itself again (a rerun updates it);
#   4. writes the xlwings setting INTERPRETER_MAC (the environment's python) in
#      ~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf, keeping the former value
#      for uninstall.sh;
#   5. installs the xlwings Excel add-in (xlwings addin install); macOS gets the macros only:
#      xlwings user-defined functions (the SOCSEC_ cell functions) work on Windows only;
#   6. compiles the numba kernels once (socsec warmup);
#   7. checks the installation (socsec doctor).
# Running it again repairs or updates the installation. On Linux it installs the command line
# only (no Excel steps).
#
# Usage: bash install.sh [--python PATH] [--venv DIR] [--wheelhouse DIR] [--recreate] [--no-excel]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
CONFIG_HELPER="$HERE/../xlwings_config.py"
PYPROJECT="$HERE/../../pyproject.toml"
# The versions tested together (pip -c; the file includes addin/socsec/data/constraints.txt)
CONSTRAINTS="$HERE/../../constraints.txt"
TESTED="$HERE/../../addin/socsec/data/constraints.txt"
EXTRAS="excel,report,prep"  # the extras of pyproject.toml installed (install/make_wheelhouse.py: the same)
MIN_PYTHON="3.11"  # requires-python in pyproject.toml
MAX_PYTHON="3.14"  # the newest Python with wheels of every tested package

PYTHON=""
VENV_DIR=""
WHEELHOUSE=""
RECREATE=0
NO_EXCEL=0
STEP=0
TOTAL_STEPS=7
WARNINGS=()

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
step() { STEP=$((STEP + 1)); printf '\n[%d/%d] %s\n' "$STEP" "$TOTAL_STEPS" "$1"; }
note() { printf '      %s\n' "$1"; }
warn() { printf '      WARNING: %s\n' "$1"; WARNINGS+=("$1"); }
fail() { printf '\nERROR: %s\n' "$1" >&2; exit 1; }
run() {  # run a command, show it, stop the installation if it fails
    local what="$1"; shift
    printf '      > %s\n' "$*"
    "$@" || fail "$what failed (exit code $?); see the messages above."
}

while [ $# -gt 0 ]; do
    case "$1" in
        --python) PYTHON="${2:?--python needs a path}"; shift 2 ;;
        --venv) VENV_DIR="${2:?--venv needs a folder}"; shift 2 ;;
        --wheelhouse) WHEELHOUSE="${2:?--wheelhouse needs a folder}"; shift 2 ;;
        --recreate) RECREATE=1; shift ;;
        --no-excel) NO_EXCEL=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option $1" ;;
    esac
done

case "$(uname -s)" in
    Darwin) DEFAULT_BASE="$HOME/.socsec" ;;  # no space: xlwings' RunPython passes the interpreter unquoted
    *) DEFAULT_BASE="${XDG_DATA_HOME:-$HOME/.local/share}/socsec"
       NO_EXCEL=1 ;;  # xlwings drives Excel on Windows and macOS only
esac
VENV_DIR="${VENV_DIR:-$DEFAULT_BASE/venv}"
mkdir -p "$(dirname "$VENV_DIR")"
VENV_DIR="$(cd "$(dirname "$VENV_DIR")" && pwd)/$(basename "$VENV_DIR")"
STATE_DIR="$(dirname "$VENV_DIR")"
if [ "$NO_EXCEL" != 1 ] && [[ "$VENV_DIR" == *" "* ]]; then
    fail "The environment folder '$VENV_DIR' contains a space: xlwings' RunPython on macOS passes the interpreter unquoted to the shell and Python would never start from Excel. Choose a folder without spaces (--venv ~/.socsec/venv)."
fi
if [ -n "$WHEELHOUSE" ]; then
    [ -d "$WHEELHOUSE" ] || fail "--wheelhouse $WHEELHOUSE is not a folder."
    WHEELHOUSE="$(cd "$WHEELHOUSE" && pwd)"
fi

PROBE='import platform, sys, struct, sysconfig; print("%d.%d.%d %d %d %s" % (sys.version_info[0], sys.version_info[1], sys.version_info[2], struct.calcsize("P") * 8, 1 if sysconfig.get_config_var("Py_GIL_DISABLED") else 0, platform.machine()))'

minor_of() { echo "$1" | cut -d. -f1,2; }
version_key() { local IFS=.; set -- $1; printf '%03d%03d%03d' "$1" "${2:-0}" "${3:-0}"; }

# "VERSION" if the interpreter is usable, nothing (and the reason on stderr) if not
usable_version() {
    local exe="$1" out version bits free machine minor
    out="$("$exe" -c "$PROBE" 2>/dev/null)" || return 1
    read -r version bits free machine <<<"$out"
    minor="$(minor_of "$version")"
    if [ "$bits" != 64 ]; then echo "$exe (Python $version): not 64-bit" >&2; return 1; fi
    if [ "$(version_key "$minor")" \< "$(version_key "$MIN_PYTHON")" ]; then
        echo "$exe (Python $version): older than $MIN_PYTHON" >&2; return 1; fi
    if [ "$(version_key "$minor")" \> "$(version_key "$MAX_PYTHON")" ]; then
        echo "$exe (Python $version): newer than $MAX_PYTHON, the tested packages have no wheels for it yet" >&2
        return 1; fi
    if [ "$free" = 1 ]; then echo "$exe (Python $version): free-threaded build" >&2; return 1; fi
    if [ "$(uname -s)" = Darwin ] && [ "$machine" != arm64 ]; then
        echo "$exe (Python $version): $machine build; on a Mac numba needs a native arm64 Python" >&2
        return 1; fi
    echo "$version"
}

find_python() {
    if [ -n "$PYTHON" ]; then
        usable_version "$PYTHON" >/dev/null || fail "--python $PYTHON is not a usable Python $MIN_PYTHON to $MAX_PYTHON (64-bit)."
        command -v "$PYTHON" || echo "$PYTHON"
        return
    fi
    local best="" best_key="" candidate version minor
    local candidates=()
    for minor in 3.14 3.13 3.12 3.11; do
        candidates+=("python$minor" "/Library/Frameworks/Python.framework/Versions/$minor/bin/python3"
                     "/opt/homebrew/bin/python$minor" "/usr/local/bin/python$minor")
    done
    candidates+=("python3")
    for candidate in "${candidates[@]}"; do
        if [ -x "$candidate" ] || command -v "$candidate" >/dev/null 2>&1; then
            version="$(usable_version "$candidate" 2>/dev/null)" || continue
            if [ -z "$best" ] || [ "$(version_key "$version")" \> "$best_key" ]; then
                best="$(command -v "$candidate" || echo "$candidate")"
                best_key="$(version_key "$version")"
            fi
        fi
    done
    if [ -z "$best" ]; then
        fail "No suitable Python found. socsec needs Python $MIN_PYTHON to $MAX_PYTHON (64-bit):
  1. Download the macOS 64-bit universal2 installer of Python 3.13 from https://www.python.org/downloads/macos/
     and run it (or: brew install python@3.13). On a Mac it must run natively (arm64), not under Rosetta.
  2. Run this script again (or pass --python /path/to/python3)."
    fi
    echo "$best"
}

printf 'socsec installer: current user only, no administrator rights needed.\n'
if [ "$(uname -s)" = Darwin ] && [ "$(uname -m)" != arm64 ] && \
   [ "$(sysctl -n hw.optional.arm64 2>/dev/null || echo 0)" != 1 ]; then
    fail "This is an Intel Mac: the tested numba $(sed -n 's/^numba==//p' "$TESTED") has wheels for Apple-silicon Macs (macOS 12 or later) only. Use socsec on Windows, Linux or an Apple-silicon Mac."
fi

step "Finding a Python $MIN_PYTHON to $MAX_PYTHON"
BASE_PYTHON="$(find_python)"
note "Python $(usable_version "$BASE_PYTHON") at $BASE_PYTHON"

step "Virtual environment $VENV_DIR"
VENV_PYTHON="$VENV_DIR/bin/python"
if [ -d "$VENV_DIR" ]; then
    existing=""
    [ -x "$VENV_PYTHON" ] && existing="$(usable_version "$VENV_PYTHON" 2>/dev/null || true)"
    if [ "$RECREATE" = 0 ] && [ -n "$existing" ] && \
       [ "$(minor_of "$existing")" = "$(minor_of "$(usable_version "$BASE_PYTHON")")" ]; then
        note "Reusing it (Python $existing)."
    else
        [ -f "$VENV_DIR/pyvenv.cfg" ] || fail "$VENV_DIR exists and is not a Python virtual environment: choose another --venv."
        note "Deleting it (--recreate, or it does not run, or it was made with another Python version)."
        rm -rf "$VENV_DIR"
    fi
fi
if [ ! -d "$VENV_DIR" ]; then
    run "Creating the virtual environment" "$BASE_PYTHON" -m venv "$VENV_DIR"
    echo "Made by socsec install/macos/install.sh; uninstall.sh deletes this folder." > "$VENV_DIR/socsec-installer.txt"
    note "Created."
fi

step "Installing socsec and its packages at the tested versions"
PIP=("$VENV_PYTHON" -m pip install --disable-pip-version-check --no-input)
SOURCE=()
SOCSEC_TARGET="$REPO_ROOT"
if [ -n "$WHEELHOUSE" ]; then
    SOURCE=(--no-index --find-links "$WHEELHOUSE")
    wheel="$(ls -t "$WHEELHOUSE"/socsec-*.whl 2>/dev/null | head -n 1 || true)"
    [ -n "$wheel" ] && SOCSEC_TARGET="$wheel"
    note "Offline: installing from $WHEELHOUSE only."
else
    "${PIP[@]}" --quiet --upgrade pip || warn "Could not upgrade pip (no internet access? behind a proxy: set HTTPS_PROXY; offline: use --wheelhouse)."
fi
if [ "$SOCSEC_TARGET" = "$REPO_ROOT" ] && [ ! -f "$PYPROJECT" ]; then
    fail "socsec's pyproject.toml is not at $PYPROJECT; run the install.sh of an unpacked socsec folder."
fi
run "Installing socsec[$EXTRAS] (no internet: use --wheelhouse)" "${PIP[@]}" ${SOURCE[@]+"${SOURCE[@]}"} --only-binary=:all: -c "$CONSTRAINTS" "$SOCSEC_TARGET[$EXTRAS]"
run "Installing socsec" "${PIP[@]}" ${SOURCE[@]+"${SOURCE[@]}"} --no-deps --force-reinstall "$SOCSEC_TARGET"
run "Checking the installed packages" "$VENV_PYTHON" -m pip check
run "Importing socsec" "$VENV_PYTHON" -c "import socsec, numba, xlwings; print('socsec', socsec.__version__)"
SOCSEC="$VENV_DIR/bin/socsec"

step "xlwings setting INTERPRETER_MAC"
if [ "$NO_EXCEL" = 1 ]; then
    note "Left out (--no-excel, or not macOS)."
else
    run "Writing the xlwings settings" "$VENV_PYTHON" "$CONFIG_HELPER" install --interpreter "$VENV_PYTHON" \
        --udf-module "" --state "$STATE_DIR/xlwings-settings-before-socsec.json"
fi

step "xlwings Excel add-in (macros; the SOCSEC_ cell functions need Excel on Windows)"
if [ "$NO_EXCEL" = 1 ]; then
    note "Left out (--no-excel, or not macOS)."
else
    target="$("$VENV_DIR/bin/xlwings" addin status 2>&1 | "$VENV_PYTHON" "$CONFIG_HELPER" addin-target || true)"
    if [ -z "$target" ]; then
        warn "Could not reach Excel to install the xlwings add-in (is Excel installed?). socsec works without Excel (socsec run); run this script again after installing Excel."
    else
        existed=0
        [ -f "$target" ] && existed=1
        "$VENV_DIR/bin/xlwings" addin install || true
        if [ -f "$target" ]; then
            marker="$STATE_DIR/xlwings-addin-installed-by-socsec.txt"
            if [ "$existed" = 0 ] && [ ! -f "$marker" ]; then echo "$target" > "$marker"; fi
            note "xlwings add-in: $target"
        else
            warn "The xlwings add-in is not at $target: quit Excel (Cmd-Q) and run this script again."
        fi
    fi
fi

step "socsec Excel add-in (the socsec ribbon tab)"
if [ "$NO_EXCEL" = 1 ]; then
    note "Left out (--no-excel, or not macOS)."
else
    SOCSEC_XLAM="$REPO_ROOT/addin/socsec.xlam"
    target="$("$VENV_DIR/bin/xlwings" addin status --file "$SOCSEC_XLAM" 2>&1 | "$VENV_PYTHON" "$CONFIG_HELPER" addin-target || true)"
    if [ -z "$target" ]; then
        warn "Could not reach Excel to install the socsec add-in; run this script again after installing Excel."
    else
        "$VENV_DIR/bin/xlwings" addin install --file "$SOCSEC_XLAM" || true
        if [ -f "$target" ]; then
            echo "$target" > "$STATE_DIR/socsec-addin.txt"
            note "socsec add-in: $target"
            if [ "$VENV_DIR" != "$HOME/.socsec/venv" ]; then
                warn "The socsec add-in starts \$HOME/.socsec/venv/bin/python (its settings sheet myaddin.conf); with --venv $VENV_DIR use the SocsecRun macro instead."
            fi
        else
            warn "The socsec add-in is not at $target: quit Excel (Cmd-Q) and run this script again."
        fi
    fi
fi

step "Compiling the numba kernels once (socsec warmup)"
run "socsec warmup" "$SOCSEC" warmup

step "Checking the installation (socsec doctor)"
"$SOCSEC" doctor || warn "socsec doctor reported problems (exit code $?): see above."

printf '\nsocsec is installed.\n'
printf '  Command line:  "%s" run "%s"\n' "$SOCSEC" "$REPO_ROOT/workbooks/jordan_example.xlsx"
printf '  Uninstall:     bash "%s/uninstall.sh"\n' "$HERE"
if [ "${#WARNINGS[@]}" -gt 0 ]; then
    printf '\nFinished with %d warning(s):\n' "${#WARNINGS[@]}"
    printf '  - %s\n' "${WARNINGS[@]}"
    exit 2
fi
