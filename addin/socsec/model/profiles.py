"""Country profiles as data: the labour, macro and scheme figures of a country workbook in a TOML file.

A profile holds what UN WPP does not give: the :class:`~socsec.model.illustrative_economy.EconomyProfile`
(table ``[economy]``), the :class:`~socsec.model.illustrative_scheme.SchemeProfile` (``[scheme]``), the
Source cell texts of each (``[economy.sources]``, ``[scheme.sources]``, keys = the workbook's range names)
and the Cover notes (``[cover] notes``).  The worked example's profile is ``socsec/data/profiles/jordan.toml``;
``socsec workbook build country ISO3 --wpp DIR --profile FILE.toml`` reads another one (docs/adapting.md).
Units are stated in the file.  Every problem (a missing or unknown key, a value of the wrong kind) is
reported at once, naming the file and the key.
"""

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from socsec.errors import InputError, Problem
from socsec.model.illustrative_economy import EconomyProfile
from socsec.model.illustrative_scheme import DESIGN_SOURCES, SchemeProfile


@dataclass(frozen=True)
class CountryProfile:
    """What a profile file gives: the economy and scheme profiles and the Cover notes (None: the generic)."""

    economy: EconomyProfile
    scheme: SchemeProfile
    cover_notes: tuple | None = None


def read_profile(path) -> CountryProfile:
    """The profile in the TOML file at ``path`` (see the module docstring); InputError naming every problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot read the profile: {exc.strerror or exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(str(path), f"not a valid TOML file: {exc}")]) from None
    problems = []
    economy = _profile(EconomyProfile, data.get("economy"), f"{path.name}, [economy]", problems)
    scheme = _profile(SchemeProfile, data.get("scheme"), f"{path.name}, [scheme]", problems)
    notes = data.get("cover", {}).get("notes")
    if notes is not None and not (isinstance(notes, list) and all(isinstance(n, str) for n in notes)):
        problems.append(Problem(f"{path.name}, [cover]", "notes must be a list of texts"))
    unknown = sorted(set(data) - {"economy", "scheme", "cover"})
    if unknown:
        problems.append(Problem(path.name, f"unknown tables {', '.join(unknown)}; expected economy, scheme, cover"))
    if problems:
        raise InputError(problems)
    scheme = dataclasses.replace(scheme, sources={**DESIGN_SOURCES, **scheme.sources})
    return CountryProfile(economy, scheme, tuple(notes) if notes is not None else None)


def _profile(cls, table, where: str, problems: list):
    """An instance of the profile dataclass ``cls`` from a TOML table (lists become tuples)."""
    if not isinstance(table, dict):
        problems.append(Problem(where, "missing table"))
        return None
    names = {f.name: f for f in dataclasses.fields(cls)}
    required = {n for n, f in names.items()
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    missing, unknown = sorted(required - set(table)), sorted(set(table) - set(names))
    if missing:
        problems.append(Problem(where, f"missing {', '.join(missing)}"))
    if unknown:
        problems.append(Problem(where, f"unknown {', '.join(unknown)}; expected {', '.join(names)}"))
    if missing or unknown:
        return None
    values, count = {}, len(problems)
    for name, value in table.items():
        if name in ("sources", "actual"):
            if not isinstance(value, dict):
                problems.append(Problem(f"{where} {name}", "must be a table"))
            values[name] = dict(value) if isinstance(value, dict) else {}
        elif not _numbers_or_text(value):
            problems.append(Problem(f"{where} {name}",
                                    f"must be a number, a text or a list of numbers, found {value!r}"))
        else:
            values[name] = _tuples(value)
    return cls(**values) if len(problems) == count else None


def _numbers_or_text(value) -> bool:
    if isinstance(value, list):
        return all(_numbers_or_text(v) and not isinstance(v, str) for v in value)
    return isinstance(value, (int, float, str)) and not isinstance(value, bool)


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
