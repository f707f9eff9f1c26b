"""Publish a built release into an external SPARQL 1.1 store, then check it arrived whole.

Every named graph of the release (each data graph, ``graph/inferred``, ``graph/ontology``) is
written separately:

- over the **Graph Store HTTP Protocol** (``PUT <gsp>?graph=G`` with N-Triples): the store
  replaces the graph in one transaction (Oxigraph server, Fuseki, GraphDB do);
- or with **Virtuoso's bulk loader** (``ld_dir`` + ``rdf_loader_run`` over ``isql``), much
  faster than HTTP for large graphs; the graph is cleared and reloaded (not atomic: a reader
  can see it empty for the duration of the load).

Afterwards each graph is counted over SPARQL and compared with the release's VoID counts.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from .errors import CoopkgError, ReleaseNotFound
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from .release import DATA_NQ, INFERRED_NT, ONTOLOGY_TTL
from .remote import SparqlClient, query_endpoint, release_graph_counts


class PublishFailed(CoopkgError):
    """The store refused a graph, or holds different counts than the release after loading."""


@dataclass(frozen=True)
class StoreTarget:
    """Where a release goes: the query endpoint (for counting) and one way to write graphs."""

    query_url: str
    graph_store_url: str | None = None
    #: Virtuoso's isql ``host:port``; with it the bulk loader is used instead of the GSP
    isql: str | None = None
    isql_user: str = "dba"
    isql_password: str = "dba"
    #: a directory the Virtuoso server may read (``DirsAllowed``) for the bulk loader's files
    load_dir: Path | None = None


@dataclass
class PublishReport:
    graphs: dict[str, tuple[int, int]] = field(default_factory=dict)  # graph → (expected, found)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(expected == found for expected, found in self.graphs.values())

    def lines(self) -> list[str]:
        rows = [f"{found:>9} / {expected:<9} {'ok' if found == expected else 'MISMATCH'}  {graph}"
                for graph, (expected, found) in sorted(self.graphs.items())]
        total = sum(found for _, found in self.graphs.values())
        return [*rows, f"{total} triples in {len(self.graphs)} graphs, {self.seconds:.1f} s"]


def target_for(url: str, *, graph_store: str | None = None, isql: str | None = None,
               load_dir: str | None = None, isql_password: str = "dba") -> StoreTarget:
    """A bare ``http://host:port`` is taken as an Oxigraph server (``/query``, ``/store``)."""
    query_url = query_endpoint(url)
    if query_url != url:
        graph_store = graph_store or url.rstrip("/") + "/store"
    if not graph_store and not isql:
        raise CoopkgError("say how to write graphs: --graph-store URL (Graph Store Protocol) or --isql HOST:PORT")
    return StoreTarget(query_url, graph_store, isql, isql_password=isql_password,
                       load_dir=Path(load_dir) if load_dir else None)


def release_graph_files(dist: Path, scratch: Path) -> dict[str, Path]:
    """One N-Triples file per named graph of the release (written into ``scratch``)."""
    if not (dist / DATA_NQ).is_file():
        raise ReleaseNotFound(f"no release in {dist}: run `coopkg build` first")
    scratch.mkdir(parents=True, exist_ok=True)
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(dist / DATA_NQ), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph[quad.graph_name.value].append(quad.triple)
    files: dict[str, Path] = {}
    for index, (graph, triples) in enumerate(sorted(by_graph.items())):
        files[graph] = scratch / f"graph-{index:03d}.nt"
        files[graph].write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    if (dist / INFERRED_NT).is_file():
        files[INFERRED_GRAPH] = scratch / "inferred.nt"
        shutil.copyfile(dist / INFERRED_NT, files[INFERRED_GRAPH])
    if (dist / ONTOLOGY_TTL).is_file():
        files[ONTOLOGY_GRAPH] = scratch / "ontology.nt"
        triples = [q.triple for q in ox.parse(path=str(dist / ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE)]
        files[ONTOLOGY_GRAPH].write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return files


def publish_release(dist: Path, target: StoreTarget, scratch: Path,
                    progress: Callable[[str], None] = print) -> PublishReport:
    """Load every graph of the release into the store, then verify the counts."""
    dist = Path(dist)
    started = time.perf_counter()
    expected = release_graph_counts(dist)
    files = release_graph_files(dist, Path(target.load_dir or scratch))
    if target.isql:
        _bulk_load_virtuoso(files, target, progress)
    else:
        _put_graphs(files, target, progress)
    report = verify_counts(target.query_url, expected)
    report.seconds = time.perf_counter() - started
    return report


def verify_counts(query_url: str, expected: dict[str, int]) -> PublishReport:
    """Count every graph of the release in the store (also after a release was loaded by other
    means, e.g. ``oxigraph load`` into a stopped server's directory); fail on any difference."""
    report = PublishReport()
    client = SparqlClient(query_url, timeout=3600.0)
    for graph, count in sorted(expected.items()):
        found = client.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        report.graphs[graph] = (count, next(int(row["n"].value) for row in found))
    if not report.ok:
        raise PublishFailed("the store's triple counts differ from the release's VoID:\n" + "\n".join(report.lines()))
    return report


def _put_graphs(files: dict[str, Path], target: StoreTarget, progress: Callable[[str], None]) -> None:
    session = requests.Session()
    for graph, path in sorted(files.items()):
        with path.open("rb") as body:
            try:
                response = session.put(target.graph_store_url, params={"graph": graph}, data=body,
                                       headers={"Content-Type": "application/n-triples"}, timeout=(5, 3600))
            except requests.ConnectionError:
                raise PublishFailed(f"the graph store at {target.graph_store_url} is unavailable") from None
        if response.status_code >= 300:
            raise PublishFailed(f"{graph}: the graph store answered {response.status_code}: {response.text[:300]}")
        progress(f"loaded {graph}")


def _bulk_load_virtuoso(files: dict[str, Path], target: StoreTarget, progress: Callable[[str], None]) -> None:
    """``ld_dir`` one file at a time with its graph IRI, then one ``rdf_loader_run``."""
    lines = ["log_enable(2, 1);"]
    for graph, path in sorted(files.items()):
        folder, name = _sql_string(str(path.resolve().parent)), _sql_string(path.name)
        lines.append(f"SPARQL CLEAR GRAPH <{graph}>;")
        lines.append(f"DELETE FROM DB.DBA.load_list WHERE ll_file = {_sql_string(str(path.resolve()))};")
        lines.append(f"ld_dir({folder}, {name}, {_sql_string(graph)});")
    lines += ["rdf_loader_run();", "checkpoint;",
              "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;"]
    output = run_isql(target, "\n".join(lines) + "\n")
    if "*** Error" in output or "ll_error" in output and "0 Rows" not in output.split("ll_error", 1)[1]:
        raise PublishFailed("Virtuoso's bulk loader failed:\n" + output[-2000:])
    progress(f"bulk-loaded {len(files)} graphs")


def run_isql(target: StoreTarget, script: str, timeout: float = 3600) -> str:
    program = shutil.which("isql-vt") or shutil.which("isql")
    if program is None:
        raise PublishFailed("Virtuoso's isql (isql-vt) is not installed")
    done = subprocess.run([program, target.isql or "1111", target.isql_user, target.isql_password],
                          input=script, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise PublishFailed(f"isql failed ({done.returncode}): {output[-2000:]}")
    return output


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
