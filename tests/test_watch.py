"""`selfhelp validate --watch` (issue 18, part 5): validate, then again at each
change of a guide, a translation or selfhelp.yaml, until Ctrl+C. The real command
in a terminal; the waits are deadlines for a hang, not measurements."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pexpect

GOOD = """\
format: 1
id: w
kind: troubleshooter
title: Watched
summary: s
symptoms: [s]
start: a
nodes:
  a: {type: step, text: go, next: b}
  b: {type: outcome, result: resolved, text: done}
"""


def test_watch_validates_again_after_each_change_until_ctrl_c(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    guide = tmp_path / "w.yaml"
    guide.write_text(GOOD.replace("result: resolved", "result: resolvd"), encoding="utf-8")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "selfhelp_tui", "validate", "--no-bundled", "--watch", str(tmp_path)],
        env=cli_env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        child.expect(r"w\.yaml:10:\d+: error: 'result' of node 'b' is 'resolvd'")
        child.expect(r"1 file checked: 1 error, 0 warnings")
        child.expect(r"Watching for changes \(Ctrl\+C to stop\)")

        guide.write_text(GOOD, encoding="utf-8")  # fixed
        child.expect(r"Changed: .*w\.yaml")
        child.expect(r"1 file checked: 0 errors, 0 warnings")
        assert "error" not in child.before
        child.expect(r"Watching for changes")

        # A manifest that appears is a change too: what it ignores is gone.
        guide.write_text(GOOD.replace("summary: s\n", ""), encoding="utf-8")
        child.expect(r"1 file checked: 0 errors, 1 warning")
        child.expect(r"Watching for changes")
        (tmp_path / "selfhelp.yaml").write_text("validate:\n  ignore: [no-summary]\n", "utf-8")
        child.expect(r"Changed: .*selfhelp\.yaml")
        child.expect(r"1 file checked: 0 errors, 0 warnings \(1 ignored\)")
        child.expect(r"Watching for changes")

        child.kill(signal.SIGINT)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Traceback" not in (child.before or "")
    assert child.exitstatus == 130
