"""`selfhelp schema`: the JSON Schema of the guide format, for editors.

Generated from the same specs the loader checks with, so the two agree; the
repository ships the output as schema/guide.schema.json.
"""

from __future__ import annotations

import argparse
import json

from ..i18n import _
from .context import Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA_ID = "https://selfhelp-tui.invalid/schema/guide-1.schema.json"


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("schema", parents=[common], help=_("print the JSON Schema of guide files"))
    p.set_defaults(func=run)


def guide_schema() -> dict[str, Any]:
    from ..guides.model import guide_spec

    body = guide_spec().json_schema()
    # What the loader checks per kind, in schema terms.
    body["allOf"] = [
        {
            "if": {"properties": {"kind": {"const": "troubleshooter"}}, "required": ["kind"]},
            "then": {"required": ["start", "nodes"], "not": {"required": ["steps"]}},
        },
        {
            "if": {"properties": {"kind": {"const": "tutorial"}}, "required": ["kind"]},
            "then": {
                "required": ["steps"],
                "not": {"anyOf": [{"required": ["start"]}, {"required": ["nodes"]}]},
            },
        },
    ]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **body}


def render() -> str:
    return json.dumps(guide_schema(), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace, ctx: Context) -> int:
    print(render(), end="")
    return 0
