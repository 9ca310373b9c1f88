"""Words to factor values: the fixed vocabulary the words-to-faces GAN understands (issue 26).

A phrase such as "long blue hair, smiling, glasses" is cut into clauses (at commas, "and",
"with"); in each clause a noun (hair, eyes, skin, face, background) says what the colour and
size words describe, and words that stand alone ("smiling", "glasses", "left") name their factor
themselves. A colour with no noun describes the hair. "no", "not" and "without" only take glasses
away: "not smiling" is not a frown, so such words are returned as not understood. Every understood word becomes a
`Requested` attribute: the value the generator is asked for and the range of the reader's
reading that counts as having it. Words outside the vocabulary are returned, not guessed.
The factors nobody asked for are drawn from their real-data distribution (`conditions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch

from .faces import FACTOR_BY_NAME, FACTOR_NAMES, sample_factors


@dataclass(frozen=True)
class Requested:
    """One understood attribute: the factor, the value asked for, and what counts as having it
    (a discrete level, or a continuous reading within [low, high])."""

    word: str  # the words as written ("long", "blue")
    factor: str
    value: float
    low: float = float("-inf")
    high: float = float("inf")

    @property
    def discrete(self) -> bool:
        return bool(FACTOR_BY_NAME[self.factor].levels)

    @property
    def description(self) -> str:
        """ "hair colour = blue", "hair length ≥ 0.6"."""
        factor = FACTOR_BY_NAME[self.factor]
        if factor.levels:
            return f"{factor.label} = {factor.level_names[int(self.value)]}"
        if self.low == float("-inf"):
            return f"{factor.label} ≤ {self.high:g}"
        return f"{factor.label} ≥ {self.low:g}"

    def has(self, readings: torch.Tensor) -> torch.Tensor:
        """(n,) bool: which faces, read by the reader ((n, F) factor readings), have it."""
        column = readings[:, FACTOR_NAMES.index(self.factor)]
        if self.discrete:
            return column.round() == self.value
        return (column >= self.low) & (column <= self.high)


def _level(factor: str, name: str) -> tuple[str, float]:
    return factor, float(FACTOR_BY_NAME[factor].level_names.index(name))


# noun -> the words that describe it -> (factor, value, low, high); a discrete level has no range.
HAIR_COLOURS = {"black": "black", "brown": "brown", "blonde": "blonde", "blond": "blonde", "red": "red",
                "ginger": "red", "blue": "blue"}  # fmt: skip
EYE_COLOURS = {"brown": "brown", "blue": "blue", "green": "green"}
BACKGROUNDS = {"blue": "blue", "peach": "peach", "green": "green", "lilac": "lilac", "purple": "lilac", "grey": "grey",
               "gray": "grey", "cream": "cream", "yellow": "cream"}  # fmt: skip
SIZE_WORDS = {
    "hair": {"long": ("hair_length", 0.9, 0.6, float("inf")), "short": ("hair_length", 0.1, float("-inf"), 0.4)},
    "skin": {
        "light": ("skin_tone", 0.1, float("-inf"), 0.35),
        "pale": ("skin_tone", 0.1, float("-inf"), 0.35),
        "fair": ("skin_tone", 0.1, float("-inf"), 0.35),
        "dark": ("skin_tone", 0.9, 0.65, float("inf")),
    },
    "face": {
        "wide": ("face_width", 1.16, 1.07, float("inf")),
        "round": ("face_width", 1.16, 1.07, float("inf")),
        "narrow": ("face_width", 0.84, float("-inf"), 0.93),
        "thin": ("face_width", 0.84, float("-inf"), 0.93),
    },
}
NOUNS = {"hair": "hair", "eyes": "eyes", "eye": "eyes", "eyed": "eyes", "skin": "skin", "skinned": "skin",
         "face": "face", "faced": "face", "background": "background"}  # fmt: skip
COLOURS = {"hair": ("hair_colour", HAIR_COLOURS), "eyes": ("eye_colour", EYE_COLOURS),
           "background": ("background", BACKGROUNDS)}  # fmt: skip
ALONE = {
    "smiling": ("smile", 1.0, 0.4, float("inf")),
    "smile": ("smile", 1.0, 0.4, float("inf")),
    "happy": ("smile", 1.0, 0.4, float("inf")),
    "frowning": ("smile", -1.0, float("-inf"), -0.4),
    "frown": ("smile", -1.0, float("-inf"), -0.4),
    "sad": ("smile", -1.0, float("-inf"), -0.4),
    "left": ("head_x", -0.09, float("-inf"), -0.04),
    "right": ("head_x", 0.09, 0.04, float("inf")),
    "high": ("head_y", -0.09, float("-inf"), -0.04),
    "low": ("head_y", 0.09, 0.04, float("inf")),
}
FILLER = {"a", "an", "the", "with", "and", "person", "someone", "who", "has", "is", "wearing", "on", "in", "of",
          "face's", "their", "her", "his", "very", "looking", "positioned", "at"}  # fmt: skip
NEGATIONS = {"no", "without", "not"}
MAX_PHRASE = 300  # characters


@dataclass(frozen=True)
class Reading:
    """How a phrase was read: the attributes understood (at most one per factor: the last word
    wins) and the words that were not."""

    requested: tuple[Requested, ...]
    unknown: tuple[str, ...]
    replaced: tuple[str, ...] = ()  # "short → long hair": a later word asked for the same factor

    @property
    def factors(self) -> tuple[str, ...]:
        return tuple(r.factor for r in self.requested)


def read_phrase(text: str) -> Reading:
    """The attributes a phrase asks for (see the module docstring)."""
    if not isinstance(text, str):
        raise ValueError("the phrase must be text")
    text = text.strip().lower()[:MAX_PHRASE]
    found: dict[str, Requested] = {}
    unknown: list[str] = []
    replaced: list[str] = []

    def put(request: Requested) -> None:
        before = found.get(request.factor)
        if before is not None and before.word != request.word:
            replaced.append(f"{before.word} → {request.word}")
        found[request.factor] = request

    for clause in re.split(r"[,;.]|\band\b|\bwith\b", text):
        words = re.findall(r"[a-z']+", clause.replace("-", " "))
        nouns = [NOUNS[w] for w in words if w in NOUNS]
        noun = nouns[-1] if nouns else None
        negation = None  # "no", "not", "without" before the next word
        for word in words:
            if word in NEGATIONS:
                negation = word
                continue
            if word in NOUNS or word in FILLER:
                continue
            if word in ("glasses", "spectacles"):
                level = _level("glasses", "off" if negation else "on")
                put(Requested("no glasses" if negation else "glasses", *level))
                negation = None
                continue
            if negation:  # only glasses can be taken away: "not smiling" is not a frown
                unknown.append(f"{negation} {word}")
                negation = None
                continue
            if word in ALONE:
                put(Requested(word, *ALONE[word]))
                continue
            owner = noun or "hair"
            if owner in SIZE_WORDS and word in SIZE_WORDS[owner]:
                put(Requested(word, *SIZE_WORDS[owner][word]))
                continue
            if owner in COLOURS and word in COLOURS[owner][1]:
                factor, names = COLOURS[owner]
                put(Requested(f"{word} {owner}", *_level(factor, names[word])))
                continue
            unknown.append(word)
    order = {name: i for i, name in enumerate(FACTOR_NAMES)}
    requested = tuple(sorted(found.values(), key=lambda r: order[r.factor]))
    return Reading(requested, tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(replaced)))


def conditions(reading: Reading, n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, F) factor values for n faces of the phrase: the requested ones fixed, every other drawn
    from its real-data distribution (so it keeps its spread)."""
    factors = sample_factors(n, generator)
    for request in reading.requested:
        factors[:, FACTOR_NAMES.index(request.factor)] = request.value
    return factors


VOCABULARY = {
    "hair": sorted(set(HAIR_COLOURS) | set(SIZE_WORDS["hair"])),
    "eyes": sorted(EYE_COLOURS),
    "skin": sorted(SIZE_WORDS["skin"]),
    "face": sorted(SIZE_WORDS["face"]),
    "background": sorted(BACKGROUNDS),
    "on its own": sorted(ALONE) + ["glasses", "no glasses"],
}
