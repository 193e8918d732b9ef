"""Words of a member's answer in any script: chat markup removed, scripts kept apart.

Word counts and themes read answers written in English, Russian, Hebrew, Arabic, Japanese,
or several at once. Words are Unicode letter runs (so Cyrillic, Hebrew and Arabic count
like Latin); a change of script ends a word; Chinese and Japanese, written without spaces,
are segmented by MeCab with the IPA dictionary (the `mecab-python3` and `ipadic` wheels
from PyPI carry both the library and the dictionary: nothing is downloaded at run time).
Chat markup is not the member's words: Slack and Discord mentions (`<@U123>`, `<#C1|x>`,
`<!channel>`, `<:name:123>`), links, e-mail addresses and `:emoji_codes:` are removed first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any, NamedTuple

import regex  # type: ignore[import-untyped]

# <@U123>, <@U123|name>, <#C123|general>, <!channel>, <!subteam^S1>, <https://x|label>,
# Discord's <@123>, <@!123>, <@&123>, <#123>, <:emoji:123>, <a:emoji:123>, <t:1700000000:R>
_CHAT_MARKUP = regex.compile(
    r"<(?:[@#!]|a?:\w+:|t:\d|https?://|mailto:)[^<>\n]*>"
    r"|\bhttps?://\S+|\bwww\.\S+"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"
    r"|:[a-z0-9_+-]+:",
    regex.IGNORECASE,
)
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}ー々〆"
# a CJK run, a word of letters (with inner apostrophes and hyphens: it's, Wi-Fi), a number
# (7, 3.5, 2,000), or one other visible character (punctuation: it ends a phrase)
_PIECES = regex.compile(
    rf"(?P<cjk>[{_CJK}]+)"
    rf"|(?P<word>(?:(?![{_CJK}])[\p{{L}}\p{{M}}])+(?:['\u2019\-](?:(?![{_CJK}])[\p{{L}}\p{{M}}])+)*)"
    r"|(?P<number>\p{N}+(?:[.,]\p{N}+)*)"
    r"|(?P<mark>[^\s\p{L}\p{M}\p{N}]|\n)"
)
# the same without CJK runs: several times faster, for the many texts that hold none
_PLAIN_PIECES = regex.compile(
    r"(?P<word>[\p{L}\p{M}]+(?:['\u2019\-][\p{L}\p{M}]+)*)"
    r"|(?P<number>\p{N}+(?:[.,]\p{N}+)*)"
    r"|(?P<mark>[^\s\p{L}\p{M}\p{N}]|\n)"
)
# the same for a text that is all ASCII, by the standard library (several times faster)
_ASCII_PIECES = re.compile(
    r"(?P<word>[A-Za-z]+(?:['\-][A-Za-z]+)*)"
    r"|(?P<number>[0-9]+(?:[.,][0-9]+)*)"
    r"|(?P<mark>[^\sA-Za-z0-9]|\n)"
)
_HAS_CJK = regex.compile(rf"[{_CJK}]")
_WORDS_AND_NUMBERS = regex.compile(
    r"[\p{L}\p{M}]+(?:['\u2019\-][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*"
)
# `_WORDS_AND_NUMBERS` for a text that is all ASCII (where letters are A-Z and a-z, there
# are no combining marks, and the only apostrophe is ')
_ASCII_WORDS_AND_NUMBERS = re.compile(r"[A-Za-z]+(?:['\-][A-Za-z]+)*|[0-9]+(?:[.,][0-9]+)*")
# the script of a word decides its language for frequencies, stop words and folding
SCRIPTS: tuple[tuple[str, regex.Pattern[str]], ...] = tuple(  # (language, its script)
    (lang, regex.compile(rf"\p{{Script={script}}}"))
    for lang, script in (
        ("en", "Latin"),
        ("ru", "Cyrillic"),
        ("he", "Hebrew"),
        ("ar", "Arabic"),
        ("el", "Greek"),
        ("ko", "Hangul"),
        ("hi", "Devanagari"),
        ("th", "Thai"),
    )
)
_TAGGER_LOCK = threading.Lock()


class Token(NamedTuple):
    """One piece of an answer: a word, a number, or a mark that ends a phrase.

    A named tuple rather than a dataclass: a digest makes a hundred thousand of them.
    """

    text: str  # as written
    kind: str  # "word", "number" or "mark"
    lang: str = ""  # a word's language, from its script ("" when unknown)
    # for Japanese: MeCab's part of speech (名詞 noun, 助詞 particle, ...) and its subtype
    pos: tuple[str, str] = ("", "")


def clean_markup(text: str) -> str:
    """`text` without chat markup; each removed piece leaves a line break, so a phrase never
    joins the words on either side of a mention or a link."""
    if not ("<" in text or ":" in text or "@" in text or "http" in text or "www." in text):
        return text  # the usual case, found without a regex
    return str(_CHAT_MARKUP.sub("\n", text))


def has_cjk(text: str) -> bool:
    """Whether `text` holds Chinese or Japanese (which MeCab must segment)."""
    return not text.isascii() and _HAS_CJK.search(text) is not None


def language_of(word: str) -> str:
    return _language_of_letter(word[:1])


@lru_cache(maxsize=4096)
def _language_of_letter(letter: str) -> str:
    for lang, script in SCRIPTS:
        if script.match(letter):
            return lang
    return ""


def tokens(text: str) -> Iterator[Token]:
    """The pieces of `text` in order, markup removed, Japanese and Chinese segmented."""
    cleaned = clean_markup(text)
    if cleaned.isascii():  # every word is in the Latin script: English
        for match in _ASCII_PIECES.finditer(cleaned):
            kind = match.lastgroup or "mark"
            yield Token(match.group(), kind, "en" if kind == "word" else "")
        return
    if not has_cjk(cleaned):
        for match in _PLAIN_PIECES.finditer(cleaned):
            kind = match.lastgroup
            piece = match.group()
            if kind == "word":
                yield Token(piece, "word", _language_of_letter(piece[0]))
            else:
                yield Token(piece, kind or "mark")
        return
    for match in _PIECES.finditer(cleaned):
        kind = match.lastgroup or "mark"
        piece = match.group()
        if kind == "cjk":
            yield from _segmented(piece)
        elif kind == "word":
            yield Token(piece, "word", language_of(piece))
        else:
            yield Token(piece, kind)


def words(text: str) -> list[str]:
    """The words (and numbers) of `text` in any script: what "words written" counts."""
    cleaned = clean_markup(text)
    if cleaned.isascii():  # the same pieces, found faster by the standard library
        return _ASCII_WORDS_AND_NUMBERS.findall(cleaned)
    if not has_cjk(cleaned):
        return list(_WORDS_AND_NUMBERS.findall(cleaned))
    return [t.text for t in tokens(cleaned) if t.kind != "mark"]


def _segmented(run: str) -> Iterator[Token]:
    for surface, pos, detail in _mecab_parse(run):
        if pos == "記号":  # a symbol: punctuation
            yield Token(surface, "mark")
        elif pos == "名詞" and detail == "数":
            yield Token(surface, "number", "ja", (pos, detail))
        else:
            yield Token(surface, "word", "ja", (pos, detail))


def _mecab_parse(run: str) -> list[tuple[str, str, str]]:
    """(surface, part of speech, subtype) of each morpheme of a Japanese or Chinese run."""
    with _TAGGER_LOCK:  # digests are composed in worker threads; one tagger serves them
        lines = _tagger().parse(run).splitlines()
    parsed = []
    for line in lines:
        surface, _, features = line.partition("\t")
        if not features:  # "EOS"
            continue
        fields = features.split(",")
        parsed.append((surface, fields[0], fields[1] if len(fields) > 1 else ""))
    return parsed


@cache
def _tagger() -> Any:
    """MeCab with the IPA dictionary, loaded once, only when an answer holds CJK text."""
    import ipadic  # type: ignore[import-untyped]
    import MeCab  # type: ignore[import-untyped]

    return MeCab.Tagger(ipadic.MECAB_ARGS)
