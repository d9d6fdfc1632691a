"""``socsec excel addin``: the socsec Excel add-in (``addin/socsec.xlam``) with its own ribbon tab.

Built from xlwings' own custom add-in, the file ``xlwings quickstart NAME --addin --ribbon`` copies
(``quickstart_addin_ribbon.xlam`` of the installed xlwings): its VBA project holds xlwings'
RunPython and a module ``RibbonMyAddin`` whose ``RunMain(control As IRibbonControl)`` is the ribbon's
callback.  Three parts of that file are changed, nothing else:

* ``customUI/customUI.xml``: a tab "socsec" with the buttons of :data:`BUTTONS`, each calling
  ``RibbonMyAddin.RunMain``;
* the source of the module ``RibbonMyAddin`` (:data:`RIBBON_MODULE`): RunMain passes the id of the
  button pressed to :func:`socsec.excel.ribbon.run` through RunPython.  xlwings ships the VBA project
  without compiled code (its ``_VBA_PROJECT`` stream says version 0xFFFF), so Excel compiles the
  source when it loads the add-in.  The source is stored compressed (MS-OVBA 2.4.1) in the module's
  stream of the compound file ``xl/vbaProject.bin``; the new source is compressed to exactly the
  size of the old one (literal tokens, a comment padded to length), so the stream is rewritten in
  place and no other structure of the file changes;
* the add-in's own settings sheet (xlwings reads ``PROJECT_NAME.conf``, here ``myaddin.conf``, of
  the add-in before the user's files): the interpreter of socsec's environment where the
  installers put it (``%LOCALAPPDATA%`` and ``$HOME`` expanded by xlwings), and
  ``ADD_WORKBOOK_TO_PYTHONPATH`` off (a workbook on OneDrive or SharePoint has no folder to add).
  These settings are the add-in's: no other xlwings workbook of the user sees them.

References: [MS-CFB] (compound file), [MS-OVBA] 2.3.4.2 (dir stream, MODULEOFFSET) and 2.4.1
(compression).  ``tests/test_excel_addin.py`` reads the file back with :func:`read_stream` and
:func:`decompress`.
"""

import io
import struct
import zipfile
from pathlib import Path

ADDIN_PATH = Path(__file__).resolve().parents[2] / "socsec.xlam"
TEMPLATE = "quickstart_addin_ribbon.xlam"  # in the xlwings package: what `xlwings quickstart --addin --ribbon` copies
MODULE = "RibbonMyAddin"
CALLBACK = f"{MODULE}.RunMain"
CONFIG_SHEET = "myaddin.conf"  # PROJECT_NAME & ".conf" of xlwings' custom add-in VBA (PROJECT_NAME = "myaddin")
# (id, label, image, what it does): ids are the actions of socsec.excel.ribbon
BUTTONS = (
    ("run_valuation", "Run valuation", "MacroPlay", "Validate the inputs of the active workbook, run the valuation "
                                                    "and write the results into it"),
    ("run_scenarios", "Compare scenarios", "ChartTypeBarInsertGallery", "Value every scenario of the Scenarios sheet "
                                                                        "(saved file) into a new results workbook"),
    ("check_inputs", "Check inputs", "AcceptInvitation", "Read and check every input; list the problems"),
    ("sensitivity", "Sensitivity", "ChartTypeBarInsertGallery", "Each parameter of the Sensitivity sheet to its low "
                                                                "and high value (saved file): tornado charts in a "
                                                                "new results workbook"),
    ("report", "Valuation report", "FileSaveAsWordDocx", "Draft valuation report with the scenarios (saved file), "
                                                         "opened in Word"),
    ("open_results", "Open results", "FileOpen", "Open the results workbook of the last comparison"),
)
RIBBON_MODULE_LINES = (
    f'Attribute VB_Name = "{MODULE}"',
    "Sub RunMain(control As IRibbonControl)",
    "    RunPython \"import socsec.excel.ribbon as r; r.run('\" & control.Id & \"')\"",
    "End Sub",
)
SETTINGS = (
    ("Interpreter_Win", r"%LOCALAPPDATA%\socsec\venv\Scripts\pythonw.exe"),
    ("Interpreter_Mac", "$HOME/.socsec/venv/bin/python"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
)


def ribbon_xml() -> str:
    """The add-in's ribbon: one tab "socsec", one group, one large button per action."""
    from xml.sax.saxutils import quoteattr
    buttons = "\n".join(
        f'                    <button id="{ident}" label={quoteattr(label)} size="large" imageMso="{image}" '
        f'screentip={quoteattr(label)} supertip={quoteattr(tip)} onAction="{CALLBACK}" />'
        for ident, label, image, tip in BUTTONS)
    return ('<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">\n'
            "    <ribbon>\n        <tabs>\n"
            '            <tab id="socsecTab" label="socsec">\n'
            '                <group id="socsecGroup" label="Actuarial valuation">\n'
            f"{buttons}\n"
            "                </group>\n            </tab>\n        </tabs>\n    </ribbon>\n</customUI>")


# --- MS-OVBA compression ---------------------------------------------------------------------------

def decompress(data: bytes) -> bytes:
    """Decompress a CompressedContainer (MS-OVBA 2.4.1.3.1)."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container (signature byte 0x01 missing)")
    out, pos = bytearray(), 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size, compressed = (header & 0x0FFF) + 3, bool(header & 0x8000)
        end, pos, start = min(pos + size, len(data)), pos + 2, len(out)
        if not compressed:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags, pos = data[pos], pos + 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                length_bits = 16 - max(4, (len(out) - start - 1).bit_length())
                length, offset = (token & (0xFFFF >> (16 - length_bits))) + 3, (token >> length_bits) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def literal_container(text: bytes) -> bytes:
    """A CompressedContainer holding ``text`` (at most 4096 bytes) as literal tokens only: one flag byte
    (0) before each group of 8 bytes.  Its size is 3 + n + ceil(n / 8)."""
    if len(text) > 4096:
        raise ValueError("a module source of more than 4096 bytes needs more than one chunk")
    body = b"".join(b"\x00" + text[k:k + 8] for k in range(0, len(text), 8))
    return b"\x01" + struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body


def fitted_source(lines, size: int) -> bytes:
    """The module source of ``lines`` padded with a comment line so that :func:`literal_container` of
    it is exactly ``size`` bytes."""
    for pad in range(0, 4000):
        comment = "' socsec ribbon" + " " * pad
        text = ("\r\n".join(lines[:2] + (comment,) + lines[2:]) + "\r\n").encode("ascii")
        if len(literal_container(text)) == size:
            return text
        if len(literal_container(text)) > size:
            break
    raise ValueError(f"the ribbon module's source cannot be stored in {size} bytes")


# --- the compound file (MS-CFB): read a stream, rewrite it in place --------------------------------

ENDOFCHAIN = 0xFFFFFFFE


class CompoundFile:
    """The sectors of a compound file in memory: directory, FAT and mini stream, enough to find a stream by
    name and to read or overwrite its bytes (same size)."""

    def __init__(self, data: bytes):
        if data[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
            raise ValueError("not a compound file")
        self.data = bytearray(data)
        self.sector = 1 << struct.unpack_from("<H", data, 30)[0]
        self.mini = 1 << struct.unpack_from("<H", data, 32)[0]
        n_fat, first_dir = struct.unpack_from("<I", data, 44)[0], struct.unpack_from("<I", data, 48)[0]
        self.cutoff, first_minifat = struct.unpack_from("<I", data, 56)[0], struct.unpack_from("<I", data, 60)[0]
        if struct.unpack_from("<I", data, 72)[0]:
            raise ValueError("compound files with more than 109 FAT sectors are not supported")
        fat_sectors = struct.unpack_from("<109I", data, 76)[:n_fat]
        self.fat = [v for s in fat_sectors for v in struct.unpack_from(f"<{self.sector // 4}I", self.data,
                                                                      self._offset(s))]
        directory = b"".join(self._sector(s) for s in self._chain(first_dir))
        self.entries = [directory[k:k + 128] for k in range(0, len(directory), 128)]
        root = self.entries[0]
        self.mini_sectors = list(self._chain(struct.unpack_from("<I", root, 116)[0]))
        self.minifat = [v for s in self._chain(first_minifat)
                        for v in struct.unpack_from(f"<{self.sector // 4}I", self.data, self._offset(s))]

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.sector

    def _sector(self, sector: int) -> bytes:
        return bytes(self.data[self._offset(sector):self._offset(sector) + self.sector])

    def _chain(self, first: int, table=None):
        table = self.fat if table is None else table
        while first != ENDOFCHAIN:
            yield first
            first = table[first]

    def _entry(self, name: str) -> tuple[int, int]:
        """(start sector, size) of the stream called ``name`` (names are unique in a VBA project)."""
        for entry in self.entries:
            length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] == 2 and entry[:max(length - 2, 0)].decode("utf-16-le") == name:
                return struct.unpack_from("<I", entry, 116)[0], struct.unpack_from("<I", entry, 120)[0]
        raise KeyError(f"no stream {name!r} in the compound file")

    def _spans(self, name: str) -> list[tuple[int, int]]:
        """(file offset, length) of the pieces of a stream, in order."""
        start, size = self._entry(name)
        if size >= self.cutoff:
            pieces = [(self._offset(s), self.sector) for s in self._chain(start)]
        else:
            per = self.sector // self.mini
            pieces = [(self._offset(self.mini_sectors[m // per]) + (m % per) * self.mini, self.mini)
                      for m in self._chain(start, self.minifat)]
        spans, left = [], size
        for offset, length in pieces:
            spans.append((offset, min(length, left)))
            left -= min(length, left)
        return spans

    def read(self, name: str) -> bytes:
        return b"".join(bytes(self.data[o:o + n]) for o, n in self._spans(name))

    def write(self, name: str, content: bytes) -> None:
        spans = self._spans(name)
        if len(content) != sum(n for _, n in spans):
            raise ValueError(f"stream {name!r}: the new content must keep its size")
        k = 0
        for offset, length in spans:
            self.data[offset:offset + length] = content[k:k + length]
            k += length


def module_offset(dir_stream: bytes, module: str) -> int:
    """MODULEOFFSET of ``module`` in the decompressed dir stream: where its compressed source starts in
    its stream (the bytes before it are compiled code, unused when the project is recompiled)."""
    name = module.encode("ascii")
    at = dir_stream.find(b"\x19\x00" + struct.pack("<I", len(name)) + name)  # MODULENAME record
    if at < 0:
        raise KeyError(f"module {module!r} is not in the VBA project")
    marker = dir_stream.find(b"\x31\x00\x04\x00\x00\x00", at)  # MODULEOFFSET record
    return struct.unpack_from("<I", dir_stream, marker + 6)[0]


def module_source(vba_project: bytes, module: str = MODULE) -> str:
    """The VBA source of ``module`` in a vbaProject.bin."""
    cf = CompoundFile(vba_project)
    offset = module_offset(decompress(cf.read("dir")), module)
    return decompress(cf.read(module)[offset:]).decode("latin-1")


def patched_project(vba_project: bytes) -> bytes:
    """vbaProject.bin with the source of :data:`MODULE` replaced by :data:`RIBBON_MODULE_LINES`."""
    cf = CompoundFile(vba_project)
    if cf.read("_VBA_PROJECT")[2:4] != b"\xff\xff":
        raise ValueError("the VBA project carries compiled code: Excel would run it instead of the new source")
    offset = module_offset(decompress(cf.read("dir")), MODULE)
    stream = cf.read(MODULE)
    source = fitted_source(RIBBON_MODULE_LINES, len(stream) - offset)
    cf.write(MODULE, stream[:offset] + literal_container(source))
    return bytes(cf.data)


# --- the settings sheet and the file ---------------------------------------------------------------

TEMPLATE_KEYS = ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env", "UDF Modules",
                 "Debug UDFs", "Use UDF Server", "Show Console")  # the rows of xlwings' template sheet
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def settings_sheet_xml() -> str:
    """The add-in's settings sheet: the template's keys and ADD_WORKBOOK_TO_PYTHONPATH in column A (xlwings
    reads A1 down to the first empty cell), socsec's values in column B (empty: xlwings' default; the
    switches off)."""
    from xml.sax.saxutils import escape
    values = dict(SETTINGS) | {key: "False" for key in ("Debug UDFs", "Use UDF Server", "Show Console")}
    keys = TEMPLATE_KEYS + tuple(k for k, _ in SETTINGS if k not in TEMPLATE_KEYS)
    rows = []
    for r, key in enumerate(keys, start=1):
        cells = f'<c r="A{r}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        if values.get(key):
            cells += f'<c r="B{r}" t="inlineStr"><is><t>{escape(values[key])}</t></is></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{SHEET_NS}">'
            f'<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="2" width="60" customWidth="1"/>'
            f'</cols><sheetData>{"".join(rows)}</sheetData></worksheet>')


def template_path() -> Path:
    import xlwings
    return Path(xlwings.__file__).resolve().parent / TEMPLATE


def addin_parts(template: Path | None = None) -> dict[str, bytes]:
    """The parts of socsec.xlam: xlwings' template with the ribbon, the module and the settings sheet."""
    with zipfile.ZipFile(template or template_path()) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["customUI/customUI.xml"] = ribbon_xml().encode("utf-8")
    parts["xl/vbaProject.bin"] = patched_project(parts["xl/vbaProject.bin"])
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    if f'name="_{CONFIG_SHEET}"' not in workbook:
        raise ValueError(f"xlwings' template has no sheet _{CONFIG_SHEET}: update socsec.excel.addin for this xlwings")
    parts["xl/workbook.xml"] = workbook.replace(f'name="_{CONFIG_SHEET}"', f'name="{CONFIG_SHEET}"').encode("utf-8")
    parts["xl/worksheets/sheet1.xml"] = settings_sheet_xml().encode("utf-8")
    return parts


def build_addin(path: Path = ADDIN_PATH) -> Path:
    """Write socsec.xlam to ``path`` (atomically; the same bytes for the same xlwings)."""
    from socsec.atomic import atomic_path
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in addin_parts().items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(buffer.getvalue())
    return path
