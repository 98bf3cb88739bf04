"""Amounts as people write them (pure rules), and the import refusing an ambiguous one with
the row and both readings."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data.db import Database
from salesdesk.errors import InputError
from salesdesk.rules.amounts import parse_amount
from salesdesk.rules.fields import parse_money

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("12.500,00", "auto", 12500.0), ("1.250,50", "auto", 1250.5),
        ("1 234,56", "auto", 1234.56), ("1\u00a0234,56", "auto", 1234.56),
        ("1,234.56", "auto", 1234.56), ("1.234.567", "auto", 1234567.0),
        ("12,50", "auto", 12.5), ("12.5", "auto", 12.5), ("0,500", "auto", 0.5),
        ("CHF 1'250.50", "auto", 1250.5), ("€1.250", "auto", 1250.0), ("¥8,000", "auto", 8000),
        ("12k", "auto", 12000.0), ("3万", "auto", 30000.0), ("1.5万", "auto", 15000.0),
        ("¥3万", "auto", 30000.0), ("2亿", "auto", 2e8), ("１２，０００元", "auto", 12000.0),
        ("USD 99", "auto", 99.0), ("12,000", "en", 12000.0), ("12,000", "eu", 12.0),
        ("1.250", "eu", 1250.0), ("1.250", "en", 1.25), ("", "auto", 0.0),
    ],
)
def test_amounts_in_every_common_form(text: str, locale: str, expected: float) -> None:
    assert parse_amount(text, locale) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "says"),
    [("1,250", "1,250 (written 1,234.56) or 1.25 (written 1.234,56)"),
     ("12.000", "12,000 (written 1,234.56) or 12 (written 1.234,56)")],
)
def test_an_ambiguous_amount_is_refused_with_both_readings(text: str, says: str) -> None:
    with pytest.raises(InputError, match="ambiguous amount") as caught:
        parse_amount(text, "auto")
    assert says in caught.value.message and "--locale" in caught.value.message


@pytest.mark.parametrize("text", ["1.2.3,4,5", "12,34.567,8", "abc", "1,23,456"])
def test_garbled_amounts_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="invalid amount"):
        parse_amount(text, "auto")


def test_a_typed_amount_is_read_the_reps_way() -> None:
    assert parse_money("12,000") == 12000.0 and parse_money("12.500,00") == 12500.0


def _import(db: Database, path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db.path), "import", str(path), *args])
    return result.exit_code, result.output


def test_european_amounts_import_right_and_ambiguous_ones_name_the_row(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "de.csv"
    path.write_text("Name;Betrag\nAnna;12.500,00\nBen;1 234,56\nCarl;1.250\n", encoding="utf-8")
    code, out = _import(db, path)
    assert code == 2
    assert "row 4, Betrag: ambiguous amount '1.250': 1,250" in out
    code, out = _import(db, path, "--locale", "eu")
    assert code == 0, out
    with db.connect() as conn:
        values = dict(conn.execute("SELECT name, value FROM prospect").fetchall())
    assert values == {"Anna": 12500.0, "Ben": 1234.56, "Carl": 1250.0}


def test_the_locale_setting_is_the_default(db: Database, tmp_path: Path) -> None:
    setting = runner.invoke(app, ["--db", str(db.path), "config", "amount_locale", "en"])
    assert setting.exit_code == 0
    path = tmp_path / "en.csv"
    path.write_text("Name,Value\nAnna,\"12,000\"\n", encoding="utf-8")
    code, out = _import(db, path)
    assert code == 0, out
    with db.connect() as conn:
        assert conn.execute("SELECT value FROM prospect").fetchone()[0] == 12000.0
