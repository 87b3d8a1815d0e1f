"""Every `selfhelp ...` command the README quotes, run as the reader would type it.

The commands are read from README.md itself (code blocks and inline code, through
a Markdown parser), so a README that drifts from the program fails here: each one
runs as a subprocess in one sandbox (a data folder of its own, a folder like a
clone of this repository with `guides/` and a writer's `my-guides/`), in the
README's order, with stdin closed, and must do what the README says it does.
Only the commands that by nature cannot end in a test are skipped, by name.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from .conftest import BUNDLED, FIXTURES, ROOT, selfhelp_cmd

README = ROOT / "README.md"

#: Commands that run until someone stops them: a server, a live preview.
SKIP = {
    "selfhelp serve": "a web server: runs until stopped (tests/test_serve.py drives it)",
    "selfhelp serve --port 8080 --guides my-guides/": "a web server: runs until stopped",
    "selfhelp serve --preview my-guides/new.yaml": "a web server: runs until stopped",
    "selfhelp preview my-guides/usb-stick.yaml": "a live preview: runs until quit "
    "(tests/test_preview.py drives it)",
    "selfhelp validate --watch my-guides/": "checks again at every save until Ctrl+C "
    "(tests/test_watch.py drives it in a real terminal)",
}

#: The README's placeholders, as a reader would fill them in.
PLACEHOLDERS = {"GUIDE_ID": "disk-full", "GUIDE": "disk-full", "WORDS": "disk full",
                "FILE": "report.json"}  # fmt: skip

#: Plain mode is used when stdin is not a terminal (README, "For technicians"):
#: these wait for the reader, so with input closed they end before an outcome, 3.
WAITS_FOR_THE_READER = {
    "selfhelp",
    "selfhelp --resume",
    "selfhelp run disk-full",
    "selfhelp run disk-full --plain",
    "selfhelp run disk-full --report report.json --format json",
    "selfhelp --guides my-guides/",
    "LANG=nb_NO.UTF-8 selfhelp",
    "selfhelp --lang hu run disk-full",
    "selfhelp --lang qps",
}


@dataclass(frozen=True)
class Command:
    text: str  # as quoted, placeholders filled in, comment dropped
    env: dict[str, str]
    argv: list[str]
    stdout_to: str | None


def _tokens(tokens: list) -> Iterator:  # type: ignore[type-arg]
    for token in tokens:
        yield token
        yield from _tokens(token.children or [])


_COMMAND = re.compile(r"^(?:[A-Z_]+=\S+\s+)*selfhelp(?:\s|$)")


def quoted_commands(markdown: str) -> list[str]:
    """Every line of a code block, and every inline code, that is a selfhelp command."""
    found: list[str] = []
    for token in _tokens(MarkdownIt("commonmark").parse(markdown)):
        if token.type in ("fence", "code_block"):
            lines = token.content.splitlines()
        elif token.type == "code_inline":
            lines = [token.content]
        else:
            continue
        for line in lines:
            line = line.split(" #", 1)[0].strip()
            if _COMMAND.match(line) and line not in found:
                found.append(line)
    return found


def parse(text: str) -> Command:
    filled = re.sub(r"\[([^\]]*)\]", r"\1", text)  # an optional part: given
    words = [PLACEHOLDERS.get(w, w) for w in shlex.split(filled)]
    env: dict[str, str] = {}
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    stdout_to = None
    if ">" in words:
        at = words.index(">")
        stdout_to, words = words[at + 1], words[:at]
    assert words[0] == "selfhelp", text
    return Command(" ".join([*(f"{k}={v}" for k, v in env.items()), *words]), env,
                   words[1:], stdout_to)  # fmt: skip


def _json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


#: What the README says a command does, beyond exiting 0 (checked after it ran).
Check = Callable[[subprocess.CompletedProcess[str], Path], None]


def _walked_to_an_outcome(proc: subprocess.CompletedProcess[str], _cwd: Path) -> None:
    assert "Outcome: " in proc.stdout, proc.stdout


def _sarif(_proc: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert _json(cwd / "results.sarif")["version"] == "2.1.0"  # type: ignore[index]


def _schema(_proc: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "properties" in _json(cwd / "guide.schema.json")  # type: ignore[operator]


def _junit(_proc: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "<testsuite" in (cwd / "junit.xml").read_text(encoding="utf-8")


def _exported(_proc: subprocess.CompletedProcess[str], cwd: Path) -> None:
    manifest = _json(cwd / "site.ndjson.gz.manifest.json")
    assert manifest["file"] == "site.ndjson.gz"  # type: ignore[index]


def _report(_proc: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert _json(cwd / "report.json")["outcome"] == "abandoned"  # type: ignore[index]


def _translation(_proc: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert (cwd / "guides" / "disk-full.nb.po").is_file()


CHECKS: dict[str, Check] = {
    "selfhelp run disk-full --fact os=linux --fact init=other --answers fail,1,ack,next,1": (
        _walked_to_an_outcome
    ),
    "selfhelp validate --format sarif my-guides/": _sarif,
    "selfhelp schema": _schema,
    "selfhelp test my-guides/ --junit junit.xml --fail-under 90": _junit,
    "selfhelp feedback export site.ndjson.gz --mark-sent": _exported,
    "selfhelp run disk-full --report report.json --format json": _report,
    "selfhelp i18n extract guides/disk-full.yaml --lang nb": _translation,
}


def _sandbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder as a clone of this repository looks to the README's reader, and an
    environment with nothing of this machine's selfhelp in it."""
    cwd = tmp_path / "clone"
    shutil.copytree(BUNDLED, cwd / "guides")
    (cwd / "my-guides").mkdir()
    shutil.copy(FIXTURES / "readme" / "usb-stick.yaml", cwd / "my-guides")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELFHELP_", "LC_"))}
    env.pop("DO_NOT_TRACK", None)
    env.update(SELFHELP_DATA_DIR=str(tmp_path / "data"), LANG="C.UTF-8", COLUMNS="100")
    return cwd, env


def test_the_readme_quotes_the_commands_this_test_knows() -> None:
    """The extraction finds the README's commands (it cannot pass by finding none),
    and every skipped or specially checked command is still quoted there."""
    quoted = {parse(text).text for text in quoted_commands(README.read_text(encoding="utf-8"))}
    assert len(quoted) >= 25
    known = set(SKIP) | WAITS_FOR_THE_READER | set(CHECKS)
    assert known <= quoted, f"no longer in the README: {sorted(known - quoted)}"


def test_every_command_in_the_readme_does_what_it_says(tmp_path: Path) -> None:
    cwd, env = _sandbox(tmp_path)
    failures: list[str] = []
    ran = 0
    for text in quoted_commands(README.read_text(encoding="utf-8")):
        command = parse(text)
        if command.text in SKIP:
            continue
        proc = subprocess.run(
            [*selfhelp_cmd(), *command.argv],
            cwd=cwd,
            env={**env, **command.env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
        )
        ran += 1
        if command.stdout_to:
            (cwd / command.stdout_to).write_text(proc.stdout, encoding="utf-8")
        expected = 3 if command.text in WAITS_FOR_THE_READER else 0
        problem = ""
        if proc.returncode != expected:
            problem = f"exit {proc.returncode}, the README says {expected}"
        elif command.text in CHECKS:
            try:
                CHECKS[command.text](proc, cwd)
            except (AssertionError, OSError, ValueError, KeyError) as exc:
                problem = f"not what the README says: {exc!r}"
        if problem:
            output = (proc.stdout[-600:] + proc.stderr[-600:]).strip()
            failures.append(f"`{text}`: {problem}\n{output}")
    assert ran >= 20
    assert not failures, "\n\n".join(failures)
