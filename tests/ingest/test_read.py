"""Reading text tables: delimiters (given, .tsv, sniffed), encodings (given, guessed),
the header pass, and the mapping fields that steer reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from netintel.exceptions import InputFileError, MappingError
from netintel.ingest import check, load_mapping
from netintel.ingest.read import ROW, read_file, read_header

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_tsv_is_split_on_tabs_even_with_commas_in_values(tmp_path: Path) -> None:
    path = _write(tmp_path / "persons.tsv", "person_id\tname\nP1\tLee, Ann\nP2\tBo\n")
    raw = read_file(path)
    assert raw.delimiter == "\t"
    assert raw.frame[["person_id", "name"]].values.tolist() == [["P1", "Lee, Ann"], ["P2", "Bo"]]
    assert raw.notes == []  # a .tsv is not a guess


@pytest.mark.parametrize(("delimiter", "suffix"), [(";", ".csv"), ("|", ".txt"), ("\t", ".txt")])
def test_delimiter_is_sniffed_and_the_guess_noted(
    tmp_path: Path, delimiter: str, suffix: str
) -> None:
    rows = ["person_id,name,gender".replace(",", delimiter)]
    rows += [f"P{i}{delimiter}Name {i}{delimiter}female" for i in range(5)]
    path = _write(tmp_path / f"persons{suffix}", "\n".join(rows) + "\n")
    raw = read_file(path)
    assert raw.delimiter == delimiter
    assert list(raw.frame.columns[:3]) == ["person_id", "name", "gender"]
    assert raw.rows_read == 5 and not raw.parse_rejects
    assert any(repr(delimiter) in note and "sniffed" in note for note in raw.notes)


def test_comma_files_stay_comma_files(tmp_path: Path) -> None:
    path = _write(tmp_path / "persons.csv", "person_id,name\nP1,Ann; Bo\nP2,Cy | Di\n")
    raw = read_file(path)
    assert raw.delimiter == "," and raw.notes == []
    assert raw.frame["name"].tolist() == ["Ann; Bo", "Cy | Di"]


def test_mapping_delimiter_wins_over_sniffing(tmp_path: Path) -> None:
    # sniffing would take the comma (in every row); the mapping says semicolon
    (tmp_path / "in").mkdir()
    _write(tmp_path / "in" / "people.txt", "id;name\nP1;Lee, Ann\nP2;Chan, Bo\n")
    mapping = _write(
        tmp_path / "m.yaml",
        "files:\n  - match: people.txt\n    record: persons\n    delimiter: ';'\n"
        "    columns: {person_id: id}\n    constants: {gender: female}\n",
    )
    report = check(tmp_path / "in", mapping=mapping, reject_dir=tmp_path / "r")
    (f,) = report.files
    assert (f.delimiter, f.rows_read, f.rows_loaded, f.rows_rejected) == (";", 2, 2, 0)
    assert not any("sniffed" in w for w in f.warnings)


def test_a_delimiter_of_two_characters_is_a_mapping_error(tmp_path: Path) -> None:
    mapping = _write(
        tmp_path / "m.yaml",
        "files:\n  - match: '*.txt'\n    record: persons\n    delimiter: ';;'\n",
    )
    with pytest.raises(MappingError, match="delimiter is one character"):
        load_mapping(mapping)


NAMES = {
    "cp1252": "person_id,name,birth_place\nP1,José Müller,Zürich\nP2,François Lefèvre,Besançon\n",
    "latin-1": "person_id,name,birth_place\nP1,Åse Ødegård,Tromsø\nP2,Søren Kierkegård,Køge\n",
    "shift_jis": "person_id,name,birth_place\nP1,山田太郎,東京都新宿区\nP2,佐藤花子,大阪市\n",
}


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("cp1252", "cp1252"), ("latin-1", "cp1252"), ("shift_jis", "cp932")],
)
def test_other_encodings_are_guessed_and_the_guess_reported(
    tmp_path: Path, encoding: str, expected: str
) -> None:
    text = NAMES[encoding]
    path = _write(tmp_path / "persons.csv", text, encoding)
    raw = read_file(path)
    assert raw.encoding == expected
    assert raw.frame["name"].tolist() == [line.split(",")[1] for line in text.splitlines()[1:]]
    (note,) = raw.notes
    assert f"encoding guessed as {expected}" in note
    # ... and it reaches the report's warnings
    (f,) = check(path, reject_dir=tmp_path / "r").files
    assert f.encoding == expected
    assert any(f"encoding guessed as {expected}" in w for w in f.warnings)


def test_mapping_encoding_is_honoured_over_the_guess(tmp_path: Path) -> None:
    # ISO-8859-7 Greek would be guessed; the mapping says so, and no note is made
    path = _write(tmp_path / "persons.csv", "person_id,name\nP1,Αλέξης Παππάς\n", "iso8859_7")
    raw = read_file(path, encoding="iso8859_7")
    assert raw.frame["name"].tolist() == ["Αλέξης Παππάς"] and raw.notes == []
    mapping = _write(
        tmp_path / "m.yaml",
        "files:\n  - {match: persons.csv, record: persons, encoding: iso8859_7}\n",
    )
    (f,) = check(path, mapping=mapping, reject_dir=tmp_path / "r").files
    assert (f.encoding, f.rows_loaded, f.warnings) == ("iso8859_7", 1, ())
    wrong = _write(
        tmp_path / "w.yaml", "files:\n  - {match: persons.csv, record: persons, encoding: utf-8}\n"
    )
    with pytest.raises(InputFileError, match=r"cannot decode .* as utf-8 "):
        check(path, mapping=wrong)


def test_gb18030_is_not_called_a_guess() -> None:
    raw = read_file(DATA / "gb18030" / "persons.csv")
    assert raw.encoding == "gb18030" and raw.notes == []


def test_byte_noise_is_still_an_error_not_a_guess() -> None:
    with pytest.raises(InputFileError, match=r"row 2: cannot decode"):
        read_file(DATA / "unreadable" / "persons_badbytes.csv")
    with pytest.raises(InputFileError, match=r"row 2: cannot decode"):
        read_header(DATA / "unreadable" / "persons_badbytes.csv")


def test_header_pass_finds_bad_bytes_past_the_first_megabyte(tmp_path: Path) -> None:
    rows = "".join(f"P{i},Name number {i}\n" for i in range(100_000))  # ~2 MB of UTF-8
    path = tmp_path / "persons.csv"
    path.write_bytes(b"person_id,name\n" + rows.encode() + b"P_bad,\xff\n")
    with pytest.raises(InputFileError, match=r"row 100002: cannot decode bytes b'\\xff") as a:
        read_header(path)
    with pytest.raises(InputFileError) as b:
        read_file(path)
    assert str(a.value) == str(b.value)  # the header pass says what the full read would


def test_header_pass_reads_the_header_and_refuses_empty_tables() -> None:
    header = read_header(DATA / "gb18030" / "persons.csv")
    assert header.columns[0] == "person_id" and header.encoding == "gb18030"
    with pytest.raises(InputFileError, match="header but no data rows"):
        read_header(DATA / "unreadable" / "header_only.csv")
    with pytest.raises(InputFileError, match="empty"):
        read_header(DATA / "unreadable" / "empty.csv")


#: short files that decode without an error in several encodings; only one reads as text
PLAUSIBLE = {
    "big5": ("person_id,name\nP1,李慧\nP2,王芳\n", "big5"),
    "gb18030": ("person_id,name\nP1,李慧\n", "gb18030"),
    "latin-1": ("person_id,name,address\nP1,Ana,Málaga Straße 5\n", "cp1252"),
    "gb18030 rare": ("person_id,name\nP1,贾璐瑄\nP2,王芳\n", "gb18030"),
}


@pytest.mark.parametrize("case", sorted(PLAUSIBLE))
def test_the_encoding_that_reads_as_text_wins_over_mojibake(tmp_path: Path, case: str) -> None:
    text, expected = PLAUSIBLE[case]
    path = _write(tmp_path / "persons.csv", text, case.split()[0])
    raw = read_file(path)
    assert raw.encoding == expected
    assert raw.frame["name"].tolist() == [line.split(",")[1] for line in text.splitlines()[1:]]


def test_a_file_that_reads_only_as_mojibake_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes(b"person_id,name\nP1,\xfe\xfe\xfe\xfe\n")  # GB18030 private-use area
    with pytest.raises(InputFileError, match=r"mojibake .* set the file's encoding"):
        read_file(path)
    assert read_file(path, encoding="gb18030").frame["name"].tolist() == ["\ue4c5\ue4c5"]


def test_old_mac_line_ends_and_lone_carriage_returns_split_rows(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes(b"person_id,name\rP1,Ann\rP2,Bob\r\nP3,Cy\n")
    raw = read_file(path)
    assert raw.frame["person_id"].tolist() == ["P1", "P2", "P3"]
    assert raw.frame[ROW].tolist() == [2, 3, 4]
    assert read_header(path).columns == ("person_id", "name")


def test_a_cell_over_the_csv_modules_128_kib_loads(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(f"person_id,notes\nP1,{'x' * 1_000_000}\nP2,short\n", encoding="utf-8")
    assert [len(v) for v in read_file(path).frame["notes"]] == [1_000_000, 5]
    assert read_header(path).columns == ("person_id", "notes")


def test_a_multi_line_cell_in_a_record_of_the_wrong_width_invents_no_record(
    tmp_path: Path,
) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        'person_id,name\nP1,Ann\nP2,"Bob\nP9,Ghost\nmore",extra\nP3,Cy\n', encoding="utf-8"
    )
    raw = read_file(path)
    assert raw.frame["person_id"].tolist() == ["P1", "P3"]  # no P9 from inside the quote
    assert [(r, why) for r, _, why in raw.parse_rejects] == [
        (3, "3 fields where the header has 2 (a quoted cell runs over rows 3-5)")
    ]
    assert raw.rows_read == 3
