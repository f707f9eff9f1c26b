"""``coopkg build``: sources → checks → OWL 2 RL closure → release, with progress.

This module only wires the stages together and times them; each stage lives in its own
module and knows nothing of the next.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from .checks import run_checks
from .namespaces import ONTOLOGY_IRI
from .reasoning import ReasoningBudget, closure_of
from .release import ReleaseContent, ReleaseSummary, write_release
from .sources import load_sources

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class BuildOptions:
    root: Path
    dist: Path
    reason: bool = True
    budget: ReasoningBudget = field(default_factory=ReasoningBudget)
    #: "owlrl" (default) or "reasonable" (same published closure, made for large graphs)
    reasoner: str = "owlrl"


@dataclass
class BuildResult:
    summary: ReleaseSummary
    timings: dict[str, float]
    version: str


def build(options: BuildOptions, progress: Progress = stderr_progress) -> BuildResult:
    """Run the whole pipeline; any stage's error propagates and ``dist`` stays untouched."""
    timings: dict[str, float] = {}

    def step(name: str, action: Callable):
        progress(f"[{len(timings) + 1}/4] {name} …")
        start = time.perf_counter()
        value = action()
        timings[name] = time.perf_counter() - start
        progress(f"      done in {timings[name]:.2f} s")
        return value

    sources = step("parse sources", lambda: load_sources(options.root))
    report = step("check (terms, links, SHACL)", lambda: run_checks(sources, progress))

    def reason() -> ox.Store:
        if not options.reason:
            return ox.Store()
        # owlrl works on an rdflib graph (the one whole-graph SHACL already built for a small
        # dataset); reasonable reads the store
        data = sources.data_union() if options.reasoner == "owlrl" else sources.data
        return closure_of(sources.ontology, data, options.budget, options.reasoner, progress)

    inferred = step(f"reason (OWL 2 RL, {options.reasoner})", reason)
    version = ontology_version(sources.ontology)
    content = ReleaseContent(version, sources.ontology, sources.shapes, sources.data, inferred, report.shacl_report)
    summary = step("write release", lambda: write_release(content, options.dist, progress))
    return BuildResult(summary, timings, version)


def ontology_version(ontology: Graph) -> str:
    """The dataset version is the ontology's owl:versionInfo (one place to bump)."""
    value = ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    return str(value) if value is not None else "0.0.0"


def format_summary(result: BuildResult) -> str:
    """One screen: counts per graph, totals, files and timings."""
    s = result.summary
    lines = [f"coopkg {result.version} built into {s.directory}", "", f"{'graph':<50} {'triples':>7}"]
    for name, count in sorted(s.graph_triples.items()):
        lines.append(f"  {name:<48} {count:>7}")
    lines += [
        f"  {'asserted (all data graphs)':<48} {s.asserted_triples:>7}",
        f"  {'inferred (OWL 2 RL, new triples)':<48} {s.inferred_triples:>7}",
        "",
        "files: " + ", ".join(f"{name} ({size:,} B)" for name, size in s.files.items()),
        "time:  " + ", ".join(f"{name} {sec:.2f} s" for name, sec in result.timings.items())
        + f"; total {sum(result.timings.values()):.2f} s",
    ]
    return "\n".join(lines)
