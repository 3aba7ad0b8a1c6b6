"""Workbooks: one record type per sheet, Chinese sheet names and headers, skipped sheets
reported, against the real Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.exceptions import InputFileError
from netintel.ingest import check, ingest

SHEETS: dict[str, pd.DataFrame] = {
    "人员": pd.DataFrame(
        {
            "编号": ["R1", "R2", "R3"],
            "姓名": ["王伟", "李娜", "张敏"],
            "性别": ["male", "female", "female"],
        }
    ),
    "电话": pd.DataFrame({"号码": ["13812340001", "13812340002"], "串号": ["IMEI1", "IMEI2"]}),
    "机主": pd.DataFrame({"人员编号": ["R1", "R2"], "号码": ["13812340001", "13812340002"]}),
    "地点": pd.DataFrame({"地点编号": ["D1"], "名称": ["上海站"], "类型": ["address"]}),
    "案件": pd.DataFrame({"案件编号": ["A1"], "类别": ["trafficking"], "地点": ["D1"]}),
    "嫌疑人": pd.DataFrame({"人员编号": ["R1", "R2"], "案件编号": ["A1", "A1"]}),
    "受害人": pd.DataFrame({"人员编号": ["R3"], "案件编号": ["A1"]}),
    "转手": pd.DataFrame(
        {
            "转手编号": ["Z1"],
            "时间": ["2023-05-01 02:10"],
            "受害人": ["R3"],
            "卖方": ["R1"],
            "买方": ["R2"],
            "案件编号": ["A1"],
        }
    ),
    "备注": pd.DataFrame({"说明": ["这一页不是记录"]}),
}

MAPPING = """\
phone_region: CN
timezone: Asia/Shanghai
files:
  - {match: case.xlsx, sheet: 人员, record: persons,
     columns: {person_id: 编号, name: 姓名, gender: 性别}}
  - {match: case.xlsx, sheet: 电话, record: phones, columns: {number: 号码, imei: 串号}}
  - {match: case.xlsx, sheet: 机主, record: phone_users,
     columns: {person_id: 人员编号, number: 号码}}
  - {match: case.xlsx, sheet: 地点, record: locations,
     columns: {location_id: 地点编号, name: 名称, kind: 类型}, constants: {region: 上海}}
  - {match: case.xlsx, sheet: 案件, record: cases,
     columns: {case_id: 案件编号, category: 类别, location_id: 地点}}
  - {match: case.xlsx, sheet: 嫌疑人, record: case_suspects,
     columns: {person_id: 人员编号, case_id: 案件编号}}
  - {match: case.xlsx, sheet: 受害人, record: case_victims,
     columns: {person_id: 人员编号, case_id: 案件编号}}
  - {match: case.xlsx, sheet: 转手, record: transfers,
     columns: {transfer_id: 转手编号, at: 时间, victim_id: 受害人, from_id: 卖方, to_id: 买方,
               case_id: 案件编号},
     formats: {at: "%Y-%m-%d %H:%M"}}
"""


def _book(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "case"
    folder.mkdir()
    _book(folder / "case.xlsx", SHEETS)
    mapping = tmp_path / "case.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return folder, mapping


def _one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0]


EXPECTED = [  # (sheet, record, rows read = rows loaded), in load order
    ("地点", "locations", 1),
    ("案件", "cases", 1),
    ("人员", "persons", 3),
    ("电话", "phones", 2),
    ("转手", "transfers", 1),
    ("机主", "phone_users", 2),
    ("嫌疑人", "case_suspects", 2),
    ("受害人", "case_victims", 1),
]


@pytest.mark.neo4j
def test_every_sheet_loads_as_its_own_record_type(
    graph: neo4j.Driver, case: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, mapping = case
    report = ingest(
        folder, driver=graph, mapping=mapping, reject_dir=tmp_path / "r", progress=False
    )
    got = [(f.sheet, f.record, f.rows_read) for f in report.files]
    assert got == EXPECTED
    assert all(f.rows_loaded == f.rows_read and f.rows_rejected == 0 for f in report.files)
    assert [str(s) for s in report.skipped] == [
        f"{folder / 'case.xlsx'} sheet '备注': no mapping entry names this sheet and it is "
        "not named after a record type"
    ]
    # the graph holds every sheet's records, with the sheet in their provenance
    assert _one(graph, "MATCH (p:Person {person_id: 'R1'}) RETURN p.name + '@' + p.source") == (
        "王伟@case.xlsx[人员]"
    )
    assert _one(graph, "MATCH (l:Location {location_id: 'D1'}) RETURN l.region") == "上海"
    assert _one(graph, "MATCH (:Person {person_id: 'R1'})-[:USES]->(p:Phone) RETURN p.number") == (
        "+8613812340001"
    )
    assert _one(graph, "MATCH (:Person)-[r:SUSPECT_IN]->(:Case {case_id: 'A1'}) RETURN count(r)")
    assert _one(graph, "MATCH (:Person {person_id: 'R3'})-[:VICTIM_IN]->(c:Case) RETURN c.case_id")
    # 02:10 in Shanghai is 18:10 UTC the day before
    assert _one(graph, "MATCH (t:Transfer {transfer_id: 'Z1'}) RETURN toString(t.at)") == (
        "2023-04-30T18:10:00Z"
    )


def test_check_reports_the_same_sheets_without_a_database(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, mapping = case
    report = check(folder, mapping=mapping, reject_dir=tmp_path / "r")
    assert [(f.sheet, f.record, f.rows_loaded) for f in report.files] == EXPECTED
    assert [(s.sheet, s.source) for s in report.skipped] == [("备注", str(folder / "case.xlsx"))]


def test_cli_names_the_skipped_sheet_on_stderr(case: tuple[Path, Path], tmp_path: Path) -> None:
    folder, mapping = case
    result = CliRunner().invoke(
        cli, ["ingest", str(folder), "-m", str(mapping), "--check", "-q", "--reject-dir",
              str(tmp_path / "r")]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: skipped" in result.stderr and "'备注'" in result.stderr
    assert "case.xlsx[人员]" in result.stdout


def test_a_workbook_named_after_a_record_type_needs_no_mapping(tmp_path: Path) -> None:
    _book(
        tmp_path / "persons.xlsx",
        {
            "名单": pd.DataFrame({"person_id": ["P1", "P2"], "name": ["王伟", "李娜"]}),
            "locations": pd.DataFrame({"location_id": ["L1"], "name": ["北京站"]}),
            "说明": pd.DataFrame({"text": ["notes"]}),
        },
    )
    report = check(tmp_path / "persons.xlsx", reject_dir=tmp_path / "r")
    assert [(f.sheet, f.record, f.rows_loaded) for f in report.files] == [
        ("locations", "locations", 1),
        ("名单", "persons", 2),
    ]
    assert [s.sheet for s in report.skipped] == ["说明"]


def test_a_workbook_with_no_sheet_to_load_is_an_error(tmp_path: Path) -> None:
    book = _book(tmp_path / "book.xlsx", {"说明": pd.DataFrame({"text": ["notes"]})})
    with pytest.raises(InputFileError, match=r"cannot tell the record type of any sheet \(说明\)"):
        check(book)


def test_a_mapping_naming_a_missing_sheet_stops_before_anything_is_read(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _ = case
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(
        "files:\n  - {match: case.xlsx, sheet: 通话, record: calls}\n", encoding="utf-8"
    )
    with pytest.raises(InputFileError, match="names sheet '通话'; the sheets are: 人员, 电话"):
        check(folder, mapping=mapping)


def test_a_sheet_can_be_named_by_its_position(case: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = case
    mapping = tmp_path / "pos.yaml"
    mapping.write_text(
        "files:\n  - {match: case.xlsx, sheet: 2, record: phone_users, phone_region: CN,"
        " columns: {person_id: 人员编号, number: 号码}}\n",
        encoding="utf-8",
    )
    report = check(folder, mapping=mapping, reject_dir=tmp_path / "r")
    assert [(f.sheet, f.record, f.rows_loaded) for f in report.files] == [
        ("机主", "phone_users", 2)
    ]
    assert len(report.skipped) == 8


def test_rejects_of_a_sheet_go_to_a_reject_file_named_after_it(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, mapping = case
    sheets = dict(SHEETS)
    sheets["人员"] = SHEETS["人员"].assign(性别=["male", "男", "female"])
    _book(folder / "case.xlsx", sheets)
    report = check(folder, mapping=mapping, reject_dir=tmp_path / "r")
    (persons,) = [f for f in report.files if f.sheet == "人员"]
    assert (persons.rows_loaded, persons.rows_rejected) == (2, 1)
    assert persons.reject_file == str(tmp_path / "r" / "case.xlsx[人员].rejects.csv")
    rejects = pd.read_csv(persons.reject_file)
    assert rejects[["file", "row", "column", "value"]].values.tolist() == [
        ["case.xlsx[人员]", 3, "性别", "男"]
    ]


def test_an_entry_without_sheet_reads_the_first_sheet(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, _ = case
    mapping = tmp_path / "first.yaml"
    mapping.write_text(
        "files:\n  - {match: case.xlsx, record: persons,"
        " columns: {person_id: 编号, name: 姓名, gender: 性别}}\n",
        encoding="utf-8",
    )
    report = check(folder, mapping=mapping, reject_dir=tmp_path / "r")
    assert [(f.sheet, f.record, f.rows_loaded) for f in report.files] == [("人员", "persons", 3)]
    assert [s.sheet for s in report.skipped] == list(SHEETS)[1:]
