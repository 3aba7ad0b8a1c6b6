"""Value mapping (``values``, ``unmapped``) and the mostly-rejected-column warnings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel.exceptions import MappingError
from netintel.ingest import FileMapping, Options, ingest, load_mapping, prepare
from netintel.ingest.read import frame_as_raw
from netintel.schema import RECORDS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "mapping.md"


def _prep(record: str, data: dict[str, list[Any]], **entry: Any) -> Any:
    fm = FileMapping(match="*", record=record, **entry)
    return prepare(frame_as_raw(record, pd.DataFrame(data)), RECORDS[record], fm, Options())


def _reasons(prep: Any) -> list[tuple[int, str | None, str]]:
    return [(r.row, r.column, r.reason) for r in prep.rejects]


def _doc_mapping(tmp_path: Path) -> Path:
    """The Chinese example of docs/mapping.md, as a mapping file."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Translating values") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    path = tmp_path / "map.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


PERSONS = """编号,姓名,性别,角色,状态,通缉级别
P1,王伟,男,嫌疑人|买家,在逃,A级
P2,李娜,女,受害人,已找回,
P3,张三,不详,嫌疑人,投案自首,B级
P4,赵六,male,嫌疑人|嫌疑人,at_large,A
P5,钱七,女,受害人,失联,
"""

CASES = """案件编号,类别,状态,立案日期,督办
C1,拐卖,侦查中,2023-05-01,是
C2,拐骗,已破案,2022-11-30,否
"""


# ----------------------------------------------------------------- reading values


def test_the_documented_chinese_example_reads_every_value(tmp_path: Path) -> None:
    mapping = load_mapping(_doc_mapping(tmp_path))
    (tmp_path / "人员.csv").write_text(PERSONS, encoding="utf-8")
    fm = mapping.for_file(tmp_path / "人员.csv")
    assert fm is not None
    from netintel.ingest.read import read_file

    prep = prepare(read_file(tmp_path / "人员.csv"), RECORDS["persons"], fm, Options())
    rows = {r["key"]: r["props"] for r in prep.rows}
    assert rows["P1"] == {
        "source_row": 2,
        "name": "王伟",
        "gender": "male",
        "roles": ["suspect", "buyer"],
        "status": "at large",
        "warrant_level": "A",
    }
    assert rows["P2"]["gender"] == "female" and rows["P2"]["status"] == "found"
    assert rows["P3"]["gender"] == "unknown"  # 不详: the unmapped default
    # valid schema values pass untranslated; a repeated item is kept once
    assert (rows["P4"]["gender"], rows["P4"]["roles"], rows["P4"]["status"]) == (
        "male",
        ["suspect"],
        "at large",
    )
    assert _reasons(prep) == [
        (
            6,
            "状态",
            "'失联' is not one of the status values (at large, arrested, surrendered, found, "
            "missing, free); add it to values.status in the mapping",
        )
    ]


def test_bool_values_and_yaml_words_stay_source_text(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "files:\n  - match: '*'\n    record: cases\n"
        "    values:\n      supervised: {是: true, no: yes, 1: false, on: no}\n",
        encoding="utf-8",
    )
    fm = load_mapping(path).files[0]
    raw = frame_as_raw(
        "cases",
        pd.DataFrame({"case_id": list("ABCDE"), "supervised": ["是", "no", "1", "on", "True"]}),
    )
    prep = prepare(raw, RECORDS["cases"], fm, Options())
    assert [r["props"].get("supervised") for r in prep.rows] == [True, True, False, False, True]


def test_lookup_is_exact_first_then_ignores_case() -> None:
    prep = _prep(
        "persons",
        {"person_id": ["P1", "P2", "P3", "P4"], "gender": ["M", "w", "W", "Mx"]},
        values={"gender": {"m": "male", "W": "female", "w": "unknown"}},
    )
    assert [r["props"].get("gender") for r in prep.rows] == ["male", "unknown", "female"]
    assert _reasons(prep)[0][:2] == (5, "gender")


def test_null_empties_a_cell_and_drops_a_list_item() -> None:
    prep = _prep(
        "persons",
        {"person_id": ["P1", "P2"], "gender": ["不详", "男"], "roles": ["其他|嫌疑人", "其他"]},
        values={
            "gender": {"不详": None, "男": "male"},
            "roles": {"其他": None, "嫌疑人": "suspect"},
        },
    )
    assert [r["props"] for r in prep.rows] == [
        {"source_row": 2, "roles": ["suspect"]},
        {"source_row": 3, "gender": "male"},
    ]


def test_unmapped_default_applies_to_list_items_and_constants() -> None:
    prep = _prep(
        "persons",
        {"person_id": ["P1"], "roles": ["嫌疑人|证人"]},
        values={"roles": {"嫌疑人": "suspect"}, "status": {"在逃": "at large"}},
        unmapped={"roles": "unknown-origin"},
        constants={"status": "在逃"},
    )
    assert prep.rows[0]["props"]["roles"] == ["suspect", "unknown-origin"]
    assert prep.rows[0]["props"]["status"] == "at large"


def test_a_bool_without_values_names_the_key_to_add() -> None:
    prep = _prep("cases", {"case_id": ["C1"], "supervised": ["是"]})
    assert _reasons(prep) == [
        (
            2,
            "supervised",
            "'是' is not true/false (or yes/no, 1/0); add it to values.supervised in the mapping",
        )
    ]


_FILLER = {
    "phone": "+442079460018",
    "datetime": "2024-01-01T10:00Z",
    "date": "2024-01-01",
    "int": "1",
    "float": "1",
}
MAPPABLE = [
    (rt.name, c.name)
    for rt in RECORDS.values()
    for c in rt.columns
    if c.type in ("enum", "bool", "list")
]


@pytest.mark.parametrize(("record", "name"), MAPPABLE, ids=[f"{r}.{n}" for r, n in MAPPABLE])
def test_every_enum_bool_and_list_field_can_be_translated(record: str, name: str) -> None:
    rt = RECORDS[record]
    col = rt.column(name)
    target: Any = True if col.type == "bool" else (col.choices[-1] if col.choices else "别名")
    data = {c: [_FILLER.get(rt.column(c).type, "K1")] for c in rt.required_columns}
    data[name] = ["源值"]
    prep = _prep(record, data, values={name: {"源值": target}})
    assert prep.rejects == []
    (row,) = prep.rows
    stored = row["props"][col.target_prop]
    assert stored == ([target] if col.type == "list" else target)


# ------------------------------------------------------------- load-time errors


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("values: {gendr: {男: male}}", "values names unknown fields gendr"),
        ("unmapped: {gendr: male}", "unmapped names unknown fields gendr"),
        ("values: {name: {王: Wang}}", "values.name: name is a str field"),
        (
            "values: {gender: {男: man}}",
            "values.gender.男: 'man' is not a gender value; use one of female, male, unknown",
        ),
        ("unmapped: {gender: other}", "unmapped.gender: 'other' is not a gender value"),
        ("values: {warrant_level: {甲: 1}}", "values.warrant_level.甲: 1 is not a warrant_level"),
        ("unmapped: {aliases: x}", "unmapped.aliases has no effect"),
        ("values: {gender: {'': male}}", "an empty source value cannot be mapped"),
    ],
)
def test_bad_values_are_mapping_errors_naming_file_and_key(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        f"files:\n  - match: 人员.csv\n    record: persons\n    {entry}\n", encoding="utf-8"
    )
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}: '人员.csv' (persons): ")
    assert message in str(err.value)


def test_a_mapping_built_in_python_is_checked_too() -> None:
    with pytest.raises(MappingError, match="'maybe' is not a supervised value"):
        FileMapping(match="*", record="cases", values={"supervised": {"是": "maybe"}})


# ------------------------------------------------------- mostly rejected columns


def test_a_wrong_date_format_warns_with_the_fix() -> None:
    prep = _prep(
        "calls",
        {
            "caller": ["+442079460018"] * 4,
            "callee": ["+442079460019"] * 4,
            "started_at": ["01/05/2024 10:00", "02/05/2024 10:00", "03/05/2024 10:00", ""],
        },
    )
    assert prep.rejected_rows == 4
    assert prep.warnings == [
        "calls: 3 of 3 values of column 'started_at' rejected — probably the wrong date format: "
        "expected ISO 8601, e.g. '2024-05-01T10:00'; set formats.started_at in the mapping"
    ]


def test_half_or_fewer_rejected_is_no_warning() -> None:
    prep = _prep(
        "calls",
        {
            "caller": ["+442079460018"] * 4,
            "callee": ["+442079460019"] * 4,
            "started_at": ["2024-05-01T10:00", "2024-05-01T11:00", "bad", "worse"],
        },
    )
    assert prep.rejected_rows == 2
    assert prep.warnings == []


def test_warnings_name_the_source_column_and_the_likely_cause() -> None:
    prep = _prep(
        "persons",
        {"编号": ["P1", "P2", "P3"], "性别": ["男", "女", "male"], "lat": ["1", "2", "3"]},
        columns={"person_id": "编号", "gender": "性别"},
    )
    assert prep.warnings == [
        "persons: columns not used: lat",
        "persons: 2 of 3 values of column '性别' rejected — probably values in another "
        "language or spelling: translate them with values.gender in the mapping",
    ]
    phones = _prep("phones", {"number": ["020 7946 0018", "020 7946 0019"]})
    assert phones.warnings == [
        "phones: 2 of 2 values of column 'number' rejected — probably national numbers without "
        "a region: set phone_region in the mapping (or --region), or phone_format: raw to keep "
        "identifiers as given"
    ]


def test_a_given_format_that_does_not_match_warns_about_that_format() -> None:
    prep = _prep(
        "sightings",
        {"person_id": ["P1", "P2"], "location_id": ["L1", "L1"], "at": ["2024-05-01", "x"]},
        formats={"at": "%Y%m%d %H%M"},
    )
    assert prep.warnings == [
        "sightings: 2 of 2 values of column 'at' rejected — probably the wrong date format: "
        "expected formats.at '%Y%m%d %H%M'; fix formats.at in the mapping"
    ]


def test_missing_required_values_do_not_count() -> None:
    prep = _prep("case_victims", {"person_id": ["", "", "P1"], "case_id": ["C1", "C1", "C2"]})
    assert prep.rejected_rows == 2
    assert prep.warnings == []


# ------------------------------------------------------------- against Neo4j


@pytest.mark.neo4j
def test_chinese_values_ingest_end_to_end(graph: neo4j.Driver, tmp_path: Path) -> None:
    mapping = _doc_mapping(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "人员.csv").write_text(PERSONS, encoding="gb18030")
    (folder / "案件.csv").write_text(CASES, encoding="utf-8")
    report = ingest(folder, driver=graph, mapping=mapping, progress=False)
    by_record = {f.record: f for f in report.files}
    assert (by_record["persons"].rows_read, by_record["persons"].rows_loaded) == (5, 4)
    assert (by_record["cases"].rows_read, by_record["cases"].rows_loaded) == (2, 2)
    people, _, _ = graph.execute_query(
        "MATCH (p:Person) RETURN p.person_id AS id, p.gender AS g, p.roles AS roles, "
        "p.status AS s, p.warrant_level AS w ORDER BY id"
    )
    assert [tuple(r.values()) for r in people] == [
        ("P1", "male", ["suspect", "buyer"], "at large", "A"),
        ("P2", "female", ["victim"], "found", None),
        ("P3", "unknown", ["suspect"], "surrendered", "B"),
        ("P4", "male", ["suspect"], "at large", "A"),
    ]
    cases, _, _ = graph.execute_query(
        "MATCH (c:Case) RETURN c.case_id AS id, c.category AS cat, c.status AS s, "
        "c.supervised AS sup ORDER BY id"
    )
    assert [tuple(r.values()) for r in cases] == [
        ("C1", "trafficking", "open", True),
        ("C2", "abduction", "solved", False),
    ]
    rejects = pd.read_csv(by_record["persons"].reject_file or "")
    assert rejects[["row", "column", "value"]].values.tolist() == [[6, "状态", "失联"]]
    assert "add it to values.status in the mapping" in rejects["reason"].iloc[0]


def test_a_number_column_in_another_format_warns() -> None:
    prep = _prep("locations", {"location_id": ["L1", "L2"], "lat": ["31,23", "30,5"]})
    assert prep.warnings == [
        "locations: 2 of 2 values of column 'lat' rejected — probably the wrong number format "
        "(a decimal comma, units in the cell?)"
    ]
