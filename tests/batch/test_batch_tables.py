"""The batch tables' Parquet schema: typed columns, categories, provenance metadata, a stable column set."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import TEST_DATA

from mtreview.batch import runner as batch
from mtreview.batch import tables as batch_tables
from mtreview.config import from_dict


def _run(tmp: Path, config=None, name: str = "out") -> Path:
    if not (tmp / "in").exists():
        shutil.copytree(TEST_DATA / "batch", tmp / "in")
    out = tmp / name
    batch.run_batch(tmp / "in", out, config, workers=1, quiet=True)
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("bt"))


def test_column_types(out):
    import pyarrow as pa
    import pyarrow.parquet as pq

    segs = pq.read_schema(out / "segments.parquet")
    assert segs.field("date").type == pa.date32()
    assert segs.field("src_ids").type == pa.list_(pa.int64()) == segs.field("tgt_ids").type
    assert pa.types.is_dictionary(segs.field("worst_severity").type)
    flags = pq.read_table(out / "flags.parquet")
    assert pa.types.is_dictionary(flags.schema.field("severity").type)
    arts = pq.read_table(out / "articles.parquet").to_pylist()
    assert [a["date"] for a in arts] == [dt.date(2021, 3, 1), dt.date(2021, 3, 2), dt.date(2021, 3, 2)]
    assert pq.read_table(out / "segments.parquet").column("src_ids").to_pylist()[0] == [0]


def test_pandas_reads_ordered_categories_and_csv_keeps_text(out):
    import pandas as pd

    flags = pd.read_parquet(out / "flags.parquet")
    assert list(flags["severity"].cat.categories) == ["minor", "major", "critical"]
    assert flags["severity"].cat.ordered
    with (out / "segments.csv").open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["src_ids"] == "0" and row["date"] == "2021-03-01"


def test_provenance_metadata(out):
    import pyarrow.parquet as pq

    record = json.loads(next((out / "articles").glob("*.review.json")).read_text(encoding="utf-8"))
    for name in ("articles", "segments", "flags"):
        meta = {k.decode(): v.decode() for k, v in pq.read_schema(out / f"{name}.parquet").metadata.items()}
        assert json.loads(meta["mtreview.config_hashes"]) == [record["meta"]["config_hash"]]
        assert json.loads(meta["mtreview.models"]) == [record["meta"]["models"]]
        assert meta["mtreview.writer_version"] == record["meta"]["mtreview"]
        assert meta["mtreview.schema_version"] == record["schema_version"]


def test_columns_do_not_depend_on_the_configuration(out, tmp_path_factory):
    import pyarrow.parquet as pq

    other = from_dict({"checks": {"disabled": ["numbers", "glossary"]}, "score": {"metrics": ["chrf"]}})
    out2 = _run(out.parent, other, "other")
    for name in ("articles", "segments", "flags"):
        assert pq.read_schema(out2 / f"{name}.parquet").names == pq.read_schema(out / f"{name}.parquet").names
        with (out / f"{name}.csv").open(encoding="utf-8") as a, (out2 / f"{name}.csv").open(encoding="utf-8") as b:
            assert a.readline() == b.readline()
    names = pq.read_schema(out2 / "segments.parquet").names
    assert "check_numbers" in names and "score_bleu_ref" in names


def test_worst_articles_are_the_flagged_articles_worst_first_and_never_a_clean_one(out):
    """docs/batch.md said "the 20 worst articles": it is the articles with flags (at most 20), worst
    severity first, then their critical/major/minor counts, then the lowest mean quality; a batch
    without flags has none (an unflagged article has no worst severity to show)."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    with (out / "articles.csv").open(encoding="utf-8", newline="") as fh:
        arts = [a for a in csv.DictReader(fh) if int(a["flags_total"]) > 0]
    rank = {s: i for i, s in enumerate(batch_tables.SEVERITIES)}

    def key(a):
        q = float(a["mean_quality"]) if a["mean_quality"] else float("inf")
        return (-rank[a["worst_severity"]], *(-int(a[f"flags_{s}"]) for s in ("critical", "major", "minor")), q,
                a["article_id"])

    assert arts and [w["id"] for w in summary["worst_articles"]] == [a["article_id"] for a in sorted(arts, key=key)]
    assert len(summary["worst_articles"]) <= batch_tables.WORST_N == 20
    clean = _run(out.parent, from_dict({"checks": {"enabled": ["glossary"]}}), "clean")  # no glossary: no flags
    summary = json.loads((clean / "summary.json").read_text(encoding="utf-8"))
    assert summary["articles"]["reviewed"] == 3 and summary["flags_by_severity"] == dict.fromkeys(rank, 0)
    assert summary["worst_articles"] == []


@pytest.mark.parametrize(
    "value, expected",
    [("2021-03-01", dt.date(2021, 3, 1)), ("2021/03/01", dt.date(2021, 3, 1)),
     ("2021-03-01T09:00:00", dt.date(2021, 3, 1)), ("", None), (None, None), ("yesterday", None)],
)
def test_dates(value, expected):
    assert batch_tables._date(value, "a") == expected


@pytest.mark.parametrize("value, expected", [
    ("2024/1/21", dt.date(2024, 1, 21)), ("2024/1/5 9:30", dt.date(2024, 1, 5)), ("2024.12.1", dt.date(2024, 12, 1)),
    ("20240121", dt.date(2024, 1, 21)), ("2024/1/123", None), ("2024/123/1", None),
])
def test_dates_as_excel_writes_them(value, expected):
    """Excel on a Japanese Windows writes a date cell of metadata.csv as 2024/1/21: it was left
    empty in the tables (with a warning), so the dashboard had no trend by date."""
    assert batch_tables._date(value, "a") == expected


def test_an_impossible_date_is_called_impossible_not_badly_formatted(caplog):
    """``2021-13-01`` is written YYYY-MM-DD: the warning must not tell the editor it is not."""
    import logging

    with caplog.at_level(logging.WARNING, logger="mtreview.batch.tables"):
        assert batch_tables._date("2021-13-01", "a") is None
        assert batch_tables._date("yesterday", "b") is None
    assert [r.getMessage() for r in caplog.records] == [
        "article a: date '2021-13-01' is not a real date (month must be in 1..12); left empty in the tables",
        "article b: date 'yesterday' is not YYYY-MM-DD; left empty in the tables"]


def test_csv_bom_option(out, tmp_path):
    import pandas as pd

    bom = _run(out.parent, from_dict({"batch": {"csv_bom": True}}), "bom")
    for name in ("articles", "segments", "flags"):
        data = (bom / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data[3:] == (out / f"{name}.csv").read_bytes()
        assert not (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(bom / "articles.csv", encoding="utf-8-sig").columns[0] == "article_id"


def _csv_only(out: Path, tmp: Path, bom: bool = False) -> Path:
    copy = tmp / "csv"
    copy.mkdir()
    for name in batch_tables.TABLES:
        data = (out / f"{name}.csv").read_bytes()
        (copy / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return copy


@pytest.mark.parametrize("bom", [False, True])
def test_read_table_gives_the_same_values_from_csv_as_from_parquet(out, tmp_path, bom):
    from mtreview.batch.table_files import read_table

    csv_only = _csv_only(out, tmp_path, bom)
    for name in batch_tables.TABLES:
        a, b = read_table(out, name).to_pylist(), read_table(csv_only, name).to_pylist()
        assert a == b, name  # id lists are lists again, from their text in the CSV twin
    assert read_table(csv_only, "articles", columns=["article_id"]).column_names == ["article_id"]


def test_read_table_keeps_an_id_that_looks_like_a_number(tmp_path):
    from mtreview.batch.table_files import read_table

    (tmp_path / "articles.csv").write_text('article_id,date,segments,desk\n"007",2021-03-01,3,\n1e3,,,""\n',
                                           encoding="utf-8")
    rows = read_table(tmp_path, "articles").to_pylist()
    assert rows == [{"article_id": "007", "date": dt.date(2021, 3, 1), "segments": 3, "desk": None},
                    {"article_id": "1e3", "date": None, "segments": None, "desk": ""}]


def test_read_table_of_a_missing_table(tmp_path):
    from mtreview.batch.table_files import read_table
    from mtreview.errors import InputError

    assert read_table(tmp_path, "flags", required=False) is None
    with pytest.raises(InputError, match=r": not a batch output folder \(no flags\.parquet or flags\.csv\)$"):
        read_table(tmp_path, "flags")
    with pytest.raises(ValueError, match="unknown batch table 'summary'"):
        read_table(tmp_path, "summary")


def test_read_table_turns_id_lists_back_into_lists(tmp_path):
    from mtreview.batch.table_files import read_table
    from mtreview.errors import InputError

    (tmp_path / "segments.csv").write_text('article_id,segment_id,src_ids,tgt_ids\n"7",0,"0 1","0"\n"7",1,"","1"\n',
                                           encoding="utf-8")
    assert read_table(tmp_path, "segments").to_pylist() == [
        {"article_id": "7", "segment_id": 0, "src_ids": [0, 1], "tgt_ids": [0]},
        {"article_id": "7", "segment_id": 1, "src_ids": [], "tgt_ids": [1]}]  # an addition: no source sentence
    (tmp_path / "segments.csv").write_text("article_id,segment_id,src_ids,tgt_ids\n7,0,one,0\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"segments\.csv: cannot read this batch table \(ValueError: "):
        read_table(tmp_path, "segments")
