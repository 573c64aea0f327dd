"""YAML is read with the YAML 1.2 core schema (DESIGN.md §2), not PyYAML's YAML 1.1."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from exitplan.loading import load_estate, read_document
from tests.conftest import WriteFiles

SCALARS = [
    ("NO", "NO"),  # Norway, not false
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("yes", "yes"),
    ("Y", "Y"),
    ("true", True),
    ("False", False),
    ("TRUE", True),
    ("~", None),
    ("null", None),
    ("", None),
    ("12", 12),
    ("-7", -7),
    ("007", 7),
    ("0o17", 15),
    ("0x1F", 31),
    ("1_000", "1_000"),  # YAML 1.1 read this as 1000
    ("3.5", 3.5),
    ("1e3", 1000.0),
    (".inf", math.inf),
    ("-.Inf", -math.inf),
    ("2026-11-01", "2026-11-01"),  # dates stay text; the model parses them
    ("12:30", "12:30"),  # YAML 1.1 sexagesimal
    ("'true'", "true"),
    ('"12"', "12"),
    ('"a#b"', "a#b"),  # a # inside quotes, or after a space, is not refused as touching one
    ('"a" #b', "a"),
    ("'a' #b", "a"),
    ("a#b", "a#b"),
]


@pytest.mark.parametrize(("written", "value"), SCALARS, ids=[s[0] or "empty" for s in SCALARS])
def test_plain_scalars_follow_the_core_schema(
    written: str, value: object, write_files: WriteFiles
) -> None:
    folder = write_files({"a.yaml": f"key: {written}\n"})
    document = read_document(folder / "a.yaml")
    assert document.data == {"key": value}
    assert type(document.data["key"]) is type(value)


def test_nan_is_a_float(write_files: WriteFiles) -> None:
    folder = write_files({"a.yaml": "key: .nan\n"})
    assert math.isnan(read_document(folder / "a.yaml").data["key"])


def test_norway_is_a_country_and_on_is_a_name(write_files: WriteFiles) -> None:
    folder = write_files(
        {
            "a.yaml": """
            estate: {name: nordic, as_of: 2026-11-01}
            vendors:
              - id: on
                name: on
                hq_country: NO
            """
        }
    )
    estate = load_estate(folder)
    (vendor,) = estate.vendors
    assert (vendor.id, vendor.name, vendor.hq_country) == ("on", "on", "NO")
    assert estate.info.as_of == date(2026, 11, 1)


def test_json_and_yaml_files_merge_into_one_estate(write_files: WriteFiles) -> None:
    folder = write_files(
        {
            "vendors.json": '{"vendors": [{"id": "v", "name": "V", "hq_country": "SE"}]}',
            "components.yml": "components:\n  - {id: c, name: C, vendor: v, delivery: client}\n",
            "notes.md": "not read\n",
            ".hidden/skipped.yaml": "not: [valid",
        }
    )
    estate = load_estate(folder)
    assert [c.id for c in estate.components] == ["c"]
    assert estate.name == "estate"  # from the folder name when there is no header


def test_a_single_file_is_an_estate(write_files: WriteFiles) -> None:
    folder = write_files({"tiny.yaml": "vendors:\n  - {id: v, name: V}\n"})
    assert load_estate(Path(folder / "tiny.yaml")).name == "tiny"
