"""Secrets redaction for probe output and session reports.

Command output shown on screen, kept in a session or pasted into a report must not
carry a password or a token the command happened to print. `redact` replaces
secrets with `[REDACTED]` but keeps the label around them (`password=[REDACTED]`,
`Authorization: Bearer [REDACTED]`, `https://user:[REDACTED]@host`), so the reader
still sees *that* a value was there and which one.

The built-in patterns follow the rule sets of the secret scanners gitleaks and
detect-secrets: tokens with a recognisable shape (cloud, forge, chat, payment, mail
and package-registry keys, JWTs, private key blocks, connection strings) wherever
they stand, passwords on command lines (`mysql -pSECRET`, `--password SECRET`,
`sshpass -p`, `curl -u user:SECRET`), and anything labelled as a secret.

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
    # -----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE KEY----- (also
    # OPENSSH, EC, ENCRYPTED, PGP ... BLOCK); a block cut off before its END line
    # (capped output) is hidden to the end of the text.
    (
        "private-key-block",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        r"(.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
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
    # --- tokens with a recognisable shape (the rule sets of gitleaks and
    # detect-secrets): redacted wherever they stand, labelled or not.
    # AWS access key ids (long-term AKIA, temporary ASIA, and the other id kinds).
    (
        "aws-access-key-id",
        r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b",
    ),
    # An AWS secret access key: 40 base64 characters after a mention of AWS on the line.
    (
        "aws-secret-access-key",
        r"(?i)aws[A-Za-z0-9_. \-]{0,30}(?:secret|key)[A-Za-z0-9_. \-]{0,20}"
        r"[\"']?[ \t]*[:=,]?[ \t]*[\"']?"
        r"(?-i:([A-Za-z0-9/+]{40}))(?![A-Za-z0-9/+=])",
    ),
    # GitHub tokens: personal (ghp_), OAuth (gho_), user/server/refresh (ghu_, ghs_,
    # ghr_) and fine-grained personal tokens (github_pat_).
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    # GitLab: personal, deploy, runner, pipeline trigger, SCIM, CI build, feed tokens.
    ("gitlab-token", r"\bgl(?:pat|dt|rt|ptt|soat|cbt|imt|ft|oas)-[0-9A-Za-z_-]{20,}"),
    # Slack tokens (bot, app, user, refresh, legacy, config) and incoming webhooks.
    ("slack-token", r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"),
    (
        "slack-webhook",
        r"\bhooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_+-]{20,})",
    ),
    # Stripe secret and restricted keys, live and test, and webhook secrets.
    ("stripe-key", r"\b(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,}|\bwhsec_[0-9A-Za-z]{20,}"),
    # Google: API keys, OAuth client secrets and access tokens.
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"),
    ("google-oauth", r"\bGOCSPX-[0-9A-Za-z_-]{28}|\bya29\.[0-9A-Za-z_-]{20,}"),
    # Twilio API keys (SK + 32 hex), SendGrid, Mailgun and Mailchimp API keys.
    ("twilio-api-key", r"\bSK[0-9a-fA-F]{32}\b"),
    ("sendgrid-api-key", r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}"),
    ("mailgun-api-key", r"\bkey-[0-9a-f]{32}\b"),
    ("mailchimp-api-key", r"\b[0-9a-f]{32}-us\d{1,2}\b"),
    # npm and PyPI upload tokens.
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("pypi-token", r"\bpypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}"),
    # OpenAI, Anthropic, Hugging Face, DigitalOcean, Shopify, Telegram bots.
    ("ai-api-key", r"\bsk-(?:proj-|ant-[a-z]+\d*-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}"),
    ("huggingface-token", r"\bhf_[A-Za-z]{34}\b"),
    ("digitalocean-token", r"\bdo[por]_v1_[a-f0-9]{64}\b"),
    ("shopify-token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
    # (in a URL too: api.telegram.org/bot<token>/).
    ("telegram-bot-token", r"(?<![0-9])\d{8,10}:AA[0-9A-Za-z_-]{33}\b"),
    # Azure storage and service bus connection strings, and SAS signatures.
    (
        "azure-connection-string",
        r"(?i)\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)[ \t]*=[ \t]*([^;\s\"']+)",
    ),
    ("sas-signature", r"[?&]sig=([^&\s\"']+)"),
    # --- passwords on command lines.
    # mysql -pSECRET (the password glued to -p; `-p` alone asks, `-P 3306` is a port).
    (
        "mysql-password",
        r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mariadb(?:-dump)?)\b"
        r"[^\n]*?[ \t]-p([^\s]+)",
    ),
    # sshpass -p SECRET, curl -u user:SECRET, --password SECRET (with a space).
    ("sshpass-password", r"\bsshpass\b[^\n]*?[ \t]-p[ \t]*([^\s]+)"),
    ("curl-user-password", r"\bcurl\b[^\n]*?[ \t](?:-u|--user)[ \t]*['\"]?[^\s:'\"]*:([^\s'\"]+)"),
    (
        "password-option",
        r"(?:^|[ \t])--(?:password|passwd|pass|token|secret|api-key)[ \t]+([^\s-]\S*)",
    ),
    # .netrc: machine HOST login USER password SECRET.
    ("netrc-password", r"\bmachine[ \t]+\S+[^\n]*?[ \t]password[ \t]+(\S+)"),
    # token=..., DB_PASSWORD: ..., "api_key": "...", client_secret=..., pwd=...,
    # PGPASSWORD=..., MYSQL_PWD=..., --password=...; a quoted value is hidden whole,
    # spaces and all.
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
