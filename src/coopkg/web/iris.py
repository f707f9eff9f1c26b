"""The one place that knows the public base IRI and turns IRIs into links.

The data speaks of ``IRI_BASE`` IRIs (``https://w3id.org/coopkg/id/seattle``); the app serves
them at the same paths (``/id/seattle``). A deployment on its own domain sets
``PUBLIC_BASE_URL``: every link and every document then names ``PUBLIC_BASE_URL`` IRIs
instead, so nothing the app emits points at the host it happens to run on (127.0.0.1,
localhost, an internal name). Without it, HTML links are relative to the request and
documents keep the canonical ``IRI_BASE`` IRIs.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import has_request_context, request

from ..namespaces import COOP

ONTOLOGY_NS = str(COOP)


class PublicIris:
    """Maps canonical IRIs to public IRIs (documents) and to links (HTML, headers)."""

    def __init__(self, iri_base: str, public_base: str | None) -> None:
        self.iri_base = _with_slash(iri_base)
        self.public_base = _with_slash(public_base) if public_base else None

    # --- IRIs inside documents ---------------------------------------------------------

    def to_public(self, iri: str) -> str:
        """The IRI a document served by this deployment uses for ``iri``."""
        if self.public_base and iri.startswith(self.iri_base):
            return self.public_base + iri[len(self.iri_base):]
        return iri

    def service_iri(self, path: str) -> str:
        """An absolute IRI for one of our own services (``/sparql``) inside a document."""
        return self.to_public(self.iri_base + path.lstrip("/"))

    def iri_for_path(self, path: str) -> str:
        """The canonical IRI a request path answers for (``/id/seattle`` → ``kg:seattle``)."""
        return self.iri_base + path.lstrip("/")

    def is_ours(self, iri: str) -> bool:
        return iri.startswith(self.iri_base)

    # --- links --------------------------------------------------------------------------

    def url(self, path: str, params: dict[str, str] | None = None, *, absolute: bool = False) -> str:
        """A link to one of the app's own paths.

        Absolute under ``PUBLIC_BASE_URL`` when configured; otherwise relative to the
        request, unless ``absolute`` (sitemaps need absolute URLs) asks for the request's host.
        """
        query = ("?" + urlencode(params)) if params else ""
        if self.public_base:
            return self.public_base + path.lstrip("/") + query
        prefix = request.script_root if has_request_context() else ""
        if absolute:
            return request.host_url.rstrip("/") + prefix + path + query
        return prefix + path + query

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` should go: our page for our IRIs, the IRI itself otherwise.

        Ontology terms are hash IRIs (``ontology#City``): the fragment never reaches the
        server, so their links go to the term's own page, which lists instances and usage.
        """
        if not iri.startswith(self.iri_base):
            return iri
        rest = iri[len(self.iri_base):]
        if iri.startswith(ONTOLOGY_NS) and len(iri) > len(ONTOLOGY_NS):
            return self.url("/ontology/" + iri[len(ONTOLOGY_NS):])
        return self.url("/" + rest)


def _with_slash(base: str) -> str:
    return base if base.endswith("/") else base + "/"
