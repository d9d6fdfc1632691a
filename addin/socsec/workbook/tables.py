"""Conversion between ModelInputs and the labelled blocks of the workbook contract.

Both directions live here, next to each other, so the builder (inputs -> blocks) and the
reader (blocks -> inputs) cannot disagree on orientation or units.
"""

from dataclasses import dataclass

import numpy as np

from socsec.errors import InputError, Problem
from socsec.model.economy import EconomyInputs
from socsec.model.fields import declared
from socsec.model.finance import FinanceInputs
from socsec.model.inputs import ModelInputs
from socsec.model.pension import PensionInputs, SchemeAssumptions, SchemeData, SchemeRules
from socsec.model.population import PopulationInputs, asfr_from_tfr_and_pattern
from socsec.workbook.contract import (CALIBRATION_INPUT_ROWS, CALIBRATION_LABELS, FACTOR_ROWS, FINANCING_ROWS,
                                      INPUT_TABLES,
                                      MACRO_FIELD_ROWS, MACRO_INPUT_ROWS, PENSIONER_COLUMNS, RATE_COLUMNS,
                                      RETIREMENT_ROWS, RULE_ROWS, SEX_LABELS, row_of)

@dataclass(frozen=True)
class Block:
    """A labelled table: ``values[i, j]`` is row ``row_labels[i]``, column ``col_labels[j]``."""

    row_labels: tuple
    col_labels: tuple
    values: np.ndarray


def age_labels(omega: int) -> tuple:
    """0, 1, ..., omega-1, "omega+" (the open group)."""
    return tuple(range(omega)) + (f"{omega}+",)


def settings_of(model: ModelInputs) -> dict:
    """Every named setting cell's value."""
    inputs, economy = model.population, model.economy
    return {
        "in_country": inputs.country,
        "in_base_year": int(inputs.base_year),
        "in_final_year": int(inputs.final_year),
        "in_migration_timing": inputs.migration_timing,
        "in_fertility_input": inputs.fertility_input,
        "in_mortality_kind": inputs.mortality_kind,
        "in_currency": economy.currency,
        "in_base_gdp": float(economy.base_gdp),
        "in_base_wage": float(economy.base_average_wage),
        "in_wage_growth_input": economy.wage_growth_input,
        "in_return_input": economy.return_input,
        "in_min_working_age": int(economy.min_working_age),
        "in_reference_earnings": model.pension.rules.reference_earnings,
        "in_revaluation": model.pension.rules.revaluation,
        "in_ceiling_indexation": model.pension.rules.ceiling_indexation,
        "in_invalidity_credit": "yes" if model.pension.rules.invalidity_service_credit else "no",
        "in_earnings_cv": float(model.pension.rules.earnings_cv),
        "in_coverage_phase_in": int(model.pension.assumptions.coverage_phase_in),
        "in_initial_reserve": float(model.finance.initial_reserve),
        "in_scaled_period": int(model.finance.scaled_period),
        "in_target_ratio": float(model.finance.target_ratio),
        "in_scaled_variant": model.finance.scaled_variant,
    }


def blocks_of(model: ModelInputs) -> dict[str, Block]:
    """Every input table of the contract filled from ``model``."""
    return {**_population_blocks(model.population), **_economy_blocks(model.economy, model.population),
            **_pension_blocks(model.pension, model.population),
            "in_financing": Block(tuple(r[0] for r in FINANCING_ROWS), tuple(int(y) for y in model.population.years),
                                  yearly_rows("in_financing", (r[0] for r in FINANCING_ROWS),
                                              _table_rows(model.finance, "in_financing", by_year=True),
                                              model.population.years))}


def yearly_rows(table: str, labels, rows, years) -> np.ndarray:
    """(rows, n) array of a table with one column per projection year; a row of another length (inputs built
    in Python) is an InputError naming the table's sheet and the row, not a numpy error."""
    rows = [np.asarray(r, dtype=float) for r in rows]
    n = len(years)
    sheet = next(t.sheet for t in INPUT_TABLES if t.name == table)
    problems = [Problem(f"sheet '{sheet}' ({table}), row '{label}'",
                        f"expected {n} values, one per year {int(years[0])}-{int(years[-1])}; found shape {r.shape}")
                for label, r in zip(labels, rows) if r.shape != (n,)]
    if problems:
        raise InputError(problems)
    return np.array(rows)


def _table_rows(obj, table: str, by_year: bool) -> list:
    """The rows of ``table`` held by the declared fields of ``obj`` (socsec.model.fields), in the
    contract's order: a field on several rows gives one per row, its column k (``by_year``: an (n, 2)
    array by year and sex) or its row k (a (k, 2) array by sex); an array of another shape is given
    whole, for :func:`yearly_rows` to report."""
    rows = []
    for name, spec in declared(type(obj)):
        if spec.table != table:
            continue
        value = np.asarray(getattr(obj, name), dtype=float)
        if not spec.rows:
            rows.append(value)
        elif value.ndim != 2:
            rows.extend(value for _ in spec.rows)
        else:
            rows.extend(value[:, k] if by_year else value[k] for k in range(len(spec.rows)))
    return rows


def _fields_of_rows(cls, table: str, rows: tuple, values: np.ndarray, by_year: bool) -> dict:
    """Field -> array of the declared fields of ``cls`` held by ``table`` (``rows``: its RULE_ROWS-like
    declaration; ``values``: its values, a row each), the inverse of :func:`_table_rows`; whole numbers
    (ages) as integers."""
    out = {}
    for name, spec in declared(cls):
        if spec.table != table:
            continue
        if spec.rows:
            parts = [values[row_of(rows, f"{name}_{suffix}")] for suffix, _ in spec.rows]
            value = np.column_stack(parts) if by_year else np.array(parts)
        else:
            value = values[row_of(rows, name)].copy()
        out[name] = value.round().astype(int) if spec.whole else value
    return out


def _pension_blocks(pension: PensionInputs, population: PopulationInputs) -> dict[str, Block]:
    data, rules, assume = pension.data, pension.rules, pension.assumptions
    ages = age_labels(population.base_population.shape[1] - 1)
    years = tuple(int(y) for y in population.years)
    age_groups = tuple(int(a) for a in data.age_starts)
    service_groups = tuple(int(s) for s in data.service_starts)
    pensioner_groups = tuple(int(a) for a in data.pensioner_age_starts)
    coverage_years = tuple(int(y) for y in assume.coverage_years)
    n_groups = len(pensioner_groups)

    def rates(g):
        return np.column_stack([np.asarray(getattr(assume, field), dtype=float)[g] for _, field, *_ in RATE_COLUMNS])

    return {
        "in_actives_male": Block(age_groups, service_groups, np.asarray(data.actives)[0]),
        "in_actives_female": Block(age_groups, service_groups, np.asarray(data.actives)[1]),
        "in_inactive_male": Block(age_groups, service_groups, np.asarray(data.inactive)[0]),
        "in_inactive_female": Block(age_groups, service_groups, np.asarray(data.inactive)[1]),
        "in_active_earnings": Block(age_groups, SEX_LABELS, np.asarray(data.active_earnings)),
        "in_pensioners": Block(pensioner_groups, PENSIONER_COLUMNS, np.asarray(data.pensioners).reshape(n_groups, 8)),
        "in_pension_amounts": Block(pensioner_groups, PENSIONER_COLUMNS,
                                    np.asarray(data.average_pension).reshape(n_groups, 8)),
        "in_calibration": Block(CALIBRATION_LABELS, ("actual",),
                                np.array([[float(pension.actual.get(key, np.nan))]
                                          for key, _ in CALIBRATION_INPUT_ROWS])),
        "in_rules": Block(tuple(r[0] for r in RULE_ROWS), years, yearly_rows(
            "in_rules", (r[0] for r in RULE_ROWS), _table_rows(rules, "in_rules", by_year=True), years)),
        "in_coverage_male": Block(ages, coverage_years, np.asarray(assume.coverage)[:, 0, :].T),
        "in_coverage_female": Block(ages, coverage_years, np.asarray(assume.coverage)[:, 1, :].T),
        "in_scheme_rates_male": Block(ages, tuple(c[0] for c in RATE_COLUMNS), rates(0)),
        "in_scheme_rates_female": Block(ages, tuple(c[0] for c in RATE_COLUMNS), rates(1)),
        "in_retirement": Block(tuple(r[0] for r in RETIREMENT_ROWS), years, yearly_rows(
            "in_retirement", (r[0] for r in RETIREMENT_ROWS),
            _table_rows(assume, "in_retirement", by_year=True), years)),
        "in_scheme_factors": Block(tuple(r[0] for r in FACTOR_ROWS), SEX_LABELS,
                                   np.array(_table_rows(assume, "in_scheme_factors", by_year=False), dtype=float)),
    }


def _economy_blocks(economy: EconomyInputs, population: PopulationInputs) -> dict[str, Block]:
    ages = age_labels(population.base_population.shape[1] - 1)
    years = tuple(int(y) for y in population.years)
    lfpr_years = tuple(int(y) for y in economy.lfpr_years)
    return {
        "in_lfpr_male": Block(ages, lfpr_years, np.asarray(economy.lfpr)[:, 0, :].T),
        "in_lfpr_female": Block(ages, lfpr_years, np.asarray(economy.lfpr)[:, 1, :].T),
        "in_unemployment": Block(SEX_LABELS, years, np.asarray(economy.unemployment).T),
        "in_unemp_age_factors": Block(tuple(int(a) for a in economy.unemployment_age_starts), SEX_LABELS,
                                      np.asarray(economy.unemployment_age_factors)),
        "in_employee_share": Block(SEX_LABELS, years, np.asarray(economy.employee_share).T),
        "in_formal_share": Block(SEX_LABELS, years, np.asarray(economy.formal_share).T),
        "in_macro": Block(MACRO_INPUT_ROWS, years,
                          np.array(_table_rows(economy, "in_macro", by_year=True))),
    }


def _population_blocks(inputs: PopulationInputs) -> dict[str, Block]:
    omega = inputs.base_population.shape[1] - 1
    ages = age_labels(omega)
    years = tuple(int(y) for y in inputs.years)
    fert_ages = tuple(int(a) for a in inputs.fertility_ages)
    mort_years = tuple(int(y) for y in inputs.mortality_years)
    blocks = {
        "in_base_pop": Block(ages, SEX_LABELS, np.asarray(inputs.base_population).T),
        "in_tfr": Block(("TFR",), years, np.asarray(inputs.tfr, dtype=float).reshape(1, -1)),
        "in_srb": Block(("SRB",), years, np.asarray(inputs.srb, dtype=float).reshape(1, -1)),
        "in_fert_pattern": Block(fert_ages, tuple(int(y) for y in inputs.fertility_pattern_years),
                                 np.asarray(inputs.fertility_pattern).T),
        # Without explicit rates the ASFR sheet shows those implied by TFR x pattern, a starting
        # point for a switch of the fertility input to "asfr".
        "in_asfr": Block(fert_ages, years,
                         (np.asarray(inputs.asfr) if inputs.asfr is not None
                          else asfr_from_tfr_and_pattern(inputs.tfr, inputs.fertility_pattern_years,
                                                         inputs.fertility_pattern, inputs.years)).T),
        "in_mort_male": Block(ages, mort_years, np.asarray(inputs.mortality)[:, 0, :].T),
        "in_mort_female": Block(ages, mort_years, np.asarray(inputs.mortality)[:, 1, :].T),
        "in_mig_male": Block(ages, years, np.asarray(inputs.net_migrants)[:, 0, :].T),
        "in_mig_female": Block(ages, years, np.asarray(inputs.net_migrants)[:, 1, :].T),
    }
    return blocks


def _year_slice(block: Block, base_year: int, final_year: int) -> np.ndarray:
    """Columns base_year..final_year of a YEAR table (validated to be present)."""
    first = int(block.col_labels[0])
    return block.values[:, base_year - first: final_year - first + 1]


def inputs_from(settings: dict, blocks: dict[str, Block]) -> ModelInputs:
    """ModelInputs from validated settings and blocks (tables not required may be absent)."""
    financing = _year_slice(blocks["in_financing"], int(settings["in_base_year"]), int(settings["in_final_year"]))
    finance = FinanceInputs(initial_reserve=float(settings["in_initial_reserve"]),
                            **_fields_of_rows(FinanceInputs, "in_financing", FINANCING_ROWS, financing, by_year=True),
                            scaled_period=int(settings["in_scaled_period"]),
                            target_ratio=float(settings["in_target_ratio"]),
                            scaled_variant=settings["in_scaled_variant"])
    return ModelInputs(_population_from(settings, blocks), _economy_from(settings, blocks),
                       _pension_from(settings, blocks), finance)


def _pension_from(settings: dict, blocks: dict[str, Block]) -> PensionInputs:
    base, final = int(settings["in_base_year"]), int(settings["in_final_year"])
    actives_m, pensioners = blocks["in_actives_male"], blocks["in_pensioners"]
    n_groups = len(pensioners.row_labels)
    data = SchemeData(
        age_starts=np.asarray(actives_m.row_labels, dtype=int),
        service_starts=np.asarray(actives_m.col_labels, dtype=int),
        actives=np.stack([actives_m.values, blocks["in_actives_female"].values]),
        inactive=np.stack([blocks["in_inactive_male"].values, blocks["in_inactive_female"].values]),
        active_earnings=blocks["in_active_earnings"].values.copy(),
        pensioner_age_starts=np.asarray(pensioners.row_labels, dtype=int),
        pensioners=pensioners.values.reshape(n_groups, 4, 2),
        average_pension=blocks["in_pension_amounts"].values.reshape(n_groups, 4, 2))
    rule_values = _year_slice(blocks["in_rules"], base, final)
    fields = _fields_of_rows(SchemeRules, "in_rules", RULE_ROWS, rule_values, by_year=True)
    rules = SchemeRules(**fields, reference_earnings=settings["in_reference_earnings"],
                        revaluation=settings["in_revaluation"], ceiling_indexation=settings["in_ceiling_indexation"],
                        invalidity_service_credit=settings["in_invalidity_credit"] == "yes",
                        earnings_cv=float(settings["in_earnings_cv"]))
    rates = [blocks["in_scheme_rates_male"].values, blocks["in_scheme_rates_female"].values]
    retirement = _year_slice(blocks["in_retirement"], base, final)
    coverage_m = blocks["in_coverage_male"]
    assume = SchemeAssumptions(
        coverage_years=np.asarray(coverage_m.col_labels, dtype=int),
        coverage=np.stack([coverage_m.values.T, blocks["in_coverage_female"].values.T], axis=1),
        **{field: np.stack([rates[0][:, k], rates[1][:, k]]) for k, (_, field, *_) in enumerate(RATE_COLUMNS)},
        **_fields_of_rows(SchemeAssumptions, "in_retirement", RETIREMENT_ROWS, retirement, by_year=True),
        **_fields_of_rows(SchemeAssumptions, "in_scheme_factors", FACTOR_ROWS, blocks["in_scheme_factors"].values,
                          by_year=False),
        coverage_phase_in=int(settings["in_coverage_phase_in"]))
    calibration = blocks["in_calibration"]  # its rows in the contract's order (the reader matches them)
    actual = {key: float(value) for (key, _), value in zip(CALIBRATION_INPUT_ROWS, calibration.values[:, 0],
                                                            strict=True)}
    return PensionInputs(data, rules, assume, actual)


def _economy_from(settings: dict, blocks: dict[str, Block]) -> EconomyInputs:
    base, final = int(settings["in_base_year"]), int(settings["in_final_year"])
    lfpr_m, lfpr_f = blocks["in_lfpr_male"], blocks["in_lfpr_female"]
    factors = blocks["in_unemp_age_factors"]
    macro = _year_slice(blocks["in_macro"], base, final)
    return EconomyInputs(
        currency=str(settings["in_currency"]),
        base_gdp=float(settings["in_base_gdp"]),
        base_average_wage=float(settings["in_base_wage"]),
        wage_growth_input=settings["in_wage_growth_input"],
        return_input=settings["in_return_input"],
        lfpr_years=np.asarray(lfpr_m.col_labels, dtype=int),
        lfpr=np.stack([lfpr_m.values.T, lfpr_f.values.T], axis=1),
        unemployment=_year_slice(blocks["in_unemployment"], base, final).T.copy(),
        unemployment_age_starts=np.asarray(factors.row_labels, dtype=int),
        unemployment_age_factors=factors.values.copy(),
        employee_share=_year_slice(blocks["in_employee_share"], base, final).T.copy(),
        formal_share=_year_slice(blocks["in_formal_share"], base, final).T.copy(),
        **_fields_of_rows(EconomyInputs, "in_macro", MACRO_FIELD_ROWS, macro, by_year=True),
        min_working_age=int(settings["in_min_working_age"]),
    )


def _population_from(settings: dict, blocks: dict[str, Block]) -> PopulationInputs:
    base, final = int(settings["in_base_year"]), int(settings["in_final_year"])
    n = final - base + 1
    fert_mode = settings["in_fertility_input"]
    pattern = blocks.get("in_fert_pattern")
    asfr = blocks.get("in_asfr")
    fert_ages = (pattern if fert_mode == "tfr_pattern" else asfr).row_labels
    mort_m, mort_f = blocks["in_mort_male"], blocks["in_mort_female"]
    return PopulationInputs(
        country=str(settings["in_country"]),
        base_year=base,
        final_year=final,
        base_population=blocks["in_base_pop"].values.T.copy(),
        fertility_input=fert_mode,
        fertility_ages=np.asarray(fert_ages, dtype=int),
        tfr=(_year_slice(blocks["in_tfr"], base, final)[0] if fert_mode == "tfr_pattern"
             else np.zeros(n)),
        fertility_pattern_years=np.asarray(pattern.col_labels if pattern else (base,), dtype=int),
        fertility_pattern=(pattern.values.T.copy() if pattern else np.ones((1, len(fert_ages)))),
        asfr=_year_slice(asfr, base, final).T.copy() if fert_mode == "asfr" else None,
        srb=_year_slice(blocks["in_srb"], base, final)[0].copy(),
        mortality_kind=settings["in_mortality_kind"],
        mortality_years=np.asarray(mort_m.col_labels, dtype=int),
        mortality=np.stack([mort_m.values.T, mort_f.values.T], axis=1),
        net_migrants=np.stack([_year_slice(blocks["in_mig_male"], base, final).T,
                               _year_slice(blocks["in_mig_female"], base, final).T], axis=1),
        migration_timing=settings["in_migration_timing"],
    )
