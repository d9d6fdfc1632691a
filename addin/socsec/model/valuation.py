"""Orchestration of the model chain (population -> labour force and economy -> pension scheme ->
financing) and its consistency checks."""

from dataclasses import dataclass

import numpy as np

from socsec.core.checks import LIMIT, PERSONS, WORST, Frame, scheme_frame_kernel
from socsec.core.pension import Flow
from socsec.model.economy import EconomyProjection
from socsec.model.finance import FinanceProjection
from socsec.model.inputs import ModelInputs
from socsec.model.pension import PENSION_TYPES, PensionProjection, contributor_years
from socsec.model.population import SEXES, PopulationProjection

ACCOUNTING_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Check:
    """One consistency check of a run: worst value found against its tolerance."""

    name: str
    value: float
    tolerance: float
    ok: bool
    description: str
    where: str = ""  # the worst cell (year, sex, age) of a check made cell by cell


@dataclass(frozen=True)
class Valuation:
    inputs: ModelInputs
    population: PopulationProjection
    economy: EconomyProjection
    pension: PensionProjection
    finance: FinanceProjection
    checks: tuple

    @property
    def master_ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def options(self) -> str:
        """The timing conventions used, printed with the results."""
        pop, eco = self.inputs.population, self.inputs.economy
        rules, fin = self.inputs.pension.rules, self.inputs.finance
        return (f"migration timing: {pop.migration_timing}; mortality input: {pop.mortality_kind}; "
                f"fertility input: {pop.fertility_input}; wage growth: {eco.wage_growth_input}; "
                f"investment return: {eco.return_input}; reference earnings: {rules.reference_earnings}, "
                f"revalued with {rules.revaluation}; ceiling indexed with {rules.ceiling_indexation}; "
                f"scaled premium: {fin.scaled_variant}; stocks at 1 January, flows during the calendar year, "
                "awards and exits at mid-year, pensions indexed on 1 January, entrants on 31 December; "
                "labour force on the average population of the year")


def run_valuation(inputs: ModelInputs, engine: str = "numba", detail: bool = False,
                  every_result: bool = False, buffers=None) -> Valuation:
    """Run every block of the chain on ``inputs`` (the steps of :data:`socsec.model.chain.STEPS`, in their
    order) and check the results (``detail``: keep the pension flows by age and service, see
    :func:`socsec.model.pension.project_pension`; ``every_result``: check the capital values of pensions
    too, made now, for a run that writes them; ``buffers``: the
    :class:`~socsec.model.pension.PensionBuffers` of a batch, the valuation then valid until the next one
    made with them)."""
    from socsec.model.chain import LazyValuation  # the chain builds on this module's checks

    return LazyValuation(inputs, engine=engine, detail=detail, buffers=buffers).full(every_result)


def checked_valuation(inputs, population, economy, pension, finance, every_result: bool = False) -> Valuation:
    """The Valuation of the projected blocks, with every consistency check run on them (``every_result``:
    the results checks cover the capital values of pensions, made now; otherwise only if already made)."""
    from socsec.model.results_checks import results_checks
    checks = (population_checks(population) + economy_checks(economy)
              + pension_checks(pension, economy, population, inputs.pension.assumptions)
              + results_checks(population, economy, pension, finance, every_result))
    return Valuation(inputs, population, economy, pension, finance, checks)


def population_checks(projection: PopulationProjection) -> tuple:
    """Accounting identity, non-negative stocks and births (docs/methodology.md section 6.3)."""
    pop = projection.population
    by_sex = pop.sum(axis=2)  # (n + 1, 2) on each 1 January
    start, end = by_sex[:-1], by_sex[1:]
    residual = end - (start + projection.births - projection.deaths + projection.net_migrants)
    accounting = float(np.max(np.abs(residual) / np.maximum(np.abs(end), 1.0)))
    negative = float(max(0.0, -pop.min()))
    n_negative = int(np.count_nonzero(pop < 0))
    births_negative = float(max(0.0, -projection.births.min()))
    return (
        Check("Population accounting identity", accounting, ACCOUNTING_TOLERANCE,
              accounting <= ACCOUNTING_TOLERANCE,
              "max over years and sexes of |P(t+1) - (P(t) + births - deaths + net migration)| / P(t+1)"),
        Check("No negative population", negative, 0.0, n_negative == 0,
              "largest deficit of one age, sex and year (persons); " +
              (f"{n_negative} negative cells: emigration exceeds the population of some ages, lower the "
               "emigration assumption" if n_negative else "no negative cell")),
        Check("No negative births", births_negative, 0.0, births_negative == 0.0,
              "largest negative number of births of one sex and year (persons)"),
    )


def cell_name(t: int, g: int, x: int, first_year: int) -> str:
    """"year, sex, age x" of cell (t, g, x) of an array by year from ``first_year``, sex and age."""
    return f"{first_year + t}, {SEXES[g]}, age {x}"


def flat_cell_name(cell: int, A: int, first_year: int) -> str:
    """:func:`cell_name` of flat index ``cell`` of an array (years, 2, A)."""
    return cell_name(cell // (2 * A), cell // A % 2, cell % A, first_year)


def worst_cell(excess, first_year: int) -> tuple[float, str]:
    """The largest value of ``excess`` (years, 2, A), by year from ``first_year``, sex and age, and where
    it is (:func:`cell_name`); (0, "") when the array is empty."""
    excess = np.asarray(excess, dtype=np.float64)
    if excess.size == 0:
        return 0.0, ""
    t, g, x = np.unravel_index(int(np.argmax(excess)), excess.shape)
    return float(excess[t, g, x]), cell_name(t, g, x, first_year)


def frame_checks(pension: PensionProjection, economy: EconomyProjection, population: PopulationProjection,
                 assumptions) -> tuple:
    """The checks of ``core.checks.Frame``, cell by cell (year, sex, age) in one pass
    (``scheme_frame_kernel``): actives within the employed, pensioners of each type, old-age and invalidity
    pensioners, and actives with inactive insured and those pensioners within the population (inactive
    insured and pensioners abroad, ``assumptions.abroad_share`` by sex, left out), nobody insured below
    the minimum working age.  A bound's value is the largest share of its limit a cell reaches (persons /
    limit; infinite where the limit is 0 and persons are not), so 1 is the bound, and ``where`` names that
    cell with both numbers; (checks, lowest number or amount of pensioners in any cell)."""
    first = int(pension.years[0])
    min_age, A = economy.min_working_age, pension.actives_by_age.shape[2]
    resident = 1.0 - np.asarray(assumptions.abroad_share, dtype=np.float64)  # living in the country
    worst = np.empty((len(Frame), 3))
    cells, over = np.empty(len(Frame), dtype=np.int64), np.empty(len(Frame), dtype=np.int64)
    lowest = scheme_frame_kernel(pension.actives_by_age, pension.inactive_by_age, pension.pensioners,
                                 pension.pension_amount, population.population, economy.employed, resident, min_age,
                                 ACCOUNTING_TOLERANCE, worst, cells, over)

    def bound(j: Frame, name: str, description: str) -> Check:
        where = ""
        if cells[j] >= 0:
            where = (f"{flat_cell_name(int(cells[j]), A, first)}: {worst[j, PERSONS]:,.1f} against "
                     f"{worst[j, LIMIT]:,.1f}")
        return Check(name, float(worst[j, WORST]), 1.0, over[j] == 0, description, where)

    young, young_where = float(worst[Frame.YOUNG_INSURED, WORST]), ""
    if over[Frame.YOUNG_INSURED]:
        young_where = flat_cell_name(int(cells[Frame.YOUNG_INSURED]), min_age, first)
    pensioner_bounds = [bound(Frame.OLD_AGE + k, f"Pensioners within the population: {kind.replace('_', '-')}",
                              "pensioners of this type living in the country / population on 1 January in the "
                              "worst year, sex and age (at most 1)") for k, kind in enumerate(PENSION_TYPES)]
    return (
        bound(Frame.ACTIVES_IN_EMPLOYMENT, "Actives within employment",
              "active insured / employed in the worst year, sex and age (at most 1): above it, the base "
              "data or the coverage put more contributors than workers at that age"),
        Check("Nobody insured below the minimum working age", young, 0.0, young <= 0.0,
              f"largest number of active or inactive insured at one age below {min_age} (persons)", young_where),
        *pensioner_bounds,
        bound(Frame.OWN_PENSIONERS, "Old-age and invalidity pensioners within the population",
              "old-age plus invalidity pensioners (one person holds at most one) living in the country / "
              "population, worst year, sex and age (at most 1)"),
        bound(Frame.INSURED_AND_OWN, "Insured and own pensioners within the population",
              "active and inactive insured plus old-age and invalidity pensioners living in the country (each "
              "person in one state) / population, worst year, sex and age (at most 1)"),
    ), lowest


def economy_checks(economy: EconomyProjection) -> tuple:
    """Labour force = employed + unemployed; unemployment never above the labour force; nobody
    employed below the minimum working age."""
    scale = np.maximum(np.abs(economy.labour_force), 1.0)
    identity = float(np.max(np.abs(economy.labour_force - economy.employed - economy.unemployed) / scale))
    excess = float(max(np.max(economy.unemployed - economy.labour_force), 0.0))
    young = economy.employed[:, :, :economy.min_working_age]
    child_work, where = worst_cell(young, int(economy.years[0]))
    return (
        Check("Labour force = employed + unemployed", identity, ACCOUNTING_TOLERANCE,
              identity <= ACCOUNTING_TOLERANCE, "max relative residual over years, sexes and ages"),
        Check("Unemployment within the labour force", excess, 0.0, excess == 0.0,
              "largest excess of unemployed over the labour force at one age (persons): the relative "
              "unemployment factors push the rate above 100% at some ages; lower them"),
        Check("Nobody employed below the minimum working age", child_work, 0.0, child_work <= 0.0,
              f"largest number employed at one age below {economy.min_working_age} (persons): participation "
              "rates must be 0 below the minimum working age", where if child_work > 0.0 else ""),
    )


def pension_checks(pension: PensionProjection, economy: EconomyProjection, population: PopulationProjection,
                   assumptions) -> tuple:
    """Persons, service and pensioners conserved; contributor-years paid = service credited; no negative
    stock; and, cell by cell (year, sex, age), the scheme inside the demographic frame: actives within
    the employed, nobody insured below the minimum working age, pensioners of each type, old-age and
    invalidity pensioners, and actives with inactive insured and those pensioners within the
    population (inactive insured and pensioners abroad, ``assumptions.abroad_share`` by sex, left out)
    (docs/methodology.md section 14.1)."""
    f = pension.by_age
    first = int(pension.years[0])
    total = pension.insured.columns  # the flows of each year summed over sexes and ages
    exits = sum(total[k] for k in ("deaths_actives", "deaths_inactive", "invalidity_exits", "retirements_actives",
                                   "retirements_inactive"))
    stocks = pension.insured.flow_totals  # (n + 1, len(Flow)): the stocks of each 1 January in two columns
    insured = stocks[:, Flow.ACTIVES] + stocks[:, Flow.INACTIVE]
    start = insured[:-1] + total["new_entrants"]
    end = insured[1:] + exits
    persons = float(np.max(np.abs(end - start) / np.maximum(start, 1.0)))
    in_service = pension.service_years  # years of service at each 1 January
    service_start = in_service[:-1] + total["service_credited"]
    service_end = in_service[1:] + f["exit_service"]
    service = float(np.max(np.abs(service_end - service_start) / np.maximum(service_start, 1.0)))
    paid = contributor_years(pension.insured, assumptions.density)
    credit_gap, credit_where = worst_cell(np.abs(paid - f["credited"]) / np.maximum(paid, 1.0), first)
    by_type = lambda name: np.column_stack([pension.columns[f"{name}_{kind}"] for kind in PENSION_TYPES])  # noqa: E731
    number = pension.pensioners.sum(axis=(2, 3))  # (n + 1, 4) on each 1 January, by type
    expected = number[:-1] - by_type("deaths") - by_type("other_exits") + by_type("awards")
    worst_pensioners = float(np.max(np.abs(number[1:] - expected) / np.maximum(number[1:], 1.0)))
    frame, lowest_pensioners = frame_checks(pension, economy, population, assumptions)
    negative = float(max(0.0, -min(pension.lowest_insured, lowest_pensioners)))
    return (
        Check("Insured persons conserved", persons, ACCOUNTING_TOLERANCE, persons <= ACCOUNTING_TOLERANCE,
              "stock + entrants vs next stock + exits (deaths, invalidity, retirements), max relative residual"),
        Check("Credited service conserved", service, ACCOUNTING_TOLERANCE, service <= ACCOUNTING_TOLERANCE,
              "service + credits of the year vs next service + service of the exits, max relative residual"),
        Check("Contributor-years paid = service credited", credit_gap, ACCOUNTING_TOLERANCE,
              credit_gap <= ACCOUNTING_TOLERANCE, "average actives x density vs years of service credited in the "
              "year, by year, sex and age, max relative difference", credit_where
              if credit_gap > ACCOUNTING_TOLERANCE else ""),
        Check("Pensioners reconcile", worst_pensioners, ACCOUNTING_TOLERANCE, worst_pensioners <= ACCOUNTING_TOLERANCE,
              "pensioners + awards - deaths - other exits vs next stock, each type, max relative residual"),
        Check("No negative scheme stock", negative, 0.0, negative == 0.0,
              "most negative number of insured or pensioners, or pension amount, in any cell"),
        *frame,
    )
