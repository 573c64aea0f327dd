"""A ``depends_on`` entry written as a bare id is a hard, immediate dependency, in
whatever the model reads as a list (``exitplan.model.estate._bare_ids_are_hard``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from exitplan.model import Component, Dependency, Onset, Service, Strength


class _Named(str):
    """An id given as a subclass of ``str``, as a program may give one."""


HARD_A = Dependency(ref="a")
SOFT_B = Dependency(ref="b", strength=Strength.SOFT, onset=Onset(grace_days=30))
SOFT_B_WRITTEN = {"ref": "b", "strength": "soft", "onset": {"grace_days": 30}}
MODELS = [Component, Service]


def _fields(model: type[Component | Service], depends_on: Any) -> dict[str, Any]:
    provided = {"vendor": "v", "delivery": "saas"} if model is Component else {}
    return {"id": "x", "name": "X", **provided, "depends_on": depends_on}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("written", "read"),
    [
        (lambda: [], ()),
        (lambda: ["a"], (HARD_A,)),
        (lambda: [{"ref": "a"}], (HARD_A,)),
        (lambda: ["a", SOFT_B_WRITTEN], (HARD_A, SOFT_B)),
        (lambda: [SOFT_B_WRITTEN, "a"], (SOFT_B, HARD_A)),
        (lambda: ("a",), (HARD_A,)),
        (lambda: [_Named("a")], (HARD_A,)),
        (lambda: [HARD_A, "b"], (HARD_A, Dependency(ref="b"))),
        # what else the model reads as a list, read once
        (lambda: {"a"}, (HARD_A,)),
        (lambda: frozenset({"a"}), (HARD_A,)),
        (lambda: deque(["a", SOFT_B_WRITTEN]), (HARD_A, SOFT_B)),
        (lambda: (entry for entry in ["a", SOFT_B_WRITTEN]), (HARD_A, SOFT_B)),
        (lambda: iter([SOFT_B_WRITTEN]), (SOFT_B,)),
        ({"a": 1}.keys, (HARD_A,)),
    ],
)
def test_a_bare_id_reads_as_a_hard_immediate_dependency(
    model: type[Component | Service], written: Callable[[], Any], read: tuple[Dependency, ...]
) -> None:
    assert model.model_validate(_fields(model, written())).depends_on == read


def test_a_tuple_of_bare_ids_passes_strict_validation() -> None:
    """A service: a component's delivery, written as text, is not strictly valid."""
    validated = Service.model_validate(_fields(Service, ("a",)), strict=True)
    assert validated.depends_on == (HARD_A,)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("written", "where", "kind"),
    [
        ("a", ("depends_on",), "tuple_type"),  # a text, not a list: not taken for one entry
        ({"ref": "a"}, ("depends_on",), "tuple_type"),
        (b"a", ("depends_on",), "tuple_type"),
        (5, ("depends_on",), "tuple_type"),
        ([5, "a"], ("depends_on", 0), "model_type"),
        (["Bad Id"], ("depends_on", 0, "ref"), "string_pattern_mismatch"),
        (["a", None], ("depends_on", 1), "model_type"),
        ([["a"]], ("depends_on", 0), "model_type"),
    ],
)
def test_what_is_not_an_id_or_a_dependency_is_refused_where_it_is(
    model: type[Component | Service], written: Any, where: tuple[str | int, ...], kind: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(_fields(model, written))
    assert [(error["loc"], error["type"]) for error in raised.value.errors()] == [(where, kind)]
