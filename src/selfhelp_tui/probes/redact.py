"""Secrets redaction for probe output and session reports.

Command output shown on screen, kept in a session or pasted into a report must not
carry a password or a token the command happened to print. `redact` replaces
secrets with `[REDACTED]` but keeps the label around them (`password=[REDACTED]`,
`Authorization: Bearer [REDACTED]`, `https://user:[REDACTED]@host`), so the reader
still sees *that* a value was there and which one.

The rule for every pattern, built in or from a guide: when the pattern has capture
groups, the first group that took part in the match is replaced (group 1 in a
pattern without alternatives); otherwise the whole match is. Prefixes that must stay
are written as non-capturing groups. Redaction errs on the side of hiding: a word
after `secret:` in prose is hidden too, which costs little in diagnostic output.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

#: What a secret is replaced with.
MARK = "[REDACTED]"

#: (name, regex) of the secrets always redacted, applied in this order (the
#: multi-line key blocks first, then the labelled forms, then the bare tokens).
DEFAULT_PATTERNS: tuple[tuple[str, str], ...] = (
    # -----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE KEY-----; a block cut
    # off before its END line (capped output) is hidden to the end of the text.
    (
        "private-key-block",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"
        r"(.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
    ),
    # scheme://user:password@host: the user stays, the password goes.
    ("url-credentials", r"\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@"),
    # Authorization: Bearer abc.def / Authorization: Basic dXNlcjpw / authorization=abc
    (
        "authorization-header",
        r"(?i)\b(?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?"
        r"(?:[A-Za-z]+[ \t]+)?([^\s\"',;]+)",
    ),
    # A bearer token outside a header line (8 characters at least, so that prose such
    # as "bearer of" is left alone).
    ("bearer-token", r"\b[Bb]earer[ \t]+([A-Za-z0-9._~+/-]{8,}=*)"),
    # JSON web tokens: header.payload.signature, the first two base64url JSON objects.
    ("jwt", r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
    # AWS access key ids (long-term AKIA, temporary ASIA).
    ("aws-access-key-id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    # GitHub tokens: personal (ghp_), OAuth (gho_), user/server/refresh (ghu_, ghs_,
    # ghr_) and fine-grained personal tokens (github_pat_).
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    # Slack tokens: bot, app, user, refresh, legacy.
    ("slack-token", r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    # token=..., DB_PASSWORD: ..., "api_key": "...", client_secret=..., pwd=...;
    # a quoted value is hidden whole, spaces and all.
    (
        "labelled-secret",
        r"(?i)(?:token|secret|api[_-]?key|passwd|password|pwd)[A-Za-z0-9_-]*[\"']?[ \t]*[:=][ \t]*"
        r"(?:\"([^\"\n]+)\"|'([^'\n]+)'|([^\s\"',;&]+))",
    ),
)


@functools.lru_cache(maxsize=1)
def _default_compiled() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rx, re.DOTALL) for _name, rx in DEFAULT_PATTERNS)


@functools.lru_cache(maxsize=256)
def _compile_extra(pattern: str) -> re.Pattern[str] | None:
    """A guide's pattern, or None when it is not a valid regex (the guide validator
    reports those; here a bad pattern must not stop the others)."""
    try:
        return re.compile(pattern)
    except (re.error, TypeError, ValueError):
        return None


def _target(match: re.Match[str]) -> tuple[int, int]:
    """The span to hide: the first group that took part, else the whole match."""
    for index in range(1, (match.re.groups or 0) + 1):
        start, end = match.span(index)
        if start != -1:
            return start, end
    return match.span()


def _apply(pattern: re.Pattern[str], text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        start, end = _target(match)
        if start == end:
            continue  # an empty match hides nothing; do not sprinkle marks
        pieces.append(text[last:start])
        pieces.append(MARK)
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def redact(text: str, extra_patterns: Sequence[str] = ()) -> str:
    """`text` with every secret the default patterns and `extra_patterns` find
    replaced by `[REDACTED]`. Invalid extra patterns are skipped."""
    if not text:
        return text
    for pattern in _default_compiled():
        text = _apply(pattern, text)
    for raw in extra_patterns:
        compiled = _compile_extra(raw)
        if compiled is not None:
            text = _apply(compiled, text)
    return text
