"""Plain mode shows the guide whole at any width: paragraphs and cautions reflowed
(not the guide file's line breaks), a long command line broken only with a mark
where it goes on; and leaving or restarting asks when something would be lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

from selfhelp_tui.guides.text import CONTINUES, plain_lines

from .conftest import FIXTURES, selfhelp_cmd

WIDE = FIXTURES / "wide"
LONG = (
    "sudo du -xh / --max-depth=2 2>/dev/null | sort -rh | head -n 20; "
    "df -h --output=source,pcent,target /var /home /srv /opt"
)


def joined_code(lines: list[str]) -> list[str]:
    """The code lines of plain output, continuations put back on their line."""
    out: list[str] = []
    for line in lines:
        if line.startswith(f"    {CONTINUES} "):
            out[-1] += line[len(f"    {CONTINUES} ") :]
        elif line.startswith("    "):
            out.append(line[4:])
    return out


def test_paragraphs_are_reflowed_and_lists_hang() -> None:
    text = (
        "Never remove the kernel the machine is running now (`uname -r` shows it), nor the\n"
        "only other one.\n\n- Debian, Ubuntu: `sudo apt autoremove --purge` and then a\n"
        "  reboot of the machine\n- Fedora: `sudo dnf remove --oldinstallonly`\n"
    )
    lines = plain_lines(text, 40)
    assert all(len(line) <= 40 for line in lines), lines
    assert " ".join(lines[:3]).startswith("Never remove the kernel the machine is running")
    assert "nor the only other one." in " ".join(lines)
    bullets = [line for line in lines if line.startswith("- ")]
    assert len(bullets) == 2
    continued = lines[lines.index(bullets[0]) + 1]
    assert continued.startswith("  ") and not continued.startswith("  - ")
    # Inline code is never broken across lines: it would be typed as two commands.
    assert any("`sudo apt autoremove --purge`" in line for line in lines)
    # Without a width (a pipe), each paragraph is one line, as a reader's terminal wraps it.
    assert plain_lines(text, None)[0].endswith("nor the only other one.")


def test_a_long_code_line_goes_on_after_a_mark_and_is_kept_whole() -> None:
    lines = plain_lines(f"Run:\n\n```\n{LONG}\nls\n```\n", 40)
    assert all(len(line) <= 40 for line in lines), lines
    assert any(line.startswith(f"    {CONTINUES} ") for line in lines)
    assert joined_code(lines) == [LONG, "ls"]  # one command stays one, nothing lost
    assert joined_code(plain_lines(f"```\n{LONG}\n```", None)) == [LONG]


def run_plain(*args: str, env: dict[str, str], input: str | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [*selfhelp_cmd(), "--no-bundled", "--guides", str(WIDE), "run", "long-lines", *args],
        capture_output=True, text=True, env=env, input=input, timeout=60,
    )  # fmt: skip


def test_a_walk_at_40_columns_shows_every_line_whole(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run_plain("--answers", "1,ack,next", env={**cli_env, "COLUMNS": "40"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    too_long = [line for line in lines if len(line) > 40 and not line.startswith("[")]
    assert not too_long  # (the prompts echo the answers; they are not the guide's)
    code = joined_code(lines)
    assert LONG in code
    assert any(c.startswith("df -h; df -i; sudo du -xh /") and c.endswith(".txt") for c in code)
    caution = [line for line in lines if line.startswith("!!")]
    assert caution[0] == "!! CAUTION !!"
    said = " ".join(line.removeprefix("!! ") for line in caution[1:])
    assert said == (
        "Never remove the kernel the machine is running now (`uname -r` shows it), "
        "nor the only other one: the machine may no longer start."
    )
    assert all(len(line) <= 40 for line in caution)


def test_quit_asks_once_the_reader_has_moved(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run_plain(env=cli_env, input="quit\n")
    assert "Leave this guide" not in proc.stdout and proc.returncode == 3  # nothing to lose
    proc = run_plain(env=cli_env, input="1\nquit\nn\nquit\ny\n")
    assert proc.stdout.count("Leave this guide before the end? [y/n] > ") == 2
    assert "Going on." in proc.stdout and "Left the guide." in proc.stdout
    assert proc.returncode == 3


def test_restart_asks_and_starts_from_the_top(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = run_plain(env=cli_env, input="1\nrestart\nn\nrestart\ny\n3\n")
    assert proc.stdout.count("Start this guide again from the top? [y/n] > ") == 2
    assert "Started again from the top." in proc.stdout
    assert proc.returncode == 0 and "Outcome: Needs escalation" in proc.stdout


def test_help_lists_every_word_the_prompts_take(cli_env) -> None:  # type: ignore[no-untyped-def]
    proc = run_plain(env=cli_env, input="help\n")
    for word in ("'next'", "'back'", "'restart'", "'report'", "'quit'", "'ack'"):
        assert word in proc.stdout
