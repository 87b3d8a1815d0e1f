"""Redaction against the token formats secret scanners know (gitleaks, detect-secrets).

Every sample is synthetic and built by concatenation, so no string in this file is
a token (nor looks like one to a push-protection scanner); each is shaped as the
real thing is (prefix, length, alphabet). For each: the secret is gone from the
redacted text, the label around it stays, and so does the rest of the line. Then
the near misses: output that looks a little like a secret and must be left alone.
"""

from __future__ import annotations

import pytest

from selfhelp_tui.probes.redact import MARK, redact

A = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
HEX = "0123456789abcdef"


def chars(alphabet: str, n: int, shift: int = 0) -> str:
    """n characters of a pattern-free but varied run from `alphabet`."""
    return "".join(alphabet[(i * 7 + shift) % len(alphabet)] for i in range(n))


def b64(n: int) -> str:
    return chars(A + "+/", n, 3)


# (name, line as a command prints it, the secret in it)
SECRETS: list[tuple[str, str, str]] = [
    ("aws access key id", "aws_access_key_id = {s}", "AK" + "IA" + chars(A[26:52] + "234567", 16)),
    ("aws temporary key id", "AccessKeyId: {s}", "AS" + "IA" + chars(A[26:52], 16, 5)),
    ("aws secret key, labelled", "aws_secret_access_key = {s}", b64(40)),
    ("aws secret key, in env", "export AWS_SECRET_ACCESS_KEY={s}", b64(40)),
    ("aws secret key, in a table", "AWS key secret {s} (rotated)", b64(40)),
    ("github classic token", "token {s} in use", "gh" + "p_" + chars(A, 36)),
    ("github oauth token", "{s}", "gh" + "o_" + chars(A, 36, 1)),
    ("github app token", "GITHUB {s} ok", "gh" + "s_" + chars(A, 36, 2)),
    ("github fine-grained", "pat {s}", "github" + "_pat_" + chars(A + "_", 82)),
    ("gitlab personal token", "remote: {s}", "gl" + "pat-" + chars(A + "-_", 20)),
    ("gitlab runner token", "runner {s}", "gl" + "rt-" + chars(A, 20, 4)),
    ("slack bot token", "SLACK {s}", "xo" + "xb-" + chars("0123456789", 12) + "-" + chars(A, 24)),
    ("slack user token", "x {s} y", "xo" + "xp-" + chars("0123456789", 12) + "-" + chars(A, 24, 1)),
    ("slack app token", "{s}", "xa" + "pp-1-" + chars(A, 30)),
    (
        "slack webhook",
        "https://hooks.slack.com/services/{s}",
        "T" + chars(A, 8) + "/B" + chars(A, 8, 2) + "/" + chars(A, 24),
    ),
    ("stripe live secret key", "STRIPE {s}", "sk" + "_live_" + chars(A, 24)),
    ("stripe restricted key", "{s}", "rk" + "_live_" + chars(A, 24, 3)),
    ("stripe test key", "{s}", "sk" + "_test_" + chars(A, 24, 5)),
    ("stripe webhook secret", "signing {s}", "wh" + "sec_" + chars(A, 32)),
    ("google api key", "key {s} used", "AI" + "za" + chars(A + "-_", 35)),
    ("google oauth secret", "client {s}", "GOC" + "SPX-" + chars(A + "-_", 28)),
    ("google access token", "{s}", "ya" + "29." + chars(A + "-_", 60)),
    ("twilio api key", "twilio {s}", "S" + "K" + chars(HEX, 32)),
    ("sendgrid api key", "{s}", "S" + "G." + chars(A, 22) + "." + chars(A + "-_", 43)),
    ("mailgun api key", "mg {s}", "ke" + "y-" + chars(HEX, 32, 1)),
    ("mailchimp api key", "mc {s}", chars(HEX, 32, 2) + "-us" + "12"),
    ("npm token", "//registry.npmjs.org/ {s}", "np" + "m_" + chars(A, 36)),
    ("npmrc auth token", "//registry.npmjs.org/:_authToken={s}", chars(A, 36, 2)),
    ("pypi token", "password = {s}", "py" + "pi-AgEIcHlwaS5vcmc" + chars(A + "-_", 60)),
    ("pypi token, bare", "uploading with {s}", "py" + "pi-AgEIcHlwaS5vcmc" + chars(A, 70, 1)),
    ("openai key", "OPENAI {s}", "s" + "k-proj-" + chars(A + "-_", 48)),
    ("anthropic key", "{s}", "s" + "k-ant-api03-" + chars(A + "-_", 90)),
    ("hugging face token", "hf {s}", "h" + "f_" + chars(A[:52], 34)),
    ("digitalocean token", "{s}", "do" + "p_v1_" + chars(HEX, 64)),
    ("shopify token", "{s}", "shp" + "at_" + chars(HEX, 32, 3)),
    ("telegram bot token", "bot{s}", "1234" + "56789:AA" + chars(A + "-_", 33)),
    (
        "jwt",
        "cookie {s} end",
        "ey" + "J" + chars(A, 30) + ".ey" + "J" + chars(A, 40, 1) + "." + chars(A + "-_", 43),
    ),
    (
        "azure storage connection string",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={s};EndpointSuffix=core.windows.net",
        b64(86) + "==",
    ),
    (
        "azure service bus",
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey={s}",
        b64(44),
    ),
    (
        "azure sas url",
        "https://acme.blob.core.windows.net/c?sv=2022-11-02&sig={s}&se=2030",
        chars(A + "%", 40),
    ),
    ("mysql -p glued", "mysql -u root -p{s} -h db shop", "Sw0rd" + "fish!9"),
    ("mysqldump -p glued", "mysqldump -p{s} shop > dump.sql", "Tr0ub4" + "dor"),
    ("mysql --password=", "mysql --password={s} shop", "c0rrect" + "Horse"),
    ("--password with a space", "tool --password {s} --user bob", "hun" + "ter22"),
    ("PGPASSWORD", "PGPASSWORD={s} psql -h db", "pgs3" + "cret"),
    ("MYSQL_PWD", "env MYSQL_PWD={s} mysql", "my5" + "ecret"),
    ("sshpass", "sshpass -p {s} ssh admin@host", "ssh" + "Pa55"),
    ("curl basic auth", "curl -u admin:{s} https://api.example.com", "cu" + "rlPass1"),
    ("basic-auth url", "git clone https://bob:{s}@git.example.com/r.git", "gi" + "tPass"),
    ("database url", "DATABASE_URL=postgres://app:{s}@db:5432/app", "pgP" + "ass9"),
    ("authorization bearer", "Authorization: Bearer {s}", chars(A, 40)),
    ("authorization basic", "authorization: Basic {s}", b64(24)),
    ("x-api-key header", "X-Api-Key: {s}", chars(A, 32, 6)),
    ("netrc", "machine api.example.com login bob password {s}", "ne" + "trcPass"),
    ("ado.net connection string", "Server=db;User Id=sa;Password={s};", "Ad0" + "Net!"),
    (
        "private key block",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{s}\n-----END OPENSSH PRIVATE KEY-----",
        b64(70) + "\n" + b64(70),
    ),
    (
        "pgp private key block",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{s}\n-----END PGP PRIVATE KEY BLOCK-----",
        b64(64),
    ),
]


@pytest.mark.parametrize(("name", "line", "secret"), SECRETS, ids=[s[0] for s in SECRETS])
def test_a_secret_of_each_format_is_redacted_and_its_label_kept(
    name: str, line: str, secret: str
) -> None:
    text = line.format(s=secret)
    out = redact(text)
    for part in secret.split("\n"):
        assert part not in out, (name, out)
    assert MARK in out
    before, _, after = line.partition("{s}")
    assert before.rstrip() in out, (name, out)  # the label stays
    if after.strip():
        # what follows on the line stays too (a glued value may take a little)
        assert after.strip().split()[-1] in out, (name, out)


# Output that only looks like a secret, left exactly as it is.
NEAR_MISSES: list[tuple[str, str]] = [
    ("ssh port", "ssh -p 22 admin@example.com"),
    ("mysql port and prompt", "mysql -h db -P3306 -u root -p shop"),
    ("mkdir -p", "mkdir -p /var/lib/app && cc -pthread -o app app.c"),
    ("ps -p", "ps -p 1234 -o pid,cmd"),
    ("single-dash word in prose", "Use the -password flag only with a prompt."),
    ("password in prose", "Enter your password when asked; the password reset page is below."),
    ("password prompt", "Password:"),
    ("password-protected", "a password-protected archive"),
    ("sha256 digest", "sha256 " + chars(HEX, 64)),
    ("git commit", "commit " + chars(HEX, 40, 3) + " (HEAD -> main)"),
    ("uuid", "id 123e4567-e89b-12d3-a456-426614174000"),
    ("docker image digest", "image@sha256:" + chars(HEX, 64, 5)),
    ("short AKIA", "the AKIA prefix marks access keys"),
    ("github word", "see ghp_ tokens in the docs"),
    ("stripe word", "set sk_live_mode to true"),
    ("AIza prefix", "keys start with AIza"),
    ("disk names", "disk-" + chars(A, 40) + " is mounted"),
    ("email", "mail bob@example.com about it"),
    ("plain url", "https://example.com:8443/path?q=1&page=2"),
    ("base64 without a label", "data " + b64(40)),
    ("bearer of news", "the bearer of bad news"),
    ("versions", "git version 2.43.0, OpenSSL 3.0.13 30 Jan 2024"),
    ("key fingerprint", "ED25519 key fingerprint is SHA256:" + chars(A, 43)),
    ("keyboard", "Keyboard layout: us"),
    ("tokenizer prose", "the tokenizer splits words"),
    ("curl without a password", "curl -u admin https://api.example.com"),
    ("hex colour", "color #ff8800"),
]


@pytest.mark.parametrize(("name", "text"), NEAR_MISSES, ids=[n for n, _ in NEAR_MISSES])
def test_near_misses_are_left_alone(name: str, text: str) -> None:
    assert redact(text) == text


def test_many_secrets_on_one_output_all_go() -> None:
    text = "\n".join(line.format(s=secret) for _name, line, secret in SECRETS)
    out = redact(text)
    for _name, _line, secret in SECRETS:
        for part in secret.split("\n"):
            assert part not in out
    assert redact(out) == out  # idempotent
