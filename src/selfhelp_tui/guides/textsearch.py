"""The words search compares, in every language a guide is written or translated in.

A reader types a symptom in their own words and in their own language, which need
not be the interface's: "disco lleno" must find the disk guide through its Spanish
translation with the English interface. So each guide's card carries the search
terms of every language it has (its source and every `GUIDE.LANG.po` beside it),
made once when the card is made (in the worker that parses the file, then kept in
the library cache), never per query:

- every word folded (lowercase, no accents), for exact, prefix and typo matches;
- its stem in the text's language (Snowball, via `snowballstemmer`), so
  "imprime" meets "imprimir" and "skriveren" meets "skriver"; a word is stemmed
  as written and without its accents too, since readers often type without them;
- without the language's stop words (`stopwords.py`), so "нет" or "no" never
  decides a match;
- and each tag with all its spellings, so a translated tag is the same tag.

A card's terms are a few short strings (a tuple unpickles in C: a warm start reads
thousands of cards, and the cache keeps each card more than once). Each line is
`{weight}{lang} tok tok ...`, where a token is `word` (its stem is itself) or
`word=stem[=stem2]`, a stem that begins the word written as its length
(`connection=7` for `connect`: most stems do, and a quarter of the bytes go), or
`#spelling\\x1fspelling...` for one tag, its source spelling first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .index import GuideInfo
    from .model import Guide

#: How much a match in each field counts.
WEIGHTS = {"symptoms": 4, "title": 3, "tags": 2, "id": 2, "summary": 1}
#: The Snowball stemmer of each language (Nynorsk and Bokmål share one).
STEMMERS = {
    "en": "english",
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "hu": "hungarian",
    "es": "spanish",
    "ru": "russian",
    "ca": "catalan",
}
#: Languages not written in the Latin script (a query's script picks its stemmers).
CYRILLIC_LANGS = frozenset({"ru"})
TAG_MARK = "#"
TAG_SEP = "\x1f"
_WORD = re.compile(r"\w+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fold(text: str) -> str:
    """Lowercase, without accents: 'Café' and 'cafe' are the same word here."""
    if text.isascii():  # most text, folded at once
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def raw_words(text: str) -> list[str]:
    """Words lowercased but with their accents: what a stemmer expects."""
    return _WORD.findall(text.casefold())


def is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


# --- stop words and stems -----------------------------------------------------

_STOP: dict[str, frozenset[str]] | None = None


def stop_words(lang: str | None = None) -> frozenset[str]:
    """A language's stop words, folded; with no language, those of every language."""
    global _STOP
    if _STOP is None:
        from .stopwords import raw_lists

        lists = {lang: frozenset(fold(w) for w in ws) for lang, ws in raw_lists().items()}
        lists["nn"] = lists["no"] = lists["nb"]
        lists[""] = frozenset().union(*lists.values())
        _STOP = lists
    return _STOP.get(lang or "", frozenset())


_STEMS: dict[str, Callable[[str], str] | None] = {}


def stemmer(lang: str) -> Callable[[str], str] | None:
    """The stem function of a language (memoized per word), or None when Snowball
    has none for it. Lazy: `snowballstemmer` takes ~17 ms to import, and only the
    making of cards and the first query need it."""
    if lang in _STEMS:
        return _STEMS[lang]
    name = STEMMERS.get(lang.split("_")[0].split("-")[0])
    if name is None:
        _STEMS[lang] = None
        return None
    import snowballstemmer

    stem_word = snowballstemmer.stemmer(name).stemWord
    memo: dict[str, str] = {}

    def stem(word: str) -> str:
        found = memo.get(word)
        if found is None:
            if len(memo) > 50_000:
                memo.clear()
            found = memo[word] = fold(stem_word(word))
        return found

    _STEMS[lang] = stem
    return stem


def stems_of(word: str, lang: str) -> list[str]:
    """The folded stems of a word (lowercased, accents kept) in a language: stemmed
    as written and as folded, which differ now and then ("impresión")."""
    stem = stemmer(lang)
    if stem is None:
        return []
    first = stem(word)
    folded = fold(word)
    if folded == word:
        return [first]
    second = stem(folded)
    return [first] if second == first else [first, second]


# --- a guide's terms -----------------------------------------------------------

#: A language's searchable text: field name -> its strings.
Fields = dict[str, list[str]]


def fields_of(title: str, summary: str, tags: Iterable[str], symptoms: Iterable[str]) -> Fields:
    return {"title": [title], "summary": [summary], "tags": list(tags), "symptoms": list(symptoms)}


def make_terms(
    texts: dict[str, Fields], guide_id: str, source_lang: str, tags: list[list[str]]
) -> tuple[str, ...]:
    """The card's terms: `texts` by language, the guide's id (searched in its source
    language) and `tags`, each tag's spellings with its source spelling first."""
    lines: list[str] = []
    for lang, fields in texts.items():
        stop = stop_words(lang)
        #: word -> its best weight, and its first spelling with accents
        best: dict[str, tuple[int, str]] = {}
        if lang == source_lang:
            fields = {**fields, "id": [guide_id.replace("-", " ")]}
        for name, strings in fields.items():
            weight = WEIGHTS[name]
            for text in strings:
                for raw in raw_words(text):
                    word = fold(raw)
                    if word in stop:
                        continue
                    seen = best.get(word)
                    if seen is None:
                        best[word] = (weight, raw)
                    elif seen[0] < weight:
                        best[word] = (weight, seen[1])
        by_weight: dict[int, list[str]] = {}
        for word, (weight, raw) in best.items():
            stems = stems_of(raw, lang)
            token = (
                word if stems in ([], [word]) else "=".join([word, *map(_stem_part(word), stems)])
            )
            by_weight.setdefault(weight, []).append(token)
        for weight in sorted(by_weight, reverse=True):
            lines.append(f"{weight}{lang} " + " ".join(by_weight[weight]))
    spelled = [
        list(dict.fromkeys(_CONTROL.sub(" ", s).strip() for s in spellings)) for spellings in tags
    ]
    if any(len(spellings) > 1 for spellings in spelled):  # else the card's tags say it all
        lines.extend(TAG_MARK + TAG_SEP.join(spellings) for spellings in spelled)
    return tuple(lines)


def _stem_part(word: str) -> Callable[[str], str]:
    """How a stem of `word` is written in a token: its length where it begins the
    word. Snowball only takes letters off or changes them, so a stem of digits
    alone always begins its word and a length is never mistaken for a stem."""

    def part(stem: str) -> str:
        return str(len(stem)) if word.startswith(stem) else stem

    return part


def split_token(token: str) -> tuple[str, tuple[str, ...]]:
    """`word=stem[=stem2]` -> (word, stems); a bare `word` is its own stem, a
    length stands for the beginning of the word."""
    if "=" not in token:
        return token, (token,)
    word, *parts = token.split("=")
    return word, tuple(word[: int(s)] if s.isascii() and s.isdigit() else s for s in parts)


def split_line(line: str) -> tuple[int, str, list[str]] | None:
    """(weight, lang, tokens) of one line of a card's terms; None for a tag line."""
    if line.startswith(TAG_MARK):
        return None
    head, _sp, rest = line.partition(" ")
    return int(head[0]), head[1:], rest.split(" ")


def tag_spellings(card: GuideInfo) -> list[list[str]]:
    """Each tag of a card with all its spellings (source first, then the shown one,
    then every translation), in the guide's order."""
    from_terms = [
        line[len(TAG_MARK) :].split(TAG_SEP) for line in card.terms if line.startswith(TAG_MARK)
    ]
    source = card.source.tags if card.source is not None else card.tags
    out: list[list[str]] = []
    for i, tag in enumerate(source):
        spellings = [tag]
        if i < len(card.tags):
            spellings.append(card.tags[i])
        if i < len(from_terms):
            spellings.extend(from_terms[i])
        out.append(list(dict.fromkeys(spellings)))
    return out


def card_terms(card: GuideInfo) -> tuple[str, ...]:
    """A card's terms; made from what the card shows for a card made without them
    (by hand, in a test or a tool)."""
    if card.terms:
        return card.terms
    texts: dict[str, Fields] = {}
    for variant in reversed(card.variants()):
        fields = fields_of(variant.title, variant.summary, variant.tags, variant.symptoms)
        texts.setdefault(variant.title_lang, fields)
    source = card.source or card
    return make_terms(texts, card.id, source.title_lang, [])


def guide_terms(guide: Guide) -> tuple[str, ...]:
    """The terms of a guide in its source language and in every translation beside
    its file that is current (what a reader of that language would be shown)."""
    loc = guide.localization
    source = loc.source if loc is not None else guide
    texts = {source.lang: fields_of(source.title, source.summary, source.tags, source.symptoms)}
    tags = [[t] for t in source.tags]
    if source.path is not None:
        from ..i18n.po import PoError
        from .translate import current_texts, read_translation, translation_files

        for lang, path in sorted(translation_files(source.path).items()):
            if lang == source.lang:
                continue
            try:
                done = current_texts(source, read_translation(path))
            except (OSError, UnicodeDecodeError, PoError):
                continue  # a broken file (validate reports it): nothing to find it by
            fields: Fields = {
                "title": [done["title"]] if "title" in done else [],
                "summary": [done["summary"]] if "summary" in done else [],
                "tags": [],
                "symptoms": [],
            }
            for key in ("tags", "symptoms"):
                for i in range(len(getattr(source, key))):
                    text = done.get(f"{key}/{i}")
                    if text is not None:
                        fields[key].append(text)
                        if key == "tags":
                            tags[i].append(text)
            texts[lang] = fields
    return make_terms(texts, source.id, source.lang, tags)
