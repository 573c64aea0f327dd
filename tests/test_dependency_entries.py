"""A ``depends_on`` entry written as a bare id is a hard, immediate dependency, however
the list around it is written (``exitplan.model.estate._bare_ids_are_hard``)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from exitplan.model import Component, Dependency, Onset, Service, Strength


class _Named(str):
    """An id given as a subclass of ``str``, as a program may give one."""


HARD_A = Dependency(ref="a")
SOFT_B = Dependency(ref="b", strength=Strength.SOFT, onset=Onset(grace_days=30))


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ([], ()),
        (["a"], (HARD_A,)),
        ([{"ref": "a"}], (HARD_A,)),
        (["a", {"ref": "b", "strength": "soft", "onset": {"grace_days": 30}}], (HARD_A, SOFT_B)),
        ([{"ref": "b", "strength": "soft", "onset": {"grace_days": 30}}, "a"], (SOFT_B, HARD_A)),
        (("a",), (HARD_A,)),
        ([_Named("a")], (HARD_A,)),
        ([HARD_A, "b"], (HARD_A, Dependency(ref="b"))),
    ],
)
def test_a_bare_id_reads_as_a_hard_immediate_dependency(written: Any, read: Any) -> None:
    for model in (Component, Service):
        fields = {"id": "x", "name": "X"} | (
            {"vendor": "v", "delivery": "saas"} if model is Component else {}
        )
        assert model.model_validate({**fields, "depends_on": written}).depends_on == read


@pytest.mark.parametrize(
    ("written", "where"),
    [
        ("a", ("depends_on",)),  # a text, not a list: not taken for a list of one
        ({"ref": "a"}, ("depends_on",)),
        ([5, "a"], ("depends_on", 0)),
        (["Bad Id"], ("depends_on", 0, "ref")),
        (["a", None], ("depends_on", 1)),
    ],
)
def test_what_is_not_an_id_or_a_dependency_is_refused_where_it_is(
    written: Any, where: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        Service.model_validate({"id": "x", "name": "X", "depends_on": written})
    assert [error["loc"] for error in raised.value.errors()] == [where]
