"""RSQL filters (`status==PUBLISHED;price=gt=4`) translated into Django Q objects, parsed with lark.

No RSQL parser on PyPI is kept up; the grammar is small, so it lives here (docs/api-decisions.md).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any, Literal, cast

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

Kind = Literal["text", "number", "boolean", "datetime", "date", "uuid"]

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("," and_expr)*  -> any_of
?and_expr: constraint (";" constraint)*  -> all_of
?constraint: "(" or_expr ")" | comparison
comparison: SELECTOR OPERATOR (value | "(" value ("," value)* ")")
value: UNRESERVED | QUOTED
SELECTOR: /[A-Za-z_][A-Za-z0-9_.]*/
OPERATOR: "==" | "!=" | "<=" | ">=" | "<" | ">" | /=[a-z]+=/
UNRESERVED: /[^"'();,=!<>\s]+/
QUOTED: /"(\\.|[^"\\])*"/ | /'(\\.|[^'\\])*'/
%ignore /\s+/
"""
PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True)
COMPARISONS = {
    "<": "lt",
    "=lt=": "lt",
    ">": "gt",
    "=gt=": "gt",
    "<=": "lte",
    "=le=": "lte",
    ">=": "gte",
    "=ge=": "gte",
}
OPERATORS = {"==", "!=", "=in=", "=out=", "=like=", "=isnull=", *COMPARISONS}


@dataclass(frozen=True)
class Selector:
    lookup: str  # an ORM path: "status", "record__id", "values__title" (a key in a JSONField)
    kind: Kind = "text"
    json: bool = False


class RsqlError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


def to_q(text: str, selectors: Mapping[str, Selector]) -> Q:
    if not text.strip():
        return Q()
    try:
        tree = PARSER.parse(text)
    except UnexpectedInput as exc:
        raise RsqlError(_describe(exc, text), _position(exc, text)) from None
    try:
        return _Translate(selectors).transform(tree)
    except VisitError as exc:
        raise exc.orig_exc from None


def _position(exc: UnexpectedInput, text: str) -> int:
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        return len(text)
    if isinstance(exc, UnexpectedToken):
        return exc.token.start_pos or 0
    return exc.pos_in_stream if exc.pos_in_stream is not None else len(text)


def _describe(exc: UnexpectedInput, text: str) -> str:
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        return "Unexpected end of the filter"
    if isinstance(exc, UnexpectedCharacters):
        # lark declares the attribute None on the base class; this error always sets it.
        return f"Unexpected {text[cast(int, exc.pos_in_stream)]!r}"
    if isinstance(exc, UnexpectedToken):
        return f"Unexpected {exc.token.value!r}"
    return "Malformed filter"


class _Translate(Transformer[Token, Q]):
    def __init__(self, selectors: Mapping[str, Selector]) -> None:
        super().__init__()
        self.selectors = selectors

    def any_of(self, items: list[Q]) -> Q:
        result = items[0]
        for item in items[1:]:
            result |= item
        return result

    def all_of(self, items: list[Q]) -> Q:
        result = items[0]
        for item in items[1:]:
            result &= item
        return result

    def value(self, items: list[Token]) -> Token:
        token = items[0]
        if token.type == "QUOTED":
            unquoted = re.sub(r"\\(.)", r"\1", token.value[1:-1])
            return Token("QUOTED", unquoted, start_pos=token.start_pos)
        return token

    def comparison(self, items: list[Token]) -> Q:
        name, operator, *values = items
        selector = self.selectors.get(str(name))
        if selector is None:
            raise RsqlError(f"Unknown selector {str(name)!r}", name.start_pos or 0)
        op = str(operator)
        if op not in OPERATORS:
            raise RsqlError(f"Unknown operator {op!r}", operator.start_pos or 0)
        if op not in ("=in=", "=out=") and len(values) != 1:
            raise RsqlError(f"{op} takes one value", values[1].start_pos or 0)
        return _comparison(selector, op, operator, values)


def _comparison(selector: Selector, op: str, operator: Token, values: list[Token]) -> Q:
    lookup = selector.lookup
    missing = Q(**{f"{lookup}__isnull": True})
    if op == "=isnull=":
        return Q(**{f"{lookup}__isnull": _convert(Selector(lookup, "boolean"), values[0])})
    if op in ("=in=", "=out="):
        q = Q(**{f"{lookup}__in": [_convert(selector, v) for v in values]})
        return q if op == "=in=" else ~q | missing
    if op in COMPARISONS:
        if selector.kind in ("boolean", "uuid"):
            raise RsqlError(f"{op} does not apply to a {selector.kind}", operator.start_pos or 0)
        return Q(**{f"{lookup}__{COMPARISONS[op]}": _convert(selector, values[0])})
    raw = str(values[0])
    if op == "=like=" or "*" in raw:
        if selector.kind != "text":
            raise RsqlError(f"Wildcards apply to text, not to a {selector.kind}", values[0].start_pos or 0)
        pattern = ".*".join(re.escape(part) for part in raw.split("*"))
        if op == "=like=":
            # No wildcard at all means "contains", as users of a search box expect.
            pattern = pattern if "*" in raw else f".*{pattern}.*"
            return Q(**{f"{lookup}__iregex": f"^{pattern}$"})
        q = Q(**{f"{lookup}__regex": f"^{pattern}$"})
    else:
        q = Q(**{lookup: _convert(selector, values[0])})
    # Rows without the value (a JSON key that is missing) match !=: they are not equal to it.
    return q if op == "==" else ~q | missing


def _convert(selector: Selector, token: Token) -> Any:
    raw, position, kind = str(token), token.start_pos or 0, selector.kind
    if kind == "number":
        try:
            return int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
        except ValueError:
            raise RsqlError(f"{raw!r} is not a number", position) from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise RsqlError(f"{raw!r} is not true or false", position)
        return raw.lower() == "true"
    if kind == "datetime":
        value = parse_datetime(raw)
        if value is None:
            raise RsqlError(f"{raw!r} is not an ISO 8601 date-time", position)
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if kind == "date":
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise RsqlError(f"{raw!r} is not a date (YYYY-MM-DD)", position) from None
        return raw if selector.json else day  # JSON holds dates as ISO strings, which sort as dates
    if kind == "uuid":
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise RsqlError(f"{raw!r} is not a UUID", position) from None
    return raw
