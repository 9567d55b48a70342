from __future__ import annotations

import json

import pytest

from mtreview.errors import InputError
from mtreview.records import Flag, Review, Segment, Severity
from mtreview.ui import sources

JA = "北朝鮮は日曜日、ロシアと戦略的・戦術的協力を進めることで合意したと発表した。"
EN = "North Korea said Sunday it had agreed with Russia to step up strategic and tactical cooperation."


@pytest.fixture(autouse=True)
def roots(tmp_path, monkeypatch):
    """The app may open folders under tmp_path only (as ``mtreview app --batch-root tmp_path``)."""
    monkeypatch.setenv(sources.ENV_ROOTS, str(tmp_path))


@pytest.mark.parametrize("folder", ["/etc", "../..", "{tmp}/../elsewhere", "~/", "{tmp}/link"])
def test_folders_outside_the_roots_are_refused(tmp_path, folder):
    (tmp_path / "link").symlink_to("/etc")  # a link out of the root does not count as inside
    path = folder.format(tmp=tmp_path)
    for call in (sources.folder_pairs, sources.batch_articles, lambda d: sources.open_batch(d, "x")):
        with pytest.raises(InputError, match=r"outside the folders this app may open|without .~."):
            call(path)


def test_folders_under_a_root_open(tmp_path, monkeypatch):
    (tmp_path / "sub" / "articles").mkdir(parents=True)
    assert sources.allowed(tmp_path / "sub") == (tmp_path / "sub").resolve()
    assert sources.allowed("sub") == (tmp_path / "sub").resolve()  # relative to the first root
    assert sources.batch_articles(tmp_path / "sub") == []
    monkeypatch.delenv(sources.ENV_ROOTS)
    monkeypatch.chdir(tmp_path)  # no roots given: the working directory
    assert sources.roots() == (tmp_path.resolve(),)


def test_folder_pairs(tmp_path):
    for name in ("a.en.txt", "a.ja.txt", "b-en.html", "b-ja.html", "c.en.txt", "notes.md", "d_JA.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    pairs = sources.folder_pairs(tmp_path)
    assert [(n, en.name, ja.name) for n, en, ja in pairs] == [
        ("a", "a.en.txt", "a.ja.txt"), ("b", "b-en.html", "b-ja.html")]


@pytest.mark.parametrize(
    "data, expected",
    [
        (JA.encode("utf-8"), JA),
        (JA.encode("shift_jis"), JA),
        (b"\xef\xbb\xbf" + JA.encode("utf-8"), JA),
    ],
)
def test_decode_upload(data, expected):
    doc = sources.decode_upload(data, "up.ja.txt", "ja")
    assert (doc.text, doc.lang, doc.path) == (expected, "ja", "up.ja.txt")


@pytest.mark.parametrize(
    "data, lang, message",
    [
        (b"   \n", "ja", "up.txt: empty file"),
        (EN.encode(), "ja", "up.txt: expected Japanese text but this looks English"),
        (b"\x00\x01\x02\xff\xfe\x00" * 10, "en", "up.txt: binary file, not text"),
    ],
)
def test_decode_upload_errors(data, lang, message):
    with pytest.raises(InputError, match=message):
        sources.decode_upload(data, "up.txt", lang)


def _batch(tmp_path) -> str:
    seg = Segment(0, EN, JA, (0,), (0,), 0.7,
                  flags=(Flag("omission", "accuracy/omission", Severity.MAJOR, "src", 0, 11, "m", EN[:11]),))
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "n-0001.review.json").write_text(
        json.dumps(Review(meta={}, segments=(seg,)).to_dict(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "articles" / "broken.review.json").write_text('{"segments": [{"id": 0}]}', encoding="utf-8")
    return str(tmp_path)


def test_open_batch_article(tmp_path):
    batch = _batch(tmp_path)
    assert sources.batch_articles(batch) == ["broken", "n-0001"]
    opened = sources.open_batch(batch, "n-0001")
    got = (opened.name, opened.src_text, opened.tgt_text, opened.source)
    assert got == ("n-0001", EN, JA, f"batch:{batch}")
    assert [f.text for f in opened.review.segments[0].flags] == ["North Korea"]


@pytest.mark.parametrize(
    "article, message",
    [
        ("../etc", "bad article id '../etc'"),
        ("missing", "no article 'missing' in this batch result"),
        ("broken", "broken.review.json: not a review record"),
    ],
)
def test_open_batch_errors(tmp_path, article, message):
    with pytest.raises(InputError, match=message):
        sources.open_batch(_batch(tmp_path), article)


def test_batch_articles_needs_a_batch_folder(tmp_path):
    with pytest.raises(InputError, match="not a batch result folder"):
        sources.batch_articles(tmp_path)
    with pytest.raises(InputError, match="runs/jna: no such folder"):  # a typo is a typo
        sources.batch_articles(tmp_path / "runs" / "jna")


def _records(tmp_path, *keys: str) -> str:
    seg = Segment(0, EN, JA, (0,), (0,), 0.7)
    (tmp_path / "articles").mkdir()
    for key in keys:
        (tmp_path / "articles" / f"{key}.review.json").write_text(
            json.dumps(Review(meta={}, segments=(seg,)).to_dict(), ensure_ascii=False), encoding="utf-8")
    return str(tmp_path)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_batch_articles_keeps_ids_that_look_like_numbers(tmp_path, fmt):
    """The last run reviewed "007" and "1e3"; "7" is a record left from an earlier run."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    batch = _records(tmp_path, "007", "7", "1e3")
    table = pa.table({"article_id": ["007", "1e3"], "segments": [1, 1]})
    (pq.write_table if fmt == "parquet" else pcsv.write_csv)(table, tmp_path / f"articles.{fmt}")
    assert sources.batch_articles(batch) == ["007", "1e3"]
    with pytest.raises(InputError, match="'7' is not among this batch's results"):
        sources.open_batch(batch, "7")


def test_batch_articles_of_a_folder_without_tables_lists_every_record(tmp_path):
    assert sources.batch_articles(_records(tmp_path, "007", "b")) == ["007", "b"]  # a run still going


def test_batch_articles_with_a_damaged_table(tmp_path):
    batch = _records(tmp_path, "a")
    (tmp_path / "articles.csv").write_text("segments\n1\n", encoding="utf-8")  # no article_id column
    with pytest.raises(InputError, match=r"articles\.csv: cannot read this batch table \(.*'article_id'"):
        sources.batch_articles(batch)
