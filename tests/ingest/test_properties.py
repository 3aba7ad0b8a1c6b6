"""Property-based tests of the readers, the mapping file and every record type (hypothesis).

Whatever the input, ``check`` ends in a report (rows loaded, rows rejected with a reason) or
one :class:`netintel.exceptions.NetintelError` naming the file: never another exception. And
the accounting holds: per file, rows read = loaded + rejected, the reject file names exactly
the rejected rows, and a file written with the csv module is read as the rows written.
``bench/fuzz.py`` runs the same checks over 100,000 mutated files; these tests let hypothesis
search (and shrink) the inputs. ``derandomize=True``: the same examples on every run. The few
large inputs (10 MB fields and lines, fields of quotes, deeply nested quotes) are in
``test_huge_fields.py``, through ``ingest --check`` and a real ingest.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from netintel.exceptions import InputFileError, MappingError, NetintelError
from netintel.ingest import IngestReport, check
from netintel.phones import normalise_phone
from netintel.schema import RECORDS

SETTINGS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: text as hostile as hypothesis makes it: control characters, NUL, right-to-left marks,
#: surrogates left out (a file of them is not text in any encoding)
CELLS = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def _reject_rows(path: str | None) -> int:
    """The rows a reject file names (a line per problem: a row may have several)."""
    if path is None or not Path(path).exists():
        return 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return len({(r["file"], r["row"]) for r in csv.DictReader(fh)})


def _accounted(report: IngestReport) -> None:
    for f in report.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f
        assert _reject_rows(f.reject_file) == f.rows_rejected, f


def _run(
    folder: Path, record: str, data: bytes, mapping: bytes | None = None
) -> IngestReport | NetintelError:
    for old in folder.glob("**/*"):
        if old.is_file():
            old.unlink()
    path = folder / f"{record}.csv"
    path.write_bytes(data)
    kw = {}
    if mapping is not None:
        (folder / "mapping.yaml").write_bytes(mapping)
        kw["mapping"] = folder / "mapping.yaml"
    try:
        report = check(path, reject_dir=folder / "rejects", **kw)
    except NetintelError as err:
        event(type(err).__name__)  # what hypothesis reached: --hypothesis-show-statistics
        return err
    _accounted(report)
    event("rows loaded" if report.rows_loaded else "every row rejected")
    return report


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@SETTINGS
@given(
    record=st.sampled_from(sorted(RECORDS)),
    headed=st.booleans(),
    data=st.binary(max_size=3000),
)
def test_any_bytes_as_any_record_file(folder: Path, record: str, headed: bool, data: bytes) -> None:
    if headed:  # the record's own header, so that the bytes are rows
        data = ",".join(c.name for c in RECORDS[record].columns).encode() + b"\r\n" + data
    out = _run(folder, record, data)
    if isinstance(out, NetintelError):
        assert isinstance(out, InputFileError) and f"{record}.csv" in str(out)


@SETTINGS
@given(data=st.data())
def test_rows_written_with_csv_are_read_back_and_accounted(
    folder: Path, data: st.DataObject
) -> None:
    record = data.draw(st.sampled_from(sorted(RECORDS)))
    columns = [c.name for c in RECORDS[record].columns]
    rows = data.draw(
        st.lists(
            st.lists(CELLS, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=12
        )
    )
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([columns, *rows])
    out = _run(folder, record, text.getvalue().encode("utf-8"))
    if isinstance(out, NetintelError):
        # a file-level verdict is only for a file with no data (every row's cells blank), or
        # text that is not what it claims: NUL bytes, or characters a wrong decode makes
        # (replacement, private use)
        assert isinstance(out, InputFileError), out
        blank = all(not cell.strip() for row in rows for cell in row)
        assert blank or any(
            ch == "\x00" or ch == "\ufffd" or 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) >= 0xF0000
            for row in rows
            for cell in row
            for ch in cell
        ), out
        return
    (f,) = out.files
    assert f.rows_read == len(rows)


MAPPINGS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | CELLS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(CELLS, inner, max_size=4),
    max_leaves=20,
)
#: keys a mapping file has, and record names, so hypothesis reaches past the first check
KEYS = st.sampled_from(
    [
        "records",
        "timezone",
        "phone_region",
        "delimiter",
        "encoding",
        "date_format",
        "file",
        "fields",
        "record",
        *sorted(RECORDS),
    ]
)


@SETTINGS
@given(
    tree=st.dictionaries(KEYS, MAPPINGS, max_size=4)
    | st.dictionaries(
        st.just("records"), st.dictionaries(st.sampled_from(sorted(RECORDS)), MAPPINGS, max_size=3)
    )
)
def test_any_mapping_file_is_read_or_refused_with_a_mapping_error(
    folder: Path, tree: object
) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True).encode("utf-8")
    out = _run(folder, "persons", b"person_id,name\r\nP1,Ada\r\n", mapping=text)
    if isinstance(out, NetintelError):
        assert isinstance(out, MappingError | InputFileError), out


@SETTINGS
@given(number=CELLS, region=st.none() | st.sampled_from(["CN", "DE", "US", "IT", "ZZ"]))
def test_a_phone_number_is_e164_or_kept_as_given(number: str, region: str | None) -> None:
    out = normalise_phone(number, region)
    assert out == number.strip() or (out.startswith("+") and out[1:].isdigit()), out
