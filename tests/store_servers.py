"""Real SPARQL stores for the store-backed tests and the benchmark: an Oxigraph server and a
Virtuoso, each started on 127.0.0.1 in a temporary directory, stopped and restarted on demand."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_program() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def virtuoso_program() -> str | None:
    found = shutil.which("virtuoso-t")
    return found if found and VIRTUOSO_INI.is_file() and (shutil.which("isql-vt") or shutil.which("isql")) else None


@dataclass
class StoreServer:
    """One running store: ``query_url`` for serving, ``publish_args`` for ``coopkg publish``."""

    name: str
    command: list[str]
    query_url: str
    publish_args: list[str]
    workdir: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, wait: float = 60.0) -> None:
        log = (self.workdir / f"{self.name}.out").open("ab")
        self.process = subprocess.Popen(self.command, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {(self.workdir / f'{self.name}.out').read_text()[-2000:]}")
            try:
                response = requests.post(self.query_url, data={"query": "ASK {}"}, timeout=2,
                                         headers={"Accept": "application/sparql-results+json"})
                if response.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not come up within {wait:g} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


def oxigraph_server(workdir: Path) -> StoreServer:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [oxigraph_program() or "oxigraph", "serve", "--location", str(workdir / "db"), "--bind",
               f"127.0.0.1:{port}"]
    return StoreServer("oxigraph", command, base + "/query", ["--store", base], workdir)


def virtuoso_server(workdir: Path, *, buffers: int = 100_000, max_query_mem: str = "2G") -> StoreServer:
    """A copy of the packaged virtuoso.ini with its files in ``workdir``, both ports on
    127.0.0.1, the loader allowed to read ``workdir/load`` and no 10,000-row cap on answers.
    ``buffers`` (8 KiB pages of cache) and ``max_query_mem`` grow with the graph: the packaged
    ini's table suggests 340,000 buffers for 4 GB of RAM, about right for ten million quads."""
    sql_port, http_port = free_port(), free_port()
    (workdir / "load").mkdir(parents=True, exist_ok=True)
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", str(workdir) + "/")
    ini = re.sub(r"(?m)^ServerPort(\s*)=\s*1111", rf"ServerPort\1= 127.0.0.1:{sql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort(\s*)=\s*8890", rf"ServerPort\1= 127.0.0.1:{http_port}", ini)
    ini = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {workdir}/load, /usr/share/virtuoso-opensource-7/vad",
                 ini)
    ini = re.sub(r"(?m)^NumberOfBuffers\s*=.*$", f"NumberOfBuffers = {buffers}", ini)
    ini = re.sub(r"(?m)^MaxDirtyBuffers\s*=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", ini)
    ini = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 10000000", ini)
    ini = re.sub(r"(?m)^MaxQueryExecutionTime\s*=.*$", "MaxQueryExecutionTime = 300", ini)
    ini = re.sub(r"(?m)^MaxQueryMem\s*=.*$", f"MaxQueryMem = {max_query_mem}", ini)
    (workdir / "virtuoso.ini").write_text(ini)
    base = f"http://127.0.0.1:{http_port}/sparql"
    command = [shutil.which("virtuoso-t") or "virtuoso-t", "-f", "-c", str(workdir / "virtuoso.ini")]
    return StoreServer("virtuoso", command, base,
                       ["--store", base, "--isql", f"127.0.0.1:{sql_port}", "--load-dir", str(workdir / "load")],
                       workdir)
