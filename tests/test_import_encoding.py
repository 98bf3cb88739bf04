"""Import: which encoding a file is in (charset-normalizer plus SalesDesk's own checks), the
confidence the preview names, --encoding, and refusing when two readings are as likely."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data.db import Database
from salesdesk.data.io.encoding import codec_name, detect_encoding, plausibility
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.errors import InputError

from .conftest import NOW

runner = CliRunner()

GERMAN = "Name;Firma;Telefon\nMüller Jürgen;Bäckerei Groß GmbH;+49 30 1234567\n"
FRENCH = (
    "Nom,Société,Téléphone\nFrançois Lefèvre,Crème Brûlée SARL,01 23 45 67 89\n"
    "Hélène Dubois,Électricité SA,06 11 22 33 44\n"
)
POLISH = "Imię,Firma\nŁukasz Wójcik,Zakład Usług Śląsk\nGrażyna Kowalczyk,Przędzalnia Łódź\n"
CZECH = "Jméno,Firma\nJiří Dvořák,Strojírny Plzeň\nŽaneta Černá,Účetnictví s.r.o.\n"
CHINESE = "姓名,手机\n罗艳,13800138000\n"
TAIWAN = "姓名,公司,電話\n陳大文,台灣積體電路,0912345678\n林美玲,鴻海精密,0987654321\n"
JAPANESE = "氏名,会社\n山田太郎,株式会社トヨタ\n佐藤花子,ソニー株式会社\n"


def names(db: Database) -> list[str]:
    with db.connect() as conn:
        return [r[0] for r in conn.execute("SELECT name FROM prospect ORDER BY id")]


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (GERMAN, "cp1252", "cp1252"),
        (FRENCH, "cp1252", "cp1252"),
        (POLISH, "cp1250", "cp1250"),
        (CZECH, "cp1250", "cp1250"),
        (CHINESE, "gbk", "gb18030"),
        (TAIWAN, "big5", "big5"),
        (JAPANESE, "shift_jis", "shift_jis"),
        (GERMAN, "utf-8", "utf-8"),
        (GERMAN, "utf-16", "utf-16"),
    ],
)
def test_each_code_page_is_told_apart(
    tmp_path: Path, text: str, encoding: str, expected: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    assert detect_encoding(path).encoding == expected


def test_a_windows_1252_file_is_not_read_as_gb18030(db: Database, tmp_path: Path) -> None:
    """The reported defect: "Müller Jürgen" came in as "M黮ler J黵gen"."""
    path = tmp_path / "outlook.csv"
    path.write_bytes(GERMAN.encode("cp1252"))
    result = run_import(db, path, NOW, ImportOptions())
    assert names(db) == ["Müller Jürgen"]
    assert "Windows-1252" in result.description and "detected 100% sure" in result.description


def test_plausibility_sees_rare_characters_and_mixed_alphabets() -> None:
    assert plausibility("gb18030", "M黮ler J黵gen") == 0.0
    assert plausibility("gb18030", "罗艳") == 1.0
    assert plausibility("cp1252", "Crème Brûlée") == 1.0
    assert plausibility("cp1250", "Crčme Brűlée") < 0.8


def test_two_likely_readings_are_refused_with_both_named(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Name\nZè\n".encode("cp1252"))  # Zè (Western) or Zč (Central)?
    with pytest.raises(InputError, match="cannot tell its encoding") as caught:
        detect_encoding(path)
    assert "Windows-1252" in caught.value.message and "Windows-1250" in caught.value.message
    assert "--encoding" in caught.value.message
    assert detect_encoding(path, "cp1250").encoding == "cp1250"


def test_encoding_override_on_the_command_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Name\nZè\n".encode("cp1252"))
    refused = runner.invoke(app, ["--db", str(db.path), "import", str(path)])
    assert refused.exit_code == 2 and "cannot tell its encoding" in refused.output
    done = runner.invoke(app, ["--db", str(db.path), "import", str(path), "--encoding", "cp1252"])
    assert done.exit_code == 0, done.output
    assert "Windows-1252 (Western European) (--encoding)" in done.output
    assert names(db) == ["Zè"]


def test_a_wrong_override_is_refused_with_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Name\nMüller\n".encode("cp1252"))
    with pytest.raises(InputError, match="not UTF-8: the byte at offset 6"):
        detect_encoding(path, "utf8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        codec_name("klingon")
    assert codec_name("GBK") == "gb18030" and codec_name("latin-1") == "latin_1"
