"""One declaration per input field: label, units, bounds, whole numbers, sheet rows and the step of the
chain that reads it, kept in the field's metadata and read from there by everything else.

An input dataclass declares a field with :func:`declare`::

    contribution_rate: np.ndarray = declare("contribution rate", "share of insurable earnings", 0.0, 1.0,
                                            step=CONTRIBUTIONS, table="in_rules", number_format="0.00%")

and the rest is derived: the rows of the workbook tables (:func:`sheet_rows`, used by
:mod:`socsec.workbook.contract`), the bounds, units and whole-number rule of the overrides that set
the field (:mod:`socsec.model.overrides`) and the bounds of the tables holding it, the fields a step
of the chain reads (:func:`read_by`, used by :mod:`socsec.model.chain` to reuse blocks in what-if
tables), the fields given by projection year (:func:`yearly_fields`, used by
:mod:`socsec.model.horizon`).  Fields are named in code by :class:`FieldPath`
(``FIELDS.pension.rules.normal_age``), each name checked against the dataclasses where it is used
(an AttributeError at import for a misspelt one), never by dotted strings.
"""

import dataclasses
import typing

SPEC = "socsec"  # key of the declaration in a field's metadata

# Steps of the pension block (socsec.model.chain): the insured persons, then their wages, awards and
# pensions, then contributions and expenses.  A field is declared with the first step that reads it.
INSURED, BENEFITS, CONTRIBUTIONS = "insured", "benefits", "contributions"
# Steps of the economy block: the frame (labour force, wages, prices, GDP) and the investment return.
FRAME, RETURN = "frame", "return"

BY_SEX = (("male", ", males"), ("female", ", females"))  # rows of a field with one column per sex


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """What is declared of an input field.

    label         : its name on the sheet (a field on several rows: each row adds its suffix).
    units         : units of a value, for users (overrides, help).
    low, high     : accepted values (inclusive unless ``low_open``/``high_open``); None: no bound.
    whole         : whole numbers only (ages, years): held as integers.
    step          : the first step of the chain that reads it (:data:`INSURED`, ...), None: every step.
    table         : the workbook table holding it (None: a table of its own, declared in the contract).
    rows          : (suffix of the row's field name, suffix of the row's label) of a field shown on
                    several rows, e.g. :data:`BY_SEX` for an (n, 2) array shown as a row per sex.
    number_format : Excel number format of its cells.
    yearly        : one value per projection year along its first axis (a longer or shorter projection
                    holds the last year's value or drops years: socsec.model.horizon).
    """

    label: str | None
    units: str
    low: float | None = None
    high: float | None = None
    whole: bool = False
    step: str | None = None
    table: str | None = None
    rows: tuple = ()
    number_format: str = "General"
    yearly: bool = False
    low_open: bool = False
    high_open: bool = False

    def bounds(self) -> dict:
        """The accepted values as keyword arguments (``low``, ``high``, ``low_open``, ``high_open``) of an
        input table or an override."""
        return {"low": self.low, "high": self.high, "low_open": self.low_open, "high_open": self.high_open}


def declare(label: str | None, units: str, low=None, high=None, *, whole=False, step=None, table=None, rows=(),
            number_format="General", yearly=False, low_open=False, high_open=False,
            **field_options) -> dataclasses.Field:
    """A dataclass field carrying its :class:`FieldSpec` (``field_options``: those of dataclasses.field,
    e.g. ``default``)."""
    spec = FieldSpec(label, units, low, high, whole, step, table, tuple(rows), number_format, yearly, low_open,
                     high_open)
    return dataclasses.field(metadata={SPEC: spec}, **field_options)


def spec_of(cls, name: str) -> FieldSpec | None:
    """The declaration of field ``name`` of dataclass ``cls`` (None if it has none)."""
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    return field.metadata.get(SPEC)


def declared(cls) -> tuple[tuple[str, FieldSpec], ...]:
    """(name, spec) of every declared field of ``cls``, in field order."""
    return tuple((f.name, f.metadata[SPEC]) for f in dataclasses.fields(cls) if SPEC in f.metadata)


def read_by(cls, step: str) -> tuple[str, ...]:
    """Names of the fields of ``cls`` first read by ``step``."""
    return tuple(name for name, spec in declared(cls) if spec.step == step)


def yearly_fields(cls) -> tuple[str, ...]:
    """Names of the fields of ``cls`` given by projection year."""
    return tuple(name for name, spec in declared(cls) if spec.yearly)


def sheet_rows(cls, table: str) -> tuple[tuple, ...]:
    """(label, row field, low, high, number format) of each row of ``table`` held by fields of ``cls``,
    in field order; a field on several rows gives one per row (``normal_age_male``, ...)."""
    rows = []
    for name, spec in declared(cls):
        if spec.table != table:
            continue
        for suffix, label_suffix in spec.rows or (("", ""),):
            row_field = f"{name}_{suffix}" if suffix else name
            rows.append((spec.label + label_suffix, row_field, spec.low, spec.high, spec.number_format))
    return tuple(rows)


@dataclasses.dataclass(frozen=True)
class FieldPath:
    """A field of :class:`~socsec.model.inputs.ModelInputs`, e.g. ``FIELDS.economy.cpi_inflation``.

    names : the attribute names from ModelInputs down to the field.
    owner : the dataclass that declares the last of them.
    """

    names: tuple[str, ...]
    owner: type

    @property
    def block(self) -> str:
        """The block of the chain the field belongs to (``population``, ``economy``, ...)."""
        return self.names[0]

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def spec(self) -> FieldSpec | None:
        return spec_of(self.owner, self.name)

    def get(self, inputs):
        for name in self.names:
            inputs = getattr(inputs, name)
        return inputs

    def replace(self, inputs, value):
        """New inputs with this field set to ``value``; every other field the very same object."""
        return _replaced(inputs, self.names, value)

    def __str__(self) -> str:
        return ".".join(self.names)


def _replaced(obj, names: tuple, value):
    head, rest = names[0], names[1:]
    return dataclasses.replace(obj, **{head: _replaced(getattr(obj, head), rest, value) if rest else value})


class FieldPaths:
    """Attribute access to the fields of a dataclass and of the dataclasses it nests: a nested dataclass
    gives FieldPaths again, a field a :class:`FieldPath`; an unknown name is an AttributeError at once."""

    def __init__(self, cls, names: tuple = ()):
        self._cls, self._names = cls, names

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in {f.name for f in dataclasses.fields(self._cls)}:
            raise AttributeError(f"{self._cls.__name__} has no field {name!r}")
        kind = typing.get_type_hints(self._cls)[name]
        if dataclasses.is_dataclass(kind):
            return FieldPaths(kind, self._names + (name,))
        return FieldPath(self._names + (name,), self._cls)
