#!/usr/bin/env bash
# socsec uninstaller for macOS (what install.sh did, undone):
#   1. restores the xlwings setting INTERPRETER_MAC that install.sh changed (unless changed since);
#   2. removes the xlwings Excel add-in if socsec's installer put it there (--keep-addin keeps it);
#   3. deletes socsec's virtual environment (with the numba cache) and the installer's records.
# Workbooks and results are never touched; the socsec folder itself is left for you to delete.
#
# Usage: bash uninstall.sh [--venv DIR] [--keep-addin]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONFIG_HELPER="$HERE/../xlwings_config.py"
VENV_DIR=""
KEEP_ADDIN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --venv) VENV_DIR="${2:?--venv needs a folder}"; shift 2 ;;
        --keep-addin) KEEP_ADDIN=1; shift ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 1 ;;
    esac
done
case "$(uname -s)" in
    Darwin) DEFAULT_BASE="$HOME/.socsec" ;;  # as install.sh
    *) DEFAULT_BASE="${XDG_DATA_HOME:-$HOME/.local/share}/socsec" ;;
esac
VENV_DIR="${VENV_DIR:-$DEFAULT_BASE/venv}"
STATE_DIR="$(dirname "$VENV_DIR")"
STATE="$STATE_DIR/xlwings-settings-before-socsec.json"
MARKER="$STATE_DIR/xlwings-addin-installed-by-socsec.txt"
CODE=0

printf '[1/3] xlwings settings\n'
if [ ! -f "$STATE" ]; then
    echo "      No record of changed xlwings settings: nothing to restore."
elif [ -x "$VENV_DIR/bin/python" ]; then
    "$VENV_DIR/bin/python" "$CONFIG_HELPER" uninstall --state "$STATE" --udf-module ""
else
    echo "      socsec's Python environment is gone: delete the line INTERPRETER_MAC (if it points to $VENV_DIR)"
    echo "      from ~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf; the former value is in $STATE."
    CODE=2
fi

printf '[2/3] xlwings Excel add-in\n'
if [ ! -f "$MARKER" ]; then
    echo "      The add-in was not installed by socsec (or is already removed): left as it is."
elif [ "$KEEP_ADDIN" = 1 ]; then
    echo "      Kept (--keep-addin): $(head -n 1 "$MARKER")"
else
    ADDIN="$(head -n 1 "$MARKER")"
    if [ -f "$ADDIN" ]; then
        rm -f "$ADDIN" || { echo "ERROR: could not remove $ADDIN: quit Excel and run this again." >&2; exit 1; }
        echo "      Removed $ADDIN"
    else
        echo "      Already gone: $ADDIN"
    fi
    rm -f "$MARKER"
fi

if [ -f "$STATE_DIR/socsec-addin.txt" ]; then  # the socsec add-in is always socsec's own
    ADDIN="$(head -n 1 "$STATE_DIR/socsec-addin.txt")"
    if [ -f "$ADDIN" ]; then
        rm -f "$ADDIN" || { echo "ERROR: could not remove $ADDIN: quit Excel and run this again." >&2; exit 1; }
        echo "      Removed $ADDIN"
    fi
    rm -f "$STATE_DIR/socsec-addin.txt"
fi

printf '[3/3] Virtual environment %s\n' "$VENV_DIR"
if [ ! -d "$VENV_DIR" ]; then
    echo "      Not there: nothing to delete."
elif [ ! -f "$VENV_DIR/socsec-installer.txt" ]; then
    echo "ERROR: $VENV_DIR was not made by socsec's installer: not deleted." >&2
    exit 1
else
    rm -rf "$VENV_DIR"
    echo "      Deleted."
fi
rmdir "$STATE_DIR" 2>/dev/null || true
exit "$CODE"
