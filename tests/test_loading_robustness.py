"""Whatever bytes a file holds, loading ends in an estate or in a list of problems."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.errors import InvalidInputError
from exitplan.loading import load_estate

FRAGMENTS = [
    "vendors:", "components:", "  - id: x", "    name: X", "    vendor: x", "    delivery: saas",
    "    depends_on: [x, y]", "  - &a {id: y, name: Y}", "  - *a", "    onset: {grace_days: -1}",
    "{", "}", "[", "]", ": ", "- ", "!!binary AA==", "'", '"', "\t", "---", "? ", "|", ">",
    "estate: {name: e}", "alternatives: [{for: x, candidate: y, readiness: R9}]",
]  # fmt: skip


def _load(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_bytes(content)
        problems: list[str] = ["(loaded)"]
        try:
            load_estate(Path(folder))
        except InvalidInputError as error:
            problems = [problem.message for problem in error.problems]
        assert problems
        for message in problems:
            assert message
            assert "\n" not in message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_yaml_made_of_estate_fragments(lines: list[str]) -> None:
    _load("a.yaml", "\n".join(lines).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_yaml_and_json(content: bytes) -> None:
    _load("a.yaml", content)
    _load("a.json", content)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_documents(document: object) -> None:
    _load("a.json", json.dumps(document).encode())
    _load("b.json", json.dumps({"components": [document]}).encode())
