"""Example queries for the query page: the competency questions (tests/competency/*.rq).

Each file starts with ``# question-en:`` and ``# question-zh:`` lines; they become the
menu entry, the rest of the file is the query. Read once at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: where the competency questions live in a source checkout
DEFAULT_EXAMPLES = Path(__file__).resolve().parents[3] / "tests" / "competency"


@dataclass(frozen=True)
class Example:
    name: str
    question_en: str
    question_zh: str
    query: str


def load_examples(directory: Path | None) -> list[Example]:
    if directory is None or not Path(directory).is_dir():
        return []
    examples = []
    for path in sorted(Path(directory).glob("*.rq")):
        headers: dict[str, str] = {}
        body = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# ") and ":" in line and not body:
                key, _, value = line[2:].partition(":")
                headers[key.strip()] = value.strip()
                continue
            body.append(line)
        examples.append(Example(path.stem, headers.get("question-en", path.stem), headers.get("question-zh", ""),
                                "\n".join(body).strip() + "\n"))
    return examples
