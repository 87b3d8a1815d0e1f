"""The PO reader and writer: what translators' tools write must read back exactly,
and a broken file must say where it is broken."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfhelp_tui.i18n.po import PoEntry, PoError, PoFile, format_po, iter_placeholders, parse_po

POEDIT_STYLE = r"""# Norwegian translation.
# Kari Nordmann <kari@example.org>, 2025.
msgid ""
msgstr ""
"Project-Id-Version: disk-full\n"
"Language: nb\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

# Kari: check the wording with support.
#. source-hash: 3f2a9c1e
#: disk-full.yaml:14
#, fuzzy
#| msgid "Run `df`."
msgctxt "check-df/text"
msgid ""
"Run `df -h`.\n"
"\n"
"Is a \"file system\" at **100%**?"
msgstr ""
"Kjør `df -h`.\n"
"\n"
"Er et «filsystem» på **100 %**?"

msgid "{n} file"
msgid_plural "{n} files"
msgstr[0] "{n} fil"
msgstr[1] "{n} filer"

#~ msgctxt "old-node/text"
#~ msgid "Gone"
#~ msgstr "Borte"
"""


def test_reads_every_part_of_a_poedit_file() -> None:
    po = parse_po(POEDIT_STYLE)
    assert po.headers["Language"] == "nb"
    assert po.header_comments == [
        "Norwegian translation.",
        "Kari Nordmann <kari@example.org>, 2025.",
    ]
    first, plural, gone = po.entries
    assert first.msgctxt == "check-df/text"
    assert first.msgid == 'Run `df -h`.\n\nIs a "file system" at **100%**?'
    assert first.msgstr == "Kjør `df -h`.\n\nEr et «filsystem» på **100 %**?"
    assert first.comments == ["Kari: check the wording with support."]
    assert first.extracted_value("source-hash") == "3f2a9c1e"
    assert first.references == ["disk-full.yaml:14"]
    assert first.fuzzy and not first.translated and first.has_translation
    assert first.previous_msgid == "Run `df`."
    assert first.line == 15  # the msgctxt line: where diagnostics point
    assert plural.msgstr_plural == {0: "{n} fil", 1: "{n} filer"}
    assert plural.translated
    assert gone.obsolete and gone.msgctxt == "old-node/text" and gone.msgstr == "Borte"
    assert [e.msgid for e in po.live()] == [first.msgid, plural.msgid]


def test_writing_and_reading_back_changes_nothing() -> None:
    po = parse_po(POEDIT_STYLE)
    text = format_po(po)
    again = parse_po(text)
    assert format_po(again) == text
    assert [(e.key, e.msgstr, e.flags, e.obsolete) for e in again.entries] == [
        (e.key, e.msgstr, e.flags, e.obsolete) for e in po.entries
    ]
    # Text of several lines is split after each newline, as msgmerge writes it.
    assert 'msgid ""\n"Run `df -h`.\\n"\n"\\n"\n"Is a \\"file system\\" at **100%**?"' in text


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")),
    st.one_of(st.none(), st.text(min_size=1, max_size=20).filter(lambda t: "\r" not in t)),
)
def test_any_text_survives_a_round_trip(msgid: str, msgstr: str, ctx: str | None) -> None:
    if not msgid and ctx is None:
        msgid = "x"  # msgid "" without a context is the header
    po = PoFile([PoEntry(msgid, msgstr, ctx)], {"Language": "nb"})
    back = parse_po(format_po(po))
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in back.entries] == [(ctx, msgid, msgstr)]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('msgid "a"\nmsgstr "b\n', 2, 8, "not closed"),
        ('msgid "a"\nmsgstr "b" junk\n', 2, 12, "unexpected text after the string"),
        ("msgid 'a'\nmsgstr \"b\"\n", 1, 1, "unexpected 'msgid'"),
        ('msgid "a"\nmsgtxt "b"\n', 2, 1, "unexpected 'msgtxt'"),
        ('msgid "a"\n', 1, 1, "no msgstr"),
        ('"orphan"\n', 1, 1, "no msgid or msgstr came before"),
        ('msgid "a"\nmsgstr "\\q"\n', 2, 9, "unknown escape"),
        ('msgid "a"\nmsgstr "1"\n\nmsgid "a"\nmsgstr "2"\n', 4, 1, "already used at line 1"),
        ('msgid "a"\nmsgstr[0] "x"\n', 1, 1, "msgid_plural"),
    ],
)
def test_errors_say_line_and_column(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(PoError) as err:
        parse_po(text)
    assert (err.value.line, err.value.column) == (line, column)
    assert message in err.value.message


def test_entries_without_blank_lines_between_are_separate() -> None:
    po = parse_po('msgid "a"\nmsgstr "A"\nmsgctxt "c"\nmsgid "b"\nmsgstr "B"\n')
    assert [(e.msgctxt, e.msgid, e.msgstr, e.line) for e in po.entries] == [
        (None, "a", "A", 1),
        ("c", "b", "B", 3),
    ]


def test_placeholders_of_both_styles() -> None:
    assert list(iter_placeholders("{n} of {total}, {{literal}}")) == ["{n}", "{total}"]
    assert list(iter_placeholders("%(prog)s: error: %(message)s, %s")) == [
        "%(prog)s",
        "%(message)s",
        "%s",
    ]
    assert list(iter_placeholders("100% sure")) == []
