"""The dataset as a whole: VoID/DCAT description, dumps of each release, sitemap.

- ``/dataset`` (HTML first) and ``/.well-known/void`` (Turtle first) serve the release's
  VoID + DCAT description, completed with what only the running service knows (its
  SPARQL endpoint, search, landing page, the ontology graph's size); the VoID subset IRIs
  (``/dataset/graph/…``, ``/dataset/linkset/…``, ``/dataset/class/…``) answer with it too.
- ``/dumps`` lists each release's files with sizes and SHA-256 (HTML or JSON). A file is at
  ``/dumps/<version>/<file>`` and, for the release being served, at the stable
  ``/dumps/latest/<file>`` and ``/dataset/dump/<file>`` (the download IRIs in the VoID);
  those answer 200 with a ``Content-Location`` naming the versioned URL.
- ``/sitemap.xml`` and ``/robots.txt`` for crawlers.

Files are served byte for byte as the build wrote and checksummed them; they keep the
canonical IRIs (a deployment's public base changes links and documents, not releases).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, render_template, send_file

from ..namespaces import DATASET_IRI, GRAPH_BASE, ONTOLOGY_GRAPH, PREFIXES
from ..release import SUMS, VOID_TTL
from .documents import HTML, RDF_TYPES, TURTLE, output_prefixes, serialize
from .language import chosen_language
from .negotiation import NoAcceptableFormat, negotiate_format
from .pages import not_acceptable, render_page, site
from .resources import formats_of, not_found, respond, split_extension
from .site import LinkedDataSite

bp = Blueprint("dumps", __name__)

JSON = "application/json"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD_INTEGER = PREFIXES["xsd"] + "integer"
MEDIA_TYPES = {".nq": "application/n-quads", ".nt": "application/n-triples", ".ttl": "text/turtle",
               ".trig": "application/trig", ".jsonld": "application/ld+json"}
#: what each file of a release holds, for the listing
CONTENTS = {
    "coopkg": {"en": "every graph: asserted data, OWL 2 RL entailments and the ontology",
               "zh": "全部命名图：断言数据、OWL 2 RL 推理结果与本体"},
    "data": {"en": "asserted data, one named graph per paper (+ entities, vocab)",
             "zh": "断言数据，每篇论文一个命名图（另有实体、词表）"},
    "inferred": {"en": "OWL 2 RL entailments (new triples only)", "zh": "OWL 2 RL 推理所得（仅新增三元组）"},
    "ontology": {"en": "the ontology with its alignments", "zh": "本体及其对齐"},
    "shapes": {"en": "the SHACL shapes", "zh": "SHACL 形状"},
    "shacl-report": {"en": "the SHACL validation report", "zh": "SHACL 验证报告"},
    "void": {"en": "VoID + DCAT description of the release", "zh": "本版本的 VoID + DCAT 描述"},
}


@dataclass(frozen=True)
class DumpFile:
    name: str
    size: int
    sha256: str
    media_type: str
    compressed: bool

    @property
    def stem(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def format(self) -> str:
        return self.name.split(".", 1)[1]


@dataclass(frozen=True)
class Release:
    version: str
    directory: Path
    files: tuple[DumpFile, ...]
    latest: bool

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)


def read_release(directory: Path, *, latest: bool) -> Release | None:
    """A release directory's files as listed in its SHA256SUMS (the listing is the contract)."""
    sums = directory / SUMS
    if not sums.is_file():
        return None
    files = []
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = directory / name
        if not name or not path.is_file():
            continue
        compressed = name.endswith(".gz")
        inner = name[:-3] if compressed else name
        media = MEDIA_TYPES.get(Path(inner).suffix, "application/octet-stream")
        files.append(DumpFile(name, path.stat().st_size, digest, media, compressed))
    files.append(DumpFile(SUMS, sums.stat().st_size, "", "text/plain", False))
    return Release(_release_version(directory), directory, tuple(files), latest)


def _release_version(directory: Path) -> str:
    path = directory / VOID_TTL
    if path.is_file():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if quad.predicate.value == PREFIXES["owl"] + "versionInfo" and quad.subject.value == DATASET_IRI:
                return quad.object.value
    return "unversioned"


def releases() -> list[Release]:
    """The release being served, then any archived ones (``RELEASE_ARCHIVE``/<dir>), newest first."""
    cached = current_app.extensions.get("coopkg_releases")
    if cached is not None:
        return cached
    current = site()
    found = []
    served = read_release(current.dist, latest=True)
    if served:
        found.append(served)
    archive = current_app.config.get("RELEASE_ARCHIVE")
    if archive and Path(archive).is_dir():
        for directory in sorted(Path(archive).iterdir(), reverse=True):
            release = read_release(directory, latest=False) if directory.is_dir() else None
            if release and all(release.version != other.version for other in found):
                found.append(release)
    current_app.extensions["coopkg_releases"] = found
    return found


# --- files ---------------------------------------------------------------------------------


def _send(release: Release, name: str, *, stable_alias: bool) -> Response:
    dump = release.file(name)
    if dump is None:
        return not_found(f"{DATASET_IRI}/dump/{name}")
    response = send_file(release.directory / name, mimetype="application/gzip" if dump.compressed else dump.media_type,
                         as_attachment=True, download_name=_download_name(release.version, name), conditional=True,
                         etag=dump.sha256 or True, max_age=300 if stable_alias else 86400)
    if dump.sha256:
        digest = base64.b64encode(bytes.fromhex(dump.sha256)).decode("ascii")
        response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    if stable_alias:
        response.headers["Content-Location"] = site().iris.url(f"/dumps/{release.version}/{name}")
    return response


def _download_name(version: str, name: str) -> str:
    stem, _, rest = name.partition(".")
    return f"coopkg-{version}.{rest}" if stem == "coopkg" else f"coopkg-{version}-{name}"


@bp.get("/dumps/<version>/<name>")
def dump_file(version: str, name: str) -> Response:
    for release in releases():
        if (version == "latest" and release.latest) or release.version == version:
            return _send(release, name, stable_alias=version == "latest")
    return not_found(f"{DATASET_IRI}/dump/{version}/{name}")


@bp.get("/dataset/dump/<name>")
def dataset_dump(name: str) -> Response:
    served = next((r for r in releases() if r.latest), None)
    if served is None:
        return not_found(f"{DATASET_IRI}/dump/{name}")
    return _send(served, name, stable_alias=True)


@bp.get("/dumps", defaults={"ext": None})
@bp.get("/dumps.<ext>")
def dumps(ext: str | None) -> Response:
    explicit = {"json": JSON, "html": HTML}.get(ext or "", ext)
    try:
        media_type = negotiate_format([HTML, JSON], explicit)
    except NoAcceptableFormat as refused:
        return not_acceptable(refused)
    iris = site().iris
    found = releases()
    if media_type == JSON:
        response = jsonify(dataset=iris.to_public(DATASET_IRI), releases=[{
            "version": release.version,
            "latest": release.latest,
            "files": [{
                "name": f.name, "size": f.size, "sha256": f.sha256 or None, "mediaType": f.media_type,
                "compressed": f.compressed, "url": iris.url(f"/dumps/{release.version}/{f.name}"),
                "latestUrl": iris.url(f"/dumps/latest/{f.name}") if release.latest else None,
            } for f in release.files],
        } for release in found])
    else:
        response = render_page("dumps/index.html", releases=found, contents=CONTENTS, sums=SUMS)
    if ext is None:
        response.vary.add("Accept")
    return response


# --- the dataset description ---------------------------------------------------------------


def void_triples(current: LinkedDataSite) -> list[ox.Triple]:
    """The release's VoID/DCAT plus what the running service adds, with public IRIs."""
    dataset = ox.NamedNode(DATASET_IRI)
    service = current.iris.service_iri
    extra = [
        (dataset, VOID + "sparqlEndpoint", ox.NamedNode(service("/sparql"))),
        (dataset, VOID + "uriLookupEndpoint", ox.NamedNode(service("/search.json?q="))),
        (dataset, VOID + "rootResource", ox.NamedNode(service("/ontology"))),
        (dataset, DCAT + "landingPage", ox.NamedNode(service("/"))),
        (dataset, PREFIXES["rdfs"] + "seeAlso", ox.NamedNode(service("/dumps"))),
        (dataset, PREFIXES["rdfs"] + "seeAlso", ox.NamedNode(service("/sitemap.xml"))),
        (dataset, DCAT + "accessService", ox.NamedNode(service("/sparql"))),
        (ox.NamedNode(service("/sparql")), RDF_TYPE, ox.NamedNode(DCAT + "DataService")),
        (ox.NamedNode(service("/sparql")), RDF_TYPE, ox.NamedNode(SD + "Service")),
        (ox.NamedNode(service("/sparql")), DCAT + "endpointURL", ox.NamedNode(service("/sparql"))),
        (ox.NamedNode(service("/sparql")), DCAT + "servesDataset", dataset),
    ]
    for media in RDF_TYPES:
        extra.append((dataset, VOID + "feature", ox.NamedNode(_format_iri(media))))
    ontology_subset = ox.NamedNode(f"{DATASET_IRI}/graph/ontology")
    extra += [
        (dataset, VOID + "subset", ontology_subset),
        (ontology_subset, RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
        (ontology_subset, SD + "name", ox.NamedNode(ONTOLOGY_GRAPH)),
        (ontology_subset, VOID + "triples", ox.Literal(str(current.graph_counts[ONTOLOGY_GRAPH]),
                                                       datatype=ox.NamedNode(XSD_INTEGER))),
    ]
    triples = list(current.void)
    triples += [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in extra]
    return [_public(triple, current) for triple in triples]


def _format_iri(media_type: str) -> str:
    names = {"text/turtle": "Turtle", "application/ld+json": "JSON-LD", "application/n-triples": "N-Triples",
             "application/rdf+xml": "RDF_XML", "application/trig": "TriG", "application/n-quads": "N-Quads"}
    return "http://www.w3.org/ns/formats/" + names[media_type]


def _public(triple: ox.Triple, current: LinkedDataSite) -> ox.Triple:
    def public(term):
        return ox.NamedNode(current.iris.to_public(term.value)) if isinstance(term, ox.NamedNode) else term
    return ox.Triple(public(triple.subject), public(triple.predicate), public(triple.object))


@dataclass
class DatasetView:
    titles: dict[str, str]
    version: str
    license: str | None
    triples: int
    entities: int
    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    linksets: list[tuple[str, str, int]]
    examples: list[str]
    distributions: int


def dataset_view(current: LinkedDataSite) -> DatasetView:
    store = ox.Store()
    store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in current.void])

    def rows(query: str) -> list[list[str]]:
        return [[term.value for term in row] for row in store.query(query)]

    prefix = f"PREFIX void: <{VOID}> PREFIX sd: <{SD}> PREFIX dcat: <{DCAT}> "
    base = f"<{DATASET_IRI}>"
    titles = {lang or "": text for text, lang in (
        (row[0], row[1]) for row in rows(prefix + f"SELECT ?t (LANG(?t) AS ?l) WHERE {{ {base} "
                                                  "<http://purl.org/dc/terms/title> ?t }"))}
    first = rows(prefix + f"SELECT ?n ?e WHERE {{ {base} void:triples ?n ; void:entities ?e }}")
    graphs = [(g, int(n)) for g, n in rows(prefix + f"SELECT ?g ?n WHERE {{ {base} void:subset ?s . ?s sd:name ?g ; "
                                                     "void:triples ?n } ORDER BY ?g")]
    graphs.append((ONTOLOGY_GRAPH, current.graph_counts[ONTOLOGY_GRAPH]))
    return DatasetView(
        titles=titles,
        version=current.version,
        license=next(iter(r[0] for r in rows(f"SELECT ?l WHERE {{ {base} <http://purl.org/dc/terms/license> ?l }}")),
                     None),
        triples=int(first[0][0]) if first else 0,
        entities=int(first[0][1]) if first else 0,
        graphs=graphs,
        classes=[(c, int(n)) for c, n in rows(prefix + f"SELECT ?c ?n WHERE {{ {base} void:classPartition ?p . "
                                                       "?p void:class ?c ; void:entities ?n } ORDER BY DESC(?n) ?c")],
        linksets=[(ls, target, int(n)) for ls, target, n in rows(
            prefix + "SELECT ?l ?t ?n WHERE { ?l a void:Linkset ; void:objectsTarget ?t ; void:triples ?n } "
                     "ORDER BY ?l")],
        examples=[r[0] for r in rows(prefix + f"SELECT ?e WHERE {{ {base} void:exampleResource ?e }} ORDER BY ?e")],
        distributions=len(rows(prefix + f"SELECT ?d WHERE {{ {base} dcat:distribution ?d }}")),
    )


def _dataset_response(ext: str | None, available: list[str]) -> Response:
    current = site()

    def html() -> str:
        return render_template("dumps/dataset.html", view=dataset_view(current), formats=formats_of("/dataset"),
                               lang_code=chosen_language())

    def document(media_type: str, _path: str) -> bytes:
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in void_triples(current)]
        return serialize(quads, media_type, output_prefixes(current))

    return respond("/dataset", ext, html, document, available)


@bp.get("/dataset", defaults={"ext": None})
@bp.get("/dataset.<ext>")
def dataset(ext: str | None) -> Response:
    return _dataset_response(ext, [HTML, *RDF_TYPES])


@bp.get("/.well-known/void", defaults={"ext": None})
@bp.get("/.well-known/void.<ext>")
def well_known_void(ext: str | None) -> Response:
    """The VoID well-known location: machines first, so Turtle is the default."""
    return _dataset_response(ext, [TURTLE, *[m for m in RDF_TYPES if m != TURTLE], HTML])


@bp.get("/dataset/<path:part>")
def dataset_part(part: str) -> Response:
    current = site()
    described = {t.subject.value for t in current.void if isinstance(t.subject, ox.NamedNode)}
    described.add(f"{DATASET_IRI}/graph/ontology")
    found = split_extension(part, lambda name: f"{DATASET_IRI}/{name}" in described)
    if found is None:
        return not_found(f"{DATASET_IRI}/{part}")
    return _dataset_response(found[1], [HTML, *RDF_TYPES])


# --- crawlers ---------------------------------------------------------------------------------


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    current = site()
    iris = current.iris
    paths = ["/", "/search", "/dataset", "/dumps", "/ontology", "/shapes"]
    paths += sorted(f"/graph/{g[len(GRAPH_BASE):]}" for g in current.graph_counts if g.startswith(GRAPH_BASE))
    ids = iris.iri_base + "id/"
    ontology_ns = iris.iri_base + "ontology#"
    for subject in sorted(current.subjects):
        if subject.startswith(ids):
            paths.append("/id/" + subject[len(ids):])
        elif subject.startswith(ontology_ns):
            paths.append("/ontology/" + subject[len(ontology_ns):])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(iris.url(path, absolute=True))}</loc></url>" for path in paths]
    lines.append("</urlset>")
    return Response("\n".join(lines) + "\n", mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    sitemap_url = site().iris.url("/sitemap.xml", absolute=True)
    body = f"User-agent: *\nDisallow: /sparql\nAllow: /\nSitemap: {sitemap_url}\n"
    return Response(body, mimetype="text/plain")
