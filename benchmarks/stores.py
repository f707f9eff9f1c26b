"""Embedded store vs Oxigraph server vs Virtuoso over one release: open/publish time and query
throughput (sequential, one client) for a mix of competency questions.

    python benchmarks/stores.py --dist /tmp/syn-1m [--dist dist] [--seconds 10]

Each store is started fresh in a temporary directory (tests/store_servers.py), the release is
published with ``coopkg publish`` (counts verified), then every store answers the same queries.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from coopkg.publish import publish_release, target_for  # noqa: E402
from coopkg.remote import RemoteDataset  # noqa: E402
from coopkg.store import ReleaseStore  # noqa: E402
from store_servers import oxigraph_server, virtuoso_program, virtuoso_server  # noqa: E402

COMPETENCY = HERE.parent / "tests" / "competency"
#: cheap lookups, joins, aggregates and a GRAPH pattern, as a public endpoint sees them
QUERY_FILES = ["p000-01-gix-founders.rq", "p000-05-corridor-results-count.rq", "p001-07-proposals-per-heading.rq",
               "p002-02-wta-members-by-kind.rq", "p003-07-claims-per-speaker.rq"]


def queries() -> list[str]:
    found = [COMPETENCY / name for name in QUERY_FILES if (COMPETENCY / name).is_file()]
    found = found or sorted(COMPETENCY.glob("*.rq"))[:4]
    return [path.read_text(encoding="utf-8") for path in found]


def throughput(dataset, texts: list[str], seconds: float) -> float:
    """Queries per second, each answer read to its end."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            for _ in dataset.query(text):
                pass
            done += 1
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", action="append", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--stores", default="embedded,oxigraph,virtuoso", help="comma-separated subset")
    args = parser.parse_args()
    texts = queries()
    print("| release | quads | store | load/publish s | queries/s |")
    print("|---|---:|---|---:|---:|")
    for dist in args.dist:
        wanted = set(args.stores.split(","))
        started = time.perf_counter()
        embedded = ReleaseStore(dist)
        size = len(embedded)
        if "embedded" in wanted:
            print(f"| {dist.name} | {size} | embedded pyoxigraph | {time.perf_counter() - started:.1f} | "
                  f"{throughput(embedded, texts, args.seconds):.0f} |", flush=True)
        del embedded
        makers = [("Oxigraph server", oxigraph_server)] if "oxigraph" in wanted else []
        if virtuoso_program() and "virtuoso" in wanted:
            makers.append(("Virtuoso 7.2", virtuoso_server))
        for name, make in makers:
            with tempfile.TemporaryDirectory(prefix="coopkg-bench-") as work:
                server = make(Path(work))
                server.start()
                try:
                    options = dict(zip(server.publish_args[::2], server.publish_args[1::2], strict=True))
                    target = target_for(options["--store"], isql=options.get("--isql"),
                                        load_dir=options.get("--load-dir"))
                    report = publish_release(dist, target, Path(work) / "scratch", progress=lambda _m: None)
                    print(f"published to {name} in {report.seconds:.1f} s", file=sys.stderr, flush=True)
                    remote = RemoteDataset(dist, server.query_url, timeout=300)
                    print(f"| {dist.name} | {size} | {name} | {report.seconds:.1f} | "
                          f"{throughput(remote, texts, args.seconds):.0f} |", flush=True)
                finally:
                    server.stop()


if __name__ == "__main__":
    main()
