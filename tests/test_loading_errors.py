"""Every class of input problem, one row each: the message, the file, the line, the field.

Each row writes a small estate (a valid ``base.yaml`` plus the files of the row) and
expects exactly the listed problems, no more.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from exitplan.errors import InvalidInputError, Problem
from exitplan.loading import ALIAS_BUDGET, BYTES_PER_VALUE, format_path, load_estate
from tests.conftest import WriteFiles

DEEP_VENDORS = format_path(("vendors", *[0] * 63))
"""The place the loader tells for a list nested too deep under ``vendors``: the 64th level."""

BASE = """
vendors:
  - id: microsoft
    name: Microsoft Corporation
    hq_country: US
components:
  - id: entra-id
    name: Microsoft Entra ID
    vendor: microsoft
    delivery: saas
"""


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    field: str
    fragment: str


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]
    expected: list[Expected] = field(default_factory=list)


def component(extra: str, *, cid: str = "intune") -> str:
    """A component entry (4-space body) under ``components:`` with extra lines."""
    body = f"  - id: {cid}\n    name: Intune\n    vendor: microsoft\n    delivery: saas\n"
    return "components:\n" + body + "".join(f"    {line}\n" for line in extra.splitlines())


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)
)

CASES = [
    Case(  # a list was a key of a mapping: exit 3 (helper-60)
        "a-capability-that-is-a-list",
        {"a.yaml": component("capabilities: [mail, [email]]")},
        [Expected("a.yaml", 6, "components[0].capabilities", "item 1 is a list")],
    ),
    Case(  # read as 1.0 (helper-60)
        "a-cost-that-is-true",
        {"a.yaml": component("cost_per_year: true")},
        [Expected("a.yaml", 6, "components[0].cost_per_year", "valid number")],
    ),
    Case(
        "weeks-quoted",
        {
            "a.yaml": component("exit: {note: x}") + "alternatives:\n  - {for: intune, "
            "candidate: entra-id, readiness: R3, duration_weeks: '12'}\n"
        },
        [Expected("a.yaml", 8, "alternatives[0].duration_weeks", "valid number")],
    ),
    Case(  # read as seconds since 1970, 2025-01-01 (helper-60)
        "an-end-of-support-in-seconds",
        {"a.yaml": component("licence: perpetual\nsupport_end: 1735689600")},
        [Expected("a.yaml", 7, "components[0].support_end", "expected a date YYYY-MM-DD")],
    ),
    Case(
        "an-end-of-support-out-of-range",
        {"a.yaml": component("licence: perpetual\nsupport_end: 9999-12-31")},
        [Expected("a.yaml", 7, "components[0].support_end", "out of range")],
    ),
    Case(
        "a-section-that-is-a-mapping",
        {"a.yaml": "services:\n  web:\n    image: nginx\n"},
        [Expected("a.yaml", 1, "services", "expected a list, got a mapping (web)")],
    ),
    Case(
        "a-section-that-is-text",
        {"a.yaml": "components: none\n"},
        [Expected("a.yaml", 1, "components", "expected a list, got the text 'none'")],
    ),
    Case(
        "yaml-syntax",
        {"a.yaml": "vendors:\n  - id: x\n    name: [unclosed\n"},
        [Expected("a.yaml", 4, "", "started on line 3")],
    ),
    Case(  # libyaml counts bytes: twenty em dashes before it are sixty of them
        "yaml-forbidden-character-after-wide-ones",
        {"a.yaml": 'vendors:\n  - id: x\n    note: "' + "—" * 20 + '"\n    name: "a\x01c"\n'},
        [Expected("a.yaml", 4, "", "character U+0001 is not allowed in YAML")],
    ),
    Case(
        "yaml-bad-indentation",
        {"a.yaml": "vendors:\n  - id: x\n    name: X\n   hq_country: SE\n"},
        [Expected("a.yaml", 4, "", "YAML syntax error")],
    ),
    Case(
        "json-syntax",
        {"a.json": '{"vendors": [\n  {"id": "x",}\n]}\n'},
        [Expected("a.json", 2, "", "JSON syntax error: Expecting property name")],
    ),
    Case(  # libyaml, which finds the lines, refuses the escape: the line was the one before
        "json-lone-surrogate",
        {
            "a.json": '{"vendors": [\n  {"id": "x", "hq_country": "SE",\n'
            '   "name": "a\\ud800b"}\n]}\n'
        },
        [
            Expected(
                "a.json", 3, "vendors[0].name", "holds half a surrogate pair \\ud800 at position 2"
            )
        ],
    ),
    Case(
        "name-of-spaces",
        {"a.yaml": 'vendors:\n  - id: x\n    name: "   "\n    hq_country: SE\n'},
        [Expected("a.yaml", 3, "vendors[0].name", "holds no visible character")],
    ),
    Case(
        "name-of-invisible-characters",
        {"a.yaml": 'vendors:\n  - id: x\n    name: "\\u200b\\x1f \\u00a0"\n    hq_country: SE\n'},
        [Expected("a.yaml", 3, "vendors[0].name", "holds no visible character")],
    ),
    Case(  # three capitals, yet no currency: "4,000 XXY" in every figure (helper-64)
        "unknown-currency",
        {"a.yaml": "estate:\n  name: e\n  currency: XXY\n"},
        [Expected("a.yaml", 3, "estate.currency", "'XXY' is not an ISO 4217 currency code")],
    ),
    Case(  # printable, yet they draw nothing (helper-63)
        "name-of-fillers-and-a-blank-braille-pattern",
        {"a.yaml": 'vendors:\n  - id: x\n    name: "\u3164\u2800\u115f\u034f\ufe0f\u17b4\u180b"\n'},
        [Expected("a.yaml", 3, "vendors[0].name", "holds no visible character")],
    ),
    Case(
        "json-line-of-a-field",
        {"a.json": '{"vendors": [\n\t{"id": "x",\n\t "name": "X",\n\t "hq_country": "XX"}\n]}\n'},
        [Expected("a.json", 4, "vendors[0].hq_country", "not an ISO 3166-1 alpha-2")],
    ),
    Case(
        "unknown-key",
        {"a.yaml": component("colour: blue")},
        [Expected("a.yaml", 6, "components[0].colour", "unknown key 'colour'; allowed: ")],
    ),
    Case(
        "unknown-key-with-suggestion",
        {"a.yaml": component("dependson: [entra-id]")},
        [Expected("a.yaml", 6, "components[0].dependson", "did you mean 'depends_on'?")],
    ),
    Case(
        "unknown-key-nested",
        {"a.yaml": component("depends_on:\n  - ref: entra-id\n    strenght: soft")},
        [Expected("a.yaml", 8, "components[0].depends_on[0].strenght", "did you mean 'strength'")],
    ),
    Case(
        "wrong-type-number",
        {"a.yaml": component("cost_per_year: lots")},
        [Expected("a.yaml", 6, "components[0].cost_per_year", "valid number")],
    ),
    Case(
        "wrong-type-integer-given-as-text",
        {"a.yaml": component("contract: {notice_days: '90'}")},
        [Expected("a.yaml", 6, "components[0].contract.notice_days", "valid integer")],
    ),
    Case(
        "wrong-type-list",
        {"a.yaml": component("depends_on: entra-id")},
        [Expected("a.yaml", 6, "components[0].depends_on", "expected a list")],
    ),
    Case(
        "bad-enum-value",
        {
            "a.yaml": "components:\n  - id: intune\n    name: Intune\n    vendor: microsoft\n"
            "    delivery: sass\n"
        },
        [
            Expected(
                "a.yaml",
                5,
                "components[0].delivery",
                "'sass' is not allowed; expected 'saas', 'paas', 'iaas', 'self_hosted' or "
                "'client'; did you mean 'saas'?",
            )
        ],
    ),
    Case(  # pydantic also said "roles: 0 items; at least 1", counting after the bad item
        "bad-item-in-a-list-that-needs-one",
        {
            "a.yaml": "components:\n  - id: intune\n    name: Intune\n    delivery: saas\n"
            "    vendors: [{vendor: microsoft, roles: [owner]}]\n"
        },
        [Expected("a.yaml", 5, "components[0].vendors[0].roles[0]", "'owner' is not allowed")],
    ),
    Case(
        "empty-list-that-needs-one",
        {
            "a.yaml": "components:\n  - id: intune\n    name: Intune\n    delivery: saas\n"
            "    vendors: [{vendor: microsoft, roles: []}]\n"
        },
        [Expected("a.yaml", 5, "components[0].vendors[0].roles", "an empty list; give at least 1")],
    ),
    Case(
        "bad-readiness",
        {
            "a.yaml": component("")
            + "alternatives:\n  - for: entra-id\n    candidate: intune\n    readiness: R9\n"
        },
        [
            Expected(
                "a.yaml", 9, "alternatives[0].readiness", "'R0', 'R1', 'R2', 'R3', 'R4' or 'R5'"
            )
        ],
    ),
    Case(
        "bad-onset",
        {"a.yaml": component("depends_on:\n  - ref: entra-id\n    onset: soon")},
        [Expected("a.yaml", 8, "components[0].depends_on[0].onset", "{grace_days: N}")],
    ),
    Case(
        "missing-required-key",
        {"a.yaml": "components:\n  - id: intune\n    name: Intune\n    vendor: microsoft\n"},
        [Expected("a.yaml", 2, "components[0]", "required key 'delivery' is missing")],
    ),
    Case(
        "bad-id",
        {"a.yaml": "capabilities:\n  - id: Device Compliance\n    name: Device compliance\n"},
        [Expected("a.yaml", 2, "capabilities[0].id", "is not a valid id: a lower-case slug")],
    ),
    Case(
        "vendor-and-vendors",
        {"a.yaml": component("vendors: [{vendor: microsoft, roles: [operator]}]")},
        [Expected("a.yaml", 2, "components[0]", "either 'vendor' or 'vendors', not both")],
    ),
    Case(
        "empty-list-where-one-is-needed",
        {
            "a.yaml": "components:\n  - id: intune\n    name: Intune\n    delivery: saas\n"
            "    vendors: [{vendor: microsoft, roles: []}]\n"
        },
        [Expected("a.yaml", 5, "components[0].vendors[0].roles", "an empty list; give at least 1")],
    ),
    Case(
        "duplicate-id-across-files-and-kinds",
        {
            "a.yaml": "capabilities:\n  - id: intune\n    name: Device management\n",
            "b.yaml": component(""),
        },
        [
            Expected("a.yaml", 2, "capabilities[0].id", "duplicate id 'intune'; also defined at"),
            Expected("b.yaml", 2, "components[0].id", "also defined at"),
        ],
    ),
    Case(
        "unknown-reference-with-suggestion",
        {"a.yaml": component("depends_on:\n  - ref: entra-idd")},
        [
            Expected(
                "a.yaml",
                7,
                "components[0].depends_on[0].ref",
                "unknown component or service 'entra-idd'; did you mean 'entra-id'?",
            )
        ],
    ),
    Case(
        "reference-to-the-wrong-kind",
        {"a.yaml": component("depends_on: [microsoft]")},
        [
            Expected(
                "a.yaml",
                6,
                "components[0].depends_on[0].ref",
                "'microsoft' is a vendor; expected a component or service",
            )
        ],
    ),
    Case(
        "unknown-vendor-and-capability",
        {
            "a.yaml": component("capabilities: [device-managment]", cid="x").replace(
                "vendor: microsoft", "vendor: microsfot"
            )
            + "capabilities:\n  - id: device-management\n    name: Device management\n"
        },
        [
            Expected("a.yaml", 4, "components[0].vendor", "did you mean 'microsoft'?"),
            Expected("a.yaml", 6, "components[0].capabilities", "did you mean 'device-management'"),
        ],
    ),
    Case(
        "self-dependency",
        {"a.yaml": component("depends_on: [entra-id, intune]")},
        [Expected("a.yaml", 6, "components[0].depends_on[1]", "'intune' depends on itself")],
    ),
    Case(
        "depends-twice",
        {"a.yaml": component("depends_on: [entra-id, entra-id]")},
        [Expected("a.yaml", 6, "components[0].depends_on[1]", "depends on 'entra-id' twice")],
    ),
    Case(
        "cycle-of-hard-dependencies",
        {
            "a.yaml": component("depends_on: [b]", cid="a")
            + "  - id: b\n    name: B\n    vendor: microsoft\n    delivery: saas\n"
            "    depends_on: [c]\n"
            "  - id: c\n    name: C\n    vendor: microsoft\n    delivery: saas\n"
            "    depends_on:\n      - ref: a\n        strength: hard\n"
        },
        [
            Expected(
                "a.yaml",
                6,
                "components[0].depends_on[0]",
                "cycle of hard dependencies: a → b → c → a",
            )
        ],
    ),
    Case(
        "single-member-group",
        {"a.yaml": component("depends_on:\n  - ref: entra-id\n    any_of_group: directry")},
        [Expected("a.yaml", 8, "components[0].depends_on[0].any_of_group", "has one member")],
    ),
    Case(
        "soft-dependency-in-a-group",
        {
            "a.yaml": component(
                "depends_on:\n  - {ref: entra-id, any_of_group: idp}\n"
                "  - {ref: x, strength: soft, any_of_group: idp}"
            )
            + "  - id: x\n    name: X\n    vendor: microsoft\n    delivery: saas\n"
        },
        [
            Expected(
                "a.yaml", 8, "components[0].depends_on[1].any_of_group", "hard dependencies only"
            )
        ],
    ),
    Case(
        "parent-chain-loop",
        {
            "a.yaml": "vendors:\n  - id: p\n    name: P\n    parent: q\n"
            "  - id: q\n    name: Q\n    parent: p\n"
        },
        [Expected("a.yaml", 4, "vendors[0].parent", "the parent chain loops: p → q → p")],
    ),
    Case(
        "alternative-for-itself-and-twice",
        {
            "a.yaml": component("")
            + "alternatives:\n  - {for: intune, candidate: intune, readiness: R1}\n"
            "  - {for: entra-id, candidate: intune, readiness: R1}\n"
            "  - {for: entra-id, candidate: intune, readiness: R2}\n"
        },
        [
            Expected("a.yaml", 7, "alternatives[0].candidate", "cannot be its own alternative"),
            Expected("a.yaml", 8, "alternatives[1].candidate", "listed twice as an alternative"),
            Expected("a.yaml", 9, "alternatives[2].candidate", "listed twice as an alternative"),
        ],
    ),
    Case(  # the other place is its candidate's line too, as its own message gives it
        "alternative-twice-in-block-style",
        {
            "a.yaml": component("")
            + "alternatives:\n  - for: entra-id\n    candidate: intune\n    readiness: R1\n"
            "  - for: entra-id\n    candidate: intune\n    readiness: R2\n"
        },
        [
            Expected("a.yaml", 8, "alternatives[0].candidate", "/estate/a.yaml:11"),
            Expected("a.yaml", 11, "alternatives[1].candidate", "/estate/a.yaml:8"),
        ],
    ),
    Case(
        "empty-file",
        {"a.yaml": "", "b.yaml": "# nothing here yet\n", "c.json": "{}", "d.json": " \n"},
        [
            Expected("a.yaml", 1, "", "file is empty"),
            Expected("b.yaml", 1, "", "file is empty"),
            Expected("c.json", 1, "", "file is empty"),
            Expected("d.json", 1, "", "file is empty"),  # was "JSON syntax error" (helper-93)
        ],
    ),
    Case(
        "yaml-alias-bomb",
        {"a.yaml": BOMB},
        # refused at the alias that passes the budget: the 8th *c in the list of d
        [Expected("a.yaml", 4, "d[7]", f"expand to more than {ALIAS_BUDGET} extra nodes")],
    ),
    Case(
        "recursive-alias",
        {"a.yaml": "vendors: &v\n  - *v\n"},
        [Expected("a.yaml", 2, "vendors[0]", "refers to a node that contains it")],
    ),
    Case(
        "not-utf-8",
        {"a.yaml": b'vendors:\n  - id: x\n    name: "Intraservice G\xf6teborg"\n'},
        [Expected("a.yaml", 3, "", "not UTF-8 text (byte 0xf6)")],
    ),
    Case(
        "duplicate-key",
        {"a.yaml": "vendors:\n  - id: x\n    name: X\n    name: Y\n"},
        [Expected("a.yaml", 4, "vendors[0]", "key 'name' appears twice (first on line 3)")],
    ),
    Case(  # json and orjson keep the last value without a word
        "duplicate-key-json",
        {"a.json": '{"vendors": [\n  {"id": "x",\n   "name": "X", "name": "Y"}\n]}\n'},
        [Expected("a.json", 3, "vendors[0]", "key 'name' appears twice (first on line 3)")],
    ),
    Case(
        "duplicate-key-json-one-line",
        {"a.json": '{"vendors": [{"id": "x", "name": "X"}], "vendors": []}'},
        [Expected("a.json", 1, "", "key 'vendors' appears twice (first on line 1)")],
    ),
    Case(  # an escaped colon elsewhere: the colons of the data no longer tell
        "duplicate-key-json-escapes",
        {"a.json": '{"vendors": [\n  {"id": "x",\n   "name": "X\\u003a",\n   "name": "Y"}]}'},
        [Expected("a.json", 4, "vendors[0]", "key 'name' appears twice (first on line 3)")],
    ),
    Case(  # read by json, not orjson: the colons of the data are not counted
        "duplicate-key-json-long-integer",
        {
            "a.json": '{"vendors": [{"id": "x", "name": "X", "users": 12345678901234567890,\n'
            ' "users": 1}]}'
        },
        [
            Expected("a.json", 1, "vendors[0].users", "unknown key 'users'"),  # read on
            Expected("a.json", 2, "vendors[0]", "key 'users' appears twice (first on line 1)"),
        ],
    ),
    Case(  # the file is read on, with the first value: its other problems are found, and
        # what it defines is known, so that no reference to it is told as unknown
        "duplicate-key-hides-nothing",
        {
            "a.yaml": "vendors:\n  - id: x\n    name: X\n    name: Y\n"
            "    hq_country: XX\n    parent: x\n",
            "b.yaml": "components:\n  - {id: c, name: C, vendor: x, delivery: saas}\n",
        },
        [
            Expected("a.yaml", 4, "vendors[0]", "key 'name' appears twice (first on line 3)"),
            Expected("a.yaml", 5, "vendors[0].hq_country", "'XX' is not an ISO 3166-1"),
            Expected("a.yaml", 6, "vendors[0].parent", "'x' is its own parent"),
        ],
    ),
    Case(
        "duplicate-key-json-hides-nothing",
        {
            "a.json": '{"vendors": [{"id": "x", "name": "X",\n "name": "Y",\n'
            ' "hq_country": "XX"}]}',
            "b.yaml": "components:\n  - {id: c, name: C, vendor: x, delivery: saas}\n",
        },
        [
            Expected("a.json", 2, "vendors[0]", "key 'name' appears twice (first on line 1)"),
            Expected("a.json", 3, "vendors[0].hq_country", "'XX' is not an ISO 3166-1"),
        ],
    ),
    Case(  # a key given twice in the second value is told too; its lines do not replace
        # the first value's, and a section's second list is read after its first
        "duplicate-key-twice-within-the-second",
        {"a.yaml": "vendors:\n  - id: x\n    name: X\nvendors:\n  - {id: y, id: z}\n"},
        [
            Expected("a.yaml", 4, "", "key 'vendors' appears twice (first on line 1)"),
            Expected("a.yaml", 5, "vendors[1]", "key 'id' appears twice (first on line 5)"),
            Expected("a.yaml", 5, "vendors[1]", "required key 'name' is missing"),  # joined
        ],
    ),
    Case(  # helper-68: the first of a key given twice within the second was told on line 1
        "duplicate-key-within-a-second-value-at-its-line",
        {
            "a.yaml": "vendors:\n  - {id: x, name: X}\ncomponents:\n  - id: c\n    name: C\n"
            "    vendor: x\n    delivery: saas\n    exit: {plan_exists: false}\n"
            "    exit: {plan_exists: true, plan_exists: false}\n"
        },
        [
            Expected("a.yaml", 9, "components[0]", "key 'exit' appears twice (first on line 8)"),
            Expected(
                "a.yaml",
                9,
                "components[0].exit",
                "key 'plan_exists' appears twice (first on line 9)",
            ),
        ],
    ),
    Case(  # a section given twice is read as one, so what its second part defines is known
        "a-section-given-twice-is-read-as-one",
        {
            "a.yaml": "vendors:\n  - {id: x, name: X}\ncomponents:\n"
            "  - {id: a, name: A, vendor: x, delivery: saas, depends_on: [b]}\n"
            "vendors:\n  - {id: y, name: Y}\ncomponents:\n"
            "  - {id: b, name: B, vendor: y, delivery: saas, colour: red}\n"
        },
        [
            Expected("a.yaml", 5, "", "key 'vendors' appears twice (first on line 1)"),
            Expected("a.yaml", 7, "", "key 'components' appears twice (first on line 3)"),
            Expected("a.yaml", 8, "components[1].colour", "unknown key 'colour'"),
        ],
    ),
    Case(  # helper-69: items on the second key's line were told at the first's
        "a-section-given-twice-in-flow-style-at-its-line",
        {
            "a.yaml": "vendors:\n  - {id: x, name: X}\ncomponents:\n"
            "  - {id: a, name: A, vendor: x, delivery: saas}\n"
            "components: [{id: b, name: B, vendor: x, delivery: sass}]\n"
        },
        [
            Expected("a.yaml", 5, "", "key 'components' appears twice (first on line 3)"),
            Expected("a.yaml", 5, "components[1].delivery", "'sass' is not allowed"),
        ],
    ),
    Case(
        "a-section-given-again-as-an-alias-at-its-line",
        {
            "a.yaml": "vendors:\n  - {id: x, name: X}\ncomponents: &c\n"
            "  - {id: a, name: A, vendor: x, delivery: saas}\ncomponents: *c\n"
        },
        [
            Expected("a.yaml", 4, "components[0].id", "duplicate id 'a'; also defined at"),
            Expected("a.yaml", 5, "", "key 'components' appears twice (first on line 3)"),
            Expected("a.yaml", 5, "components[1].id", "duplicate id 'a'; also defined at"),
        ],
    ),
    Case(  # helper-69: a JSON file's emoji, as json.dumps escapes them, read as spaces
        "duplicate-key-json-with-escaped-emoji",
        {
            "a.json": '{"vendors": [{"id": "x", "id": "x", "name": "\\ud83c\\udf4e"}],\n'
            ' "components": [{"id": "a", "name": "\\ud83d\\ude00\u2028", "vendor": "x",'
            ' "delivery": "saas"}]}'
        },
        [Expected("a.json", 1, "vendors[0]", "key 'id' appears twice (first on line 1)")],
    ),
    Case(  # helper-69: the nesting was hidden behind the duplicate, without a line
        "duplicate-key-json-nested-too-deep",
        {"a.json": '{"a": 1, "a": 2, "b": ' + "[" * 70 + "]" * 70 + "}"},
        [Expected("a.json", 1, "b[0][0][0][0][0]…[0][0][0][0][0][0]", "nested more than 64")],
    ),
    Case(  # an id that may be in a file refused whole is told with that file
        "unknown-while-a-file-is-refused",
        {
            "a.yaml": "vendors:\n  - id: x\n    name: [X\n",
            "b.yaml": "components:\n  - {id: c, name: C, vendor: x, delivery: saas}\n",
        },
        [
            Expected("a.yaml", 4, "", "YAML syntax error"),
            Expected(
                "b.yaml",
                2,
                "components[0].vendor",
                "a.yaml, which could not be read)",
            ),
        ],
    ),
    Case(  # helper-68: an empty file was named as one the id may be in
        "unknown-beside-an-empty-file",
        {
            "a.yaml": "",
            "b.yaml": "components:\n  - {id: c, name: C, vendor: x, delivery: saas}\n",
        },
        [
            Expected("a.yaml", 1, "", "file is empty"),
            Expected("b.yaml", 2, "components[0].vendor", "unknown vendor 'x'"),
        ],
    ),
    Case(
        "several-documents",
        {"a.yaml": "vendors: []\n---\ncomponents: []\n"},
        [Expected("a.yaml", 2, "", "several YAML documents in one file")],
    ),
    Case(
        "unsupported-tag",
        {"a.yaml": "vendors:\n  - !!python/object/apply:os.system [echo hi]\n"},
        [
            Expected(
                "a.yaml", 2, "vendors[0]", "unsupported YAML tag 'tag:yaml.org,2002:python/object"
            )
        ],
    ),
    Case(
        "top-level-list",
        {"a.yaml": "- id: x\n"},
        [Expected("a.yaml", 1, "", "the top level must be a mapping")],
    ),
    Case(
        "unknown-section",
        {"a.yaml": "vendor:\n  - id: x\n    name: X\n"},
        [Expected("a.yaml", 1, "vendor", "unknown section 'vendor'; did you mean 'vendors'?")],
    ),
    Case(
        "header-twice",
        {"a.yaml": "estate: {name: one}\n", "b.yaml": "estate: {name: two}\n"},
        [
            Expected("a.yaml", 1, "estate", "given more than once; also at"),
            Expected("b.yaml", 1, "estate", "given more than once; also at"),
        ],
    ),
    *(
        Case(  # libyaml read "Acme" and dropped '#1' as a comment, in silence (helper-93)
            f"yaml-comment-touching-a-closing-{name}",
            {"a.yaml": f"vendors:\n  - id: acme\n    name: {quote}Ac\n      me{quote}#1 x\n"},
            [Expected("a.yaml", 4, "vendors[0].name", f"'#1 x' follows the closing {quote} with")],
        )
        for name, quote in (("double-quote", '"'), ("single-quote", "'"))
    ),
    Case(
        "yaml-comment-touching-a-quoted-key",
        {"a.yaml": 'vendors:\n  - {id: acme,\n     "name"#c\n     : Acme}\n'},
        [Expected("a.yaml", 3, "vendors[0].name", "'#c' follows the closing \" with no space")],
    ),
    Case(  # Python's json gave up between 985 and 1,024 levels: internal error (helper-93)
        "json-nested-past-python-s-parser",
        {"a.json": '{"vendors": ' + "[" * 1000 + "]" * 1000 + "}"},
        [Expected("a.json", 1, DEEP_VENDORS, "nested more than 64 levels deep")],
    ),
    *(
        Case(  # told without a field in JSON (helper-93): as the YAML reader tells it
            f"{name}-nested-100-deep-names-its-field",
            {name: '{"vendors": [{"id": "x",\n"tags": ' + "[" * 100 + "]" * 100 + "}]}"},
            [Expected(name, 2, format_path(("vendors", 0, "tags", *[0] * 61)), "nested more")],
        )
        for name in ("a.json", "a.yaml")
    ),
    Case(  # libyaml reads no key of over 1,024 characters: told without line or field
        "json-key-of-1100-characters-twice",
        {
            "a.json": '{"vendors": [{"id": "acme",\n"note": "'
            + "k" * 1100
            + '",\n"'
            + "k" * 1100
            + '": 1,\n"name": "A",\n"'
            + "k" * 1100
            + '": 2}]}'
        },
        [Expected("a.json", 5, "vendors[0]", "(1,100 characters) appears twice (first on line 3)")],
    ),
    Case(  # told as "U+0092 is not allowed in YAML", the key given twice unsaid (helper-93)
        "json-key-twice-beside-a-c1-control",
        {
            "a.json": '{"vendors": [{"id": "acme",\n"name": "Acme",\n"name": "Other",\n'
            '"note": "a\u0092b"}]}'
        },
        [Expected("a.json", 3, "vendors[0]", "key 'name' appears twice (first on line 2)")],
    ),
    *(
        Case(  # each problem after such a character was told at line 1 (helper-93)
            f"json-lines-after-u+{ord(raw):04x}",
            {
                "a.json": f'{{"vendors": [{{"id": "acme", "name": "A{raw}cme"}}],\n'
                '"components": [\n{"id": "x",\n"name": "X",\n"vendor": "acme",\n'
                '"delivery": "sass"}]}'
            },
            [Expected("a.json", 6, "components[0].delivery", "'sass' is not allowed")],
        )
        for raw in ("\x7f", "\x92", "\u2028", "\ufeff")
    ),
    Case(  # the model refuses the noncharacter itself, at its own line
        "json-lines-after-u+fffe",
        {
            "a.json": '{"vendors": [{"id": "acme",\n"name": "A\ufffecme"}],\n'
            '"components": [\n{"id": "x",\n"name": "X",\n"vendor": "acme",\n'
            '"delivery": "sass"}]}'
        },
        [
            Expected("a.json", 2, "vendors[0].name", "U+FFFE"),
            Expected("a.json", 7, "components[0].delivery", "'sass' is not allowed"),
        ],
    ),
    *(
        Case(  # read as a line break: "Acme Corp", and each line after one too far on
            f"yaml-raw-u+{ord(raw):04x}",
            {
                "a.yaml": f"vendors:\n  - id: acme\n    name: 'Acme{raw}Corp'\n"
                "  - {id: b, name: B, hq_country: SEE}\n"
            },
            [
                Expected(
                    "a.yaml",
                    3,
                    "",
                    f"U+{ord(raw):04X} ({name}) is read as a line break by "
                    f"some YAML readers and as text by others; write it as {escape}",
                )
            ],
        )
        for raw, name, escape in (
            ("\u0085", "next line", "\\N"),
            ("\u2028", "line separator", "\\L"),
            ("\u2029", "paragraph separator", "\\P"),
        )
    ),
    Case(  # read as the key "id", its tag ignored (helper-93)
        "yaml-tag-on-a-key",
        {"a.yaml": "vendors:\n  - !!python/object/apply:os.system id: acme\n    name: Acme\n"},
        [Expected("a.yaml", 2, "vendors[0]", "unsupported YAML tag")],
    ),
    Case(
        "listed-twice",
        {
            "a.yaml": "organisations:\n  - {id: org, name: Org}\n"
            "services:\n  - id: s\n    name: S\n"
            "    consumers:\n      - {organisation: org, users: 1}\n"
            "      - {organisation: org, users: 2}\n"
        },
        [Expected("a.yaml", 8, "services[0].consumers[1].organisation", "listed twice")],
    ),
]


def _problems(folder: Path) -> list[Problem]:
    with pytest.raises(InvalidInputError) as raised:
        load_estate(folder)
    return raised.value.problems


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_problem_is_reported_with_file_line_and_field(
    case: Case, write_files: WriteFiles
) -> None:
    folder = write_files({"base.yaml": BASE, **case.files})
    problems = _problems(folder)
    described = "\n".join(map(str, problems))
    assert len(problems) == len(case.expected), described
    for expected in case.expected:
        assert any(
            Path(p.file).name == expected.file
            and p.line == expected.line
            and p.field == expected.field
            and expected.fragment in p.message
            for p in problems
        ), f"{expected} not among:\n{described}"


def test_every_problem_is_reported_in_one_run(write_files: WriteFiles) -> None:
    folder = write_files(
        {"base.yaml": BASE, **{c.id + "-" + k: v for c in CASES[:12] for k, v in c.files.items()}}
    )
    problems = _problems(folder)
    assert len({Path(p.file).name for p in problems}) == 12


def test_files_over_the_estate_budget_are_refused_before_reading(write_files: WriteFiles) -> None:
    folder = write_files({"base.yaml": BASE, "big.yaml": "# " + "x" * 2000 + "\n"})
    base = (folder / "base.yaml").stat().st_size
    with pytest.raises(InvalidInputError) as raised:
        load_estate(folder, max_bytes=base + 1000)
    (problem,) = raised.value.problems
    assert Path(problem.file).name == "big.yaml"
    assert problem.message == (
        f"the estate's files come to {base + 2003:,} bytes with this one; "
        f"the limit is {base + 1000:,} bytes (raise it with --max-bytes)"
    )
    with pytest.raises(InvalidInputError) as raised:  # within the budget, it is read
        load_estate(folder, max_bytes=base + 2003)
    assert [p.message for p in raised.value.problems] == ["file is empty"]
    with pytest.raises(InvalidInputError) as raised:  # "the limit is 1 bytes" (helper-93)
        load_estate(folder, max_bytes=1)
    assert raised.value.problems[0].message.endswith(
        "the limit is 1 byte (raise it with --max-bytes)"
    )


def test_the_budget_on_values_follows_the_budget_on_bytes(write_files: WriteFiles) -> None:
    """A file of tiny values is refused at one value for every 8 bytes of the budget."""
    many = '{"vendors": [' + ",".join(['{"id": "v"}'] * 400) + "]}"
    folder = write_files({"base.yaml": BASE, "many.json": many})
    budget = (folder / "base.yaml").stat().st_size + len(many) + 10
    with pytest.raises(InvalidInputError) as raised:
        load_estate(folder, max_bytes=budget)
    (problem,) = raised.value.problems
    assert Path(problem.file).name == "many.json"
    assert problem.message.startswith(f"more than {budget // BYTES_PER_VALUE:,} values in the")


def test_redundant_groups_and_soft_dependencies_may_form_cycles(write_files: WriteFiles) -> None:
    folder = write_files(
        {
            "base.yaml": BASE,
            "a.yaml": component(
                "depends_on:\n  - {ref: dc2, any_of_group: directory}\n"
                "  - {ref: entra-id, any_of_group: directory}",
                cid="dc1",
            )
            + "  - id: dc2\n    name: DC2\n    vendor: microsoft\n    delivery: saas\n"
            "    depends_on: [{ref: dc1, strength: soft}]\n",
        }
    )
    estate = load_estate(folder)
    assert [c.id for c in estate.components] == ["dc1", "dc2", "entra-id"]


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (("components", 3, "depends_on", 0), "components[3].depends_on[0]"),
        (("csv", "types", "", "[key]"), 'csv.types.""[key]'),
        (("overrides", "crm", "[key]"), "overrides.crm[key]"),
    ],
    ids=["list-and-keys", "empty-key", "key-of-a-mapping"],
)
def test_field_paths_read_as_written(path: tuple[str | int, ...], shown: str) -> None:
    assert format_path(path) == shown


PLAUSIBLE_HEAD = (
    "estate: {name: e, as_of: 2026-01-01}\n"
    "vendors: [{id: v, name: V}]\n"
    "organisations: [{id: town-hall, name: Town hall, users: 800}]\n"
)


@pytest.mark.parametrize(
    ("body", "noticed"),
    [
        (
            "components:\n  - {id: a, name: A, vendor: v, delivery: saas}\n"
            "services:\n  - id: s\n    name: S\n    depends_on: [a]\n"
            "    consumers: [{organisation: town-hall, users: 8000}]\n",
            "e.yaml:10: services[0].consumers[0].users: 8,000 users in 'town-hall', which has "
            "800 people (its users)",
        ),
        (
            "components:\n  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n"
            "    exit: {plan_exists: true, last_tested: 2062-05-01}\n",
            "e.yaml:9: components[0].exit.last_tested: 2062-05-01 is after the estate's as_of "
            "(2026-01-01): the check counts the plan as tested",
        ),
        (
            "components:\n  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n"
            "    exit: {plan_exists: true, last_tested: 2025-05-01}\n"
            "services:\n  - id: s\n    name: S\n    depends_on: [a]\n"
            "    consumers: [{organisation: town-hall, users: 800}]\n",
            None,
        ),
        (
            "components:\n  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n"
            "    contract: {end: 2025-06-30}\n",
            "e.yaml:9: components[0].contract.end: 2025-06-30 is before the estate's as_of "
            "(2026-01-01) and the contract does not renew: it counts as ended on day 0",
        ),
        (
            "components:\n  - {id: old, name: Old, vendor: v, delivery: saas, lifecycle: retired}\n"
            "  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n    depends_on: [old]\n",
            "e.yaml:10: components[1].depends_on[0]: 'old' is retired, yet 'a' needs it: the "
            "simulation takes 'old' as running until withdrawn",
        ),
        (
            "components:\n  - {id: b, name: B, vendor: v, delivery: saas}\n"
            "  - {id: k, name: K, vendor: v, delivery: saas, lifecycle: candidate}\n"
            "services:\n  - id: s\n    name: S\n    depends_on:\n"
            "      - {ref: b, any_of_group: g}\n      - {ref: k, any_of_group: g}\n",
            "e.yaml:12: services[0].depends_on[1]: 'k' is a candidate, not run today, yet 's' "
            "needs it: the simulation takes 'k' as running until withdrawn (set its lifecycle "
            "to active if it runs, or drop the dependency if it is a fallback nobody runs)",
        ),
        (  # an imported one is changed where a new import keeps the change
            "components:\n  - {id: b, name: B, vendor: v, delivery: saas}\n"
            "  - {id: k, name: K, vendor: v, delivery: saas, lifecycle: candidate,\n"
            "     origin: {file: cmdb.csv, id: CI-7}}\n"
            "services:\n  - id: s\n    name: S\n    depends_on: [b, k]\n",
            "e.yaml:11: services[0].depends_on[1]: 'k' is a candidate, not run today, yet 's' "
            "needs it: the simulation takes 'k' as running until withdrawn (set its lifecycle "
            "to active if it runs, or drop the dependency if it is a fallback nobody runs; "
            "an imported component is changed in an overrides: entry in a file of your own "
            "beside imported/, as a new import rewrites imported/)",
        ),
        (  # the same, after the question a retired one is asked
            "components:\n  - {id: old, name: Old, vendor: v, delivery: saas, lifecycle: retired,\n"
            "     origin: {file: cmdb.csv, id: CI-8}}\n"
            "  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n    depends_on: [old]\n",
            "a dependency left over? An imported component is changed in an overrides: entry",
        ),
        (  # a retired or candidate component may need a retired one: neither runs
            "components:\n  - {id: old, name: Old, vendor: v, delivery: saas, lifecycle: retired}\n"
            "  - {id: b, name: B, vendor: v, delivery: saas, lifecycle: candidate,\n"
            "     depends_on: [old]}\n"
            "  - {id: c, name: C, vendor: v, delivery: saas, lifecycle: retired,\n"
            "     depends_on: [old]}\n",
            None,
        ),
        (
            "components:\n  - {id: a, name: A, vendor: v, delivery: saas}\n"
            "  - {id: b, name: B, vendor: v, delivery: saas, lifecycle: candidate}\n"
            "alternatives:\n  - for: a\n    candidate: b\n    readiness: R3\n"
            "    effort_weeks: 4\n    duration_weeks: 0\n",
            "e.yaml:12: alternatives[0].duration_weeks: 0 weeks: the move takes no time on the "
            "plan's calendar, though it takes 4 person-weeks of effort",
        ),
        (  # 36,500 days of a monthly term: 1,199 renewals, a deadline in 2127 (helper-89)
            "components:\n  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n"
            "    contract: {end: 2026-12-01, notice_days: 36500, renewal_months: 1}\n",
            "e.yaml:9: components[0].contract.notice_days: 36,500 days of notice is longer than "
            "the renewal term (1 month): notice for an end is due before the term",
        ),
        (  # three months' notice of a monthly term is common
            "components:\n  - id: a\n    name: A\n    vendor: v\n    delivery: saas\n"
            "    contract: {end: 2026-12-01, notice_days: 90, renewal_months: 1}\n",
            None,
        ),
    ],
    ids=[
        "more-users-than-people",
        "tested-after-as-of",
        "plausible",
        "contract-ended",
        "needs-a-retired-component",
        "needs-a-candidate",
        "needs-an-imported-candidate",
        "needs-an-imported-retired-component",
        "not-running-needs-retired",
        "a-move-of-no-time",
        "notice-beyond-a-year-and-the-term",
        "three-months-of-a-monthly-term",
    ],
)
def test_what_loads_but_is_hardly_meant_is_told_with_its_line(
    write_files: WriteFiles, body: str, noticed: str | None
) -> None:
    """A head count typed with one zero too many, a test date decades ahead: valid, and
    told, since the figures a board reads rest on them."""
    folder = write_files({"e.yaml": PLAUSIBLE_HEAD + body})
    notices: list[str] = []
    load_estate(folder, notices=notices)
    if noticed is None:
        assert notices == []
    else:
        assert len(notices) == 1
        assert noticed in notices[0]


def test_what_a_component_taken_as_running_needs_is_told_too(write_files: WriteFiles) -> None:
    """A service needs a candidate that needs a retired component: both are taken as
    running (the simulation shows them), and both dependencies are told."""
    folder = write_files(
        {
            "e.yaml": PLAUSIBLE_HEAD + "components:\n"
            "  - {id: old, name: Old, vendor: v, delivery: saas, lifecycle: retired}\n"
            "  - {id: k, name: K, vendor: v, delivery: saas, lifecycle: candidate,\n"
            "     depends_on: [old]}\n"
            "services:\n  - {id: s, name: S, depends_on: [k]}\n"
        }
    )
    notices: list[str] = []
    load_estate(folder, notices=notices)
    assert [re.sub(r".*/", "", notice.split(": ", 1)[0]) for notice in notices] == [
        "e.yaml:7",
        "e.yaml:9",
    ]
    assert "'old' is retired, yet 'k' needs it: the simulation takes 'old'" in notices[0]
    assert "'k' is a candidate, not run today, yet 's' needs it" in notices[1]


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("Team A", "team-a"),
        ("Ärlig Väg 2", "arlig-vag-2"),  # the letter, not a hyphen, as the importer's ids
        ("e" * 129, "e" * 128),  # an id's length: a longer one stopped the load with exit 3
        ("---", "estate"),
    ],
)
@pytest.mark.parametrize("as_folder", [False, True], ids=["file", "folder"])
def test_an_estate_without_a_header_is_named_after_its_file_or_folder(
    tmp_path: Path, stem: str, expected: str, as_folder: bool
) -> None:
    target = tmp_path / stem if as_folder else tmp_path / f"{stem}.yaml"
    written = target / "base.yaml" if as_folder else target
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(BASE, encoding="utf-8")
    assert load_estate(target).info.name == expected


def test_problems_are_sorted_by_their_indexes_as_numbers() -> None:
    """A one-line JSON file had alternatives[995] before alternatives[99] (helper-60)."""
    found = InvalidInputError(
        [Problem("a.json", 1, f"alternatives[{i}].for", "unknown") for i in (995, 99, 100, 9)]
    ).problems
    assert [p.field for p in found] == [
        "alternatives[9].for",
        "alternatives[99].for",
        "alternatives[100].for",
        "alternatives[995].for",
    ]


def test_an_empty_file_is_not_named_as_where_an_unknown_id_may_be(write_files: WriteFiles) -> None:
    """A file refused for a syntax error may define the id; an empty one cannot (helper-68)."""
    case = next(c for c in CASES if c.id == "unknown-beside-an-empty-file")
    messages = [p.message for p in _problems(write_files({"base.yaml": BASE, **case.files}))]
    assert "unknown vendor 'x'" in messages


def test_keys_given_twice_are_told_up_to_the_limit(write_files: WriteFiles) -> None:
    """A section given 3,000 times: the first 1,000 told, then one line for the rest
    (helper-69: 99,999 lines, outside the limit every other problem keeps), and the
    parts joined without copying the first each time."""
    text = "components:\n" + "components: []\n" * 3_000
    problems = _problems(write_files({"base.yaml": BASE, "a.yaml": text}))
    twice = [p for p in problems if p.file.endswith("a.yaml")]
    assert len(twice) == 1_001
    assert twice[-1].message.startswith("more than 1,000 keys given twice in this file")


def test_negative_zero_is_read_as_zero(write_files: WriteFiles) -> None:
    """-0.0 passed the check of at least 0 and came out as "-0.0" in the JSON (helper-93)."""
    folder = write_files({"base.yaml": BASE, "a.yaml": component("cost_per_year: -0.0", cid="a")})
    (found,) = [c for c in load_estate(folder).components if c.id == "a"]
    assert found.cost_per_year is not None
    assert math.copysign(1.0, found.cost_per_year) == 1.0  # -0.0 == 0 holds too
