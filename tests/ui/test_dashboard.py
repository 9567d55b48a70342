from __future__ import annotations

import html
import json
import shutil

import pandas as pd
import pytest
from conftest import TEST_DATA

from mtreview.batch import runner as batch
from mtreview.errors import InputError
from mtreview.ui import dashboard
from tests.batch.test_batch import write_padded  # another folder: by its package path, so the file also runs alone


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("dash")
    folder = root / "in"
    shutil.copytree(TEST_DATA / "batch", folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    write_padded(folder)
    batch.run_batch(folder, root / "out", workers=1, quiet=True)
    return root / "out"


def test_load_batch(batch_dir):
    data = dashboard.load_batch(batch_dir)
    assert list(data.articles["article_id"]) == [
        "abcnews.420102", "express.co.uk.44141", "padded", "shizuoka_shimbun-ja.45497"]
    assert data.dimensions() == ["date", "desk", "translator"]
    assert str(data.articles["date"].dtype).startswith("datetime64")
    assert len(data.segments) == data.summary["segments"] == data.articles["segments"].sum()
    assert len(data.flags) == sum(data.summary["flags_by_check"].values())
    assert data.errors.empty


def test_csv_tables_load_like_parquet(batch_dir, tmp_path):
    csv_only = tmp_path / "out"
    shutil.copytree(batch_dir, csv_only)
    for p in csv_only.glob("*.parquet"):
        p.unlink()
    a, b = dashboard.load_batch(batch_dir), dashboard.load_batch(csv_only)
    pd.testing.assert_frame_equal(a.articles, b.articles, check_dtype=False)
    assert list(a.segments.columns) == list(b.segments.columns)


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "nope", "no such folder"),
    (lambda d: d, "not a batch output folder (no articles.parquet or articles.csv)"),
])
def test_not_a_batch_folder(tmp_path, make, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        dashboard.load_batch(make(tmp_path))


@pytest.mark.parametrize("quality, expected", [
    ([None, None], "align_score"),
    ([None, 71.5], "quality"),
])
def test_quality_field(quality, expected):
    segs = pd.DataFrame({"quality": quality, "align_score": [0.5, 0.7]})
    data = dashboard.BatchData(dashboard.Path("x"), pd.DataFrame(), segs, pd.DataFrame(), pd.DataFrame(), {})
    assert data.quality_field() == expected


def test_trend_table_by_metadata(batch_dir):
    data = dashboard.load_batch(batch_dir)
    by_translator = dashboard.trend_table(data, "translator")
    assert by_translator[["translator", "articles"]].values.tolist() == [["sato", 1], ["tanaka", 2]]
    by_date = dashboard.trend_table(data, "date")
    assert by_date[["date", "articles"]].values.tolist() == [["2021-03-01", 1], ["2021-03-02", 2]]
    assert "flags_per_article" in dashboard.trend_metrics(data, "desk")


def test_charts_encode_expected_fields(batch_dir):
    data = dashboard.load_batch(batch_dir)
    q = dashboard.quality_chart(data).to_dict()
    assert q["mark"]["type"] == "bar"
    assert (q["encoding"]["x"]["field"], q["encoding"]["x2"]["field"]) == ("start", "end")
    assert q["encoding"]["x"]["title"] == data.quality_field().replace("_", " ")
    hist = dashboard.histogram(data)
    assert len(hist) == 30 and hist["segments"].sum() == data.segments[data.quality_field()].notna().sum()

    f = dashboard.flags_chart(data).to_dict()
    assert (f["encoding"]["y"]["field"], f["encoding"]["color"]["field"]) == ("check", "severity")
    assert f["encoding"]["color"]["scale"]["domain"] == ["minor", "major", "critical"]
    counts = {(r["check"], r["severity"]): r["flags"] for r in dashboard.flag_counts(data).to_dict("records")}
    by_check = data.summary["flags_by_check_severity"]
    expected = {(c, s): n for c, by in by_check.items() for s, n in by.items() if n}
    assert counts == expected and counts

    t = dashboard.trend_chart(data, "date", "mean_align_score").to_dict()
    assert t["mark"] == {"type": "line", "point": True}
    assert (t["encoding"]["x"]["field"], t["encoding"]["x"]["type"]) == ("date", "temporal")
    assert t["encoding"]["y"]["field"] == "mean_align_score"
    d = dashboard.trend_chart(data, "desk").to_dict()
    assert (d["encoding"]["y"]["field"], d["encoding"]["x"]["field"]) == ("desk", "flags_per_article")
    with pytest.raises(ValueError, match="unknown dimension 'week'"):
        dashboard.trend_chart(data, "week")


def test_worst_tables_link_to_review(batch_dir):
    data = dashboard.load_batch(batch_dir)
    worst = dashboard.worst_articles(data)
    assert worst["article_id"].iloc[0] == "padded"
    first = worst.iloc[0]
    assert first["flags_critical"] + first["flags_major"] + first["flags_minor"] > 0
    assert worst["review"].iloc[0] == dashboard.review_link(batch_dir, "padded")
    segs = dashboard.worst_segments(data, n=3)
    assert len(segs) == 3 and segs["article_id"].iloc[0] == "padded"
    assert segs["flags_total"].iloc[0] > 0


@pytest.mark.parametrize("batch_path, article, link", [
    ("/data/out", "seed", "?view=review&batch=%2Fdata%2Fout&article=seed"),
    ("out/2024 jan", "desk/1", "?view=review&batch=out%2F2024+jan&article=desk%2F1"),
])
def test_review_link(batch_path, article, link):
    assert dashboard.review_link(batch_path, article) == link


def _app(batch_dir):
    from mtreview.ui.dashboard_view import render

    render(batch_dir)


def test_view_renders_batch(batch_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(batch_dir.parent))
    at = AppTest.from_function(_app, args=(str(batch_dir),), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Batch QA dashboard"
    summary = json.loads((batch_dir / "summary.json").read_text(encoding="utf-8"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles reviewed"] == "4"
    assert metrics["Major flags"] == str(summary["flags_by_severity"]["major"])
    assert len(at.get("vega_lite_chart")) == 3  # quality, flags, trend
    assert [s.value for s in at.subheader] == ["Worst articles", "Worst segments"]
    at.selectbox(key="dashboard_trend_by").select("translator").run()
    assert not at.exception


@pytest.mark.parametrize("path, roots, element, text", [
    ("", "/", "info", "Enter the output folder"),
    ("/no/such/batch", "/", "error", "no such folder"),
    ("/etc", "/no/such", "error", "outside the folders this app may open (/no/such; start it with"),
])
def test_view_without_a_batch(path, roots, element, text, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", roots)
    at = AppTest.from_function(_app, args=(path,), default_timeout=30).run()
    assert not at.exception
    assert text in getattr(at, element)[0].value


def test_charts_of_a_large_batch_stay_small():
    n = 12_000  # more rows than Altair embeds by default (5,000)
    segs = pd.DataFrame({"quality": [i % 100 for i in range(n)], "align_score": [0.5] * n})
    data = dashboard.BatchData(dashboard.Path("x"), pd.DataFrame(), segs, pd.DataFrame(), pd.DataFrame(), {})
    spec = dashboard.quality_chart(data).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 30
    assert sum(r["segments"] for r in rows) == n
    assert rows[0] == {"start": 0.0, "end": 3.3, "segments": 480}  # 0, 1, 2, 3 (x 120)


def test_worst_tables_open_in_one_click_with_the_reviewer_and_no_empty_columns(batch_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(batch_dir.parent))
    at = AppTest.from_function(_app, args=(str(batch_dir),), default_timeout=60)
    at.query_params["reviewer"] = "Aiko <b>"
    at.run()
    assert not at.exception
    tables = [h.value for h in at.html if "mtr-dash" in h.value]
    assert len(tables) == 2
    worst = tables[0]
    first_cell = worst.split("<tbody><tr><td>", 1)[1]
    link = dashboard.review_link(batch_dir, "padded")  # the reviewer's name is not in a link
    assert first_cell.startswith(f'<a href="{html.escape(link)}" target="_blank"')  # the link comes first
    assert "<th>review</th><th>article_id</th>" in worst and "<b>" not in worst
    frame = dashboard.worst_articles(dashboard.load_batch(batch_dir))
    empty = [c for c in frame.columns if frame[c].isna().all()]
    assert all(f"<th>{c}</th>" not in worst for c in empty)


def test_link_first_drops_empty_columns():
    table = pd.DataFrame({"a": [1, 2], "date": [None, None], "desk": ["", " "], "review": ["?x", "?y"]})
    assert list(dashboard.link_first(table).columns) == ["review", "a"]


def test_mqm_pass_rate_per_translator_and_desk(batch_dir):
    data = dashboard.load_batch(batch_dir)
    arts = data.articles
    for by in ("translator", "desk"):
        table = dashboard.trend_table(data, by).set_index(by)
        for name, group in arts.dropna(subset=[by]).groupby(by):
            assert table.loc[name, "mqm_pass_rate"] == round(group["mqm_pass"].astype(float).mean(), 4)
            assert table.loc[name, "mean_mqm_score"] == round(group["mqm_score"].mean(), 4)
        assert {"mqm_pass_rate", "mean_mqm_score"} <= set(dashboard.trend_metrics(data, by))


def test_batch_without_mqm_columns_has_no_mqm_trend(batch_dir, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(batch_dir, old)
    for p in old.glob("*.parquet"):
        p.unlink()
    arts = pd.read_csv(old / "articles.csv").drop(columns=["mqm_penalty", "mqm_words", "mqm_score", "mqm_pass"])
    arts.to_csv(old / "articles.csv", index=False)
    metrics = dashboard.trend_metrics(dashboard.load_batch(old), "desk")
    assert "flags_per_article" in metrics and "mqm_pass_rate" not in metrics


@pytest.fixture(scope="module")
def numeric_ids(tmp_path_factory):
    """A batch whose article ids look like numbers ("007", "1e3"): CSV-only and Parquet-only copies."""
    root = tmp_path_factory.mktemp("numeric")
    (root / "in").mkdir()
    for name in ("007", "1e3"):
        for lang in ("en", "ja"):
            shutil.copy(TEST_DATA / "batch" / f"abcnews.420102.{lang}.txt", root / "in" / f"{name}.{lang}.txt")
    batch.run_batch(root / "in", root / "out", workers=1, quiet=True)
    for fmt, other in (("csv", "parquet"), ("parquet", "csv")):
        shutil.copytree(root / "out", root / fmt)
        for p in (root / fmt).glob(f"*.{other}"):
            p.unlink()
    return root


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_ids_that_look_like_numbers_stay_text(numeric_ids, fmt):
    data = dashboard.load_batch(numeric_ids / fmt)
    assert list(data.articles["article_id"]) == ["007", "1e3"]
    assert sorted(set(data.segments["article_id"])) == ["007", "1e3"]
    assert set(data.flags["article_id"]) <= {"007", "1e3"}
    worst = dashboard.worst_segments(data, n=2)
    assert list(worst["review"]) == [dashboard.review_link(data.path, a, segment=int(s)) for a, s in
                                     zip(worst["article_id"], worst["segment_id"], strict=True)]
    assert all("article=007" in r or "article=1e3" in r for r in worst["review"])


def test_a_damaged_table_is_one_clear_line(batch_dir, tmp_path):
    broken = tmp_path / "out"
    shutil.copytree(batch_dir, broken)
    (broken / "segments.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError) as err:
        dashboard.load_batch(broken)
    assert str(err.value).startswith(f"{broken / 'segments.parquet'}: cannot read this batch table (")
    assert "\n" not in str(err.value)
