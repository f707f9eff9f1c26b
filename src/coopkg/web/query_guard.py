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
- whether the query names its own dataset (FROM / FROM NAMED).

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


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about a query it lets through."""

    #: SELECT, ASK, CONSTRUCT or DESCRIBE (None when the text has none: the parser will say why)
    form: str | None
    #: the query has FROM or FROM NAMED at its top level
    has_dataset: bool


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
    return QueryShape(form=form, has_dataset=has_dataset)
