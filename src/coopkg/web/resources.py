"""Dereferenceable IRIs: ``/id/<slug>`` (entities, concepts, papers…) and ``/graph/<name>``.

The pattern, the same on every Linked Data route: the IRI itself answers **200** with the
representation chosen from Accept (HTML for browsers, Turtle, JSON-LD, N-Triples, RDF/XML,
TriG or N-Quads for clients), ``Vary: Accept``, and ``Content-Location`` naming that
representation's own URL — the IRI plus an extension (``/id/seattle.ttl``), which also
answers directly for people who cannot set headers. No redirect is ever sent, so there is
no Location header to get wrong. An unsupported type gets 406 with the list of what is
available; an unknown IRI gets 404 with a page suggesting names that are close.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from flask import Blueprint, Response, render_template, request

from ..namespaces import GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from .describe import in_graph, outbound
from .documents import EXTENSION, FORMAT_NAMES, HTML, RDF_TYPES, DocumentBuilder
from .entity_view import EntityViewBuilder
from .language import chosen_language, translate
from .negotiation import NoAcceptableFormat
from .pages import alternates_for, negotiate, not_acceptable, representation, site

bp = Blueprint("resources", __name__)

AVAILABLE = [HTML, *RDF_TYPES]
TEXT = "text/plain"


def split_extension(name: str, exists: Callable[[str], bool]) -> tuple[str, str | None] | None:
    """``seattle.ttl`` → (``seattle``, ``ttl``) when ``seattle`` exists; the name itself
    when it exists as it is; None when neither does."""
    if exists(name):
        return name, None
    base, dot, ext = name.rpartition(".")
    if dot and base and exists(base):
        return base, ext
    return None


def respond(path: str, ext: str | None, html: Callable[[], str], document: Callable[[str, str], bytes],
            available: list[str] = AVAILABLE, html_url: str | None = None) -> Response:
    """Answer one resource in the negotiated (or extension-given) format.

    ``path`` is the resource's path without extension; ``html_url`` overrides where its
    HTML representation lives (the landing page is ``/``, not ``/dataset.html``).
    """
    try:
        media_type = negotiate(available, ext)
    except NoAcceptableFormat as refused:
        return not_acceptable(refused)
    negotiated = ext is None
    alternates = alternates_for(path, available)
    if html_url and HTML in alternates:
        alternates[HTML] = html_url
    location = alternates[media_type] if negotiated else None
    if media_type == HTML:
        body: bytes | str = html()
    else:
        document_path = f"{path}.{EXTENSION[media_type]}"
        body = document(media_type, document_path)
    return representation(body, media_type, negotiated=negotiated, content_location=location, alternates=alternates)


def formats_of(path: str, available: list[str] = AVAILABLE) -> list[tuple[str, str]]:
    links = alternates_for(path, available)
    return [(FORMAT_NAMES[media], links[media]) for media in available if media != HTML]


def _words(iri: str) -> str:
    wanted = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return wanted.replace("-", " ").replace("_", " ").strip()


def suggest(current, iri: str, limit: int = 8) -> list[str]:
    """IRIs close to one nobody described: near-identical local names first (typos, case),
    then names matching the IRI's words."""
    local = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    by_local: dict[str, list[str]] = {}
    for known in current.subjects:
        if current.iris.is_ours(known):
            by_local.setdefault(known.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower(), []).append(known)
    found: list[str] = []
    for close in difflib.get_close_matches(local.lower(), list(by_local), n=limit, cutoff=0.75):
        found += sorted(by_local[close])
    words = _words(iri)
    hits = current.search.search(words) if words else []
    if not hits:
        for word in sorted(words.split(), key=len, reverse=True)[:1]:
            hits = current.search.search(word)
    found += [hit.iri for hit in hits]
    return list(dict.fromkeys(found))[:limit]


def not_found(iri: str) -> Response:
    """404 for an IRI nobody described, with the names closest to its last segment."""
    current = site()
    suggestions = suggest(current, iri)
    wants_html = not request.headers.get("Accept") or request.accept_mimetypes[HTML] > 0
    if wants_html:
        body = render_template("resources/not_found.html", iri=current.iris.to_public(iri),
                               suggestions=suggestions, query=_words(iri))
        response = representation(body, HTML, negotiated=True)
    else:
        lines = [f"404 not found: coopkg {current.version} describes no resource {current.iris.to_public(iri)}"]
        if suggestions:
            lines += ["did you mean:"] + [f"  {current.iris.to_public(found)}" for found in suggestions]
        lines.append(f"search names: {current.iris.url('/search', absolute=True)}?q=…")
        response = Response("\n".join(lines) + "\n", mimetype=TEXT)
        response.vary.add("Accept")
    response.status_code = 404
    return response


@bp.app_errorhandler(404)
def unknown_path(_error) -> Response:
    """Any path nobody routes is an IRI nobody described: the same helpful 404."""
    return not_found(site().iris.iri_for_path(request.path))


@bp.get("/id/<path:name>")
def entity(name: str) -> Response:
    current = site()
    found = split_extension(name, lambda slug: current.is_described(current.iris.iri_for_path(f"id/{slug}")))
    if found is None:
        return not_found(current.iris.iri_for_path(f"id/{name}"))
    slug, ext = found
    iri = current.iris.iri_for_path(f"id/{slug}")
    path = f"/id/{slug}"

    def html() -> str:
        view = EntityViewBuilder(current, chosen_language()).build(iri, formats_of(path))
        return render_template("resources/entity.html", view=view)

    def document(media_type: str, document_path: str) -> bytes:
        builder = DocumentBuilder(current, current.iris.iri_for_path(document_path), media_type)
        builder.describe_document(iri)
        builder.add_statements(outbound(current, iri))
        return builder.serialize()

    return respond(path, ext, html, document)


@bp.get("/graph/<path:name>")
def graph(name: str) -> Response:
    current = site()
    found = split_extension(name, lambda graph_name: GRAPH_BASE + graph_name in current.graph_counts)
    if found is None:
        return not_found(GRAPH_BASE + name)
    graph_name, ext = found
    iri = GRAPH_BASE + graph_name
    path = f"/graph/{graph_name}"

    def html() -> str:
        lang = chosen_language()
        paper = current.paper_for(iri)
        subjects = sorted({s.subject for s in in_graph(current, iri)},
                          key=lambda s: current.labels.label(s, lang).casefold())
        kind = "ontology" if iri == ONTOLOGY_GRAPH else "inferred" if iri == INFERRED_GRAPH else "data"
        return render_template("resources/graph.html", iri=iri, paper=paper, subjects=subjects, kind=kind,
                               count=current.graph_counts[iri], formats=formats_of(path),
                               title=f"{translate('graph', lang)} {graph_name}")

    def document(media_type: str, document_path: str) -> bytes:
        builder = DocumentBuilder(current, current.iris.iri_for_path(document_path), media_type)
        builder.describe_document(iri)
        builder.add_statements(in_graph(current, iri), reify=False)
        return builder.serialize()

    return respond(path, ext, html, document)
