"""Embedded store vs Oxigraph server vs Virtuoso, per release size, through the real HTTP app.

    python benchmarks/stores.py --dist dist --dist /tmp/syn-1m --dist /tmp/syn-10m [--seconds 10]

For each release (``benchmarks/synthetic.py`` makes releases of the seed's shape at any size):

1. the release is prepared in ``--work``: symlinks to its files plus the start-up index files
   (``coopkg.indexes.write_indexes``, timed in a child process with its peak RSS);
2. per store: the release is loaded (embedded: opened by the app itself; Oxigraph server: the
   Graph Store Protocol, or ``oxigraph load`` into the stopped server's directory above
   ``--oxigraph-bulk-above`` quads; Virtuoso: its bulk loader), every graph counted and
   checked; the store's RSS is read from /proc;
3. the app starts under gunicorn (``--preload``, 2 workers: the workers share the preloaded
   release and are all ready when the port answers): start-up is the time until ``/health``
   answers, RSS the app's peak before forking (VmHWM of the master); for releases below
   ``--scan-below`` quads the start-up without index files (the scan) is measured as well;
4. wrk drives three classes at ``--connections`` connections for ``--seconds`` each:
   ``competency`` (five competency questions over /sparql, every text unique so that no cache
   answers), ``entity`` (HTML pages /id/<slug> of a fixed random sample of entities) and
   ``search`` (/search.json for a fixed random sample of name prefixes).

Results go to benchmarks/results/stores-<date>.md (and .json). Needs wrk, gunicorn (test
extra), the oxigraph CLI beside the interpreter and Virtuoso (virtuoso-t, isql-vt).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

from run import stop_group  # noqa: E402

from coopkg.indexes import INDEX_FILES, has_indexes, read_graph_counts  # noqa: E402
from coopkg.publish import publish_release, target_for, verify_counts  # noqa: E402
from coopkg.remote import release_graph_counts  # noqa: E402
from store_servers import (  # noqa: E402
    StoreServer,
    free_port,
    oxigraph_program,
    oxigraph_server,
    virtuoso_program,
    virtuoso_server,
)

COMPETENCY = ROOT / "tests" / "competency"
#: cheap lookups, joins, aggregates and a GRAPH pattern, as a public endpoint sees them
QUERY_FILES = ["p000-01-gix-founders.rq", "p000-05-corridor-results-count.rq", "p001-07-proposals-per-heading.rq",
               "p002-02-wta-members-by-kind.rq", "p003-07-claims-per-speaker.rq"]
CLASSES = {"competency": "application/sparql-results+json", "entity": "text/html", "search": "application/json"}
ID = "https://w3id.org/coopkg/id/"


@dataclass
class Measure:
    rps: float
    p50_ms: float
    errors: int


@dataclass
class Row:
    release: str
    quads: int
    store: str
    load: str = "—"
    load_seconds: float | None = None
    store_rss_mb: float | None = None
    startup_seconds: float | None = None
    app_rss_mb: float | None = None
    scan_startup_seconds: float | None = None
    scan_app_rss_mb: float | None = None
    classes: dict[str, Measure] = field(default_factory=dict)
    note: str = ""


# --- preparing a release ---------------------------------------------------------------------


def prepare(dist: Path, work: Path) -> tuple[Path, Path, dict]:
    """Two views of the release in ``work``: ``plain`` (the release's own files) and
    ``indexed`` (the same plus the index files, written once and kept for later runs)."""
    key = f"{dist.name}-{(dist / 'SHA256SUMS').stat().st_mtime_ns}"
    plain, indexed = work / f"{key}-plain", work / f"{key}-indexed"
    for target in (plain, indexed):
        target.mkdir(parents=True, exist_ok=True)
        for source in dist.iterdir():
            link = target / source.name
            if source.is_file() and source.name not in INDEX_FILES and not link.exists():
                link.symlink_to(source.resolve())
    timing: dict = {}
    if not has_indexes(indexed):
        code = ("import resource, sys, time; from pathlib import Path; from coopkg.indexes import write_indexes; "
                "t = time.perf_counter(); write_indexes(Path(sys.argv[1])); "
                "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
        out = subprocess.run([sys.executable, "-c", code, str(indexed)], capture_output=True, text=True, check=True)
        seconds, rss = out.stdout.split()
        timing = {"index_seconds": float(seconds), "index_rss_mb": float(rss)}
        (indexed / "index-timing.json").write_text(json.dumps(timing))
    elif (indexed / "index-timing.json").is_file():
        timing = json.loads((indexed / "index-timing.json").read_text())
    timing["index_mb"] = sum((indexed / name).stat().st_size for name in INDEX_FILES) / 1e6
    return plain, indexed, timing


def quad_count(indexed: Path) -> int:
    return sum((read_graph_counts(indexed) or {}).values())


def sample_paths(indexed: Path, size: int = 2000) -> dict[str, list[str]]:
    """Request paths of each class, the same for every store (fixed random samples)."""
    rng = random.Random(7)
    entities, names = [], []
    with (indexed / "index-subjects.tsv").open(encoding="utf-8") as lines:
        next(lines)
        entities = [line.split("\t", 1)[0].rstrip("\n") for line in lines if line.startswith(ID)]
    with (indexed / "index-labels.tsv").open(encoding="utf-8") as lines:
        next(lines)
        names = [line.rstrip("\n").split("\t")[3] for line in lines if line.startswith(ID) and "\tpref\t" in line]
    texts = [path.read_text(encoding="utf-8") for path in (COMPETENCY / name for name in QUERY_FILES)]
    return {
        "competency": ["/sparql?query=" + quote(text, safe="") for text in texts],
        "entity": ["/id/" + quote(iri[len(ID):]) for iri in rng.sample(entities, min(size, len(entities)))],
        "search": ["/search.json?q=" + quote(name[: rng.randint(2, 6)])
                   for name in rng.sample(names, min(size, len(names)))],
    }


# --- the app ---------------------------------------------------------------------------------


class App:
    """The coopkg app under gunicorn (preloaded, 2 workers) over one release and store."""

    def __init__(self, dist: Path, store_url: str | None, timeout: float) -> None:
        self.port = free_port()
        self.env = {**os.environ, "COOPKG_DIST": str(dist), "COOPKG_STORE_URL": store_url or "",
                    "COOPKG_QUERY_TIMEOUT_SECONDS": str(timeout), "COOPKG_QUERY_ROW_LIMIT": "100000000"}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> App:
        started = time.monotonic()
        command = [str(BIN / "gunicorn"), "--preload", "--workers", "2", "--timeout", "600", "--bind",
                   f"127.0.0.1:{self.port}", "--log-level", "error", "coopkg.web.wsgi:app"]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/health", timeout=600).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        self.startup = time.monotonic() - started
        self.rss_mb = _status_kb(self.process.pid, "VmHWM") / 1024
        return self

    def __exit__(self, *exc) -> None:
        stop_group(self.process, grace=30)


def scan_startup(dist: Path, store_url: str | None) -> tuple[float, float]:
    """create_app over a release without index files, in a child: seconds and peak RSS."""
    code = ("import resource, sys, time; t = time.perf_counter(); from coopkg.web import create_app; "
            "create_app({'DIST': sys.argv[1], 'STORE_URL': sys.argv[2] or None, 'QUERY_TIMEOUT_SECONDS': 3600}); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(dist), store_url or ""], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    seconds, rss = out.stdout.split()
    return float(seconds), float(rss)


def _status_kb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    return float("nan")


def wrk(port: int, paths: list[str], accept: str, seconds: float, connections: int, distinct: bool,
        work: Path) -> Measure:
    listing = work / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "PATHS": str(listing), "ACCEPT": accept, "DISTINCT": "1" if distinct else "0"}
    found = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "60s", "--latency",
                            "-s", str(HERE / "paths.lua"), f"http://127.0.0.1:{port}"],
                           env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", found).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout)\s*:?\s*(\d+)", found))
    match = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", found, re.MULTILINE)
    p50 = float("nan")
    if match:
        value, unit = float(match.group(1)), match.group(2)
        p50 = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return Measure(rps, p50, errors)


def measure_app(row: Row, app: App, paths: dict[str, list[str]], args, work: Path) -> None:
    row.startup_seconds, row.app_rss_mb = app.startup, app.rss_mb
    for name, accept in CLASSES.items():
        wrk(app.port, paths[name][:50], accept, 2, args.connections, name == "competency", work)  # warm-up
        row.classes[name] = wrk(app.port, paths[name], accept, args.seconds, args.connections,
                                name == "competency", work)
        print(f"  {row.store:22} {name:10} {row.classes[name]}", flush=True)


# --- the stores ------------------------------------------------------------------------------


def load_into(server: StoreServer, name: str, dist: Path, quads: int, args, work: Path) -> tuple[str, float]:
    """Put the release into the store; returns how and how long (counts verified either way)."""
    started = time.perf_counter()
    if name == "oxigraph" and quads > args.oxigraph_bulk_above:
        location = server.workdir / "db"
        load = [oxigraph_program() or "oxigraph", "load", "--location", str(location)]
        subprocess.run([*load, "--file", str(dist / "data.nq")], check=True, capture_output=True)
        for file, graph in (("inferred.nt", "inferred"), ("ontology.ttl", "ontology")):
            subprocess.run([*load, "--file", str(dist / file), "--graph", f"https://w3id.org/coopkg/graph/{graph}"],
                           check=True, capture_output=True)
        server.start(wait=600)
        verify_counts(server.query_url, release_graph_counts(dist))
        return "oxigraph load (offline, bulk)", time.perf_counter() - started
    server.start(wait=600)
    options = dict(zip(server.publish_args[::2], server.publish_args[1::2], strict=True))
    target = target_for(options["--store"], isql=options.get("--isql"), load_dir=options.get("--load-dir"))
    report = publish_release(dist, target, work / "scratch", progress=lambda _m: None)
    how = "Graph Store Protocol (PUT per graph)" if name == "oxigraph" else "isql bulk loader"
    return how, report.seconds


def bench_release(dist: Path, args) -> tuple[list[Row], dict]:
    plain, indexed, timing = prepare(dist, args.work)
    quads = quad_count(indexed)
    paths = sample_paths(indexed)
    label = dist.name if dist.name != "dist" else "seed"
    rows: list[Row] = []
    wanted = args.stores.split(",")
    print(f"{label}: {quads:,} quads; index files {timing}", flush=True)
    if "embedded" in wanted:
        row = Row(label, quads, "embedded pyoxigraph", "opened by each app (bulk_load into memory)")
        with App(indexed, None, args.timeout) as app:
            measure_app(row, app, paths, args, args.work)
        if quads < args.scan_below:
            row.scan_startup_seconds, row.scan_app_rss_mb = scan_startup(plain, None)
        rows.append(row)
    makers = {"oxigraph": (oxigraph_program, oxigraph_server, "Oxigraph server 0.5"),
              "virtuoso": (virtuoso_program, virtuoso_server, "Virtuoso 7.2")}
    for name in (n for n in wanted if n in makers):
        program, make, title = makers[name]
        if program() is None:
            continue
        with tempfile.TemporaryDirectory(prefix="coopkg-stores-", dir=args.work) as scratch:
            options = {"buffers": 340_000, "max_query_mem": "4G"} if name == "virtuoso" and quads > 2_000_000 else {}
            server = make(Path(scratch), **options)
            row = Row(label, quads, title)
            try:
                row.load, row.load_seconds = load_into(server, name, indexed, quads, args, Path(scratch))
                print(f"  {title}: {row.load} in {row.load_seconds:.1f} s", flush=True)
                with App(indexed, server.query_url, args.timeout) as app:
                    measure_app(row, app, paths, args, Path(scratch))
                if quads < args.scan_below:
                    row.scan_startup_seconds, row.scan_app_rss_mb = scan_startup(plain, server.query_url)
                row.store_rss_mb = _status_kb(server.process.pid, "VmHWM") / 1024
            except (RuntimeError, subprocess.CalledProcessError, requests.RequestException, OSError) as error:
                row.note = f"failed: {str(error)[:300]}"
                print(f"  {title}: {row.note}", flush=True)
            finally:
                server.stop()
            rows.append(row)
    return rows, {"release": label, "quads": quads, **timing}


# --- report ----------------------------------------------------------------------------------


def _n(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _rate(measure: Measure | None) -> str:
    if measure is None:
        return "—"
    rate = f"{measure.rps:,.0f}" if measure.rps >= 10 else f"{measure.rps:.2f}"
    errors = f" ({measure.errors} errors)" if measure.errors else ""
    return f"{rate} / {measure.p50_ms:,.1f}{errors}"


def report(rows: list[Row], indexes: list[dict], args) -> str:
    lines = ["# coopkg over three stores, by release size", "",
             f"Machine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} "
             f"GiB; {time.strftime('%Y-%m-%d %H:%M')}; app under gunicorn --preload, 2 workers; wrk, 1 thread, "
             f"{args.connections} connections, {args.seconds:g} s per class; load average before the run "
             f"{os.getloadavg()[0]:.1f}.", "",
             "## Index files (`coopkg.indexes.write_indexes`)", "",
             "| release | quads | write s | peak RSS MB | files MB |", "|---|---:|---:|---:|---:|"]
    for found in indexes:
        lines.append(f"| {found['release']} | {found['quads']:,} | {_n(found.get('index_seconds'))} | "
                     f"{_n(found.get('index_rss_mb'), 0)} | {_n(found.get('index_mb'))} |")
    lines += ["", "## Stores", "",
              "Throughput cells: requests/s / median latency in ms. Start-up: until `/health` answers (index files "
              "present); app RSS: the preloaded app's peak before forking; scan: `create_app` without index files.",
              "", "| release | quads | store | load | load s | store RSS MB | app start-up s | app RSS MB | "
              "scan start-up s | scan RSS MB | competency | entity pages | search |",
              "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row.release} | {row.quads:,} | {row.store} | {row.load} | {_n(row.load_seconds)} | "
                     f"{_n(row.store_rss_mb, 0)} | {_n(row.startup_seconds)} | {_n(row.app_rss_mb, 0)} | "
                     f"{_n(row.scan_startup_seconds)} | {_n(row.scan_app_rss_mb, 0)} | "
                     + " | ".join(_rate(row.classes.get(name)) for name in CLASSES) + " |")
        if row.note:
            lines.append(f"| | | {row.store}: {row.note} | | | | | | | | | | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", action="append", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each class's wrk run")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="the app's query time limit")
    parser.add_argument("--stores", default="embedded,oxigraph,virtuoso", help="comma-separated subset")
    parser.add_argument("--oxigraph-bulk-above", type=int, default=2_000_000,
                        help="above this many quads, load Oxigraph offline with `oxigraph load` instead of the GSP")
    parser.add_argument("--scan-below", type=int, default=2_000_000,
                        help="below this many quads, also time the start-up without index files")
    parser.add_argument("--work", type=Path, default=Path("/tmp/coopkg-stores"))
    parser.add_argument("--out", type=Path, default=HERE / "results" / f"stores-{time.strftime('%Y-%m-%d')}.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    indexes: list[dict] = []
    for dist in args.dist:
        found, timing = bench_release(dist.resolve(), args)
        rows += found
        indexes.append(timing)
        text = report(rows, indexes, args)  # written after every release: a later failure keeps the earlier ones
        args.out.write_text(text)
        args.out.with_suffix(".json").write_text(json.dumps({"rows": [asdict(r) for r in rows], "indexes": indexes},
                                                            indent=1, ensure_ascii=False))
    print(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
