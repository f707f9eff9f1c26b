"""The landing page (search, papers, classes, concept schemes, examples) and the health check.

``/`` is the dataset's landing page: browsers get HTML, RDF clients the dataset's VoID
description (the same document as ``/dataset``).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, render_template

from ..namespaces import COOP, INFERRED_GRAPH, PREFIXES
from .documents import HTML, RDF_TYPES, output_prefixes, serialize
from .dumps import dataset_view, void_triples
from .entity_view import EntityViewBuilder
from .language import chosen_language
from .ontology_docs import model
from .pages import site
from .resources import respond
from .site import RDF_TYPE

bp = Blueprint("home", __name__)


def _instances_of(cls: str) -> list[str]:
    found = set()
    for quad in site().store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), None):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if graph != INFERRED_GRAPH and isinstance(quad.subject, ox.NamedNode):
            found.add(quad.subject.value)
    return sorted(found)


@bp.get("/")
def home() -> Response:
    current = site()

    def html() -> str:
        lang = chosen_language()
        builder = EntityViewBuilder(current, lang)
        ontology = model()
        classes = sorted(
            ((builder.link(term.iri), ontology.instance_counts[term.iri]) for term in ontology.own_terms("classes")
             if ontology.instance_counts[term.iri]),
            key=lambda item: (-item[1], item[0].text))
        return render_template(
            "home/index.html",
            dataset=dataset_view(current),
            papers=[builder.link(p) for p in _instances_of(str(COOP.SourceDocument))],
            schemes=[builder.link(s) for s in _instances_of(PREFIXES["skos"] + "ConceptScheme")],
            examples=[builder.link(e) for e in dataset_view(current).examples],
            classes=classes,
        )

    def document(media_type: str, _path: str) -> bytes:
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in void_triples(current)]
        return serialize(quads, media_type, output_prefixes(current))

    # the representations of "/" are the dataset's: their own URLs are /dataset.<ext>
    return respond("/dataset", None, html, document, [HTML, *RDF_TYPES], html_url=current.iris.url("/"))


@bp.get("/health")
def health():
    """Liveness: the store answers a trivial query (a remote store that is down gives 503).
    The quad count is the one known since start-up: counting the store on every probe takes
    tens of seconds at ten million quads."""
    current_app.extensions["coopkg_store"].query("ASK {}", union=False)
    return jsonify(status="ok", quads=sum(site().graph_counts.values()))
