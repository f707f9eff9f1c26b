"""``/search``: label search as an HTML results page and as JSON for autocomplete.

The matching and ranking rules are in ``search_index``; the index is built once, when
the app starts (``site.LinkedDataSite``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .language import chosen_language
from .negotiation import NoAcceptableFormat, negotiate_format
from .pages import not_acceptable, render_page, site
from .search_index import Hit

bp = Blueprint("search", __name__)

HTML = "text/html"
JSON = "application/json"
DEFAULT_LIMIT = 20
MAX_LIMIT = 200


def _limit() -> int:
    try:
        value = int(request.args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        value = DEFAULT_LIMIT
    return max(1, min(value, MAX_LIMIT))


def _result(current, hit: Hit, lang: str) -> dict:
    names = current.labels.names(hit.iri)
    return {
        "iri": current.iris.to_public(hit.iri),
        "href": current.iris.href(hit.iri),
        "label": current.labels.label(hit.iri, lang),
        "labels": {code: names.pref.get(code) or names.plain.get(code) for code in ("zh", "en")},
        "matched": hit.matched,
        "matchedLanguage": hit.lang,
        "match": hit.match,
        "labelKind": hit.label_kind,
        "viaPinyin": hit.via_pinyin,
        "types": [{"iri": current.iris.to_public(t), "label": current.labels.label(t, lang)}
                  for t in current.types_of(hit.iri)],
    }


@bp.get("/search", defaults={"ext": None})
@bp.get("/search.<ext>")
def search(ext: str | None) -> Response:
    current = site()
    explicit = {"json": JSON, "html": HTML}.get(ext, ext) if ext else None
    try:
        media_type = negotiate_format([HTML, JSON], explicit)
    except NoAcceptableFormat as refused:
        return not_acceptable(refused)
    query = request.args.get("q", "").strip()
    limit = _limit()
    hits = current.search.search(query) if query else []
    lang = chosen_language()
    results = [_result(current, hit, lang) for hit in hits[:limit]]
    if media_type == JSON:
        response = jsonify(query=query, total=len(hits), returned=len(results), limit=limit, results=results)
    else:
        response = render_page("search/results.html", query=query, total=len(hits), results=results, limit=limit)
    if ext is None:
        response.vary.add("Accept")
    return response
