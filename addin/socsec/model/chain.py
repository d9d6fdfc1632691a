"""The chain of blocks, declared once (:data:`STEPS`, in order), and the lazy valuation that runs it:
each block is computed when first asked for, and a block whose inputs (and those of every block
before it) are the very objects of a base valuation is taken from the base instead of being
recomputed.  A full valuation (:func:`~socsec.model.valuation.run_valuation`) is every step of a
LazyValuation without a base, then the checks.

Used by what-if tools that ask for one indicator under many input overrides (the Excel
function SOCSEC_INDICATOR in a Data Table): with an economy override only, the population
projection of the base is reused; an indicator of the population block never runs the pension
block.  :func:`socsec.model.overrides.apply_overrides` keeps the blocks it does not change as
the same objects, which is what makes reuse safe.

The checks of a full valuation come from :func:`~socsec.model.valuation.checked_valuation` on the
blocks of the steps.
"""

from dataclasses import fields as dataclass_fields

from socsec.model.economy import EconomyInputs, project_economy, with_investment_return
from socsec.model.fields import RETURN, read_by
from socsec.model.finance import project_finance
from socsec.model.pension import (BENEFIT_ASSUMPTIONS, BENEFIT_RULES, CONTRIBUTION_RULES, project_benefits,
                                  project_insured, project_scheme_batch, with_contribution_rules)
from socsec.model.population import project_population
from socsec.model.valuation import checked_valuation

# block name -> (the ModelInputs fields it reads, function(lazy valuation) -> projection); chain order.
# What a step does not read comes from the steps declared with the fields (socsec.model.fields):
# RETURN_FIELDS, and the rules and assumptions of socsec.model.pension (BENEFIT_RULES, ...).
# A field may be given as (field, ignored): ``ignored`` lists sub-fields of that input block the
# projection does not depend on (through any earlier block either), each a name or again
# (sub-field, ignored); a change there alone lets the block be reused.
RETURN_FIELDS = read_by(EconomyInputs, RETURN)  # the economy's investment return: 3 macro columns
STEPS = {
    "population": (("population",), lambda v: project_population(v.inputs.population.to_assumptions(),
                                                                engine=v.engine)),
    # labour force, wages, prices and GDP (the economy with whatever investment return)
    "economy_frame": (("population", ("economy", RETURN_FIELDS)),
                      lambda v: project_economy(v.inputs.economy, v.population, engine=v.engine)),
    # the same with the investment return of this valuation (the frame itself when made for it)
    "economy": (("population", "economy"), lambda v: with_investment_return(v.economy_frame, v.inputs.economy)
                if v.reused("economy_frame") else v.economy_frame),
    # the insured persons of the scheme: employment from the economy; no rule of benefits (in a valuation of
    # a batch, made with the scheme, year by year)
    "insured": (("population", ("economy", RETURN_FIELDS),
                 ("pension", (("rules", BENEFIT_RULES), ("assumptions", BENEFIT_ASSUMPTIONS), "actual"))),
                lambda v: v.scheme.insured if v.buffers is not None else project_insured(
                    v.inputs.pension, v.population, v.economy, engine=v.engine, detail=v.detail)),
    # wages, awards and pensioners of those insured: wages and prices from the economy, not the
    # investment return; not the contribution rate or the administrative expenses either
    "scheme": (("population", ("economy", RETURN_FIELDS), ("pension", (("rules", CONTRIBUTION_RULES),))),
               lambda v: project_scheme_batch(v.inputs.pension, v.population, v.economy, v.engine, v.buffers)
               if v.buffers is not None else project_benefits(v.insured, v.inputs.pension, v.population, v.economy,
                                                              engine=v.engine)),
    # the same with the contributions and expenses of this valuation's rules (the scheme itself when
    # projected for them)
    "pension": (("population", ("economy", RETURN_FIELDS), "pension"),
                lambda v: with_contribution_rules(v.scheme, v.inputs.pension) if v.reused("scheme") else v.scheme),
    "finance": (("population", "economy", "pension", "finance"), lambda v: project_finance(
        v.inputs.finance, v.pension, v.economy, v.inputs.pension, v.engine)),
}


def _same(mine, theirs, ignored) -> bool:
    """``mine`` is ``theirs``, or equal to it field by field (by identity) but for ``ignored``."""
    if mine is theirs:
        return True
    if not ignored:
        return False
    nested = dict(item if isinstance(item, tuple) else (item, None) for item in ignored)
    for f in dataclass_fields(mine):
        if f.name in nested:
            if nested[f.name] is not None and not _same(getattr(mine, f.name), getattr(theirs, f.name),
                                                        nested[f.name]):
                return False
        elif getattr(mine, f.name) is not getattr(theirs, f.name):
            return False
    return True


class LazyValuation:
    """The attributes of a :class:`~socsec.model.valuation.Valuation`, each computed on first use.

    ``base``: a LazyValuation of inputs from which ``inputs`` were derived by overrides; its
    blocks are reused (and computed there if needed, so other variants share them) when this
    valuation's inputs for the block and all blocks before it are identical objects.
    ``buffers``: a :class:`~socsec.model.pension.PensionBuffers` shared by the valuations of a batch
    (the valuation is then valid only until the next one made with them).
    """

    def __init__(self, inputs, base: "LazyValuation | None" = None, engine: str = "numba", detail: bool = False,
                 buffers=None):
        self.inputs = inputs
        self.base = base
        self.engine = engine
        self.detail = detail  # keep the pension flows by age and service (socsec.model.pension.project_pension)
        if buffers is not None and detail:
            raise ValueError("a valuation of a batch (buffers) keeps no pension flows by service (detail)")
        self.buffers = buffers
        self._blocks: dict = {}
        self._reused: set = set()  # blocks taken from the base
        self._full = None

    def _same_inputs(self, fields) -> bool:
        if self.base is None:
            return False
        for field in fields:
            name, ignored = field if isinstance(field, tuple) else (field, ())
            if not _same(getattr(self.inputs, name), getattr(self.base.inputs, name), ignored):
                return False
        return True

    def block(self, name: str):
        if name not in self._blocks:
            fields, compute = STEPS[name]
            if self._same_inputs(fields):
                self._reused.add(name)
                self._blocks[name] = self.base.block(name)
            else:
                self._blocks[name] = compute(self)
        return self._blocks[name]

    def reused(self, name: str) -> bool:
        """Whether block ``name`` (computed first if needed) is the base's, made for other inputs."""
        self.block(name)
        return name in self._reused

    def full(self, every_result: bool = False):
        """The complete :class:`~socsec.model.valuation.Valuation`: every block of :data:`STEPS` (computed or
        reused) and the checks (``every_result``: those of the capital values of pensions too, made now)."""
        if every_result:
            return checked_valuation(self.inputs, self.population, self.economy, self.pension, self.finance, True)
        if self._full is None:
            if self.base is not None and self._same_inputs([f.name for f in dataclass_fields(self.inputs)]):
                self._full = self.base.full()
            else:
                self._full = checked_valuation(self.inputs, self.population, self.economy, self.pension,
                                               self.finance)
        return self._full

    def computed(self) -> tuple:
        """Names of the blocks computed or reused so far (for tests and benchmarks)."""
        return tuple(self._blocks)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in STEPS:
            return self.block(name)
        return getattr(self.full(), name)
