"""`validate --format sarif` is valid SARIF 2.1.0, format checks on (issue 18,
part 4): absolute help URIs, rules with descriptions, a base for file locations."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from selfhelp_tui.cli import main
from selfhelp_tui.guides.codes import RULES

from .conftest import BAD, FIXTURES

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8")
)


def _checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    # Without these the checks would pass by not running: jsonschema checks "uri"
    # only when rfc3986-validator is installed (jsonschema[format-nongpl]).
    assert {"uri", "uri-reference", "date-time"} <= set(checker.checkers)
    return checker


def _sarif(capsys, *args: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    main(["validate", "--format", "sarif", *args])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "args",
    [
        [str(BAD)],
        [str(FIXTURES / "writers")],
        ["--show-ignored", str(FIXTURES / "writers")],
        [str(FIXTURES / "library")],
    ],
    ids=["bad corpus", "writers", "writers, ignored shown", "clean"],
)
def test_sarif_output_is_valid_against_the_sarif_2_1_0_schema(capsys, args) -> None:  # type: ignore[no-untyped-def]
    log = _sarif(capsys, *args)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=_checker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_bad_uri_of_before_would_be_caught() -> None:
    """The check can fail: the relative helpUri selfhelp used to write is refused."""
    log = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x", "rules": [
            {"id": "a", "helpUri": "docs/diagnostics.md#a"}]}}}],
    }  # fmt: skip
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=_checker())
    assert any("is not a 'uri'" in e.message for e in validator.iter_errors(log))


def test_rules_locations_and_help(capsys) -> None:  # type: ignore[no-untyped-def]
    run = _sarif(capsys, str(BAD))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules and all(r["shortDescription"]["text"] for r in rules)
    for rule in rules:
        uri = urlsplit(rule["helpUri"])
        assert uri.scheme and uri.fragment == rule["id"]
        assert rule["defaultConfiguration"]["level"] == RULES[rule["id"]][0].value
        assert rule["help"]["markdown"]  # the docs' own explanation, offline
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == Path.cwd().as_uri().rstrip("/") + "/"
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "SRCROOT" or urlsplit(location["uri"]).scheme == "file"
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_help_uri_points_at_a_published_copy_when_asked(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SELFHELP_DOCS_URL", "https://docs.example.com/selfhelp/")
    run = _sarif(capsys, str(BAD / "bad-next.yaml"))["runs"][0]
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["helpUri"] == "https://docs.example.com/selfhelp/diagnostics.md#unknown-node"
