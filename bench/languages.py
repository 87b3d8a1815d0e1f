"""`python -m bench.languages`: search and the library cache with six languages.

Search finds a guide through every translation it has (guides/textsearch.py), so
a library translated into the five other languages has six times the words to
index and to keep in the cache. This measures the same generated library twice,
in the same run: as written (English only: the floor) and with each guide's
title, summary, tags and symptoms translated into nb, hu, es, ru and ca (made
with `selfhelp i18n extract`'s own code, the nodes left to fall back). Figures:
the search index's build, a key press's search (p95, queries typed letter by
letter in each language, with typos), a warm load and the cache file's size.

    python -m bench.languages                  # 2,000 guides x 50 nodes
    python -m bench.languages --guides 50 --nodes 10 --repeat 1   # quick
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .generate import WORDS, generate

#: WORDS in each language, in the same order (a technician's words, not a dictionary's).
TRANSLATED = {
    "nb": "sjekk den kabelen nettverk disk skriver tjeneste omstart logg feil tillatelse "
    "nøkkel server klient oppdatering pakke driver fastvare kø mappe fil plass minne "
    "bruker passord tilkobling tidsavbrudd oppsett status journal enhet port adresse rute",
    "hu": "ellenőrizze a kábelt hálózat lemez nyomtató szolgáltatás újraindítás napló hiba "
    "jogosultság kulcs szerver kliens frissítés csomag illesztőprogram firmware sor mappa "
    "fájl hely memória felhasználó jelszó kapcsolat időtúllépés beállítás állapot napló "
    "eszköz port cím útvonal",
    "es": "compruebe el cable red disco impresora servicio reinicio registro error permiso "
    "clave servidor cliente actualización paquete controlador firmware cola carpeta "
    "archivo espacio memoria usuario contraseña conexión tiempo configuración estado "
    "diario dispositivo puerto dirección ruta",
    "ru": "проверьте этот кабель сеть диск принтер служба перезапуск журнал ошибка "
    "разрешение ключ сервер клиент обновление пакет драйвер прошивка очередь папка файл "
    "место память пользователь пароль подключение таймаут настройка состояние журнал "
    "устройство порт адрес маршрут",
    "ca": "comproveu el cable xarxa disc impressora servei reinici registre error permís clau "
    "servidor client actualització paquet controlador microprogramari cua carpeta fitxer "
    "espai memòria usuari contrasenya connexió temps configuració estat diari dispositiu "
    "port adreça ruta",
}
#: What a reader types, in each language, with a typo or a missing accent.
QUERIES = {
    "en": "printr not prnting the cabel",
    "nb": "skriveren virker ikke kabelen",
    "hu": "nyomtato nem mukodik kabel",
    "es": "impresora no imprme el cable",
    "ru": "принтер не печатет кабель",
    "ca": "la impresora no imprimeix el cable",
}


def translate_words(text: str, lang: str) -> str:
    table = dict(zip(WORDS, TRANSLATED[lang].split(), strict=True))
    out = []
    for word in text.split():
        bare = word.strip(".").lower()
        out.append(table.get(bare, word) + ("." if word.endswith(".") else ""))
    return " ".join(out)


def add_translations(folder: Path) -> int:
    """A GUIDE.LANG.po beside each guide with its card's strings translated."""
    from selfhelp_tui.guides.loader import load_guide
    from selfhelp_tui.guides.translate import update_translation
    from selfhelp_tui.i18n.po import format_po

    card = ("title", "summary", "tags/", "symptoms/")
    made = 0
    for path in sorted(folder.glob("*.yaml")):
        guide = load_guide(path).guide
        assert guide is not None, path
        for lang in TRANSLATED:
            po, _report = update_translation(guide, None, lang)
            for entry in po.entries:
                if (entry.msgctxt or "").startswith(card):
                    entry.msgstr = translate_words(entry.msgid, lang)
            path.with_name(f"{path.stem}.{lang}.po").write_text(format_po(po), encoding="utf-8")
            made += 1
    return made


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[int(0.95 * (len(ordered) - 1))]


def measure(folder: Path, cache: Path, repeat: int) -> dict[str, float]:
    from selfhelp_tui.guides import load_library
    from selfhelp_tui.guides.library import LoadMode, Source
    from selfhelp_tui.guides.search import SearchIndex

    sources, mode = [Source(folder, "bench")], LoadMode(lang="en")
    load_library(sources, cache=cache, mode=mode)  # cold: writes the cache
    warm = []
    for _ in range(max(3, repeat)):
        start = time.perf_counter()
        library = load_library(sources, cache=cache, mode=mode)
        warm.append(time.perf_counter() - start)
    builds = []
    for _ in range(max(3, repeat)):
        start = time.perf_counter()
        index = SearchIndex(library.search_cards())
        builds.append(time.perf_counter() - start)
    gc.freeze()  # as the home screen does once its index is made
    out = {
        "guides": len(library.infos),
        "vocabulary": len(index.vocabulary),
        # One file per folder set (library-<slot>.pickle beside the name given).
        "cache MB": sum(f.stat().st_size for f in cache.parent.glob(f"{cache.stem}*")) / 1e6,
        "warm load ms": statistics.median(warm) * 1000,
        "index ms": statistics.median(builds) * 1000,
    }
    for lang, query in QUERIES.items():
        samples = []
        for _ in range(max(3, repeat)):
            index._cache.clear()  # each pass types the query afresh
            for n in range(1, len(query) + 1):
                start = time.perf_counter()
                index.search(query[:n])
                samples.append((time.perf_counter() - start) * 1000)
        out[f"search p95 ms ({lang})"] = p95(samples)
        out[f"results ({lang})"] = len(index.search(query))  # found, not only fast
    gc.unfreeze()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.languages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--guides", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="selfhelp-bench-langs-") as tmp:
        work = Path(tmp)
        one = generate(work / "one", args.guides, args.nodes, seed=1)
        six = generate(work / "six", args.guides, args.nodes, seed=1)
        files = add_translations(six)
        floor = measure(one, work / "cache-one" / "library.pickle", args.repeat)
        figure = measure(six, work / "cache-six" / "library.pickle", args.repeat)
    print(f"{args.guides} guides x {args.nodes} nodes; {files} translation files\n")
    print(f"{'':28} {'English only':>14} {'six languages':>14} {'ratio':>7}")
    for name, value in figure.items():
        base = floor[name]
        ratio = f"{value / base:6.2f}x" if base else ""
        print(f"{name:28} {base:14.2f} {value:14.2f} {ratio:>7}")
    worst = max(v for k, v in figure.items() if k.startswith("search p95"))
    found = all(v > 0 for k, v in figure.items() if k.startswith("results"))
    ok = worst <= 20 and found
    if not found:
        print("a query in some language found nothing in the translated library: FAIL")
    print(f"\nsearch, key press to results (p95, worst language) <= 20 ms: "
          f"{'pass' if ok else 'FAIL'} ({worst:.2f} ms)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"English only": floor, "six languages": figure}))
    return 0 if found else 1  # speed is printed, pass or FAIL; finding nothing is a bug


if __name__ == "__main__":
    sys.exit(main())
