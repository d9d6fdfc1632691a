"""Every input of a valuation, block by block, as the actuary enters them."""

from dataclasses import dataclass

from socsec.model.economy import EconomyInputs
from socsec.model.finance import FinanceInputs
from socsec.model.pension import PensionInputs
from socsec.model.population import PopulationInputs


@dataclass(frozen=True)
class ModelInputs:
    population: PopulationInputs
    economy: EconomyInputs
    pension: PensionInputs
    finance: FinanceInputs
