"""Tests for salesdesk.rules.man: MAN check, tri-state parsing, potential score, priority."""

from __future__ import annotations

from itertools import product

import pytest

from salesdesk.rules.man import (
    MAN_TABLE,
    POTENTIAL_CRITERIA,
    ManResult,
    Priority,
    Tri,
    Verdict,
    assess,
    cycle_tri,
    man_case,
    parse_tri,
    parse_verdict,
    potential_score,
    suggest_priority,
    verdict_of,
)

Y, N, U = Tri.YES, Tri.NO, Tri.UNKNOWN

# The domain guide's MAN table, written out independently of the module.
EXPECTED_KNOWN: dict[tuple[Tri, Tri, Tri], tuple[str, Verdict]] = {
    (Y, Y, Y): ("MAN", Verdict.QUALIFIED),
    (Y, Y, N): ("MAn", Verdict.CONTACT),
    (Y, N, Y): ("MaN", Verdict.CONTACT),
    (N, Y, Y): ("mAN", Verdict.CONTACT),
    (N, N, Y): ("maN", Verdict.NURTURE),
    (N, Y, N): ("mAn", Verdict.NURTURE),
    (Y, N, N): ("Man", Verdict.NURTURE),
    (N, N, N): ("man", Verdict.DROP),
}

EXPECTED_ADVICE: dict[str, str] = {
    "MAN": "The ideal prospect: sell now.",
    "MAn": "Worth pursuing with skilled selling: create or uncover the need.",
    "MaN": "Find the person who has the authority.",
    "mAN": "Check their business and credit; consider financing or payment terms.",
    "maN": "Keep in touch long term and build up the missing parts.",
    "mAn": "Keep in touch long term and build up the missing parts.",
    "Man": "Keep in touch long term and build up the missing parts.",
    "man": "Not a prospect: stop contact.",
}

Q_NEED = "What problem would this solve for you, and how pressing is it?"
Q_AUTHORITY = "Who decides, and who can say no?"
Q_MONEY = "Is there a budget for this, and how would you pay?"

ALL_COMBOS = list(product((Y, N, U), repeat=3))


def _expected_case(m: Tri, a: Tri, n: Tri) -> str:
    out = ""
    for letter, t in zip("MAN", (m, a, n), strict=True):
        out += {Y: letter, N: letter.lower(), U: "?"}[t]
    return out


# --------------------------------------------------------------------------- MAN check


def test_there_are_27_combinations() -> None:
    assert len(ALL_COMBOS) == 27
    assert len({man_case(*c) for c in ALL_COMBOS}) == 27


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=lambda c: _expected_case(*c))
def test_all_27_combinations(combo: tuple[Tri, Tri, Tri]) -> None:
    result = assess(*combo)
    assert isinstance(result, ManResult)
    assert result.case == man_case(*combo) == _expected_case(*combo)
    if combo in EXPECTED_KNOWN:
        case, verdict = EXPECTED_KNOWN[combo]
        assert result.case == case
        assert result.verdict is verdict
        assert verdict_of(*combo) is verdict
        assert result.advice == EXPECTED_ADVICE[case]
        assert result.next_question is None
        assert result.questions == ()
        assert result.possible == (verdict,)
    else:
        assert U in combo
        assert result.verdict is Verdict.INCOMPLETE
        assert verdict_of(*combo) is Verdict.INCOMPLETE
        assert result.advice.startswith("Not asked yet: ")
        assert result.next_question is not None
        assert result.next_question == result.questions[0]
        assert len(result.questions) == combo.count(U)
        assert len(result.possible) >= 2
        assert Verdict.INCOMPLETE not in result.possible


def test_module_table_matches_guide() -> None:
    expected = {case: (v, EXPECTED_ADVICE[case]) for case, v in EXPECTED_KNOWN.values()}
    assert expected == MAN_TABLE


def test_man_case_examples() -> None:
    assert man_case(Y, Y, Y) == "MAN"
    assert man_case(Y, N, Y) == "MaN"
    assert man_case(Y, U, Y) == "M?N"
    assert man_case(U, U, U) == "???"
    assert man_case(N, N, N) == "man"


def test_accepts_plain_strings() -> None:
    assert assess("yes", "yes", "yes").verdict is Verdict.QUALIFIED  # type: ignore[arg-type]


def test_result_is_frozen() -> None:
    result = assess(Y, Y, Y)
    with pytest.raises(AttributeError):
        result.verdict = Verdict.DROP  # type: ignore[misc]


# --------------------------------------------------------------------------- next question


def test_all_unknown_asks_need_first() -> None:
    result = assess(U, U, U)
    assert result.next_question == Q_NEED
    assert result.questions == (Q_NEED, Q_AUTHORITY, Q_MONEY)


def test_need_known_asks_authority() -> None:
    for need in (Y, N):
        result = assess(U, U, need)
        assert result.next_question == Q_AUTHORITY
        assert result.questions == (Q_AUTHORITY, Q_MONEY)


def test_only_money_unknown_asks_money() -> None:
    result = assess(U, Y, N)
    assert result.next_question == Q_MONEY
    assert result.questions == (Q_MONEY,)


def test_need_and_money_unknown() -> None:
    result = assess(U, Y, U)
    assert result.questions == (Q_NEED, Q_MONEY)


def test_incomplete_advice_reads_well() -> None:
    result = assess(Y, Y, U)
    assert result.advice == (
        "Not asked yet: need. Could still be: qualified or contact. Ask about need next."
    )
    result = assess(N, N, U)
    assert "not a prospect" in result.advice
    result = assess(U, U, U)
    assert result.advice.startswith("Not asked yet: need, authority and money.")


# --------------------------------------------------------------------------- possible verdicts


@pytest.mark.parametrize(
    ("combo", "possible"),
    [
        ((Y, Y, U), (Verdict.QUALIFIED, Verdict.CONTACT)),
        ((N, N, U), (Verdict.NURTURE, Verdict.DROP)),
        ((Y, N, U), (Verdict.CONTACT, Verdict.NURTURE)),
        ((U, Y, Y), (Verdict.QUALIFIED, Verdict.CONTACT)),
        ((U, N, N), (Verdict.NURTURE, Verdict.DROP)),
        ((N, U, N), (Verdict.NURTURE, Verdict.DROP)),
        ((Y, U, U), (Verdict.QUALIFIED, Verdict.CONTACT, Verdict.NURTURE)),
        ((N, U, U), (Verdict.CONTACT, Verdict.NURTURE, Verdict.DROP)),
        (
            (U, U, U),
            (Verdict.QUALIFIED, Verdict.CONTACT, Verdict.NURTURE, Verdict.DROP),
        ),
    ],
)
def test_possible(combo: tuple[Tri, Tri, Tri], possible: tuple[Verdict, ...]) -> None:
    assert assess(*combo).possible == possible


# --------------------------------------------------------------------------- Tri parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", Y),
        ("Y", Y),
        (" TRUE ", Y),
        ("1", Y),
        ("no", N),
        ("n", N),
        ("False", N),
        ("0", N),
        ("unknown", U),
        ("U", U),
        ("?", U),
        ("", U),
        ("   ", U),
    ],
)
def test_parse_tri_good(text: str, expected: Tri) -> None:
    assert parse_tri(text) is expected


@pytest.mark.parametrize("text", ["maybe", "2", "yess", "nope", "-"])
def test_parse_tri_bad(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_tri(text)
    message = str(exc.value)
    assert "\n" not in message
    assert repr(text) in message
    assert "yes, no or unknown" in message


def test_parse_tri_message() -> None:
    with pytest.raises(ValueError, match=r"^invalid value 'maybe': use yes, no or unknown$"):
        parse_tri("maybe")


def test_cycle_tri() -> None:
    assert cycle_tri(Y) is N
    assert cycle_tri(N) is U
    assert cycle_tri(U) is Y
    assert cycle_tri(cycle_tri(cycle_tri(Y))) is Y


def test_tri_values() -> None:
    assert [t.value for t in Tri] == ["yes", "no", "unknown"]


# --------------------------------------------------------------------------- verdicts


def test_verdict_labels() -> None:
    assert {v.value: v.label for v in Verdict} == {
        "qualified": "qualified",
        "contact": "contact",
        "nurture": "nurture",
        "drop": "not a prospect",
        "incomplete": "incomplete",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("qualified", Verdict.QUALIFIED),
        ("Contact", Verdict.CONTACT),
        (" nurture ", Verdict.NURTURE),
        ("drop", Verdict.DROP),
        ("not a prospect", Verdict.DROP),
        ("Not A Prospect", Verdict.DROP),
        ("incomplete", Verdict.INCOMPLETE),
    ],
)
def test_parse_verdict_good(text: str, expected: Verdict) -> None:
    assert parse_verdict(text) is expected


@pytest.mark.parametrize("text", ["", "maybe", "dropped", "yes"])
def test_parse_verdict_bad(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_verdict(text)
    message = str(exc.value)
    assert "\n" not in message
    for value in ("qualified", "contact", "nurture", "drop", "incomplete"):
        assert value in message


# --------------------------------------------------------------------------- potential score


def test_potential_criteria_fields() -> None:
    assert [field for field, _ in POTENTIAL_CRITERIA] == [
        "pot_growth",
        "pot_plan",
        "pot_revenue",
        "pot_opportunity",
        "pot_fit",
        "pot_competitive",
        "pot_relationship",
    ]
    assert all(label for _, label in POTENTIAL_CRITERIA)


def test_potential_score() -> None:
    fields = [field for field, _ in POTENTIAL_CRITERIA]
    assert potential_score({}) == 0
    assert potential_score(dict.fromkeys(fields, True)) == 7
    assert potential_score(dict.fromkeys(fields, False)) == 0
    assert potential_score({"pot_growth": True, "pot_fit": True, "pot_plan": False}) == 2
    assert potential_score({"pot_growth": True, "unrelated": True}) == 1


# --------------------------------------------------------------------------- priority


def _prio(**overrides: object) -> Priority:
    kwargs: dict[str, object] = {
        "is_customer": False,
        "has_ordered": False,
        "inquiries": 0,
        "knows_product_detail": False,
        "has_full_contact": False,
        "has_requirement": False,
    }
    kwargs.update(overrides)
    return suggest_priority(**kwargs)  # type: ignore[arg-type]


def test_priority_labels() -> None:
    assert [(int(p), p.label) for p in Priority] == [
        (1, "closed"),
        (2, "quasi-customer"),
        (3, "clear intent"),
        (4, "no clear intent"),
    ]


def test_priority_customer_is_closed() -> None:
    assert _prio(is_customer=True) is Priority.CLOSED


def test_priority_ordered_is_closed() -> None:
    assert _prio(has_ordered=True) is Priority.CLOSED


def test_priority_closed_beats_everything() -> None:
    assert (
        _prio(
            has_ordered=True,
            inquiries=5,
            knows_product_detail=True,
            has_full_contact=True,
            has_requirement=True,
        )
        is Priority.CLOSED
    )


def test_priority_quasi() -> None:
    assert _prio(inquiries=3, knows_product_detail=True, has_full_contact=True) is Priority.QUASI
    assert (
        _prio(inquiries=7, knows_product_detail=True, has_full_contact=True, has_requirement=True)
        is Priority.QUASI
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"inquiries": 2, "knows_product_detail": True, "has_full_contact": True},
        {"inquiries": 3, "knows_product_detail": False, "has_full_contact": True},
        {"inquiries": 3, "knows_product_detail": True, "has_full_contact": False},
    ],
)
def test_priority_quasi_needs_all_three(overrides: dict[str, object]) -> None:
    assert _prio(**overrides) is Priority.NO_INTENT
    assert _prio(**overrides, has_requirement=True) is Priority.CLEAR_INTENT


def test_priority_clear_intent() -> None:
    assert _prio(has_requirement=True) is Priority.CLEAR_INTENT


def test_priority_no_intent() -> None:
    assert _prio() is Priority.NO_INTENT
    assert _prio(inquiries=10) is Priority.NO_INTENT
