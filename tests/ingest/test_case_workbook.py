"""A real case file: one workbook, eight sheets, Chinese sheet names, headers and values.

The workbook is what a regional office sends: every sheet its own record type, one mapping
entry per sheet, the values in Chinese translated by the mapping's ``values``, local times in
Asia/Shanghai. Loaded into the real Neo4j and read back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel.ingest import ingest

pytestmark = pytest.mark.neo4j

SHEETS: dict[str, pd.DataFrame] = {
    "人员": pd.DataFrame(
        {
            "编号": ["P1", "P2", "P3", "P4"],
            "姓名": ["王伟", "李娜", "张敏", "刘洋"],
            "性别": ["男", "女", "女", "未详"],
            "角色": ["嫌疑人|买家", "受害人", "受害人", "嫌疑人"],
            "状态": ["在逃", "已解救", "已解救", "已抓获"],
        }
    ),
    "电话": pd.DataFrame({"号码": ["13812340001", "13812340002"], "串号": ["A1", "A2"]}),
    "机主": pd.DataFrame({"人员编号": ["P1", "P4"], "号码": ["13812340001", "13812340002"]}),
    "地点": pd.DataFrame(
        {
            "编号": ["L1", "L2"],
            "名称": ["昆明火车站", "邯郸"],
            "类型": ["地址", "城市"],
            "纬度": [25.02, 36.61],
            "经度": [102.72, 114.49],
        }
    ),
    "案件": pd.DataFrame(
        {
            "案件编号": ["C1"],
            "类别": ["拐卖"],
            "状态": ["侦办中"],
            "立案日期": ["2023-05-03"],
            "督办": ["是"],
        }
    ),
    "嫌疑人": pd.DataFrame({"人员编号": ["P1", "P4"], "案件编号": ["C1", "C1"]}),
    "受害人": pd.DataFrame({"人员编号": ["P2", "P3"], "案件编号": ["C1", "C1"]}),
    "转手": pd.DataFrame(
        {
            "编号": ["T1", "T2"],
            "时间": ["2023-05-02 02:10", "2023-05-02 09:30"],
            "金额": [30000, 28000],
            "被拐人": ["P2", "P3"],
            "卖方": ["P4", "P4"],
            "买方": ["P1", "P1"],
            "地点": ["L1", "L2"],
            "案件": ["C1", "C1"],
        }
    ),
}

MAPPING = """\
timezone: Asia/Shanghai
phone_region: CN
files:
  - match: 案卷.xlsx
    sheet: 人员
    record: persons
    columns: {person_id: 编号, name: 姓名, gender: 性别, roles: 角色, status: 状态}
    values:
      gender: {男: male, 女: female}
      roles: {嫌疑人: suspect, 受害人: victim, 买家: buyer}
      status: {在逃: at large, 已解救: found, 已抓获: arrested}
  - match: 案卷.xlsx
    sheet: 电话
    record: phones
    columns: {number: 号码, imei: 串号}
  - match: 案卷.xlsx
    sheet: 机主
    record: phone_users
    columns: {person_id: 人员编号, number: 号码}
  - match: 案卷.xlsx
    sheet: 地点
    record: locations
    columns: {location_id: 编号, name: 名称, kind: 类型, lat: 纬度, lon: 经度}
    values:
      kind: {地址: address, 城市: city}
  - match: 案卷.xlsx
    sheet: 案件
    record: cases
    columns: {case_id: 案件编号, category: 类别, status: 状态, opened: 立案日期, supervised: 督办}
    values:
      category: {拐卖: trafficking}
      status: {侦办中: open, 已破: solved}
      supervised: {是: true, 否: false}
  - match: 案卷.xlsx
    sheet: 嫌疑人
    record: case_suspects
    columns: {person_id: 人员编号, case_id: 案件编号}
  - match: 案卷.xlsx
    sheet: 受害人
    record: case_victims
    columns: {person_id: 人员编号, case_id: 案件编号}
  - match: 案卷.xlsx
    sheet: 转手
    record: transfers
    columns:
      transfer_id: 编号
      at: 时间
      amount: 金额
      victim_id: 被拐人
      from_id: 卖方
      to_id: 买方
      location_id: 地点
      case_id: 案件
    formats: {at: "%Y-%m-%d %H:%M"}
"""


def _write_case(folder: Path, extra_sheet: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / "案卷.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name, frame in SHEETS.items():
            frame.to_excel(writer, sheet_name=name, index=False)
        if extra_sheet:
            pd.DataFrame({"备注": ["草稿"]}).to_excel(writer, sheet_name="备注", index=False)
    (folder / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    return book


def _rows(driver: neo4j.Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query, params)
    return [r.data() for r in records]


def test_every_sheet_loads_as_its_record_with_values_translated(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    book = _write_case(tmp_path / "case", extra_sheet=True)
    report = ingest(
        book,
        driver=graph,
        mapping=tmp_path / "case" / "mapping.yaml",
        reject_dir=tmp_path / "rejects",
        progress=False,
    )
    by_sheet = {f.sheet: f for f in report.files}
    assert set(by_sheet) == set(SHEETS)
    for name, frame in SHEETS.items():
        f = by_sheet[name]
        assert f.rows_read == len(frame), name
        assert f.rows_read == f.rows_loaded + f.rows_rejected, name
    # one person has a gender nobody mapped: a reject naming the value and the key to add
    assert by_sheet["人员"].rows_rejected == 1
    rejects = pd.read_csv(by_sheet["人员"].reject_file)
    assert rejects["value"].tolist() == ["未详"]
    assert "values.gender" in rejects["reason"].iloc[0]
    # the sheet no entry maps is reported, not silently dropped
    assert [(Path(s.source).name, s.sheet) for s in report.skipped] == [("案卷.xlsx", "备注")]

    people = {
        r["id"]: r
        for r in _rows(
            graph,
            "MATCH (p:Person) WHERE p.name IS NOT NULL "
            "RETURN p.person_id AS id, p.gender AS gender, p.roles AS roles, p.status AS status",
        )
    }
    assert people["P1"] == {
        "id": "P1",
        "gender": "male",
        "roles": ["suspect", "buyer"],
        "status": "at large",
    }
    assert people["P2"]["gender"] == "female" and people["P2"]["roles"] == ["victim"]
    (case,) = _rows(
        graph, "MATCH (c:Case) RETURN c.category AS cat, c.status AS st, c.supervised AS sup"
    )
    assert case == {"cat": "trafficking", "st": "open", "sup": True}
    kinds = _rows(
        graph, "MATCH (l:Location) RETURN l.location_id AS id, l.kind AS kind ORDER BY id"
    )
    assert [k["kind"] for k in kinds] == ["address", "city"]
    # national numbers under phone_region CN, stored in E.164
    owner = _rows(
        graph, "MATCH (:Person {person_id: 'P1'})-[:USES]->(f:Phone) RETURN f.number AS n"
    )
    assert owner == [{"n": "+8613812340001"}]
    # 02:10 in Shanghai is 18:10 UTC the day before; UTC is what is stored
    (t1,) = _rows(graph, "MATCH (t:Transfer {transfer_id: 'T1'}) RETURN toString(t.at) AS at")
    assert t1["at"].startswith("2023-05-01T18:10")
    links = _rows(
        graph,
        "MATCH (t:Transfer)-[:OF]->(v:Person), (t)-[:FROM]->(s:Person), (t)-[:TO]->(b:Person) "
        "RETURN v.person_id AS v, s.person_id AS s, b.person_id AS b ORDER BY v",
    )
    assert links == [{"v": "P2", "s": "P4", "b": "P1"}, {"v": "P3", "s": "P4", "b": "P1"}]


def test_the_case_workbook_twice_is_the_same_graph(graph: neo4j.Driver, tmp_path: Path) -> None:
    book = _write_case(tmp_path / "case")
    kwargs: dict[str, Any] = {
        "driver": graph,
        "mapping": tmp_path / "case" / "mapping.yaml",
        "reject_dir": tmp_path / "rejects",
        "progress": False,
    }
    first = ingest(book, **kwargs)
    count = (
        "MATCH (n) WHERE NOT n:IngestRun OPTIONAL MATCH (n)-[r]->() "
        "RETURN count(DISTINCT n), count(r)"
    )
    before = _rows(graph, count)
    second = ingest(book, **kwargs)
    assert _rows(graph, count) == before
    assert first.rows_loaded == second.rows_loaded > 0
