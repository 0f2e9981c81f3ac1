"""The words of the grammar: change verbs, comparatives, cues and the patterns built from them."""

from __future__ import annotations

import re

from pubcheck.figures.numbers import (
    load_quantifiers,
)

# --------------------------------------------------------------------------- words

UP = (
    r"rise|rises|rising|rose|risen|increase|increases|increased|increasing|grew|grown|grow|grows|growing|growth|"
    r"gain|gains|gained|climbed|climbing|widened|widening|widen|widens"
)
DOWN = (
    r"fall|falls|falling|fell|fallen|decrease|decreases|decreased|decreasing|decline|declines|declined|declining|"
    r"drop|drops|dropped|dropping|reduction|reductions|reduced|narrowed|narrowing|narrows|shrank|shrunk|lowered"
)
PHRASAL = r"(?:went|gone|going|go|goes|moved|moving|has\s+gone|have\s+gone)\s+(up|down)"
NEUTRAL = r"stable|similar|unchanged|steady|flat|little\s+change|no\s+change|changed|remained|remain|remains"
CUE = re.compile(
    rf"\b(?:{PHRASAL}|({UP})|({DOWN})|(up|down)(?=\s+(?:from\b|by\b|⟨|slightly\b|sharply\b))|({NEUTRAL}))\b", re.I
)
COMPARATIVE = {
    "higher": 1,
    "more": 1,
    "greater": 1,
    "larger": 1,
    "bigger": 1,
    "lower": -1,
    "fewer": -1,
    "less": -1,
    "smaller": -1,
}
FACTORS = {
    "doubled": 2.0,
    "doubling": 2.0,
    "halved": 0.5,
    "halving": 0.5,
    "trebled": 3.0,
    "tripled": 3.0,
    "trebling": 3.0,
    "tripling": 3.0,
}
QUAL_WORDS = sorted(load_quantifiers().qualifiers, key=len, reverse=True)
QUAL = "|".join(re.escape(w) for w in QUAL_WORDS)

F = r"⟨(\d+)⟩"
MONTH_AFTER = re.compile(
    r"\s*(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b"
)
# 'the peak of', 'an all-time high of', 'a peak of' before a figure
OF_THE = r"(?:(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?of\s+)?"
DELTA_UNITS = ("pp", "pct", "count", "gbp", "num")
# a clause ends at ';', ': ', or a contrast ("but", "while", "whereas", "however", "although")
CLAUSE_BREAK = re.compile(r";|:\s|,?\s+(?:but|while|whereas|however|although|though)\b|\.\s", re.I)
ANAPHOR = re.compile(
    r"^\s*(?:this|that|which|these|those|it)\s+(?:\w+\s+){0,2}?"
    r"(?:is|was|are|were|represents|represented|means|meant|includes|include|included|has|have)\b",
    re.I,
)
# words between a change word and a pair that show the change word governs something else
GOVERNED = re.compile(
    r"(?<![-\w])(?!(?:compared|disadvantaged|advantaged|funded|maintained|based|employed|unemployed|retired|"
    r"qualified|skilled|adjusted|related|recorded|registered|estimated|combined|aged|selected|weighted|classed|"
    r"classified|defined|matched|released)\b)[a-z]{3,}ed\b"
    r"|\b(?:is|was|were|are|has|have|had|will|would|could|stood|remains?|went|came|became|got|saw|made|moved)\b",
    re.I,
)
AFTER_CHANGE = re.compile(rf"\b(?:{UP}|{DOWN}|up|down)\s+(?:by\s+|of\s+)?(?:(?:{QUAL})\s+)?$", re.I)
TIME_SHIFT = re.compile(
    r"\b(?:compared|earlier|previous|previously|ago|before|prior|last\s+(?:year|quarter|month))\b", re.I
)
WHOLE = re.compile(rf"\s*[*•-]?\s*(?:Of|Out\s+of)\s+(?:the\s+|a\s+total\s+of\s+|all\s+)?(?:estimated\s+)?{F}")
# a population inside the one a sentence opens with ('Of the 20.7 million ..., of which ...')
NESTED = re.compile(
    r"\b(?:of\s+(?:which|whom|these|those|them)|among\s+(?:them|these|those|whom)|including|within)\b", re.I
)
SUBORDINATE = r"despite|although|though|while|whilst|whereas|following|after|before|unlike|since|as|but"
# 'This includes ...': a sentence that lists what the one before it states a change of
INCLUDES = re.compile(
    r"^\s*(?:This|These)\s+(?:\w+\s+)?(?:includes?|included|comprises?|comprised|consists?|covers?|"
    r"is|was|were|are)\b",
    re.I,
)
CONTINUES = re.compile(r"^\s*(?:this|these|that|those|it|they)\b", re.I)
TIME_NOUN = r"year|quarter|month|period|week|decade|edition|release|cohort"
RELATIVE_TIME = re.compile(r"\b(?:previous|preceding|last|earlier|ago|before|past|same|prior|latest)\b", re.I)
PERIOD_START = re.compile(
    r"\b((?:compared|relative|similar)\s+(?:to|with)|in\s+relation\s+to|since|from|over|on|than|against)\s+"
    r"((?:the\s+|a\s+|an\s+)?[^⟨()\[\];,.]{0,60})",
    re.I,
)


def _dir(word: str) -> int | None:
    w = word.lower()
    if re.fullmatch(UP, w) or w == "up":
        return 1
    if re.fullmatch(DOWN, w) or w == "down":
        return -1
    return None


BARE_CONTEXT = re.compile(
    r"(?:^|[,;(–—-]|\b(?:is|was|are|were|been|be|being|and|or|this|which|that|it|now|also|still|"
    r"is\s+now|has\s+been))\s*$",
    re.I,
)


def _bare_ok(tpl: str, start: int) -> bool:
    """A bare 'up'/'down' reads as a change only where a change can stand: after a comma or dash,
    'is', 'was', 'this is' ... ('was 370,000, up 18,000'), not after a verb ('set up 10 projects')."""
    return bool(BARE_CONTEXT.search(tpl[:start]))


def _cue_dir(m: re.Match[str]) -> int | None:
    """Direction of a CUE match: +1, -1, or None for a neutral word ('remained stable')."""
    if m.group(1):
        return 1 if m.group(1).lower() == "up" else -1
    if m.group(2):
        return 1
    if m.group(3):
        return -1
    if m.group(4):
        return 1 if m.group(4).lower() == "up" else -1
    return None
