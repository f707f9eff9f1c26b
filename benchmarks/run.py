"""Benchmark the coopkg endpoint against Oxigraph's own server and a plain rdflib endpoint.

One run, same machine, same data, same queries. For each dataset (the built seed release and
a synthetic release of the same shape, see synthetic.py) and each server, wrk drives
four query classes at 1 and 8 concurrent connections:

- ``lookups``: every subject's description, ``SELECT ?p ?o WHERE { <s> ?p ?o }``;
- ``joins``: organisations based in a city, two joins and a FILTER on labels;
- ``aggregates``: instances per class with COUNT DISTINCT, a FILTER and GROUP BY;
- ``repeated``: one aggregate query, always the same text.

In the first three classes every request is a text never sent before (a unique comment is
appended), so no cache can answer: they measure evaluation. ``repeated`` measures what
caching gives. Servers: coopkg (granian, 2 workers, time limit on, jemalloc preloaded when
the machine has it, as README's production commands do), coopkg without the time limit (its
cost, on lookups and on joins), ``oxigraph serve-read-only`` (on-disk store, union default
graph, as shipped; also once with jemalloc preloaded, to show what the allocator alone
gives), the rdflib endpoint (benchmarks/rdflib_endpoint.py, granian, 2 workers) and a Flask
app that answers a constant (the ceiling of a Python HTTP layer). Then the time limit:
requested vs actual for an endless query, and how fast the overrunning worker is replaced.
Beside the servers, engine.py times pyoxigraph alone on the same queries (no HTTP): the
ceiling any endpoint over that engine can reach at one connection. On the seed, joins and
aggregates are measured once more with coopkg and Oxigraph's server up together, in
alternation, since one block after another can meet different moments of a shared machine.

    python benchmarks/run.py --dist dist [--seconds 5] [--triples 1000000] [--no-jemalloc]

Needs ``wrk`` (``apt-get install wrk``) and the ``oxigraph`` package (test extra). Results go
to benchmarks/results/<date>.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))
PREFIXES = ("PREFIX coop: <https://w3id.org/coopkg/ontology#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")
CLASSES = ("lookups", "joins", "aggregates", "repeated")
#: Debian's libjemalloc2; pyoxigraph's evaluator allocates per row and runs ~14 % faster with it
JEMALLOC = Path("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")
#: environment for the servers under test (set in main: LD_PRELOAD of jemalloc when used)
PRELOAD: dict[str, str] = {}


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- queries ---------------------------------------------------------------------------------------------


def make_queries(dist: Path, out: Path) -> dict[str, Path]:
    import pyoxigraph as ox

    from coopkg.store import open_store

    store = open_store(dist)
    subjects = sorted({q.subject.value for q in store.store.quads_for_pattern(None, None, None)
                       if isinstance(q.subject, ox.NamedNode) and "/coopkg/id/" in q.subject.value})
    random.Random(7).shuffle(subjects)
    joins = [PREFIXES + "SELECT ?org ?city ?name WHERE { ?org coop:basedIn ?city ; skos:prefLabel ?orgName . "
             f"?city skos:prefLabel ?name FILTER(lang(?name) = \"en\" && CONTAINS(LCASE(?orgName), \"{c}\")) }}"
             for c in "abcdefghilmnoprstuvy"]
    aggregates = [PREFIXES + "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type ; skos:prefLabel ?l "
                  f"FILTER(STRLEN(?l) > {k}) }} GROUP BY ?type ORDER BY DESC(?n) LIMIT 20" for k in range(20)]
    sets = {
        "lookups": [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}" for s in subjects[:5000]],
        "joins": joins,
        "aggregates": aggregates,
        "repeated": [aggregates[3]],
    }
    files = {}
    out.mkdir(parents=True, exist_ok=True)
    for name, queries in sets.items():
        files[name] = out / f"{name}.txt"
        files[name].write_text("".join(quote(q, safe="") + "\n" for q in queries))
    return files


# --- servers ---------------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, command: list[str], env: dict[str, str], path: str, port: int) -> None:
        self.name, self.command, self.env, self.path, self.port = name, command, env, path, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, env={**os.environ, **self.env}, cwd=ROOT,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        probe = f"http://127.0.0.1:{self.port}{self.path}?query=" + quote("ASK {}")
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if requests.get(probe, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            time.sleep(0.3)
        time.sleep(1.0)
        return self

    def __exit__(self, *exc) -> None:
        stop_group(self.process, grace=15)

    def workers(self) -> set[int]:
        found: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found.update(int(c) for c in (task / "children").read_text().split())
        return found


def stop_group(process: subprocess.Popen | None, grace: float) -> None:
    """Stop a server started in its own session with all its workers: SIGTERM, then SIGKILL
    after ``grace`` seconds."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def granian(app: str, port: int, *extra: str) -> list[str]:
    return [str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--http", "1", "--no-ws",
            "--respawn-failed-workers", "--respawn-interval", "0.5", "--log-level", "error", "--port", str(port),
            *extra, app]


def coopkg_server(dist: Path, timeout: float, name: str = "coopkg", under: str = "granian") -> Server:
    port = free_port()
    env = {"COOPKG_DIST": str(dist), "COOPKG_QUERY_TIMEOUT_SECONDS": str(timeout), **PRELOAD}
    if under == "gunicorn":
        command = [str(BIN / "gunicorn"), "--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                   "--log-level", "error", "coopkg.web.wsgi:app"]
        return Server(name, command, env, "/sparql", port)
    return Server(name, granian("coopkg.web.wsgi:app", port), env, "/sparql", port)


def release_key(dist: Path) -> str:
    """Name cached work (the Oxigraph copy, the query files) after the release's content, so a
    rebuilt release never meets a copy of an older one that happens to share its directory name."""
    digest = hashlib.sha256((dist / "SHA256SUMS").read_bytes()).hexdigest()[:12]
    return f"{dist.name}-{digest}"


def oxigraph_server(dist: Path, work: Path, env: dict[str, str] | None = None,
                    name: str = "oxigraph") -> Server:
    location = work / f"oxigraph-{release_key(dist)}"
    if not location.exists():
        oxigraph = str(BIN / "oxigraph")
        run = [oxigraph, "load", "--location", str(location)]
        subprocess.run([*run, "--file", str(dist / "data.nq")], check=True, capture_output=True)
        subprocess.run([*run, "--file", str(dist / "inferred.nt"), "--graph",
                        "https://w3id.org/coopkg/graph/inferred"], check=True, capture_output=True)
        subprocess.run([*run, "--file", str(dist / "ontology.ttl"), "--graph",
                        "https://w3id.org/coopkg/graph/ontology"], check=True, capture_output=True)
        subprocess.run([oxigraph, "optimize", "--location", str(location)], check=True, capture_output=True)
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    return Server(name, command, env or {}, "/query", port)


def rdflib_server(dist: Path) -> Server:
    port = free_port()
    # one thread per worker: rdflib's query engine fails under concurrent queries on one graph
    return Server("rdflib", granian("benchmarks.rdflib_endpoint:app", port, "--blocking-threads", "1"),
                  {"COOPKG_DIST": str(dist), **PRELOAD}, "/sparql", port)


def hello_server() -> Server:
    port = free_port()
    return Server("flask-hello", granian("benchmarks.hello:app", port), {}, "/sparql", port)


# --- measuring -------------------------------------------------------------------------------------------


def request_paths(queries: Path, endpoint_path: str) -> Path:
    """The file of request paths benchmarks/paths.lua cycles through: ``endpoint?query=…`` per query."""
    paths = queries.with_name(f"{queries.stem}{endpoint_path.replace('/', '-')}.paths")
    paths.write_text("".join(f"{endpoint_path}?query={line}\n" for line in queries.read_text().splitlines()))
    return paths


def wrk(server: Server, queries: Path, connections: int, seconds: float, distinct: bool) -> Measure:
    threads = 1 if connections == 1 else 2
    env = {**os.environ, "PATHS": str(request_paths(queries, server.path)), "ACCEPT": "application/sparql-results+json",
           "DISTINCT": "1" if distinct else "0", "NONCE": os.urandom(4).hex()}
    found = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "30s",
                            "--latency", "-s", str(HERE / "paths.lua"), f"http://127.0.0.1:{server.port}"],
                           env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", found).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout)\s*:?\s*(\d+)", found))
    return Measure(rps, _latency(found, "50"), _latency(found, "99"), errors)


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def measure_server(server: Server, files: dict[str, Path], seconds: float, classes=CLASSES,
                   heavy_seconds: float | None = None) -> dict:
    results = {}
    wrk(server, files["lookups"], 8, 1, True)  # warm-up
    for name in classes:
        duration = heavy_seconds if heavy_seconds and name != "lookups" else seconds
        for connections in (1, 8):
            results[f"{name}@{connections}"] = wrk(server, files[name], connections, duration, name != "repeated")
            print(f"  {server.name:15} {name:10} c={connections}: {results[f'{name}@{connections}']}", flush=True)
    return results


def engine_alone(release: Path, files: dict[str, Path], seconds: float) -> dict[str, dict]:
    """pyoxigraph without HTTP on the same queries (engine.py, in a child process with the
    servers' allocator): the ceiling of any endpoint over this engine."""
    found = {}
    for name in ("lookups", "joins", "aggregates"):
        command = [sys.executable, str(HERE / "engine.py"), "--dist", str(release), "--queries", str(files[name]),
                   "--seconds", str(seconds)]
        output = subprocess.run(command, env={**os.environ, **PRELOAD}, capture_output=True, text=True, check=True)
        found[name] = json.loads(output.stdout)
        print(f"  engine alone    {name:10}: {found[name]['median_ms']:.3f} ms median", flush=True)
    return found


def time_limit_behaviour(dist: Path, limits=(0.5, 1.0, 2.0)) -> list[dict]:
    hundred = " ".join(str(i) for i in range(100))
    endless = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ {hundred} }}" for i in range(6)) + " }"
    rows = []
    for under, limit in [(u, limit) for u in ("granian", "gunicorn") for limit in limits]:
        with coopkg_server(dist, limit, f"coopkg-{limit}s", under) as server:
            time.sleep(6.5)  # granian replaces a worker only once it is 6 s old (crash-loop rule)
            before = server.workers()
            url = f"http://127.0.0.1:{server.port}/sparql"
            started = time.monotonic()
            response = requests.get(url, params={"query": endless}, timeout=60)
            answered = time.monotonic() - started
            during = []
            for _ in range(20):  # requests right after the overrun, while its worker is being replaced
                try:
                    during.append(str(requests.get(url, params={"query": "ASK {}"}, timeout=10).status_code))
                except requests.ConnectionError:
                    during.append("reset")
            replaced = None
            while time.monotonic() - started < 30:
                after = server.workers()
                if len(after) == 2 and len(before & after) == 1:
                    replaced = time.monotonic() - started
                    break
                time.sleep(0.05)
            rows.append({"server": under, "limit": limit, "status": response.status_code, "answered_after": answered,
                         "other_requests": ", ".join(f"{n}× {s}" for s, n in sorted(Counter(during).items())),
                         "worker_replaced_after": replaced})
            print(f"  time limit {limit}s: {rows[-1]}", flush=True)
    return rows


def time_limit_cost(dist: Path, files: dict[str, Path], rounds: int = 7, seconds: int = 3) -> list[dict]:
    """Lookups and joins with the limit on and off, both servers up at once and measured in
    alternation (medians of ``rounds``), so that the machine's drift hits both alike. Lookups
    are bounded by the row cap and skip the watchdog; joins pay its thread hand-off."""
    import statistics

    rows = []
    with coopkg_server(dist, 10.0) as on, coopkg_server(dist, 0, "coopkg-no-limit") as off:
        for server in (on, off):
            wrk(server, files["lookups"], 8, 1, True)
        for name, connections in (("lookups", 1), ("lookups", 8), ("joins", 1), ("joins", 8)):
            samples: dict[str, list[float]] = {"on": [], "off": []}
            for _ in range(rounds):
                samples["off"].append(wrk(off, files[name], connections, seconds, True).rps)
                samples["on"].append(wrk(on, files[name], connections, seconds, True).rps)
            on_rps, off_rps = statistics.median(samples["on"]), statistics.median(samples["off"])
            rows.append({"class": name, "connections": connections, "off": off_rps, "on": on_rps,
                         "cost": (off_rps - on_rps) / off_rps, "samples": samples})
            print(f"  time limit cost, {connections} connection(s): {rows[-1]}", flush=True)
    return rows


def alternated_ratios(dist: Path, files: dict[str, Path], work: Path, rounds: int = 7,
                      seconds: int = 3) -> list[dict]:
    """Joins and aggregates on coopkg and Oxigraph's server, both up at once, measured in
    alternation (which goes first swaps every round): the ratio of the medians, and the
    spread of the per-round ratios. Servers measured one after the other, as in the main
    table, can meet different moments of a shared machine; here drift hits both alike."""
    import statistics

    rows = []
    with coopkg_server(dist, 10.0) as ours, oxigraph_server(dist, work) as theirs:
        for server in (ours, theirs):
            wrk(server, files["joins"], 8, 1, True)
        for name, connections in (("joins", 1), ("joins", 8), ("aggregates", 1), ("aggregates", 8)):
            samples: dict[str, list[float]] = {"coopkg": [], "oxigraph": []}
            for turn in range(rounds):
                for server in ((ours, theirs) if turn % 2 == 0 else (theirs, ours)):
                    samples["coopkg" if server is ours else "oxigraph"].append(
                        wrk(server, files[name], connections, seconds, True).rps)
            per_round = sorted(a / b for a, b in zip(samples["coopkg"], samples["oxigraph"], strict=True) if b)
            rows.append({"class": name, "connections": connections,
                         "coopkg": statistics.median(samples["coopkg"]),
                         "oxigraph": statistics.median(samples["oxigraph"]),
                         "lowest": per_round[0], "highest": per_round[-1], "samples": samples})
            print(f"  alternated, {name} c={connections}: {rows[-1]}", flush=True)
    return rows


def startup_seconds(dist: Path) -> float:
    code = ("import time; t=time.monotonic(); from coopkg.store import open_store; "
            f"open_store({str(dist)!r}); print(time.monotonic()-t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


# --- report ----------------------------------------------------------------------------------------------


ENGINE_INTRO = ("The engine alone (engine.py: pyoxigraph's in-memory store evaluating the same queries in-process "
                "and serialising SPARQL JSON, one thread, no HTTP): 1 / its median is the most one connection can "
                "get from any endpoint over this engine, and that over Oxigraph's figure the best ratio reachable:")


def _rate(measure: Measure) -> str:
    if measure.rps == 0:
        return "0 (none answered)"
    return f"{measure.rps:,.0f}" if measure.rps >= 10 else f"{measure.rps:.2f}"


def _ms(measure: Measure) -> str:
    return "–" if measure.rps == 0 else f"{measure.p50_ms:.2f}"


def _ratio(ours: Measure, other: Measure) -> str:
    if other.rps == 0:
        return "∞ (no answer in the run)"
    ratio = ours.rps / other.rps
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:,.0f}×"


def report(datasets: dict[str, dict], limits: list[dict], machine: str) -> str:
    lines = ["# coopkg SPARQL endpoint benchmark", "", machine, ""]
    for label, data in datasets.items():
        servers = data["servers"]
        lines += [f"## {label}: {data['quads']:,} quads, store opened in {data['startup']:.2f} s", "",
                  "| class | conns | coopkg req/s | p50 ms | p99 ms | Oxigraph req/s | p50 ms | rdflib req/s | p50 ms "
                  "| coopkg / Oxigraph | coopkg / rdflib |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for key in servers["coopkg"]:
            ours, ox_, rd = servers["coopkg"][key], servers["oxigraph"][key], servers["rdflib"][key]
            name, connections = key.split("@")
            lines.append(f"| {name} | {connections} | {_rate(ours)} | {ours.p50_ms:.2f} | {ours.p99_ms:.2f} | "
                         f"{_rate(ox_)} | {_ms(ox_)} | {_rate(rd)} | {_ms(rd)} | {_ratio(ours, ox_)} | "
                         f"{_ratio(ours, rd)} |")
        errors = {f"{s}:{k}": m.errors for s, r in servers.items() for k, m in r.items() if m.errors}
        lines += ["", f"Non-2xx or timed-out responses: {errors or 'none'}", ""]
        if data.get("alternated"):
            rows = data["alternated"]
            lines += [f"Joins and aggregates again, coopkg and Oxigraph's server both up and measured in alternation "
                      f"(median of {len(rows[0]['samples']['coopkg'])} runs each; the spread is that of the "
                      "per-run ratios):", "",
                      "| class | conns | coopkg req/s | Oxigraph req/s | coopkg / Oxigraph | lowest – highest |",
                      "|---|---:|---:|---:|---:|---:|"]
            for row in rows:
                ratio = row["coopkg"] / row["oxigraph"]
                lines.append(f"| {row['class']} | {row['connections']} | {row['coopkg']:,.0f} | {row['oxigraph']:,.0f} "
                             f"| {ratio:.2f}× | {row['lowest']:.2f}× – {row['highest']:.2f}× |")
            lines.append("")
        if data.get("engine"):
            lines += [ENGINE_INTRO, "", "| class | engine median ms | engine ceiling req/s | Oxigraph req/s (1 conn) "
                      "| ceiling / Oxigraph | coopkg req/s (1 conn) | coopkg / ceiling |",
                      "|---|---:|---:|---:|---:|---:|---:|"]
            for name, alone in data["engine"].items():
                ceiling = 1000 / alone["median_ms"]
                ours, theirs = servers["coopkg"][f"{name}@1"], servers["oxigraph"][f"{name}@1"]
                best = f"{ceiling / theirs.rps:.2f}×" if theirs.rps else "—"
                lines.append(f"| {name} | {alone['median_ms']:.3f} | {ceiling:,.0f} | {_rate(theirs)} | {best} | "
                             f"{_rate(ours)} | {ours.rps / ceiling:.0%} |")
            lines.append("")
        if data.get("limit_cost"):
            lines += ["Cost of the time limit: the same server with the limit off and on, both up, measured in "
                      f"alternation, median of {len(data['limit_cost'][0]['samples']['on'])} runs (lookups are bounded "
                      "by the row cap and skip the watchdog; joins pay its thread hand-off):", "",
                      "| class | conns | no limit req/s | with limit req/s | cost |", "|---|---:|---:|---:|---:|"]
            for row in data["limit_cost"]:
                lines.append(f"| {row['class']} | {row['connections']} | {row['off']:,.0f} | {row['on']:,.0f} | "
                             f"{row['cost']:.1%} |")
            lines.append("")
        if "oxigraph-jemalloc" in servers:
            lines += ["The allocator alone: Oxigraph's server as shipped (glibc malloc) and with jemalloc preloaded, "
                      "like coopkg:", "", "| class | conns | Oxigraph req/s | Oxigraph + jemalloc req/s | "
                      "coopkg / Oxigraph + jemalloc |", "|---|---:|---:|---:|---:|"]
            for key, theirs in servers["oxigraph-jemalloc"].items():
                name, connections = key.split("@")
                lines.append(f"| {name} | {connections} | {_rate(servers['oxigraph'][key])} | {_rate(theirs)} | "
                             f"{_ratio(servers['coopkg'][key], theirs)} |")
            lines.append("")
        if "flask-hello" in servers:
            hello = servers["flask-hello"]
            lines += [f"Ceiling, Flask answering a constant: {hello['lookups@1'].rps:,.0f} req/s (1 connection), "
                      f"{hello['lookups@8'].rps:,.0f} req/s (8 connections).", ""]
    if limits:
        lines += ["## Time limit: an endless query (seed release, 2 workers)", "",
                  "| server | requested | status | answered after | 20 requests right after | overrunning worker "
                  "replaced after |", "|---|---:|---:|---:|---|---:|"]
        for row in limits:
            replaced = f"{row['worker_replaced_after']:.2f} s" if row["worker_replaced_after"] else "not seen"
            lines.append(f"| {row['server']} | {row['limit']} s | {row['status']} | {row['answered_after']:.3f} s | "
                         f"{row['other_requests']} | {replaced} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the coopkg endpoint (see the module docstring).")
    parser.add_argument("--dist", default=ROOT / "dist", type=Path)
    parser.add_argument("--seconds", default=5, type=int, help="duration of each wrk run")
    parser.add_argument("--heavy-seconds", default=15, type=int,
                        help="duration of the join, aggregate and repeated runs on the synthetic graph")
    parser.add_argument("--triples", default=1_000_000, type=int, help="size of the synthetic graph (0: skip it)")
    parser.add_argument("--work", default=Path("/tmp/coopkg-bench"), type=Path)
    parser.add_argument("--no-jemalloc", action="store_true", help="run the Python servers on glibc malloc")
    args = parser.parse_args()
    if not args.no_jemalloc and JEMALLOC.is_file():
        PRELOAD["LD_PRELOAD"] = str(JEMALLOC)
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    from synthetic import generate

    args.work.mkdir(parents=True, exist_ok=True)
    dist = args.dist.resolve()
    releases = {"seed release": dist}
    if args.triples:
        synthetic = args.work / f"synthetic-{args.triples}"
        if not (synthetic / "SHA256SUMS").exists():
            generate(dist, synthetic, args.triples)
        releases[f"synthetic release ({args.triples:,} target)"] = synthetic
    datasets: dict[str, dict] = {}
    for label, release in releases.items():
        print(f"{label}: {release}", flush=True)
        files = make_queries(release, args.work / f"queries-{release_key(release)}")
        servers = {}
        heavy = args.heavy_seconds if release != dist else None
        for make, classes in ((lambda r=release: coopkg_server(r, 10.0), CLASSES),
                              (lambda r=release: oxigraph_server(r, args.work), CLASSES),
                              *([(lambda r=release: oxigraph_server(r, args.work, PRELOAD, "oxigraph-jemalloc"),
                                  ("joins", "aggregates"))] if PRELOAD else []),
                              (lambda r=release: rdflib_server(r), CLASSES),
                              (hello_server, ("lookups",))):
            with make() as server:
                servers[server.name] = measure_server(server, files, args.seconds, classes, heavy)
        quads = sum(len((release / name).read_bytes().splitlines()) for name in ("data.nq", "inferred.nt"))
        engine = engine_alone(release, files, heavy or args.seconds)
        datasets[label] = {"servers": servers, "quads": quads, "startup": startup_seconds(release), "engine": engine,
                           "limit_cost": time_limit_cost(release, files) if release == dist else None,
                           "alternated": alternated_ratios(release, files, args.work) if release == dist else None}
    out = HERE / "results" / f"{time.strftime('%Y-%m-%d')}.md"
    raw = {label: {"servers": {s: {k: vars(m) for k, m in r.items()} for s, r in d["servers"].items()},
                   "limit_cost": d["limit_cost"], "engine": d["engine"], "alternated": d["alternated"]}
           for label, d in datasets.items()}
    out.with_suffix(".json").write_text(json.dumps({"datasets": raw}, indent=1))
    limits = time_limit_behaviour(dist)
    allocator = "jemalloc (LD_PRELOAD)" if PRELOAD else "glibc malloc"
    machine = (f"Machine: {os.cpu_count()} cores; Python servers' allocator: {allocator}; "
               "wrk 1 thread for 1 connection, 2 threads for 8; "
               f"{args.seconds:g} s per run; {time.strftime('%Y-%m-%d %H:%M')}; load average before the run: "
               f"{os.getloadavg()[0]:.1f}.")
    text = report(datasets, limits, machine)
    out.write_text(text)
    out.with_suffix(".json").write_text(json.dumps({"datasets": raw, "time_limit": limits}, indent=1))
    print(text)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
