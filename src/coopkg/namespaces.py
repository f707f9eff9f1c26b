"""The one place that knows coopkg's IRIs: namespaces, graph names and the dataset IRI."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Namespace

COOP = Namespace("https://w3id.org/coopkg/ontology#")
KG = Namespace("https://w3id.org/coopkg/id/")
ONTOLOGY_IRI = "https://w3id.org/coopkg/ontology"
GRAPH_BASE = "https://w3id.org/coopkg/graph/"
DATASET_IRI = "https://w3id.org/coopkg/dataset"

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
QB = Namespace("http://purl.org/linked-data/cube#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TIME = Namespace("http://www.w3.org/2006/time#")

ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
INFERRED_GRAPH = GRAPH_BASE + "inferred"

PREFIXES: dict[str, str] = {
    "coop": str(COOP),
    "kg": str(KG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": str(SKOS),
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/",
    "time": str(TIME),
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "qb": str(QB),
}

_PAPER_FILE = re.compile(r"^(\d{3,})-[a-z0-9-]+\.(ttl|nt)$")


def graph_for_data_file(relative: Path) -> str:
    """Name the graph a data file loads into.

    A paper file ``data/papers/NNN-slug.ttl`` gives ``graph/paper-NNN`` (three digits or
    more: ``1042-slug.ttl`` gives ``graph/paper-1042``), so each paper's
    statements are one named graph; shared entity and vocabulary files give
    ``graph/entities`` and ``graph/vocab``.
    """
    parts = relative.parts
    if len(parts) >= 2 and parts[0] == "papers":
        match = _PAPER_FILE.match(parts[-1])
        if match:
            return f"{GRAPH_BASE}paper-{match.group(1)}"
        return f"{GRAPH_BASE}papers-other"
    if parts and parts[0] in ("entities", "vocab"):
        return GRAPH_BASE + parts[0]
    return GRAPH_BASE + "data"
