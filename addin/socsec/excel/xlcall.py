"""xlwings' own Windows UDF machinery, made to run on any system (tests and the VBA generator).

Excel calls a socsec UDF through a VBA wrapper that xlwings generates (``XLPy.CallUDF``), which
lands in ``xlwings.udfs.call_udf``: arguments are converted by ``xlwings.conversion`` with the
options of ``@xw.arg`` and the Windows engine's cleaning rules (empty cells -> None, cell errors
-> None, ...), the function runs, and the result is converted back the same way.  That module
imports pywin32, so it does not import on Linux or macOS.  This module imports it anyway, with
small stand-ins for the pywin32 modules it names, and then runs xlwings' real code:

* :func:`decorated_udfs` - ``socsec.excel.udfs`` executed with xlwings' Windows decorators, so
  each function carries the ``__xlfunc__`` description Excel would get;
* :func:`call` - ``xlwings.udfs.call_udf`` itself, with the cleaning functions of
  ``xlwings/_xlwindows.py`` (taken from its source) as the "excel" conversion engine;
* :func:`generate_vba` - ``xlwings.udfs.import_udfs`` itself, into a stand-in workbook that
  captures the VBA module Excel would import and the Function Wizard descriptions
  (``Application.MacroOptions``).

Only the COM transport is simulated: what crosses it (floats, text, tuples of rows, the Missing
marker of an omitted argument, :class:`RangeArg` for a range) is what pywin32 delivers.
"""

import ast
import contextlib
import datetime as dt
import importlib.util
import io
import sys
import types
from pathlib import Path

import xlwings

UDF_MODULE = "socsec.excel.udfs"
VBA_MODULE_PATH = Path(__file__).resolve().parent / "vba" / "socsec_udfs.bas"
MISSING = -2147352572  # DISP_E_PARAMNOTFOUND: an optional argument left out in the cell formula


# --- pywin32 stand-ins (only what xlwings.udfs touches outside Windows COM calls) -------------

class _ComError(Exception):
    pass


def _stub_modules() -> dict:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pythoncom.IID_IDispatch = None
    pythoncom.CoMarshalInterThreadInterfaceInStream = lambda iid, obj: obj
    pythoncom.CoGetInterfaceAndReleaseStream = lambda stream, iid: stream
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = _ComError
    pywintypes.IID = lambda text: text
    pywintypes.TimeType = dt.datetime
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda obj, *args, **kwargs: obj
    win32com.client = client
    win32timezone = types.ModuleType("win32timezone")
    win32timezone.TimeZoneInfo = type("TimeZoneInfo", (), {"utc": staticmethod(lambda: dt.UTC)})
    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com, "win32com.client": client,
            "win32timezone": win32timezone}


@contextlib.contextmanager
def _modules(extra: dict):
    """Temporarily make ``extra`` importable (names already importable are left alone)."""
    added = {}
    for name, module in extra.items():
        if name not in sys.modules:
            sys.modules[name] = module
            added[name] = module
    try:
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)


_UDFS = None


def windows_udfs():
    """The module ``xlwings.udfs`` (imported with pywin32 stand-ins where pywin32 is missing)."""
    global _UDFS
    if _UDFS is None:
        try:
            import xlwings.udfs as module  # Windows with pywin32
        except ImportError:
            sys.modules.pop("xlwings.udfs", None)
            with _modules(_stub_modules()):
                import xlwings.udfs as module
        _UDFS = module
    return _UDFS


# --- the "excel" conversion engine from xlwings/_xlwindows.py ---------------------------------

_ENGINE_PARTS = ("cell_errors", "_com_time_to_datetime", "_datetime_to_com_time", "_clean_value_data_element",
                 "Engine")


_ENGINE_IMPL = None


def windows_engine_impl():
    """An instance of ``xlwings._xlwindows.Engine`` built from that file's source (its cleaning
    functions ``clean_value_data`` and ``prepare_xl_data_element`` and what they call); built once."""
    global _ENGINE_IMPL
    if _ENGINE_IMPL is None:
        _ENGINE_IMPL = _build_engine_impl()
    return _ENGINE_IMPL


def _build_engine_impl():
    source = Path(xlwings.__file__).with_name("_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    keep = []
    for node in tree.body:
        names = ([node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else
                 [t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign) else [])
        if any(name in _ENGINE_PARTS for name in names):
            keep.append(node)
    found = {n.name if not isinstance(n, ast.Assign) else n.targets[0].id for n in keep}
    missing = set(_ENGINE_PARTS) - found
    if missing:
        raise RuntimeError(f"xlwings/_xlwindows.py no longer defines {sorted(missing)}: update socsec.excel.xlcall")
    import numpy as np
    import pandas as pd
    from xlwings.utils import np_datetime_to_datetime
    namespace = {"dt": dt, "np": np, "pd": pd, "np_datetime_to_datetime": np_datetime_to_datetime,
                 "time_types": (dt.date, dt.datetime, np.datetime64), "win32timezone": _stub_modules()["win32timezone"],
                 "Apps": None}
    exec(compile(ast.Module(body=keep, type_ignores=[]), "xlwings/_xlwindows.py", "exec"), namespace)
    return namespace["Engine"]()


@contextlib.contextmanager
def excel_engine():
    """Register the Windows "excel" conversion engine with xlwings for the duration."""
    from xlwings.main import Engine, engines
    if "excel" in engines.engines_by_name:
        yield engines["excel"]
        return
    engine = Engine(impl=windows_engine_impl())
    engines.add(engine)
    try:
        yield engine
    finally:
        engines.engines.remove(engine)
        del engines.engines_by_name["excel"]


# --- the UDF module as Excel sees it -----------------------------------------------------------

def decorated_udfs(path: Path | None = None):
    """A fresh copy of ``socsec.excel.udfs`` whose functions carry xlwings' ``__xlfunc__``
    (executed with ``xlwings.func/arg/ret`` set to the Windows decorators)."""
    udfs = windows_udfs()
    if path is None:
        path = Path(importlib.util.find_spec(UDF_MODULE).origin)
    spec = importlib.util.spec_from_file_location(UDF_MODULE, path)
    module = importlib.util.module_from_spec(spec)
    saved = {name: getattr(xlwings, name) for name in ("func", "arg", "ret")}
    try:
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        spec.loader.exec_module(module)
    finally:
        for name, value in saved.items():
            setattr(xlwings, name, value)
    return module


def udf_names(module) -> list[str]:
    return sorted(name for name in dir(module) if hasattr(getattr(module, name), "__xlfunc__"))


# --- calling a UDF the way Excel does ------------------------------------------------------------

class RangeArg:
    """A range argument: what Excel passes for a cell reference (``raw_value`` as COM gives it:
    a scalar for one cell, a tuple of row tuples otherwise).  ``book`` is what ``rng.sheet.book``
    should return (an xlwings Book or its impl).  ``com_calls`` counts the COM round trips made through
    it as xlwings' Windows engine makes them: one for its value (Range.Value), one for its sheet
    (Range.Worksheet), one for the sheet's workbook (Worksheet.Parent) and one for each property then
    asked of the workbook (e.g. FullName)."""

    def __init__(self, raw_value, book=None):
        self._raw_value = raw_value
        self.book = book
        self.com_calls = 0

    @property
    def raw_value(self):
        self.com_calls += 1
        return self._raw_value


class _CountingBook:
    """A workbook impl whose every property read is one COM round trip, counted on the range it was reached from."""

    def __init__(self, impl, counter: RangeArg):
        object.__setattr__(self, "_impl", impl)
        object.__setattr__(self, "_counter", counter)

    def __getattr__(self, name):
        self._counter.com_calls += 1
        return getattr(self._impl, name)


class _FakeWindowsSheet:
    def __init__(self, xl: RangeArg):
        self.xl = xl
        self.name = "Checks"

    @property
    def book(self):
        self.xl.com_calls += 1  # Worksheet.Parent
        book = self.xl.book
        if book is None:
            app = types.SimpleNamespace(engine=_FakeWindowsRange.engine, pid=0)
            return types.SimpleNamespace(app=app, name="Book1", fullname="Book1")
        return _CountingBook(book.impl if hasattr(book, "impl") else book, self.xl)


class _FakeWindowsRange:
    """Stand-in for ``xlwings._xlwindows.Range(xl=...)``: the impl of a Range over a RangeArg
    (or over the calling cell), reading through the Windows conversion engine."""

    max_cells_per_read = None
    max_cells_per_write = None
    engine = None  # the Windows engine impl, set while a call runs

    early_bound = True  # False: pywin32's cache of early-bound COM classes is missing (no CLSID on objects)

    def __init__(self, xl=None):
        self.xl = xl
        self.options = {}
        self.api = types.SimpleNamespace(CLSID=None) if self.early_bound else types.SimpleNamespace()

    @property
    def raw_value(self):
        return self.xl.raw_value

    @property
    def shape(self):
        value = self.xl._raw_value if isinstance(self.xl, RangeArg) else self.xl.raw_value
        if isinstance(value, tuple):
            return len(value), len(value[0]) if value else 0
        return 1, 1

    @property
    def sheet(self):
        if isinstance(self.xl, RangeArg):
            self.xl.com_calls += 1  # Range.Worksheet
            return _FakeWindowsSheet(self.xl)
        app = types.SimpleNamespace(engine=_FakeWindowsRange.engine, pid=0)
        book = types.SimpleNamespace(app=app, name="Book1", fullname="Book1")
        return types.SimpleNamespace(book=book, name="Sheet1")


@contextlib.contextmanager
def _calling_context(module):
    """xlwings.udfs.call_udf's surroundings: the engine, a stand-in ``xlwings._xlwindows`` and
    ``xlwings.com_server``, and ``module`` registered as the UDF module."""
    udfs = windows_udfs()
    with excel_engine() as engine, _modules(_stub_modules()):
        windows = types.ModuleType("xlwings._xlwindows (socsec stand-in)")
        windows.Range = _FakeWindowsRange
        windows.is_range_instance = lambda value: isinstance(value, RangeArg)
        windows.BOOK_CALLER = None
        com_server = types.ModuleType("xlwings.com_server")
        com_server.loop = None
        saved_windows = getattr(xlwings, "_xlwindows", None)
        saved_server = sys.modules.get("xlwings.com_server")
        saved_module = udfs.udf_modules.get(UDF_MODULE)
        xlwings._xlwindows = windows
        sys.modules["xlwings.com_server"] = com_server
        udfs.udf_modules[UDF_MODULE] = {"module": module, "filename": module.__file__, "filetime": None}
        _FakeWindowsRange.engine = engine.impl
        try:
            yield udfs
        finally:
            _FakeWindowsRange.engine = None
            if saved_module is None:
                udfs.udf_modules.pop(UDF_MODULE, None)
            else:
                udfs.udf_modules[UDF_MODULE] = saved_module
            if saved_server is None:
                sys.modules.pop("xlwings.com_server", None)
            else:
                sys.modules["xlwings.com_server"] = saved_server
            if saved_windows is None:
                del xlwings._xlwindows
            else:
                xlwings._xlwindows = saved_windows


def call(module, func_name: str, *args, caller=None):
    """Run ``xlwings.udfs.call_udf`` on a UDF of ``module`` (see :func:`decorated_udfs`) with
    arguments as COM delivers them; return what Excel receives (a list of rows; a single value
    comes back as [[value]]).  Omitted optional arguments: pass :data:`MISSING`; ranges: a
    :class:`RangeArg`.  ``caller``: a :class:`RangeArg` for the calling cell, its ``book`` an
    xlwings Book (what ``caller.sheet.book`` gives the function)."""
    args = list(args)
    for info in getattr(module, func_name).__xlfunc__["args"]:
        if info["name"] == "caller":  # the VBA wrapper passes Nothing there; call_udf puts the caller in
            args.insert(info["pos"], None)
    with _calling_context(module) as udfs:
        return udfs.call_udf(UDF_MODULE, func_name, tuple(args), None,
                             caller if caller is not None else RangeArg(None))


# --- the VBA module and the Function Wizard descriptions ---------------------------------------

class _VBComponents:
    def __init__(self):
        self.imported = None

    def __call__(self, name):
        raise _ComError("no such component")  # nothing imported before

    def Remove(self, component):
        pass

    def Import(self, filename):
        with open(filename, encoding="utf-8", newline="") as handle:
            self.imported = handle.read()


class _Application:
    Version = "16.0"

    def __init__(self):
        self.macro_options = []

    def MacroOptions(self, macro, **options):
        self.macro_options.append((macro, options))


class _Workbook:
    def __init__(self, name: str):
        self.Name = name
        self.VBProject = types.SimpleNamespace(VBComponents=_VBComponents())
        self.Application = _Application()


def generate_vba(module=None, workbook_name: str = "socsec_udfs.xlsm") -> tuple[str, list]:
    """Run ``xlwings.udfs.import_udfs`` for the UDF module into a stand-in workbook named
    ``workbook_name`` (an ``.xlam`` add-in makes the wrappers use ActiveWorkbook, any other name
    ThisWorkbook); return (the VBA module text with CRLF line ends, the MacroOptions calls)."""
    module = module or decorated_udfs()
    udfs = windows_udfs()
    workbook = _Workbook(workbook_name)
    saved = udfs.udf_modules.get(UDF_MODULE)
    udfs.udf_modules[UDF_MODULE] = {"module": module, "filename": module.__file__, "filetime": None}
    try:
        with _modules(_stub_modules()), contextlib.redirect_stdout(io.StringIO()):
            udfs.import_udfs(UDF_MODULE, workbook)
    finally:
        if saved is None:
            udfs.udf_modules.pop(UDF_MODULE, None)
        else:
            udfs.udf_modules[UDF_MODULE] = saved
    text = workbook.VBProject.VBComponents.imported.replace("\r\n", "\n").replace("\n", "\r\n")
    return text, workbook.Application.macro_options
