"""Words too common to tell guides apart, per language (curated, kept small).

A query such as "нет интернета" or "la impresora no imprime" must be decided by
its content words: "нет", "no", "ikke", "nem" occur in half the symptoms of every
library, so matched they put the wrong guide first. The lists hold articles,
pronouns, auxiliaries, negations, prepositions and question words only. A word
that is a command, a path or a technical term in any of the languages is left out
even where it is a function word in one of them: `du`, `vi`, `var` (Norwegian
"you", "we", "was"; and "vår", "our", which folds to `var`), `man` (Norwegian
"one"), `red` (Spanish "network").

They are written with their accents; search compares them folded (lowercase,
without accents), as it compares every word. Python rather than data files: the
list is read on every start of a search and stamped with the code for the cache.
"""

from __future__ import annotations

_LISTS = {
    "en": """
        a an the is are was were be been being am to of in on at for and or nor not no
        my it its i me we you your our do does did done doing can cannot cant could
        with from by this that these those what how why when where which there here
        has have had having im ive its dont doesnt didnt isnt wont cant t s m ve
        but so if any some just very too also again still keeps keep will would
        should shall may might please anymore nothing anything
    """,
    "nb": """
        og i på er en et ei det den de dei som til av for med fra har hadde jeg meg
        min mitt mine deg din ditt dine vårt våre hva hvordan hvorfor når hvor
        hvilken hvilke ikke ingen intet kan kunne skal vil ville må noe noen at å så
        men eller om etter før igjen bare også være vært blir ble bli seg sin sitt
        sine dette disse der her han hun går gikk får fikk fortsatt lenger ingenting
    """,
    "hu": """
        a az egy és vagy nem nincs nincsen sincs van vannak volt voltak lesz lett is
        meg el ki be le fel de hogy ha mi mit mert ez azt ezt ezek azok nekem nálam
        én te ő ti ők már még sem se csak nagyon valami valamit semmi semmit miért
        hogyan hol mikor amikor után előtt újra sehogy sehogysem többé
    """,
    "es": """
        el la los las lo le les un una unos unas de del al a en y e o u no ni que se
        es son está esta están estoy era fue ser estar mi mis me te tu su sus con por
        para sin sobre hay muy ya pero como cómo qué cuando cuándo donde dónde
        porque por qué también todo nada algo yo este estos estas ese esa esos esas
        aquí ahí puedo puede pueden ningún ninguna ninguno más
    """,
    "ca": """
        el la els les l lo un una uns unes de d del dels al als a en i o u no ni que
        es és són està estan estic era ser estar em et s m n t meu meva meus meves
        teu teva seu seva seus seves amb per sense sobre hi ha han molt ja però com
        quan on perquè també tot res cap pot puc poden més
    """,
    "ru": """
        и в во не нет ни на с со по к ко у о об обо из за от до а но или что чтобы
        как мой моя мое моё мои мне меня я ты вы мы он она оно они это этот эта эти
        то так же бы ли все всё уже еще ещё при для очень там тут здесь когда где
        почему может могу можно больше ничего ничто
    """,
}


def raw_lists() -> dict[str, list[str]]:
    """Each language's words as written (with accents)."""
    return {lang: text.split() for lang, text in _LISTS.items()}
