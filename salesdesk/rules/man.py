"""The MAN check, the potential score and the priority levels.

Pure logic, no I/O: Money, Authority and Need are each yes, no or unknown
("not asked yet"). See the domain guide, sections "The MAN check",
"Priority levels" and the potential score on the prospect card.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from itertools import product

__all__ = [
    "MAN_TABLE",
    "POTENTIAL_CRITERIA",
    "PRIORITY_LABELS",
    "QUESTION_ORDER",
    "VERDICT_LABELS",
    "ManResult",
    "Priority",
    "Tri",
    "Verdict",
    "assess",
    "cycle_tri",
    "man_case",
    "parse_tri",
    "parse_verdict",
    "potential_score",
    "suggest_priority",
    "verdict_of",
    "verdict_of_case",
]


# --------------------------------------------------------------------------- tri-state answers


class Tri(StrEnum):
    """A three-state answer: yes, no, or unknown (not asked yet)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


_TRI_WORDS: dict[str, Tri] = {
    "yes": Tri.YES,
    "y": Tri.YES,
    "true": Tri.YES,
    "1": Tri.YES,
    "no": Tri.NO,
    "n": Tri.NO,
    "false": Tri.NO,
    "0": Tri.NO,
    "unknown": Tri.UNKNOWN,
    "u": Tri.UNKNOWN,
    "?": Tri.UNKNOWN,
    "": Tri.UNKNOWN,
}


def parse_tri(text: str) -> Tri:
    """Parse yes/y/true/1, no/n/false/0 or unknown/u/?/"" (case-insensitive, stripped)."""
    try:
        return _TRI_WORDS[text.strip().lower()]
    except KeyError:
        raise ValueError(f"invalid value {text.strip()!r}: use yes, no or unknown") from None


_TRI_CYCLE: dict[Tri, Tri] = {Tri.YES: Tri.NO, Tri.NO: Tri.UNKNOWN, Tri.UNKNOWN: Tri.YES}


def cycle_tri(t: Tri) -> Tri:
    """Next state for a cycling key: yes -> no -> unknown -> yes."""
    return _TRI_CYCLE[Tri(t)]


# --------------------------------------------------------------------------- verdicts


class Verdict(StrEnum):
    """Outcome of the MAN check. The value is stored; `label` is shown to the rep."""

    QUALIFIED = "qualified"
    CONTACT = "contact"
    NURTURE = "nurture"
    DROP = "drop"
    INCOMPLETE = "incomplete"

    @property
    def label(self) -> str:
        """Human label, e.g. DROP -> "not a prospect"."""
        return VERDICT_LABELS[self]


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.QUALIFIED: "qualified",
    Verdict.CONTACT: "contact",
    Verdict.NURTURE: "nurture",
    Verdict.DROP: "not a prospect",
    Verdict.INCOMPLETE: "incomplete",
}

# Best first; used to order `ManResult.possible`.
_VERDICT_RANK: tuple[Verdict, ...] = (
    Verdict.QUALIFIED,
    Verdict.CONTACT,
    Verdict.NURTURE,
    Verdict.DROP,
)


def parse_verdict(text: str) -> Verdict:
    """Parse a verdict value or label (case-insensitive, stripped); ValueError otherwise."""
    key = " ".join(text.strip().lower().split())
    for verdict in Verdict:
        if key in (verdict.value, verdict.label):
            return verdict
    raise ValueError(
        f"invalid verdict {text.strip()!r}: use qualified, contact, nurture, "
        "drop (or 'not a prospect') or incomplete"
    )


# --------------------------------------------------------------------------- the MAN table

_LETTERS: tuple[str, str, str] = ("M", "A", "N")


def _case_letters(money: str, authority: str, need: str) -> str:
    chars = []
    for letter, answer in zip(_LETTERS, (money, authority, need), strict=True):
        answer = Tri(answer)
        if answer is Tri.YES:
            chars.append(letter)
        elif answer is Tri.NO:
            chars.append(letter.lower())
        else:
            chars.append("?")
    return "".join(chars)


# All 27 cases, precomputed: the board computes a case per card, so this is a hot path.
# Tri is a StrEnum, so plain strings and Tri members hash alike and both hit this table.
_CASES: dict[tuple[str, str, str], str] = {
    (m.value, a.value, n.value): _case_letters(m, a, n) for m in Tri for a in Tri for n in Tri
}


def man_case(money: Tri | str, authority: Tri | str, need: Tri | str) -> str:
    """Case string in order M A N: capital = yes, lower case = no, "?" = unknown.

    >>> man_case(Tri.YES, Tri.NO, Tri.UNKNOWN)
    'Ma?'
    """
    try:
        return _CASES[(money, authority, need)]
    except KeyError:
        return _case_letters(money, authority, need)


_NURTURE_ADVICE = "Keep in touch long term and build up the missing parts."

# The domain guide's MAN table, one row per fully known case: case -> (verdict, advice).
MAN_TABLE: dict[str, tuple[Verdict, str]] = {
    "MAN": (Verdict.QUALIFIED, "The ideal prospect: sell now."),
    "MAn": (Verdict.CONTACT, "Worth pursuing with skilled selling: create or uncover the need."),
    "MaN": (Verdict.CONTACT, "Find the person who has the authority."),
    "mAN": (
        Verdict.CONTACT,
        "Check their business and credit; consider financing or payment terms.",
    ),
    "maN": (Verdict.NURTURE, _NURTURE_ADVICE),
    "mAn": (Verdict.NURTURE, _NURTURE_ADVICE),
    "Man": (Verdict.NURTURE, _NURTURE_ADVICE),
    "man": (Verdict.DROP, "Not a prospect: stop contact."),
}

# Questions for unknown elements, cheapest first: (element, index in the M A N case, question).
# Need comes up naturally in any conversation about the customer's situation; authority is a
# polite, neutral question ("who else is involved?"); money is the most sensitive, so it is
# asked last, once there is some rapport.
QUESTION_ORDER: tuple[tuple[str, int, str], ...] = (
    ("need", 2, "What problem would this solve for you, and how pressing is it?"),
    ("authority", 1, "Who decides, and who can say no?"),
    ("money", 0, "Is there a budget for this, and how would you pay?"),
)


@dataclass(frozen=True)
class ManResult:
    """Result of `assess`.

    `questions` holds the questions for every unknown element in QUESTION_ORDER, and
    `next_question` is the first of them (None when nothing is unknown). `possible` is
    `(verdict,)` for a complete case, otherwise the distinct verdicts the answers so far
    could still lead to, best first.
    """

    case: str
    verdict: Verdict
    advice: str
    next_question: str | None
    questions: tuple[str, ...]
    possible: tuple[Verdict, ...]


def _join(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _join_and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _completions(case: str) -> list[str]:
    """All fully known cases matching `case` (each "?" replaced by upper or lower case)."""
    options = [
        (letter, letter.lower()) if char == "?" else (char,)
        for letter, char in zip(_LETTERS, case, strict=True)
    ]
    return ["".join(chars) for chars in product(*options)]


def assess(money: Tri, authority: Tri, need: Tri) -> ManResult:
    """Run the MAN check.

    A fully known case is looked up in MAN_TABLE. With any element unknown the verdict is
    INCOMPLETE; the advice names what has not been asked, what the prospect could still
    turn out to be, and which element to ask about next.
    """
    case = man_case(money, authority, need)
    if "?" not in case:
        verdict, advice = MAN_TABLE[case]
        return ManResult(case, verdict, advice, None, (), (verdict,))

    unknown = [(element, question) for element, idx, question in QUESTION_ORDER if case[idx] == "?"]
    questions = tuple(question for _, question in unknown)
    found = {MAN_TABLE[full][0] for full in _completions(case)}
    possible = tuple(v for v in _VERDICT_RANK if v in found)
    advice = (
        f"Not asked yet: {_join_and([element for element, _ in unknown])}. "
        f"Could still be: {_join([v.label for v in possible])}. "
        f"Ask about {unknown[0][0]} next."
    )
    return ManResult(case, Verdict.INCOMPLETE, advice, questions[0], questions, possible)


def verdict_of_case(case: str) -> Verdict:
    """The verdict of a case string such as ``MaN`` or ``M?N`` (incomplete when any ``?``)."""
    if "?" in case:
        return Verdict.INCOMPLETE
    return MAN_TABLE[case][0]


def verdict_of(money: Tri, authority: Tri, need: Tri) -> Verdict:
    """Just the verdict of `assess`."""
    return assess(money, authority, need).verdict


# --------------------------------------------------------------------------- potential score

# (card field name, label): seven yes/no criteria, one point each.
POTENTIAL_CRITERIA: tuple[tuple[str, str], ...] = (
    ("pot_growth", "The customer's own growth"),
    ("pot_plan", "Has a business plan"),
    ("pot_revenue", "Revenue potential"),
    ("pot_opportunity", "Concrete opportunity"),
    ("pot_fit", "Our solution fits"),
    ("pot_competitive", "We are competitive"),
    ("pot_relationship", "We have a relationship"),
)


def potential_score(flags: Mapping[str, bool]) -> int:
    """Count the criteria that are true (0-7); missing keys and other keys are ignored."""
    return sum(1 for field, _ in POTENTIAL_CRITERIA if flags.get(field, False))


# --------------------------------------------------------------------------- priority levels


class Priority(IntEnum):
    """Evidence-based priority level, 1 (closed) to 4 (no clear intent)."""

    CLOSED = 1
    QUASI = 2
    CLEAR_INTENT = 3
    NO_INTENT = 4

    @property
    def label(self) -> str:
        """Human label, e.g. QUASI -> "quasi-customer"."""
        return PRIORITY_LABELS[self]


PRIORITY_LABELS: dict[Priority, str] = {
    Priority.CLOSED: "closed",
    Priority.QUASI: "quasi-customer",
    Priority.CLEAR_INTENT: "clear intent",
    Priority.NO_INTENT: "no clear intent",
}


def suggest_priority(
    *,
    is_customer: bool,
    has_ordered: bool,
    inquiries: int,
    knows_product_detail: bool,
    has_full_contact: bool,
    has_requirement: bool,
) -> Priority:
    """Suggest a priority level from the evidence; the first rule that matches wins.

    1. CLOSED: already a customer, or has placed a formal or sample order.
    2. QUASI: has asked three or more times, gave full contact details and knows the
       product in detail (specs, packaging, delivery).
    3. CLEAR_INTENT: has a specific product or price requirement.
    4. NO_INTENT: anything else (at most named a product).
    """
    if is_customer or has_ordered:
        return Priority.CLOSED
    if inquiries >= 3 and has_full_contact and knows_product_detail:
        return Priority.QUASI
    if has_requirement:
        return Priority.CLEAR_INTENT
    return Priority.NO_INTENT
