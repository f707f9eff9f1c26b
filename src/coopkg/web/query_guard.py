"""Look at a query's text before the engine does: refuse what must never run.

One pass of a lexer that follows the SPARQL grammar's terminals (strings, IRIs, comments,
prefixed names and variables are whole tokens, so a keyword inside them is never mistaken
for one) tells:

- whether the query uses ``SERVICE`` anywhere — any case, ``SILENT``, a variable endpoint,
  inside a subquery, a ``UNION`` or a ``FILTER EXISTS``. pyoxigraph would open an HTTP
  connection for it, so it is refused before evaluation;
- how deep brackets nest: pyoxigraph's recursive parser overflows its stack (a segfault that
  takes the worker down) at a few thousand levels, so deep nesting is refused with a 400;
- the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), which decides the result formats, and
  whether it is an update (refused: the endpoint is read-only);
- whether the query names its own dataset (FROM / FROM NAMED);
- whether the query is *bounded by the row cap*: one triple pattern, no repeated variable,
  no FILTER, DISTINCT, ORDER BY, GROUP BY, OFFSET or property path (see :data:`_BOUNDED`).
  Every pattern match it scans is a row it answers, so the row cap stops it after at most
  ``QUERY_ROW_LIMIT`` index entries: it cannot overrun the time limit, and the endpoint
  runs it without the watchdog hand-off (two thread switches, about 0.1 ms here, a third of
  a lookup's cost; measured in benchmarks/).

The engine's parser stays the judge of syntax: this only refuses, it never accepts a query
the parser would reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..query_errors import ForbiddenQuery, QueryTooDeep, UpdateRefused

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_PROLOGUE = frozenset({"PREFIX", "BASE"})

# Order matters: long strings before short ones, prefixed names before bare words.
_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n\r]*
        |'''(?:(?:''?)?(?:[^'\\]|\\.))*'''
        |\"\"\"(?:(?:\"\"?)?(?:[^"\\]|\\.))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'
        |"(?:[^"\\\n\r]|\\.)*"
        |<[^<>"{}|^`\\\x00-\x20]*>
        |@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*
        |[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+
        |[\w.\-]*:(?:[\w.\-:%]|\\.)*)
      |(?P<word>[A-Za-z][A-Za-z0-9_]*)
      |(?P<open>[({\[])
      |(?P<close>[)}\]])
    """,
    re.VERBOSE | re.DOTALL,
)


# The bounded shape, written as a whole-text match so anything else (a second pattern, a
# keyword, a path operator, an escape) simply fails to match and takes the general path.
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PNAME = r"(?:[A-Za-z][\w\-]*(?:\.[\w\-]+)*)?:(?:[\w\-]+(?:\.[\w\-]+)*)?"
_VAR = r"[?$]\w+"
_LITERAL = rf'"[^"\\\n\r]*"(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*|\^\^(?:{_IRI}|{_PNAME}))?'
_NODE = rf"(?:{_IRI}|{_PNAME}|{_VAR}|{_LITERAL}|[+-]?\d+)"
_VERB = rf"(?:{_IRI}|{_PNAME}|{_VAR}|a)"
_COMMENTS = r"(?:\s++|\#[^\n\r]*+)*+"
# possessive quantifiers throughout: a near-miss fails in linear time (no backtracking
# over runs of spaces or comments in a 32 KiB query)
_BOUNDED = re.compile(
    rf"""{_COMMENTS}
    (?:(?:PREFIX\s++{_PNAME}\s*+|BASE\s*+){_IRI}{_COMMENTS})*+
    (?:SELECT(?:\s*+{_VAR})++\s*+|SELECT\s*+\*\s*+|ASK\s*+)
    (?:WHERE\s*+)?\{{\s*+(?P<s>{_NODE})\s++(?P<p>{_VERB})\s++(?P<o>{_NODE})\s*+(?:\.\s*+)?\}}
    {_COMMENTS}(?:LIMIT\s++\d++{_COMMENTS})?""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about a query it lets through."""

    #: SELECT, ASK, CONSTRUCT or DESCRIBE (None when the text has none: the parser will say why)
    form: str | None
    #: the query has FROM or FROM NAMED at its top level
    has_dataset: bool
    #: the row cap bounds the work (one pattern, nothing that scans without answering)
    bounded: bool = False


def inspect_query(text: str, *, max_depth: int) -> QueryShape:
    """Refuse SERVICE, updates and deep nesting; return the query's form otherwise."""
    depth = deepest = 0
    form: str | None = None
    first_keyword: str | None = None
    has_dataset = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > max_depth:
                    raise QueryTooDeep(f"query nested too deeply: more than {max_depth} levels of brackets")
            continue
        if kind == "close":
            depth -= 1
            continue
        word = match.group().upper()
        if word == "SERVICE":
            raise ForbiddenQuery("SERVICE is not allowed: this endpoint never sends requests to other services; "
                                 "query each endpoint yourself and combine the results")
        if first_keyword is None and word not in _PROLOGUE:
            first_keyword = word
            if word in UPDATE_KEYWORDS:
                raise UpdateRefused(f"{word}: this endpoint is read-only; SPARQL Update (LOAD included) "
                                    "is not accepted")
        if depth == 0:
            if form is None and word in QUERY_FORMS:
                form = word
            elif word == "FROM":
                has_dataset = True
    return QueryShape(form=form, has_dataset=has_dataset, bounded=is_bounded(text))


def is_bounded(text: str) -> bool:
    """True when every match the engine scans is a row of the answer, so the row cap bounds
    the work: one triple pattern whose variables are all different (``?x ?p ?x`` scans
    every triple to answer a few), and nothing that filters, sorts, groups or skips."""
    match = _BOUNDED.fullmatch(text)
    if match is None:
        return False
    variables = [term[1:] for term in match.group("s", "p", "o") if term[0] in "?$"]
    return len(variables) == len(set(variables))
