"""The ``coopkg`` command line. It only parses arguments and wires the stages."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import CoopkgError
from .reasoning import REASONERS


def _build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build, format_summary
    from .reasoning import ReasoningBudget

    options = BuildOptions(
        root=Path(args.root), dist=Path(args.out), reason=not args.no_reason,
        budget=ReasoningBudget(seconds=args.max_seconds, max_ratio=args.max_ratio), reasoner=args.reasoner,
    )
    result = build(options)
    print(format_summary(result))
    return 0


def _serve(args: argparse.Namespace) -> int:
    settings = {"COOPKG_DIST": args.dist, "COOPKG_STORE_URL": args.store or "",
                "COOPKG_PUBLIC_BASE_URL": args.public_url or "",
                "COOPKG_QUERY_TIMEOUT_SECONDS": str(args.timeout), "COOPKG_QUERY_ROW_LIMIT": str(args.row_limit)}
    if args.workers:  # production: granian workers, each replaced when a query overruns its time limit
        from granian import Granian
        from granian.constants import HTTPModes, Interfaces

        os.environ.update(settings)
        Granian("coopkg.web.wsgi:app", address=args.host, port=args.port, interface=Interfaces.WSGI,
                workers=args.workers, http=HTTPModes.http1, websockets=False, respawn_failed_workers=True,
                respawn_interval=0.5).serve()
        return 0
    from .web import create_app
    from .web.environment import config_from_environment

    app = create_app(config_from_environment(settings))
    app.run(host=args.host, port=args.port)
    return 0


def _publish(args: argparse.Namespace) -> int:
    import tempfile

    from .publish import publish_release, target_for

    target = target_for(args.store, graph_store=args.graph_store, isql=args.isql, load_dir=args.load_dir,
                        isql_password=os.environ.get("COOPKG_ISQL_PASSWORD", "dba"))
    with tempfile.TemporaryDirectory(prefix="coopkg-publish-") as scratch:
        report = publish_release(Path(args.dist), target, Path(scratch))
    print("\n".join(report.lines()))
    return 0


def _query(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from .store import open_store

    text = Path(args.file).read_text(encoding="utf-8") if args.file != "-" else sys.stdin.read()
    store = open_store(Path(args.dist))
    try:
        results = store.query(text)
    except SyntaxError as error:
        raise CoopkgError(f"{args.file}: malformed query: {error}") from None
    if isinstance(results, ox.QuerySolutions):
        sys.stdout.write(results.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8"))
    elif isinstance(results, ox.QueryBoolean):
        print("true" if bool(results) else "false")
    else:
        sys.stdout.write(results.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="coopkg", description="Build and serve the coopkg knowledge graph.")
    commands = top.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", help="validate, reason and publish a release into dist/",
                            description="Parse ontology/, shapes/ and data/ strictly, check undefined terms, "
                            "dangling links and SHACL, compute the OWL 2 RL closure and write the release "
                            "atomically (a failed build leaves the previous one intact).")
    b.add_argument("--root", default=".", help="project directory holding ontology/, shapes/, data/ (default: .)")
    b.add_argument("--out", default="dist", help="release directory to (re)place (default: dist)")
    b.add_argument("--no-reason", action="store_true", help="skip OWL 2 RL reasoning (faster checks)")
    b.add_argument("--reasoner", choices=REASONERS, default="owlrl",
                   help="OWL 2 RL engine, all publishing the same closure: owlrl (pure Python, default), "
                   "reasonable (Rust, up to about a million triples) or rules (the schema compiled to SPARQL "
                   "rules run in pyoxigraph: ten million triples and more)")
    b.add_argument("--max-seconds", type=float, default=300.0, help="time budget of the closure (default 300)")
    b.add_argument("--max-ratio", type=float, default=10.0,
                   help="stop if inferred triples exceed this multiple of asserted ones (default 10)")
    b.set_defaults(run=_build)

    s = commands.add_parser("serve", help="serve the SPARQL endpoint over a built release",
                            description="Serve /sparql and / over the release in --dist (development server; "
                            "binds to 127.0.0.1 unless told otherwise).")
    s.add_argument("--dist", default="dist", help="release directory (default: dist)")
    s.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    s.add_argument("--workers", type=int, default=0,
                   help="serve with this many granian worker processes (production); 0: development server")
    s.add_argument("--public-url", default=None,
                   help="public base URL of this deployment, advertised by the service description")
    s.add_argument("--timeout", type=float, default=10.0, help="time limit of one query in seconds (default 10)")
    s.add_argument("--row-limit", type=int, default=10_000, help="most rows in one answer (default 10000)")
    s.add_argument("--store", default=None,
                   help="serve from this SPARQL query endpoint the release was published to (coopkg publish); "
                   "default: an embedded store loaded from --dist")
    s.set_defaults(run=_serve)

    p = commands.add_parser("publish", help="load a built release into a SPARQL 1.1 store and verify the counts",
                            description="Write every named graph of the release (asserted, inferred, ontology) "
                            "into a store, over the Graph Store Protocol or Virtuoso's bulk loader, then compare "
                            "each graph's triple count with the release's VoID.")
    p.add_argument("--store", required=True,
                   help="the store's SPARQL query endpoint; a bare http://host:port means an Oxigraph server "
                   "(/query, /store)")
    p.add_argument("--graph-store", default=None, help="Graph Store Protocol endpoint (PUT ?graph=…)")
    p.add_argument("--isql", default=None,
                   help="Virtuoso isql HOST:PORT: use the bulk loader (password: COOPKG_ISQL_PASSWORD, default dba)")
    p.add_argument("--load-dir", default=None,
                   help="with --isql: a directory Virtuoso may read (DirsAllowed) for the files to load")
    p.add_argument("--dist", default="dist", help="release directory (default: dist)")
    p.set_defaults(run=_publish)

    q = commands.add_parser("query", help="run a SPARQL query file against a built release",
                            description="Run a SPARQL query (file, or - for stdin) over the union of all graphs "
                            "of the release, asserted and inferred; prints TSV.")
    q.add_argument("file", help="query file, or - for standard input")
    q.add_argument("--dist", default="dist", help="release directory (default: dist)")
    q.set_defaults(run=_query)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CoopkgError as error:
        print(f"coopkg: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coopkg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
