"""Every input of a valuation, block by block, as the actuary enters them."""

from dataclasses import dataclass, fields

from socsec.model.economy import EconomyInputs
from socsec.model.fields import FieldPaths
from socsec.model.finance import FinanceInputs
from socsec.model.pension import PensionInputs
from socsec.model.population import PopulationInputs


@dataclass(frozen=True)
class ModelInputs:
    """The inputs of each block, in the order of the chain (each block reads the results of those before it)."""

    population: PopulationInputs
    economy: EconomyInputs
    pension: PensionInputs
    finance: FinanceInputs


CHAIN = tuple(f.name for f in fields(ModelInputs))  # the blocks in the order of the chain
FIELDS = FieldPaths(ModelInputs)  # every input field by name, e.g. FIELDS.pension.rules.normal_age
