"""Reading XML that may be hostile: no document type declarations (so no entity expansion
and no external entities), no network, bounded size and depth; every refusal is a
``Problem`` with the file and line.

lxml keeps each element's line (``element.sourceline``), so a format module can say where a
bad element is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn

from lxml import etree

from exitplan.errors import InvalidInputError, Problem
from exitplan.importers.files import read_source

MAX_XML_DEPTH = 256
"""Deeper than any real model (Archi nests folders and diagram objects a few dozen deep)."""

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)\b", re.IGNORECASE)
_DECLARATION_TEXT = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def parse_xml(raw: bytes, file: str) -> etree._Element:
    """The root element of ``raw``; ``InvalidInputError`` when it is not well-formed, has
    a DOCTYPE or entity declaration, or nests deeper than ``MAX_XML_DEPTH``."""
    declared = _DECLARATION.search(raw)
    if declared is not None:
        _refuse_declaration(file, _line_of(raw, declared.start()), declared.group(1).decode())
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        message = str(error.msg or error).split(", line ")[0].strip()
        if any(bound in message for bound in _BOUNDS):  # libxml2's: said as ours (helper-78)
            message = _beyond_bounds(message)
        else:
            message = f"not well-formed XML: {message}"
        raise InvalidInputError([Problem(file, line, "", message)], what="source") from None
    if root is None:
        raise InvalidInputError([Problem(file, 1, "", "file is empty")], what="source")
    _check_document_type(root, raw, file)
    _check_depth(root, file)
    return root


LONGEST_XML_TEXT = 10_000_000
"""Bytes in one text, value or comment that libxml2 reads without its huge mode, which
stays off: more is no model's (a name: 50,000 characters)."""

_BOUNDS = ("XML_PARSE_HUGE", "too big", "too long")
"""What libxml2 says of its bounds, which a well-formed file can pass (helper-82)."""


def _beyond_bounds(said: str) -> str:
    """What libxml2 refused beyond its bounds, in the user's terms: it suggested its
    XML_PARSE_HUGE option, which the user cannot set, for a well-formed file."""
    if "depth" in said.casefold():
        return f"elements nest more than {MAX_XML_DEPTH} deep; no model needs that"
    if "name" in said.casefold():
        return "a name of more than 50,000 characters; no model needs that"
    return (
        f"a text, value or comment of more than {LONGEST_XML_TEXT:,} bytes in one place; no "
        "model needs that"
    )


def _refuse_declaration(file: str, at: int, what: str) -> NoReturn:
    raise InvalidInputError(
        [
            Problem(
                file,
                at,
                "",
                f"XML with a {what.upper()} declaration is refused: document types and "
                "entities can expand without bound or read other files, and no model format "
                "needs them",
            )
        ],
        what="source",
    )


def _check_document_type(root: etree._Element, raw: bytes, file: str) -> None:
    """Refuse a document type that the search of the raw bytes missed: in UTF-16 (or any
    encoding that is not ASCII-compatible) ``<!DOCTYPE`` is not those bytes. The parser has
    already kept its entities unexpanded (``resolve_entities=False``) and loaded nothing."""
    info: Any = root.getroottree().docinfo  # the stubs lack ``doctype``
    if not info.doctype and info.internalDTD is None and info.externalDTD is None:
        return
    at = 1
    try:
        text = raw.decode(info.encoding or "utf-8", errors="replace")
    except LookupError:  # an encoding libxml2 knows and Python does not
        text = ""
    found = _DECLARATION_TEXT.search(text)
    if found is not None:
        at = text.count("\n", 0, found.start()) + 1
    _refuse_declaration(file, at, "DOCTYPE")


def _check_depth(root: etree._Element, file: str) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise InvalidInputError(
                [
                    Problem(
                        file,
                        line(element),
                        "",
                        f"elements nest more than {MAX_XML_DEPTH} deep; no model needs that",
                    )
                ],
                what="source",
            )
        stack.extend((child, depth + 1) for child in element)


def read_xml(path: Path) -> tuple[etree._Element, str]:
    """The root element of the XML file at ``path`` and its name as shown to the user."""
    raw, file = read_source(path)
    return parse_xml(raw, file), file


def line(element: etree._Element) -> int:
    """The line an element starts on (1 when lxml does not know it)."""
    found: Any = getattr(element, "sourceline", None)  # the stubs type it loosely
    return found if isinstance(found, int) and found > 0 else 1


def local(tag: object) -> str:
    """An element's or attribute's name without its namespace: ``{ns}element`` → ``element``."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


__all__ = ["MAX_XML_DEPTH", "line", "local", "parse_xml", "read_xml"]
