"""A broken mapping file is one clear MappingError naming the file (and where), never a
traceback: the fuzz classes of issue #15."""

from __future__ import annotations

from pathlib import Path

import pytest

from netintel.exceptions import MappingError
from netintel.ingest import load_mapping

ENTRY = "files:\n  - {match: persons.csv, record: persons, "


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (ENTRY + 'delimiter: "\\0"}\n', "cannot separate fields"),
        (ENTRY + 'delimiter: "\\n"}\n', "cannot separate fields"),
        (ENTRY + "delimiter: '\"'}\n", "cannot separate fields"),
        (ENTRY + "delimiter: x}\n", "cannot separate fields"),
        (ENTRY + "formats: {birth_date: '%Q'}}\n", "'%Q' is not a strptime format"),
        ("files: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ],
)
def test_a_broken_mapping_is_one_clear_error(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=words) as err:
        load_mapping(path)
    assert str(path) in str(err.value)


def test_a_mapping_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_bytes((ENTRY + "}\n# Málaga\n").encode("latin-1"))
    with pytest.raises(MappingError, match=r"line 3: not UTF-8 text \(byte 0xe1\)"):
        load_mapping(path)


def test_good_formats_and_delimiters_still_load(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        ENTRY + "delimiter: ';', formats: {birth_date: '%d/%m/%Y'}}\n", encoding="utf-8-sig"
    )
    (entry,) = load_mapping(path).files
    assert (entry.delimiter, entry.formats) == (";", {"birth_date": "%d/%m/%Y"})
