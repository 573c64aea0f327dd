"""The mapping file (``exitplan import --mapping FILE``): the shared rules of
``exitplan.importers.rules`` and one section per format, each defaulting to the default
mapping, so that a mapping file says only what it changes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, create_model

from exitplan.errors import InvalidInputError
from exitplan.importers.formats import formats
from exitplan.importers.rules import CommonRules
from exitplan.loading import read_one, validation_problems


@cache
def mapping_model() -> type[CommonRules]:
    """The model of a whole mapping file: the shared rules and a section per format."""
    sections: dict[str, Any] = {
        name: (fmt.Rules, Field(default_factory=fmt.Rules, description=fmt.TITLE))
        for name, fmt in formats().items()
    }
    model: type[CommonRules] = create_model(
        "ImportMapping",
        __base__=CommonRules,
        __doc__="How exitplan import maps each format to estate elements.",
        **sections,
    )
    return model


def default_mapping() -> CommonRules:
    return mapping_model()()


def load_mapping(path: Path) -> CommonRules:
    """The mapping file at ``path`` (YAML or JSON); every problem with its line."""
    document = read_one(path, what="mapping")
    model = mapping_model()
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        raise InvalidInputError(
            validation_problems(error, model, document, ()), what="mapping"
        ) from None


def section(mapping: CommonRules, name: str) -> Any:
    """The rules of format ``name`` in ``mapping``."""
    return getattr(mapping, name)


__all__ = ["default_mapping", "load_mapping", "mapping_model", "section"]
