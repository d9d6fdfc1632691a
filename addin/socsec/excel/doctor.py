"""``socsec doctor``: is this installation ready for Excel and the command line?  Says what to fix.

Checks, each OK, WARN (works, but worth fixing), FAIL (must be fixed) or SKIP (not relevant here):

* the interpreter: 64-bit Python 3.11 or later;
* the packages socsec declares (its metadata, from ``pyproject.toml``), with the platform's own (pywin32
  on Windows, appscript and psutil on macOS): FAIL outside their ranges (or missing from the base
  install), WARN at a version other than the tested one (``constraints.txt``); which extras are
  installed (:mod:`socsec.extras`), WARN for one partly installed;
* the UDF module ``socsec.excel.udfs`` imports (without the [excel] extra: FAIL on Windows and macOS,
  SKIP elsewhere);
* Windows: xlwings' DLL next to this environment's Python, the xlwings add-in (of this xlwings'
  version, read from its VBA) and the socsec add-in (``socsec.xlam``, the socsec ribbon tab, the
  one of this socsec) in Excel's XLSTART folder, and the xlwings settings file
  naming this environment's interpreter and the UDF module ``socsec.excel.udfs``, and the Trust
  Center's access to the VBA object model; macOS: RunPython's AppleScript and the settings file's
  interpreter (no space in its path; add-in and UDFs not checked: xlwings runs UDFs on Windows
  only); both: no leftover conda keys; other systems: skipped, the command line needs none of it;
* numba's on-disk cache: compiled and current for every kernel (else ``socsec warmup``).

The checks take the platform, environment variables and paths as arguments so that the tests
can exercise the Windows ones anywhere.
"""

import csv
import importlib
import importlib.metadata as md
import io
import os
import re
import struct
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from socsec.extras import EXTRAS, install_command, missing_modules

UDF_MODULE = "socsec.excel.udfs"
CONSTRAINTS = "data/constraints.txt"  # the tested versions, package data
KERNEL_MODULES = ("socsec.core.lifetable", "socsec.core.population", "socsec.core.labour", "socsec.core.economy",
                  "socsec.core.pension")


@dataclass(frozen=True)
class Finding:
    status: str  # "OK", "WARN", "FAIL", "SKIP"
    what: str
    fix: str = ""

    def __str__(self) -> str:
        return f"[{self.status:4s}] {self.what}" + (f"\n         fix: {self.fix}" if self.fix else "")


def check_interpreter(version=sys.version_info, pointer_size=None) -> list[Finding]:
    """The Python running socsec: version 3.11 or later, 64-bit (pointer_size in bytes, default this process's)."""
    pointer_size = struct.calcsize("P") if pointer_size is None else pointer_size
    text = f"Python {version[0]}.{version[1]}.{version[2]}, {pointer_size * 8}-bit"
    problems = []
    if tuple(version[:2]) < (3, 11):
        problems.append("Python 3.11 or later is needed")
    if pointer_size != 8:
        problems.append("a 64-bit Python is needed (Excel is 64-bit and numba needs it)")
    if problems:
        return [Finding("FAIL", f"{text}: {'; '.join(problems)}",
                        "install a 64-bit Python 3.11+ from python.org and run the installer again")]
    return [Finding("OK", text)]


def declared_requirements(platform: str = sys.platform) -> list[tuple[str | None, Requirement]]:
    """(extra, requirement) for each package socsec declares, from its installed metadata or, in a source tree,
    ``pyproject.toml``: extra None for the base install, else the name of the extra (:data:`socsec.extras.EXTRAS`;
    the [test] extra is left out); only those of ``platform`` (sys.platform: pywin32 on Windows, appscript
    and psutil on macOS)."""
    try:
        lines = md.requires("socsec")
    except md.PackageNotFoundError:
        lines = None
    if lines is None:
        import tomllib
        project = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())["project"]
        lines = list(project["dependencies"]) + [
            f"{line}{' and' if ';' in line else ';'} extra == '{extra}'"
            for extra, extra_lines in project["optional-dependencies"].items() for line in extra_lines]
    out = []
    for line in lines:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == "socsec":
            continue
        for extra in (None, *EXTRAS):
            if requirement.marker is None or requirement.marker.evaluate({"sys_platform": platform,
                                                                          "extra": extra or ""}):
                out.append((extra, requirement))
                break
    return out


def tested_versions(text: str | None = None) -> dict[str, str]:
    """Canonical package name -> version of the set socsec is tested with: the ``==`` lines of
    ``socsec/data/constraints.txt`` (package data, included by ``constraints.txt`` at the root of the socsec
    folder), or of ``text``."""
    if text is None:
        text = resources.files("socsec").joinpath(CONSTRAINTS).read_text(encoding="utf-8")
    versions = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==":
            raise ValueError(f"{CONSTRAINTS} line {number}: expected NAME==VERSION, found {line!r}")
        versions[canonicalize_name(requirement.name)] = specifiers[0].version
    return versions


def check_packages(requirements: list | None = None, tested: dict | None = None, installed=None) -> list[Finding]:
    """Each declared package (:func:`declared_requirements`) against its range, FAIL outside it (or missing
    from the base install), and against the tested version (:func:`tested_versions`), WARN if another
    (the ranges allow it); the extras installed, partly installed (WARN) and not installed."""
    requirements = declared_requirements() if requirements is None else requirements
    tested = tested_versions() if tested is None else tested
    installed = installed or _installed_version
    outside, untested, count = [], [], 0
    present, absent = {}, {}
    for extra, requirement in requirements:
        got = installed(requirement.name)
        if extra is not None:
            (present if got else absent).setdefault(extra, []).append(requirement.name)
        if got is None:
            if extra is None:
                outside.append(f"{requirement.name} missing (needs {requirement.specifier})")
            continue
        count += 1
        want = tested.get(canonicalize_name(requirement.name))
        if not requirement.specifier.contains(got, prereleases=True):
            outside.append(f"{requirement.name} {got} (needs {requirement.specifier})")
        elif want is not None and got != want:
            untested.append(f"{requirement.name} {got} (tested {want})")
    fix = install_command(*present)
    findings = []
    if outside:
        findings.append(Finding("FAIL", "packages outside socsec's requirements (pyproject.toml): "
                                + ", ".join(outside), f"run the installer again, or in the socsec folder: {fix}"))
    if untested:
        findings.append(Finding("WARN", "packages at versions other than the tested ones (constraints.txt), within "
                                        "socsec's ranges: " + ", ".join(untested),
                                f"for the tested set, in the socsec folder: {fix}"))
    if not outside and not untested:
        findings.append(Finding("OK", f"{count} packages within socsec's ranges, at the tested versions"))
    for extra in (e for e in EXTRAS if e in present and e in absent):
        findings.append(Finding("WARN", f"extra [{extra}] partly installed: {', '.join(absent[extra])} missing",
                                install_command(extra)))
    missing = [f"[{extra}] ({EXTRAS[extra].purpose})" for extra in EXTRAS if extra in absent and extra not in present]
    complete = [f"[{extra}]" for extra in present if extra not in absent]
    findings.append(Finding("OK", f"extras installed: {', '.join(complete) or 'none'}"
                                  + (f"; not installed: {', '.join(missing)}" if missing else "")))
    return findings


def _installed_version(name: str):
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None


def excel_platform(platform: str = sys.platform) -> bool:
    """True on the systems where socsec works with Excel (Windows, macOS)."""
    return platform.startswith("win") or platform == "darwin"


def check_udf_module(platform: str = sys.platform) -> list[Finding]:
    """The worksheet functions' module imports; without the [excel] extra, a failure on Windows and macOS,
    skipped elsewhere (the command line needs none of it)."""
    missing = missing_modules("excel")
    if missing:
        what = f"{UDF_MODULE}: {', '.join(missing)} not installed (the [excel] extra)"
        if excel_platform(platform):
            return [Finding("FAIL", what, f"run the installer again, or in the socsec folder: "
                                          f"{install_command('excel')}")]
        return [Finding("SKIP", f"{what}; the command line needs none of it")]
    try:
        importlib.import_module(UDF_MODULE)
    except Exception as exc:
        return [Finding("FAIL", f"{UDF_MODULE} does not import: {type(exc).__name__}: {exc}",
                        "reinstall socsec (run the installer again)")]
    return [Finding("OK", f"{UDF_MODULE} imports")]


def read_xlwings_config(path: Path) -> dict:
    """KEY -> value of xlwings.conf (lines ``"KEY","value"`` as VBA's Write # writes them)."""
    values = {}
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8", errors="replace"))):
        if len(row) >= 2:
            values[row[0].strip().upper()] = row[1]
    return values


def vba_object_model_access() -> int | None:
    """Excel's Trust Center setting "Trust access to the VBA project object model" (Windows registry
    HKCU\\Software\\Microsoft\\Office\\16.0\\Excel\\Security, AccessVBOM: 1 on), None if unknown."""
    try:
        import winreg
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Office\16.0\Excel\Security") as key:
            return int(winreg.QueryValueEx(key, "AccessVBOM")[0])
    except Exception:
        return None


def xlwings_addin_version(path: Path) -> str | None:
    """XLWINGS_VERSION of the VBA of an installed xlwings.xlam (module Main), None if unreadable."""
    import zipfile

    from socsec.excel.addin import module_source
    try:
        with zipfile.ZipFile(path) as z:
            source = module_source(z.read("xl/vbaProject.bin"), "Main")
    except Exception:
        return None
    match = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', source)
    return match.group(1) if match else None


def socsec_addin_current(path: Path) -> bool:
    """True if an installed socsec.xlam has the ribbon and the ribbon module of this socsec."""
    import zipfile

    from socsec.excel import addin
    try:
        with zipfile.ZipFile(path) as z:
            ribbon, project = z.read("customUI/customUI.xml"), z.read("xl/vbaProject.bin")
        return ribbon == addin.ribbon_xml().encode("utf-8") and addin.module_source(project) == addin.module_source(
            addin.patched_project(_template_project()))
    except Exception:
        return False


def _template_project() -> bytes:
    import zipfile

    from socsec.excel.addin import template_path
    with zipfile.ZipFile(template_path()) as z:
        return z.read("xl/vbaProject.bin")


def check_excel(platform: str = sys.platform, environ=os.environ, prefix: str = sys.prefix,
                executable: str = sys.executable, xlwings_version: str | None = None,
                vbom=vba_object_model_access) -> list[Finding]:
    if not excel_platform(platform):
        return [Finding("SKIP", f"Excel integration: not on Windows or macOS ({platform}); the command line "
                                "(socsec run) needs none of it")]
    if xlwings_version is None:
        if missing_modules("excel"):
            return [Finding("SKIP", "Excel integration: not checked without the [excel] extra (see above)")]
        import xlwings
        xlwings_version = xlwings.__version__
    findings = []
    home = Path(environ.get("USERPROFILE") or environ.get("HOME") or Path.home())
    windows = platform.startswith("win")
    if windows:
        dll = f"xlwings64-{xlwings_version}.dll"
        places = [Path(prefix) / dll, Path(executable).parent / dll, Path(executable).parent.parent / dll]
        if any(p.is_file() for p in places):
            findings.append(Finding("OK", f"xlwings DLL {dll} found"))
        else:
            findings.append(Finding("FAIL", f"xlwings DLL {dll} not found next to {executable} or in {prefix}",
                                    "reinstall xlwings in this environment: python -m pip install --force-reinstall "
                                    f"xlwings=={xlwings_version}"))
        appdata = Path(environ.get("APPDATA") or home / "AppData" / "Roaming")
        addin = appdata / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"
        if addin.is_file():
            version = xlwings_addin_version(addin)
            if version == xlwings_version:
                findings.append(Finding("OK", f"xlwings add-in {version} installed ({addin})"))
            else:
                findings.append(Finding("FAIL", f"xlwings add-in {version or 'of unknown version'} at {addin}, but "
                                                f"xlwings {xlwings_version} in this environment: RunPython and the "
                                                "functions need the same version",
                                        "run: xlwings addin install (with Excel closed), or the socsec installer"))
        else:
            findings.append(Finding("FAIL", f"xlwings add-in not found in {addin.parent}",
                                    "run: xlwings addin install (with Excel closed), or the socsec installer"))
        ours = addin.parent / "socsec.xlam"
        if ours.is_file() and not socsec_addin_current(ours):
            findings.append(Finding("WARN", f"socsec add-in {ours} is not the one of this socsec (its ribbon or "
                                            "module differs)", "run the socsec installer again"))
        elif ours.is_file():
            findings.append(Finding("OK", f"socsec add-in installed ({ours}): the socsec ribbon tab"))
        else:
            findings.append(Finding("WARN", f"socsec add-in not found in {addin.parent}: no socsec ribbon tab (the "
                                            "SocsecRun macro still works)",
                                    "run the socsec installer, or: xlwings addin install --file addin\\socsec.xlam"))
        if vbom() != 1:
            findings.append(Finding("WARN", "Excel's Trust Center does not trust access to the VBA project object "
                                            "model: xlwings' Import Functions (the SOCSEC_ functions) cannot write "
                                            "their VBA module",
                                    "Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings > "
                                    "tick 'Trust access to the VBA project object model'"))
        config = home / ".xlwings" / "xlwings.conf"
        key = "INTERPRETER_WIN"
    else:
        findings.append(Finding("SKIP", "xlwings add-in and DLL: not checked on macOS (see Excel > Tools > "
                                        "Excel Add-ins); user-defined functions are Windows-only"))
        script = (home / "Library" / "Application Scripts" / "com.microsoft.Excel"
                  / f"xlwings-{xlwings_version}.applescript")
        if script.is_file():
            findings.append(Finding("OK", f"RunPython AppleScript {script.name} installed"))
        else:
            findings.append(Finding("FAIL", f"RunPython AppleScript {script} not found: the socsec buttons cannot "
                                            "start Python", "run: xlwings runpython install (or the socsec installer)"))
        config = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
        key = "INTERPRETER_MAC"
    if not config.is_file():
        findings.append(Finding("FAIL", f"xlwings settings file {config} not found",
                                "run the socsec installer (it writes the interpreter and UDF module settings)"))
        return findings
    settings = read_xlwings_config(config)
    interpreter = settings.get(key, "")
    here = Path(executable).parent
    conda = [k for k in ("CONDA PATH", "CONDA ENV") if settings.get(k, "").strip()]
    if conda:
        findings.append(Finding("WARN", f"{' and '.join(conda)} set in {config}: xlwings then starts the conda "
                                        f"environment, not {key}", f"remove the {' and '.join(conda)} lines"))
    if not interpreter:
        findings.append(Finding("FAIL", f"{key} is not set in {config}: Excel would not find socsec's Python",
                                "run the socsec installer, or set Interpreter in the xlwings ribbon"))
    elif not windows and " " in interpreter:
        findings.append(Finding("FAIL", f"{key} = {interpreter} contains a space: xlwings' RunPython passes it "
                                        "unquoted to the shell and Python never starts",
                                "run the socsec installer again (it uses ~/.socsec/venv)"))
    elif not Path(interpreter).is_file():
        findings.append(Finding("FAIL", f"{key} = {interpreter} does not exist",
                                "run the socsec installer again"))
    elif Path(interpreter).parent.resolve() != here.resolve():
        findings.append(Finding("WARN", f"{key} = {interpreter} is not this environment's Python ({here})",
                                "run the installer of the socsec you want Excel to use"))
    else:
        findings.append(Finding("OK", f"{key} = {interpreter}"))
    if windows:
        modules = [m.strip() for m in settings.get("UDF MODULES", "").split(";") if m.strip()]
        if UDF_MODULE in modules:
            findings.append(Finding("OK", f"UDF MODULES includes {UDF_MODULE}"))
        else:
            findings.append(Finding("FAIL", f"UDF MODULES ({';'.join(modules) or 'empty'}) lacks {UDF_MODULE}: the "
                                            "SOCSEC_ functions are not available",
                                    f"run the socsec installer, or add {UDF_MODULE} in the xlwings ribbon, then "
                                    "Import Functions"))
    return findings


def kernel_cache_state(modules=KERNEL_MODULES) -> tuple[list, list, str]:
    """(kernels with a current cache entry, kernels without, cache folder) over every numba
    dispatcher with ``cache=True`` in the core modules (nothing is compiled here)."""
    from numba.core.dispatcher import Dispatcher
    cached, missing, folder = [], [], ""
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for attr, obj in sorted(vars(module).items()):
            cache = getattr(obj, "_cache", None) if isinstance(obj, Dispatcher) else None
            if cache is None or not hasattr(cache, "_cache_file"):
                continue
            folder = cache._cache_path
            try:
                fresh = bool(cache._cache_file._load_index())
            except Exception:
                fresh = False
            (cached if fresh else missing).append(f"{name.rsplit('.', 1)[1]}.{attr}")
    return cached, missing, folder


def check_numba_cache() -> list[Finding]:
    try:
        cached, missing, folder = kernel_cache_state()
    except Exception as exc:
        return [Finding("WARN", f"numba cache state unknown ({type(exc).__name__}: {exc})", "run: socsec warmup")]
    if folder and not os.access(folder if os.path.isdir(folder) else os.path.dirname(folder), os.W_OK):
        writable = " (folder not writable: numba falls back to a per-user cache)"
    else:
        writable = ""
    if missing:
        return [Finding("WARN", f"numba cache: {len(missing)} of {len(cached) + len(missing)} kernels not compiled "
                                f"yet ({', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}){writable}: "
                                "the first run compiles them (a minute)", "run: socsec warmup")]
    return [Finding("OK", f"numba cache: {len(cached)} kernels compiled in {folder}{writable}")]


def run_checks(**excel_options) -> list[Finding]:
    return (check_interpreter() + check_packages() + check_udf_module() + check_excel(**excel_options)
            + check_numba_cache())


def report(findings) -> tuple[str, int]:
    """The text to print and the exit code (0: nothing to fix; 3: something must be fixed)."""
    failed = [f for f in findings if f.status == "FAIL"]
    warned = [f for f in findings if f.status == "WARN"]
    lines = [str(f) for f in findings]
    if failed:
        lines.append(f"socsec doctor: {len(failed)} problem{'s' if len(failed) != 1 else ''} to fix"
                     + (f", {len(warned)} warning{'s' if len(warned) != 1 else ''}" if warned else ""))
    else:
        lines.append("socsec doctor: ready" + (f" ({len(warned)} warning{'s' if len(warned) != 1 else ''})"
                                              if warned else ""))
    return "\n".join(lines), 3 if failed else 0
