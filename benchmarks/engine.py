"""The engine alone: pyoxigraph evaluating the benchmark's queries in-process, no HTTP.

This is the ceiling of any endpoint built on pyoxigraph's in-memory store, measured on the same
release, the same query files and the same view (inferred, the endpoint's default) as
``run.py``: each request is the query evaluated and its answer serialised to SPARQL JSON bytes
by pyoxigraph, one at a time on one thread, with the same unique trailing comment as over
HTTP. ``1 / median`` is the most requests per second one connection could see; divided by
the Oxigraph server's figure it is the best ratio an HTTP layer over this engine can reach.

    python benchmarks/engine.py --dist dist --queries /tmp/coopkg-bench/queries-…/joins.txt [--seconds 3]

Prints one JSON object: ``{"median_ms": …, "p99_ms": …, "requests": …}``. run.py starts it in
a child process so that it gets the servers' allocator (jemalloc) too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from coopkg.store import DatasetChoice, open_store


def measure(dist: Path, queries: Path, seconds: float) -> dict:
    store = open_store(dist)
    arguments = store.query_arguments(DatasetChoice())
    texts = [unquote(line) for line in queries.read_text().splitlines() if line]
    timings: list[float] = []
    for text in texts:  # warm-up: one of each
        store.store.query(text, **arguments).serialize(format=ox.QueryResultsFormat.JSON)
    deadline = time.perf_counter() + seconds
    counter = 0
    while time.perf_counter() < deadline:
        counter += 1
        text = f"{texts[counter % len(texts)]}\n# engine-{counter}"
        started = time.perf_counter()
        store.store.query(text, **arguments).serialize(format=ox.QueryResultsFormat.JSON)
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {"median_ms": statistics.median(timings) * 1000,
            "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000,
            "requests": len(timings)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Time pyoxigraph alone on a benchmark query file (see docstring).")
    parser.add_argument("--dist", required=True, type=Path, help="a built release")
    parser.add_argument("--queries", required=True, type=Path, help="one URL-encoded query per line (run.py's files)")
    parser.add_argument("--seconds", default=3.0, type=float, help="how long to keep evaluating")
    args = parser.parse_args()
    print(json.dumps(measure(args.dist, args.queries, args.seconds)))


if __name__ == "__main__":
    main()
