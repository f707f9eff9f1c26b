"""Build time at scale: synthetic sources of the seed's shape, built with ``coopkg build``.

For each size (default 1M and 10M asserted triples) it writes the sources with
``synthetic.py --sources`` under ``/tmp/coopkg-scale/<size>/src``, builds them into
``/tmp/coopkg-scale/<size>/dist`` in a child process (so each peak RSS is that build's own)
and writes a markdown table to ``benchmarks/results/build-scale-<date>.md``.

    .venv/bin/python benchmarks/build_scale.py                       # 1M and 10M, rules reasoner
    .venv/bin/python benchmarks/build_scale.py --sizes 1000000 --reasoner reasonable
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import generate_sources  # noqa: E402

#: the child: one build, its stage timings, counts and peak RSS as one JSON line on stdout (the
#: SHACL workers are forked from it and share its pages copy-on-write, so their RSS overlaps it)
_CHILD = """
import json, resource, sys
from pathlib import Path
from coopkg.build import BuildOptions, build
from coopkg.errors import CoopkgError
from coopkg.reasoning import ReasoningBudget
root, dist, reasoner, seconds = sys.argv[1:5]
try:
    budget = ReasoningBudget(seconds=float(seconds))
    result = build(BuildOptions(Path(root), Path(dist), reasoner=reasoner, budget=budget))
    outcome = {"conforms": True, "timings": result.timings, "asserted": result.summary.asserted_triples,
               "inferred": result.summary.inferred_triples, "bytes": sum(result.summary.files.values())}
except CoopkgError as error:
    outcome = {"conforms": False, "error": str(error).splitlines()[0][:200]}
outcome["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
outcome["worker_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(outcome))
"""


def run_size(triples: int, base: Path, project: Path, reasoner: str, max_seconds: float) -> dict:
    """Generate the sources of one size and build them; return the child's report plus timings."""
    folder = base / _label(triples)
    start = time.perf_counter()
    copies, written = generate_sources(project, folder / "src", triples)
    generated = time.perf_counter() - start
    print(f"{_label(triples)}: {copies} copies, {written} triples generated in {generated:.1f} s", flush=True)
    command = [sys.executable, "-c", _CHILD, str(folder / "src"), str(folder / "dist"), reasoner, str(max_seconds)]
    child = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    lines = child.stdout.strip().splitlines()
    outcome = json.loads(lines[-1]) if lines else {"conforms": False, "error": f"exit {child.returncode}"}
    outcome.update(size=_label(triples), generate_s=generated, reasoner=reasoner, dist=str(folder / "dist"))
    print(json.dumps(outcome), flush=True)
    return outcome


def _label(triples: int) -> str:
    return f"{triples // 1_000_000}m" if triples % 1_000_000 == 0 else f"{triples // 1000}k"


def table(outcomes: list[dict]) -> str:
    stages = ["parse sources", "check (terms, links, SHACL)"]
    header = ("| size | asserted | inferred | reasoner | parse s | checks s | reason s | write s | total s "
              "| peak RSS MiB | SHACL worker RSS MiB | conforms |")
    lines = [header, "|" + "---|" * 12]
    for o in outcomes:
        t = o.get("timings", {})
        reason = next((v for k, v in t.items() if k.startswith("reason")), None)
        cells = [o["size"], o.get("asserted", "–"), o.get("inferred", "–"), o["reasoner"],
                 *(_secs(t.get(s)) for s in stages), _secs(reason), _secs(t.get("write release")),
                 _secs(sum(t.values()) if t else None), f"{o['peak_rss_mib']:,.0f}",
                 f"{o.get('worker_rss_mib', 0):,.0f}",
                 "yes" if o["conforms"] else f"no: {o.get('error', '')}"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _secs(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1_000_000, 10_000_000])
    parser.add_argument("--reasoner", default="rules", choices=("owlrl", "reasonable", "rules"))
    parser.add_argument("--base", default=Path("/tmp/coopkg-scale"), type=Path)
    parser.add_argument("--max-seconds", default=3600.0, type=float,
                        help="time budget of the closure (the build's default, 300 s, is meant for the seed)")
    parser.add_argument("--root", default=HERE.parent, type=Path, help="the project whose sources to replicate")
    args = parser.parse_args()
    outcomes = [run_size(size, args.base, args.root, args.reasoner, args.max_seconds) for size in args.sizes]
    today = datetime.date.today().isoformat()
    report = HERE / "results" / f"build-scale-{today}.md"
    report.write_text(f"# coopkg build at scale ({today}, {_machine()})\n\n"
                      f"`{' '.join(['python', 'benchmarks/build_scale.py', *sys.argv[1:]])}`\n\n"
                      + table(outcomes), encoding="utf-8")
    print(report.read_text(encoding="utf-8"))


def _machine() -> str:
    import os

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB RAM"


if __name__ == "__main__":
    main()
