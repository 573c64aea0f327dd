"""The JSON Schema of an estate file, for editors that check YAML as it is typed."""

from __future__ import annotations

from typing import Any

from exitplan import __version__
from exitplan.importers.mapping import mapping_model
from exitplan.model import EstateFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def estate_file_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of what one estate file may contain.

    It describes the written forms (a bare id for a hard dependency, a list or a mapping of
    capabilities, ``onset: {grace_days: N}``); checks across files (unknown references,
    duplicate ids, cycles) are left to ``exitplan validate``.
    """
    schema = EstateFile.model_json_schema(mode="validation")
    return {"$schema": DRAFT, "$comment": f"exitplan {__version__}", **schema}


def mapping_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of an import mapping file (``exitplan import --mapping``)."""
    schema = mapping_model().model_json_schema(mode="validation")
    return {"$schema": DRAFT, "$comment": f"exitplan {__version__}", **schema}
