"""Section 1 of the report, the executive summary: the key findings, each sentence made from the
results of the run (the indicators table, the yearly financing table, the replacement rates and
the checks of the :class:`~socsec.model.valuation.Valuation`); nothing is computed here but the
choice of the years and words.

A finding whose indicator the valuation does not provide (e.g. a GAP over 75 years of a shorter
projection) is left out.  The GAP sentences are driven by :data:`GAP_FINDINGS`: one sentence per
GAP-type indicator of the indicators table, with its values over 25, 50 and 75 years.
"""

import numpy as np

from socsec.model.finance import CAREERS
from socsec.formats import decimal, percent, year

SUMMARY_HORIZONS = (25, 50, 75)  # years covered by the GAP and reserve-ratio findings
ILO_REFERENCE_SERVICE = 30  # years of contributions of the career ILO C102 and C128 set their minimum for

# GAP-type indicators stated in the summary, in this order: (indicator, sentence); {values} is the
# list "x% over 25 years (2025-2049), ..." of the horizons the valuation provides, {target} the
# target reserve in years of expenditure (Financing sheet).
GAP_FINDINGS = (
    ("gap", "The general average premium (GAP), the constant contribution rate (share of insurable "
            "earnings) at which the initial reserve, contributions and state subsidy cover expenditure "
            "over the period, is {values}."),
    ("gap_with_target", "With a reserve of {target} years of expenditure left at the end of the period, "
                        "the GAP is {values}."),
    ("gap_equivalent_contribution_rate", "The GAP assumes every contribution collected and the administrative "
                                         "expenses of the legislated rate; the legislated contribution rate that "
                                         "balances the same equation under the collection, subsidy and expense "
                                         "rules of the scheme, to compare with the contribution rate in force, is "
                                         "{values}."),
)


def executive_summary(valuation, scenario: str | None = None) -> list[str]:
    """The paragraphs of the executive summary; ``scenario``: the name of the scenario whose
    valuation this is (None: the inputs as entered)."""
    finance = valuation.finance
    findings = [scope_finding(valuation, scenario), cost_finding(finance), demographic_finding(finance),
                *gap_findings(valuation), reserve_finding(finance), depletion_finding(finance),
                replacement_finding(finance.replacement), checks_finding(valuation.checks)]
    return [text for text in findings if text]


def _years(finance) -> np.ndarray:
    return finance.yearly["year"].to_numpy()


def _series(finance, column: str, year_: int) -> float:
    yearly = finance.yearly
    return float(yearly.loc[yearly["year"] == year_, column].iloc[0])


def _horizons(finance, name: str) -> list[tuple[int, float]]:
    """(horizon, value) of indicator ``name`` over the summary horizons the valuation provides (a
    projection shorter than all of them: its longest horizon)."""
    table = finance.indicators
    rows = table[table["indicator"] == name]
    if rows.empty:
        return []
    horizons = [h for h in SUMMARY_HORIZONS if (rows["horizon"] == h).any()] or [int(rows["horizon"].max())]
    return [(h, float(rows.loc[rows["horizon"] == h, "value"].iloc[0])) for h in horizons]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def scope_finding(valuation, scenario: str | None) -> str:
    pop, currency = valuation.inputs.population, valuation.inputs.economy.currency
    under = f", under the scenario \u2018{scenario}\u2019 (see Scenarios and sensitivity)" if scenario else ""
    return (f"This draft presents the actuarial valuation of the pension scheme of {pop.country} at 1 January "
            f"{pop.base_year}, with projections to the end of {pop.final_year}{under}. Amounts are in {currency}; "
            "rates are shares of insurable earnings. Every figure in this summary is taken from the results "
            "of the run recorded in the Annex.")


def cost_finding(finance) -> str:
    years = _years(finance)
    first, last = int(years[0]), int(years[-1])
    return (f"The PAYG cost rate (expenditure, administration included, over insurable earnings) is "
            f"{percent(finance.indicator('paygo_cost_rate_first_year', 1))} in {first} and "
            f"{percent(finance.indicator('paygo_cost_rate_last_year', len(years)))} in {last}, against a "
            f"legislated contribution rate of {percent(_series(finance, 'contribution_rate', first))} in {first} "
            f"and {percent(_series(finance, 'contribution_rate', last))} in {last}.")


def demographic_finding(finance) -> str:
    years = _years(finance)
    first, last = int(years[0]), int(years[-1])
    return (f"The demographic ratio of the scheme (pensioners per active contributor) goes from "
            f"{decimal(_series(finance, 'demographic_ratio', first))} in {first} to "
            f"{decimal(_series(finance, 'demographic_ratio', last))} in {last}.")


def gap_findings(valuation) -> list[str]:
    """One sentence per entry of :data:`GAP_FINDINGS` that the valuation provides over the summary
    horizons."""
    finance = valuation.finance
    base = int(_years(finance)[0])
    sentences = []
    for name, sentence in GAP_FINDINGS:
        values = [f"{percent(value)} over {h} years ({base}\u2013{base + h - 1})"
                  for h, value in _horizons(finance, name)]
        if values:
            sentences.append(sentence.format(values=_join(values),
                                             target=decimal(valuation.inputs.finance.target_ratio)))
    return sentences


def reserve_finding(finance) -> str:
    """Reserve ratio at the end of the base year, at the end of each summary horizon and of the
    projection, and its lowest value."""
    years = _years(finance)
    base, last = int(years[0]), int(years[-1])
    ends = [base + h - 1 for h in SUMMARY_HORIZONS if base + h - 1 < last] + [last]
    path = _join([f"{decimal(_series(finance, 'reserve_ratio', y))} at the end of {y}" for y in ends])
    lowest = finance.indicator("minimum_reserve_ratio", len(years))
    ratios = finance.yearly["reserve_ratio"].to_numpy()
    when = int(years[int(np.argmin(ratios))])  # the year of the indicator's value
    return (f"The reserve is {decimal(finance.indicator('reserve_ratio_first_year', 1))} years of expenditure at "
            f"the end of {base}; it is {path}. Its lowest level is {decimal(lowest)} years of expenditure, "
            f"at the end of {when}.")


def depletion_finding(finance) -> str:
    years = _years(finance)
    n, last = len(years), int(years[-1])
    crossover = finance.indicator("crossover_year", n)
    depletion = finance.indicator("depletion_year", n)
    first = (f"Contributions and the state subsidy first fall short of expenditure in {year(crossover)} "
             "(the crossover year)" if not np.isnan(crossover) else
             f"Contributions and the state subsidy cover expenditure in every year to {last}")
    second = (f"the reserve is exhausted in {year(depletion)}" if not np.isnan(depletion) else
              f"the reserve is not exhausted by the end of {last}")
    return f"{first}; {second}."


def reference_career() -> str:
    """The stylised career of ILO C102/C128: average earnings, every year contributed, 30 years."""
    return next(name for name, relative, density, length in CAREERS
                if relative == 1.0 and density == 1.0 and length == ILO_REFERENCE_SERVICE)


def replacement_finding(replacement) -> str | None:
    """The replacement rate of the reference career in each year of retirement of the table, against
    the minima of ILO Conventions 102 and 128."""
    rows = replacement[replacement["career"] == reference_career()]
    if rows.empty:
        return None
    c102, c128 = float(rows["ilo_c102"].iloc[0]), float(rows["ilo_c128"].iloc[0])
    by_year = rows.pivot_table(index="year", columns="sex", values="replacement_rate", sort=True)
    same = all(percent(m, 1) == percent(f, 1) for m, f in zip(by_year["male"], by_year["female"]))
    parts = [f"{percent(r['male'], 1)}{' of the average wage' if k == 0 else ''} in {y}" if same else
             f"{percent(r['male'], 1)} for men and {percent(r['female'], 1)} for women"
             f"{' of the average wage' if k == 0 else ''} in {y}"
             for k, (y, r) in enumerate(by_year.iterrows())]
    rates = by_year.to_numpy()
    if rates.min() >= c128:
        verdict = "above both minima"
    elif rates.min() >= c102:
        verdict = (f"above the minimum of Convention No. 102 and below that of Convention No. 128 "
                   f"{'in every year shown' if rates.max() < c128 else 'in some years'}")
    else:
        verdict = "below the minimum of Convention No. 102 in some years"
    return (f"A worker who retires at the normal retirement age after {ILO_REFERENCE_SERVICE} years of "
            f"contributions on average earnings receives a pension of {_join(parts)}"
            f"{' (men and women alike)' if same else ''}. ILO Convention No. 102 sets a minimum of "
            f"{percent(c102, 1)} and Convention No. 128 of {percent(c128, 1)} for such a career: the rates are "
            f"{verdict}.")


def checks_finding(checks) -> str:
    failed = [c for c in checks if not c.ok]
    if not failed:
        return f"All {len(checks)} consistency checks of the run pass (Annex)."
    return (f"{len(failed)} of {len(checks)} consistency checks of the run failed "
            f"({', '.join(c.name for c in failed)}): the results must be reviewed before any use (Annex).")
