"""A synthetic release of the seed graph's shape at any size: the seed replicated with renamed IRIs.

Every copy renames each coopkg resource (``…/id/x`` → ``…/id/x-c7``) and each paper graph
(``…/graph/paper-000`` → ``…/graph/paper-000-c7``), keeping the vocabulary, the ontology and
the literals' shapes: the class mix, the degree of every node, the selectivity of every join
and the inferred/asserted ratio stay those of the seed; only the size grows. Written as a
release directory (data.nq, inferred.nt, ontology.ttl, SHA256SUMS) that ``open_store``, the
Oxigraph server and the rdflib endpoint all load.

    python benchmarks/synthetic.py --dist dist --out /tmp/coopkg-1m --triples 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox

ID = "https://w3id.org/coopkg/id/"
PAPER_GRAPH = "https://w3id.org/coopkg/graph/paper-"


def _rename(term, suffix: str):
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
        return ox.NamedNode(term.value + suffix)
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(term.value + suffix.replace("-", "_"))
    if isinstance(term, ox.Literal) and suffix and term.language:
        return ox.Literal(f"{term.value} {suffix[1:]}", language=term.language)
    return term


def _graph(graph, suffix: str):
    if isinstance(graph, ox.NamedNode) and graph.value.startswith(PAPER_GRAPH):
        return ox.NamedNode(graph.value + suffix)
    return graph


def generate(dist: Path, out: Path, triples: int) -> int:
    data = list(ox.parse(path=str(dist / "data.nq"), format=ox.RdfFormat.N_QUADS))
    inferred = list(ox.parse(path=str(dist / "inferred.nt"), format=ox.RdfFormat.N_TRIPLES))
    copies = max(1, round(triples / (len(data) + len(inferred))))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "data.nq", "wb") as data_out, open(out / "inferred.nt", "wb") as inferred_out:
        for copy in range(copies):
            suffix = f"-c{copy}" if copy else ""
            ox.serialize([ox.Quad(_rename(q.subject, suffix), q.predicate, _rename(q.object, suffix),
                                  _graph(q.graph_name, suffix)) for q in data], data_out, ox.RdfFormat.N_QUADS)
            ox.serialize([ox.Triple(_rename(t.subject, suffix), t.predicate, _rename(t.object, suffix))
                          for t in inferred], inferred_out, ox.RdfFormat.N_TRIPLES)
    shutil.copy(dist / "ontology.ttl", out / "ontology.ttl")
    sums = "".join(f"{hashlib.sha256((out / n).read_bytes()).hexdigest()}  {n}\n"
                   for n in ("data.nq", "inferred.nt", "ontology.ttl"))
    (out / "SHA256SUMS").write_text(sums)
    return copies * (len(data) + len(inferred))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", default="dist", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--triples", default=1_000_000, type=int)
    args = parser.parse_args()
    print(f"{generate(args.dist, args.out, args.triples)} quads written to {args.out}")


if __name__ == "__main__":
    main()
