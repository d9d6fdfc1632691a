"""User-facing errors: bad input is reported with its place, never as a traceback."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem with the input: where (file, sheet and cell, or table) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InputError(Exception):
    """Bad input; carries every problem found so they can be shown together."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(Exception):
    """The environment stops a run from writing its results (a folder where a file is expected, no
    permission, a full disk): exit code 4, distinct from bad input (2) and internal errors (1)."""
