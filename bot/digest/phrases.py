"""Key phrases of an answer: noun phrases of one to three words, folded so repeats meet.

A theme is something the member writes about ("budget meeting", "Year 7", "coaching
Priya"), so candidates are noun phrases: in English, modifiers then nouns, ending in a noun
(parts of speech from lemminflect's bundled English lexicon; a word it does not know, like
"chromebook", counts as a noun). A word that could be a noun or a verb is a verb right after
a subject or "to" ("I plan to", "we need"). A number is kept with the word before it ("Year
7", "Room 12", "year seven"); alone it is nothing. Plurals and case fold ("iPads" and "ipad" meet);
Russian and other languages simplemma knows are lemmatised ("бюджетном совещании" meets
"бюджетное совещание"); Hebrew and Arabic lose a clinging article or preposition; Japanese
keeps MeCab's nouns. Other languages have no parts of speech here: their very common words
(wordfreq's own list for that language) end a phrase, the rest can be in one. A phrase
never spans punctuation, a stop word, chat markup or a change of script.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.digest.records import PhraseCount
from bot.digest.tokens import Token, tokens


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _ordered(words: str) -> list[str]:
    return words.split()


NOUN, MODIFIER, OTHER = "noun", "modifier", "other"
# a noun that is also an adjective ("short", "primary", "digital"): it may end a phrase
# ("primary school") but is no theme alone
NOUN_OR_ADJECTIVE = "noun or adjective"
MAX_WORDS = 3
# a word this common in its language (about the top hundred words: articles, pronouns,
# prepositions) is a stop word there
COMMON_WORD = 1e-3
CONTRACTIONS = _listed(
    "i'm i've i'll i'd we're we've we'll we'd it's that's there's they're they've let's "
    "you're don't didn't doesn't isn't wasn't weren't aren't can't couldn't won't "
    "wouldn't shouldn't haven't hasn't hadn't"
)
# words every reflection uses and no theme is made of: time words, filler, vague nouns
REFLECTION_FILLER = _listed(
    "finally really actually just maybe mostly still again also week weeks term terms "
    "today yesterday tomorrow month months lot lots bit things thing way time times day "
    "days better good great best first second last next new same usual kind sort monday "
    "tuesday wednesday thursday friday saturday sunday morning afternoon idea ideas "
    "something nothing everything anything everyone nobody people one two three four five "
    "six seven eight nine ten twenty half minutes minute hour hours end start part "
    "example answer question problem"
)


# wordfreq (about half a second) and scikit-learn (most of a second) are imported on first
# use, not with the module: every bot process imports this, and only a digest needs them.
def word_frequency(word: str, lang: str) -> float:
    """wordfreq's frequency of `word` in `lang` (0 for a word it does not know)."""
    from wordfreq import word_frequency as frequency  # slow import: see above

    return float(frequency(word, lang))


@cache
def stop_words() -> frozenset[str]:
    """English stop words, contractions and reflection filler: never part of a phrase."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # slow import: see above

    return frozenset(ENGLISH_STOP_WORDS | CONTRACTIONS | REFLECTION_FILLER)


# spelt-out numbers stay with their noun like digits, and count as them: "year seven" and
# "Year 7" are one phrase
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(_ordered("zero one two three four five six seven eight nine ten"))
}
# after these, a word that may be a noun or a verb is a verb: "I plan", "to record"
VERB_CONTEXT = _listed(
    "i we you they he she it to will would can could should must might may shall i'll "
    "we'll they'll don't didn't doesn't won't can't"
)
# a clinging article or preposition, tried longest first
PREFIXES = {
    "he": ("וה", "שה", "בה", "לה", "מה", "ו", "ה", "ב", "ל", "מ", "ש", "כ"),  # noqa: RUF001
    "ar": ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل"),
}
LEMMATISED = frozenset({"ru", "uk", "bg", "el", "hi"})  # scripts whose language simplemma has


@dataclass(frozen=True)
class Word:
    key: str  # folded: what repeats are counted by
    surface: str  # as written
    role: str  # NOUN, NOUN_OR_ADJECTIVE, MODIFIER or OTHER (OTHER never enters a phrase)
    lang: str


# the words of one digest's texts already looked up: made per digest and dropped with it,
# so no text (the member's, or a shared one) is kept after the digest is made
Memo = dict[Token, "Word | None"]


@dataclass(frozen=True)
class Phrase:
    key: str  # its words' keys joined by spaces
    surface: str  # as written, joined as the script writes (no spaces in Japanese)


def key_phrases(
    text: str, drop: frozenset[str] = frozenset(), memo: Memo | None = None
) -> list[Phrase]:
    """Every noun phrase of 1 to MAX_WORDS words in `text` (with repeats).

    `drop`: words (keys) of the prompt answered: a phrase made only of them is an echo of
    the question, not the member's own ("budget meeting" stays after a prompt about the
    budget; "budget" alone does not).
    """
    found: list[Phrase] = []
    for run in _runs(tokens(text), {} if memo is None else memo):
        found += [phrase for phrase in _grams(run) if not drop.issuperset(phrase.key.split(" "))]
    return found


def phrase_counts(text: str, memo: Memo | None = None) -> tuple[PhraseCount, ...]:
    """Every key phrase of `text` (none left out for a prompt), each way of writing it once
    with its count, in the order first written: an answer's analysis, made once and kept
    (bot/store/analyses.py) so a digest does not parse every answer again."""
    counts = Counter((phrase.key, phrase.surface) for phrase in key_phrases(text, memo=memo))
    return tuple((key, surface, count) for (key, surface), count in counts.items())


def content_words(text: str, memo: Memo | None = None) -> list[str]:
    """The folded keys of a text's nouns and modifiers, with repeats: what two sentences
    must share to be alike (the summary's similarity), in any script."""
    runs = _runs(tokens(text), {} if memo is None else memo)
    return [part for run in runs for w in run for part in w.key.split(" ")]


def word_keys(text: str, memo: Memo | None = None) -> frozenset[str]:
    """The folded keys of a text's words: a prompt's, to leave its echo out of the answer."""
    runs = _runs(tokens(text), {} if memo is None else memo)
    return frozenset(part for run in runs for w in run for part in w.key.split(" "))


def _runs(pieces: Iterable[Token], memo: Memo) -> Iterator[list[Word]]:
    """Maximal runs of phrase words: anything else (and a change of language) ends one."""
    run: list[Word] = []
    previous = ""
    for token in pieces:
        word = _word(token, previous, memo)
        previous = token.text.lower() if token.kind == "word" else ""
        number = token.kind == "number" or token.text.lower() in NUMBER_WORDS
        if number and run and run[-1].role != MODIFIER and token.lang != "ja":
            last = run[-1]  # "Year 7": the number stays with its noun
            value = NUMBER_WORDS.get(token.text.lower(), token.text)
            run[-1] = Word(f"{last.key} {value}", f"{last.surface} {token.text}", NOUN, last.lang)
            continue
        if word is None or word.role == OTHER:
            if run:
                yield run
            run = []
            continue
        if run and run[-1].lang != word.lang:
            yield run
            run = []
        run.append(word)
    if run:
        yield run


def _word(token: Token, previous: str, memo: Memo) -> Word | None:
    if token.kind == "mark" or (token.kind == "number" and token.lang != "ja"):
        return None
    if token in memo:
        word = memo[token]
    else:
        word = memo[token] = _plain_word(token)
    if (
        word is not None
        and word.lang == "en"
        and word.role != MODIFIER
        and previous in VERB_CONTEXT
        and _may_be_verb(word.surface.lower())
    ):
        return Word(word.key, word.surface, OTHER, "en")
    return word


def _plain_word(token: Token) -> Word | None:
    """A token's key and role, whatever comes before it."""
    if token.kind == "number":  # 七 in 七年生
        return Word(token.text, token.text, MODIFIER, "ja")
    if token.lang == "ja":
        return _japanese(token)
    lower = token.text.lower().replace("\u2019", "'")
    if token.lang == "en":
        key, role = _english(lower)
        return Word(key, token.text, role, "en")
    if word_frequency(lower, token.lang or "en") >= COMMON_WORD:
        return Word(lower, token.text, OTHER, token.lang)
    return Word(_folded(lower, token.lang), token.text, NOUN, token.lang)


def _japanese(token: Token) -> Word:
    pos, detail = token.pos
    noun = pos == "名詞" and detail not in {"代名詞", "非自立", "副詞可能", "特殊"}
    return Word(token.text, token.text, NOUN if noun else OTHER, "ja")


def _english(lower: str) -> tuple[str, str]:
    """(key, role) of an English word: nouns fold to the singular, others stay as written."""
    if lower in stop_words() or len(lower) < 2:
        return lower, OTHER
    lemmas = _lemmas(lower)
    if not lemmas:  # a word the lexicon does not know: a name, "chromebooks", "rota"
        if lower.endswith("ly"):
            return lower, OTHER
        return _singular(lower), NOUN
    if "NOUN" in lemmas or "PROPN" in lemmas:
        role = NOUN_OR_ADJECTIVE if "ADJ" in lemmas else NOUN
        return str((lemmas.get("NOUN") or lemmas["PROPN"])[0]), role
    if "ADJ" in lemmas or ("VERB" in lemmas and lower.endswith(("ing", "ed"))):
        return lower, MODIFIER  # "digital leaders", "coaching session", "shared drive"
    return lower, OTHER


def _singular(lower: str) -> str:
    """An unknown word's singular by the regular English rules ("chromebooks", "passcodes",
    "policies", "boxes"); "rota", "campus" and "analysis" stay as they are."""
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("sses", "ches", "shes", "xes")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3:
        return lower[:-1]
    return lower


def _may_be_verb(lower: str) -> bool:
    return "VERB" in _lemmas(lower)


@cache
def _lemmatizer() -> Any:
    """lemminflect's Lemmatizer (a singleton: the lexicon is loaded once), imported on first
    use like wordfreq: it brings numpy with it."""
    from lemminflect.core.Lemmatizer import Lemmatizer  # type: ignore[import-untyped]

    return Lemmatizer()


def _lemmas(lower: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's lemmas of a lower-case word by part of speech ({"NOUN": ("meeting",),
    "VERB": ("meet",)}), read from its bundled lexicon as `getAllLemmas` does, without the
    deep copy it makes of every answer (a third of a digest's time): never modified here."""
    lemmatizer = _lemmatizer()
    found: dict[str, tuple[str, ...]] = lemmatizer._getLemmaDict().get(lower, {})
    overrides = lemmatizer._getOverridesDict().get(lower)
    return {**found, **overrides} if overrides else found


def _folded(lower: str, lang: str) -> str:
    """Another language's word, lemmatised where simplemma knows the language, or without a
    clinging article or preposition (Hebrew, Arabic) when the rest is a commoner word."""
    if lang in LEMMATISED:
        import simplemma  # loads a language's data on first use: only for such answers

        return str(simplemma.lemmatize(lower, lang=lang))
    for prefix in PREFIXES.get(lang, ()):
        rest = lower[len(prefix) :]
        if (
            lower.startswith(prefix)
            and len(rest) >= 3
            and word_frequency(rest, lang) > word_frequency(lower, lang)
        ):
            return rest
    return lower


def _grams(run: list[Word]) -> list[Phrase]:
    """The run's sub-phrases of 1 to MAX_WORDS words that end in a noun (one word alone
    only if it cannot be an adjective)."""
    found = []
    for end, last in enumerate(run):
        if last.role == MODIFIER:
            continue
        for size in range(1 if last.role == NOUN else 2, MAX_WORDS + 1):
            start = end - size + 1
            if start < 0:
                break
            words = run[start : end + 1]
            joiner = "" if last.lang == "ja" else " "
            found.append(
                Phrase(" ".join(w.key for w in words), joiner.join(w.surface for w in words))
            )
    return found
