"""Every failure a user can cause is its own type, each with a one-line message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CoopkgError(Exception):
    """Base class: ``str(error)`` is the one line the CLI prints."""


@dataclass
class SourceSyntaxError(CoopkgError):
    """A source file that does not parse; points at file:line:column."""

    path: Path
    line: int
    column: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: syntax error: {self.reason}"


@dataclass
class UnsupportedSourceFile(CoopkgError):
    """A file in data/ that is neither Turtle nor N-Triples."""

    path: Path

    def __str__(self) -> str:
        return f"{self.path}: refused: data/ holds only Turtle (.ttl) or N-Triples (.nt) files"


@dataclass
class CheckFailure(CoopkgError):
    """One or more problems found by a check; each problem is a line."""

    check: str
    problems: list[str]

    def __str__(self) -> str:
        head = f"{self.check}: {len(self.problems)} problem(s)"
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)


class ReasoningBudgetExceeded(CoopkgError):
    """The OWL RL closure ran past its time or size budget."""


class ReasoningInconsistency(CoopkgError):
    """OWL RL found the graph inconsistent (e.g. an entity in two disjoint classes)."""


class UnsupportedOntology(CoopkgError):
    """The chosen reasoner cannot handle a construct of the ontology or an entailment of the data."""


class ReleaseNotFound(CoopkgError):
    """No built release where one was expected."""
