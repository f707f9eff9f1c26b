"""What every Linked Data page shares: the template context (language, names, links),
negotiated responses, the 406 answer, and the page headers.

Pages send a Content-Security-Policy that allows only the app's own scripts and styles:
the pages use no external script, font or tile server.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, render_template, request
from markupsafe import Markup

from .documents import EXTENSION, FORMAT_NAMES, HTML
from .labels import compact
from .language import LANGUAGES, chosen_language, remember_language, translate
from .negotiation import NoAcceptableFormat, negotiate_format
from .site import LinkedDataSite, open_site

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")


def site() -> LinkedDataSite:
    return current_app.extensions["coopkg_site"]


def install(app: Flask) -> None:
    """Open the Linked Data view of the release (names, search index…) once, at start-up,
    and give every template the helpers ``t``, ``label``, ``href``, ``url``."""
    app.extensions["coopkg_site"] = open_site(app.extensions["coopkg_store"], app.config)

    @app.context_processor
    def linked_data_context() -> dict[str, Any]:
        current = app.extensions["coopkg_site"]
        lang = chosen_language()

        def switch_url(code: str) -> str:
            params = {k: v for k, v in request.args.items() if k != "lang"}
            params["lang"] = code
            return current.iris.url(request.path, params)

        return {
            "lang": lang,
            "languages": LANGUAGES,
            "t": lambda key: translate(key, lang),
            "label": lambda iri: current.labels.label(iri, lang),
            "names": current.labels.names,
            "href": current.iris.href,
            "url": current.iris.url,
            "public_iri": current.iris.to_public,
            "compact": compact,
            "switch_url": switch_url,
            "site": current,
            "version": current.version,
            "format_names": FORMAT_NAMES,
        }


def explicit_format(ext: str | None) -> str | None:
    """A URL extension (``.ttl``) as the explicit choice ``negotiate_format`` understands."""
    return ext.lower() if ext else None


def negotiate(available: list[str], ext: str | None) -> str:
    return negotiate_format(available, explicit_format(ext))


def not_acceptable(refused: NoAcceptableFormat) -> Response:
    response = Response(refused.description + "\n", status=406, mimetype="text/plain")
    response.vary.add("Accept")
    return response


def render_page(template: str, status: int = 200, **context: Any) -> Response:
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return remember_language(response)


def representation(body: bytes | str, media_type: str, *, negotiated: bool,
                   content_location: str | None = None, alternates: dict[str, str] | None = None) -> Response:
    """A 200 answer for one representation of a resource.

    ``negotiated``: the URL chose the format from Accept (it varies); an extension URL
    does not. ``content_location`` names the representation's own URL (our documented
    pattern: 200 with Content-Location, no redirect); ``alternates`` are advertised in Link.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    mimetype = media_type
    response = Response(body, status=200, mimetype=mimetype)
    if media_type.startswith("text/") or media_type in ("application/n-triples", "application/n-quads"):
        response.charset = "utf-8"
    if negotiated:
        response.vary.add("Accept")
    if content_location:
        response.headers["Content-Location"] = content_location
    if alternates:
        response.headers["Link"] = ", ".join(
            f'<{link}>; rel="alternate"; type="{media}"' for media, link in alternates.items() if media != media_type
        )
    if media_type == HTML:
        response.headers["Content-Security-Policy"] = CSP
        remember_language(response)
    response.add_etag()
    return response.make_conditional(request)


def alternates_for(path_without_ext: str, media_types: list[str]) -> dict[str, str]:
    """``{media type: URL}`` of every extension URL of one resource."""
    return {media: site().iris.url(f"{path_without_ext}.{EXTENSION[media]}") for media in media_types}


def svg(markup: str) -> Markup:
    """Mark server-built SVG (escaped where built) as safe for templates."""
    return Markup(markup)
