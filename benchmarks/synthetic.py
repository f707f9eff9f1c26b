"""A synthetic release of the seed graph's shape at any size: the seed replicated with renamed IRIs.

Every copy renames each coopkg resource (``…/id/x`` → ``…/id/x-c7``) and each paper graph
(``…/graph/paper-000`` → ``…/graph/paper-000-c7``), keeping the vocabulary, the ontology and
the literals' shapes: the class mix, the degree of every node, the selectivity of every join
and the inferred/asserted ratio stay those of the seed; only the size grows. Written as a
release directory (data.nq, inferred.nt, ontology.ttl, SHA256SUMS) that ``open_store``, the
Oxigraph server and the rdflib endpoint all load.

    python benchmarks/synthetic.py --dist dist --out /tmp/coopkg-1m --triples 1000000

With ``--sources`` it writes *sources* instead (ontology/, shapes/, data/) for
``coopkg build --root OUT``: the ontology, shapes, shared entities and vocabularies once, the
five paper files as they are, then copy ``c`` of the five papers in one file
``data/papers/NNN-copy-c.ttl`` (graph ``paper-NNN``), every resource the papers describe
renamed ``…-cc``. Entities and vocabulary are shared by every copy, so the links from papers
to them stay as dense as in the seed and every check (terms, links, SHACL) still passes.
Paper numbers past 999 take four digits (``1004-copy-1000.ttl`` is graph ``paper-1004``).

    python benchmarks/synthetic.py --sources --root . --out /tmp/coopkg-scale/1m/src --triples 1000000
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


def _papers_and_shared(root: Path) -> tuple[list[Path], list[Path]]:
    data = sorted((root / "data").rglob("*.ttl"))
    papers = [p for p in data if p.parent.name == "papers"]
    return papers, [p for p in data if p not in papers]


def _described(paths: list[Path]) -> set[str]:
    """The coopkg IRIs these files describe (subjects): what a copy must rename."""
    return {q.subject.value for path in paths for q in ox.parse(path=str(path))
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ID)}


def _mentioned(paths: list[Path]) -> set[str]:
    """Every coopkg IRI these files use, as subject or object."""
    return {term.value for path in paths for q in ox.parse(path=str(path)) for term in (q.subject, q.object)
            if isinstance(term, ox.NamedNode) and term.value.startswith(ID)}


def _two_way_properties(ontology: Path) -> set[str]:
    """Properties whose triples also hold read backwards: owl:inverseOf either side, symmetric ones."""
    owl = "http://www.w3.org/2002/07/owl#"
    found = set()
    for path in sorted(ontology.glob("*.ttl")):
        for q in ox.parse(path=str(path)):
            if q.predicate.value == owl + "inverseOf":
                found.update({q.subject.value, q.object.value})
            elif q.predicate.value.endswith("type") and q.object.value == owl + "SymmetricProperty":
                found.add(q.subject.value)
    return found


def _kept_shared(mentioned: set[str], paper_triples: list[ox.Triple], two_way: set[str]) -> set[str]:
    """What the shared files mention, and everything the papers say those resources point to.

    A shared resource must not gain one value per copy (a section with a coop:sectionOf to
    every copy of its paper breaks "exactly one"), nor reach a copy through a transitive
    property (every copy would then be linked to every other through the shared places and
    the closure would grow with the square of the copies). A resource pointing at a shared one
    through an inverse or symmetric property is pointed at in return, so it stays shared too.
    """
    shared, todo = set(mentioned), list(mentioned)
    pointing: dict[str, set[str]] = {}
    for t in paper_triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            pointing.setdefault(t.subject.value, set()).add(t.object.value)
            if t.predicate.value in two_way:
                pointing.setdefault(t.object.value, set()).add(t.subject.value)
    while todo:
        for target in pointing.get(todo.pop(), ()):
            if target not in shared:
                shared.add(target)
                todo.append(target)
    return shared


def _value(term) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _copy_triple(triple: ox.Triple, renamed: set[str], suffix: str) -> ox.Triple:
    """Rename the copy's own resources; their labels get the suffix too (shared ones keep theirs,
    since a second label in the same language would break sh:uniqueLang)."""
    subject, obj = triple.subject, triple.object
    own = isinstance(subject, ox.NamedNode) and subject.value in renamed
    if own:
        subject = ox.NamedNode(subject.value + suffix)
        if isinstance(obj, ox.Literal) and obj.language:
            obj = ox.Literal(f"{obj.value} {suffix[1:]}", language=obj.language)
    if isinstance(obj, ox.NamedNode) and obj.value in renamed:
        obj = ox.NamedNode(obj.value + suffix)
    return ox.Triple(subject, triple.predicate, obj)


def generate_sources(root: Path, out: Path, triples: int) -> tuple[int, int]:
    """Write a source tree of about ``triples`` asserted data triples; return (copies, triples)."""
    papers, shared = _papers_and_shared(root)
    paper_triples = [t for path in papers for t in ox.parse(path=str(path))]
    kept = _kept_shared(_mentioned(shared), paper_triples, _two_way_properties(root / "ontology"))
    renamed = _described(papers) - kept
    # a copy holds only what renaming changes (the rest would repeat copy 0's triples)
    copied = [t for t in paper_triples if _value(t.subject) in renamed or _value(t.object) in renamed]
    base_count = len({t for path in papers + shared for t in ox.parse(path=str(path))})
    copies = max(1, 1 + round((triples - base_count) / len(copied)))
    if out.exists():
        shutil.rmtree(out)
    for folder in ("ontology", "shapes"):
        shutil.copytree(root / folder, out / folder)
    for path in papers + shared:
        target = out / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    prefixes = {"kg": ID, "coop": "https://w3id.org/coopkg/ontology#",
                "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/"}
    for copy in range(1, copies):
        suffix = f"-c{copy}"
        triples_out = [_copy_triple(t, renamed, suffix) for t in copied]
        ox.serialize(triples_out, str(out / "data" / "papers" / f"{len(papers) - 1 + copy:03d}-copy-{copy}.ttl"),
                     ox.RdfFormat.TURTLE, prefixes=prefixes)
    return copies, base_count + (copies - 1) * len(copied)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", default="dist", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--triples", default=1_000_000, type=int)
    parser.add_argument("--sources", action="store_true", help="write sources (ontology/, shapes/, data/) to build")
    parser.add_argument("--root", default=".", type=Path, help="with --sources: the project whose sources to copy")
    args = parser.parse_args()
    if args.sources:
        copies, count = generate_sources(args.root, args.out, args.triples)
        print(f"{copies} copies of the papers, {count} asserted data triples written to {args.out}")
        return
    print(f"{generate(args.dist, args.out, args.triples)} quads written to {args.out}")


if __name__ == "__main__":
    main()
