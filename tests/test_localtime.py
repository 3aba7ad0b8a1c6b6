"""Local time with its zone (netintel.localtime): the one place times are shown from."""

from __future__ import annotations

import datetime as dt

import neo4j.time
import pandas as pd
import pytest

from netintel.localtime import format_local, localize, to_local, zone_label


def test_the_same_moment_reads_as_local_time_with_its_zone() -> None:
    moment = pd.Timestamp("2023-05-01T18:10Z")
    assert format_local(moment, "Asia/Shanghai") == "2023-05-02 02:10 CST (+08:00)"
    # every form a time arrives in: datetime, neo4j DateTime, epoch ms, ISO text, naive = UTC
    for same in (
        moment.to_pydatetime(),
        neo4j.time.DateTime(2023, 5, 1, 18, 10, tzinfo=dt.UTC),
        int(moment.timestamp() * 1000),
        "2023-05-01T18:10:00+00:00",
        dt.datetime(2023, 5, 1, 18, 10),
    ):
        assert to_local(same, "Asia/Shanghai") == moment, same
        assert str(to_local(same, "Asia/Shanghai")) == "2023-05-02 02:10:00+08:00"
    assert format_local(None, "Asia/Shanghai") == "" and to_local(pd.NaT, "UTC") is None


def test_daylight_saving_times_say_which_side_of_the_change() -> None:
    # 01:30 happens twice in London on 29 October 2023: the zone tells them apart
    first = format_local("2023-10-29T00:30Z", "Europe/London")
    second = format_local("2023-10-29T01:30Z", "Europe/London")
    assert (first, second) == ("2023-10-29 01:30 BST (+01:00)", "2023-10-29 01:30 GMT (+00:00)")
    assert zone_label("America/Sao_Paulo", pd.Timestamp("2023-01-01T12:00Z")) == "-03:00"


def test_an_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Asia/Shanghia'"):
        format_local("2023-05-01T18:10Z", "Asia/Shanghia")


def test_localize_converts_time_columns_and_names_the_zone() -> None:
    frame = pd.DataFrame(
        {
            "at": pd.to_datetime(["2023-05-01T18:10Z", None], utc=True),
            "when": [neo4j.time.DateTime(2023, 5, 1, 18, 10, tzinfo=dt.UTC), None],
            "n": [1, 2],
        }
    )
    out = localize(frame, "Asia/Shanghai")
    assert str(out.loc[0, "at"]) == str(out.loc[0, "when"]) == "2023-05-02 02:10:00+08:00"
    assert pd.isna(out.loc[1, "at"]) and out.loc[1, "when"] is None
    assert out["timezone"].tolist() == ["Asia/Shanghai"] * 2 and out["n"].tolist() == [1, 2]
    assert "timezone" not in localize(frame[["n"]], "Asia/Shanghai")  # no times, no zone
