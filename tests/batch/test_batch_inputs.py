"""Manifests say whether a cell is a path or the text, and paths stay inside the manifest's folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_DATA

from mtreview.batch import runner as batch
from mtreview.batch.inputs import discover
from mtreview.batch.pairs import MAX_NAME_BYTES, safe_name
from mtreview.cli.main import main
from mtreview.config import from_dict

FIXTURES = TEST_DATA / "batch"
EN = (FIXTURES / "abcnews.420102.en.txt").read_text(encoding="utf-8")
JA = (FIXTURES / "abcnews.420102.ja.txt").read_text(encoding="utf-8")
HASHING = from_dict({"align": {"embedder": "hashing"}})


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _errors(out: Path) -> dict[str, str]:
    return {e["id"]: e["reason"] for e in map(json.loads, (out / "errors.jsonl").read_text("utf-8").splitlines())}


def test_paths_outside_the_manifest_folder_are_refused_per_row(tmp_path):
    (tmp_path / "secret.en.txt").write_text("The secret plan of the board.\n", encoding="utf-8")
    (tmp_path / "m" / "ok.en.txt").parent.mkdir()
    (tmp_path / "m" / "ok.en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "m" / "link.en.txt").symlink_to(tmp_path / "secret.en.txt")
    manifest = _jsonl(tmp_path / "m" / "manifest.jsonl", [
        {"id": "etc", "en_path": "/etc/passwd", "ja_text": JA},
        {"id": "dotdot", "en_path": "../../secret.en.txt", "ja_text": JA},
        {"id": "dotdot1", "en_path": "../secret.en.txt", "ja_text": JA},
        {"id": "link", "en_path": "link.en.txt", "ja_text": JA},
        {"id": "ok", "en_path": "ok.en.txt", "ja_text": JA},
    ])
    out = tmp_path / "out"
    result = batch.run_batch(manifest, out, HASHING, workers=1, quiet=True)
    assert (result.reviewed, result.failed) == (1, 0)
    errors = _errors(out)
    assert sorted(errors) == ["dotdot", "dotdot1", "etc", "link"]
    assert all("outside" in r and "--allow-outside-root" in r for r in errors.values())
    everything = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert b"secret plan" not in everything and b"root:" not in everything


def test_folder_links_out_of_the_folder_are_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("The secret plan of the board.\n", encoding="utf-8")
    (folder / "leak.en.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "leak.ja.txt").write_text(JA, encoding="utf-8")
    (folder / "inner.en.txt").symlink_to(folder / "leak.ja.txt")  # a link inside the folder is fine
    (folder / "inner.ja.txt").write_text(JA, encoding="utf-8")
    pairs, problems = discover(folder)
    assert [p.id for p in pairs] == ["inner"]
    assert [p.id for p in problems] == ["leak"] and "a link to a file outside" in problems[0].reason
    assert [p.id for p in discover(folder, allow_outside_root=True)[0]] == ["inner", "leak"]


def test_allow_outside_root_and_root_option(tmp_path, capsys):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "a.en.txt").write_text(EN, encoding="utf-8")
    manifest = _jsonl(tmp_path / "m" / "manifest.jsonl", [
        {"id": "a", "en_path": str(tmp_path / "shared" / "a.en.txt"), "ja_text": JA}])
    pairs, problems = discover(manifest)
    assert not pairs and "outside" in problems[0].reason
    pairs, problems = discover(manifest, root=tmp_path / "shared")
    assert [p.id for p in pairs] == ["a"] and not problems
    pairs, problems = discover(manifest, allow_outside_root=True)
    assert [p.id for p in pairs] == ["a"] and not problems
    config = tmp_path / "hashing.toml"
    config.write_text('[align]\nembedder = "hashing"\n', encoding="utf-8")
    argv = ["batch", str(manifest), "--workers", "1", "--quiet", "--config", str(config), "--out"]
    assert main([*argv, str(tmp_path / "o1"), "--root", str(tmp_path)]) == 0
    assert main([*argv, str(tmp_path / "o2"), "--allow-outside-root"]) == 0
    assert main([*argv, str(tmp_path / "o3")]) == 2  # nothing reviewable: the one row is refused
    assert "outside" in _errors(tmp_path / "o3")["a"]


def test_a_text_cell_is_never_read_as_a_file(tmp_path):
    (tmp_path / "Tokyo").write_text("The contents of a file that happens to be called Tokyo.\n", encoding="utf-8")
    manifest = _jsonl(tmp_path / "manifest.jsonl", [{"id": "t", "en_text": "Tokyo", "ja_text": "東京"}])
    pairs, _ = discover(manifest)
    assert pairs[0].src.text == "Tokyo" and pairs[0].src.path is None
    review = batch.review_article(pairs[0], HASHING)
    assert review.segments[0].src == "Tokyo"


@pytest.mark.parametrize("row, reason", [
    ({"id": "e", "en_text": "The minister resigned on Monday.", "ja_text": "  "}, "ja_text: empty text"),
    ({"id": "w", "en_text": "The minister resigned on Monday.", "ja_text": "The minister resigned on Monday."},
     "ja_text: expected Japanese"),
])
def test_a_bad_text_cell_is_named_by_its_column(tmp_path, row, reason):
    """An empty or English `ja_text` cell was reported as "input: empty file": neither a file nor
    saying which column; the reason now names the cell's column."""
    manifest = _jsonl(tmp_path / "manifest.jsonl", [row])
    assert main(["batch", str(manifest), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1"]) == 2
    assert _errors(tmp_path / "out")[row["id"]].startswith(reason)


@pytest.mark.parametrize("rows, message", [
    ([{"id": "a", "en": "x.en.txt", "ja": "x.ja.txt"}],
     "column 'en' does not say whether it holds a path or the text: rename it en_path or en_text"),
    ([{"id": "a", "en_text": "Hi.", "tgt": "やあ。"}],
     "column 'tgt' does not say whether it holds a path or the text: rename it ja_path or ja_text"),
    ([{"en_text": "Hi.", "ja_text": "やあ。"}], "needs an 'id' column; found en_text, ja_text"),
    ([{"id": {"a": 1}, "en_text": "Hi.", "ja_text": "やあ。"}], "row 1: 'id' must be text or a whole number, not dict"),
    ([{"id": 1.5, "en_text": "Hi.", "ja_text": "やあ。"}], "row 1: 'id' must be text or a whole number, not 1.5"),
])
def test_manifest_schema_errors_are_one_line(tmp_path, capsys, rows, message):
    manifest = _jsonl(tmp_path / "manifest.jsonl", rows)
    assert main(["batch", str(manifest), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


S_EN, S_JA = "North Korea said on Sunday it agreed.", "北朝鮮は日曜日、合意したと述べた。"


@pytest.mark.parametrize("name, content, message", [
    ("pairs.tsv", f"src\ttgt\n{S_EN}\t{S_JA}\n", "pairs.tsv: a segment file, not a batch input"),
    ("pairs.xlf", (TEST_DATA / "pairs.xlf").read_text(encoding="utf-8"), "(or put it in a folder to batch it"),
    ("pairs.jsonl", json.dumps({"src": S_EN, "tgt": S_JA}, ensure_ascii=False) + "\n",
     "columns 'src' and 'tgt' hold one segment a row"),
    ("pairs.csv", f"source,target\n{S_EN},{S_JA}\n",
     "columns 'source' and 'target' hold one segment a row"),
    ("ids.jsonl", json.dumps({"id": "1", "en": S_EN, "ja": S_JA}, ensure_ascii=False) + "\n",
     "column 'en' does not say whether it holds a path or the text"),
])
def test_a_segment_file_given_to_batch_names_the_commands_that_take_it(tmp_path, capsys, name, content, message):
    """A TSV/JSONL of segments given to `batch` got "expected a folder ... manifest" or "needs an 'id'
    column": the one line now says what takes it (`review FILE`, `score FILE`), and both really do."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["batch", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert message in err and f"`mtreview review {path}`" in err and f"`mtreview score {path}`" in err, err
    config = tmp_path / "c.toml"
    config.write_text('[align]\nembedder = "hashing"\n', encoding="utf-8")
    for command in ("review", "score"):
        assert main([command, str(path), "--config", str(config), "--quiet"]) == 0, capsys.readouterr().err
    capsys.readouterr()


def test_a_parquet_manifest_or_a_manifest_with_paths_gets_no_segment_hint(tmp_path, capsys):
    """The hint is for files `review` and `score` read; a manifest with a path column keeps its message."""
    manifest = _jsonl(tmp_path / "m.jsonl", [{"id": "a", "src": "x.en.txt", "ja_path": "x.ja.txt"}])
    assert main(["batch", str(manifest), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "rename it en_path or en_text" in err and "mtreview review" not in err


def test_row_with_both_or_neither_kind_is_a_row_error(tmp_path):
    manifest = _jsonl(tmp_path / "manifest.jsonl", [
        {"id": "both", "en_text": "Hi.", "en_path": "x.txt", "ja_text": "やあ。"},
        {"id": "neither", "en_text": None, "ja_text": "やあ。"},
        {"id": "int", "en_text": 5, "ja_text": "やあ。"},
        {"id": 7, "en_text": "Hi.", "ja_text": "やあ。"},
    ])
    pairs, problems = discover(manifest)
    assert [p.id for p in pairs] == ["7"]
    assert [(p.id, p.reason) for p in problems] == [
        ("both", "both en_path and en_text are given; keep one"),
        ("int", "en_text must be text, not int"),
        ("neither", "no en_path or en_text"),
    ]


@pytest.mark.parametrize("article_id", ["記" * 100, "a" * 300, "desk/" * 80, "記事" * 40 + "/x"])
def test_long_ids_get_short_unique_file_names(article_id):
    name = safe_name(article_id)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe_name(article_id + "2") != name
    assert safe_name(article_id) == name  # deterministic: a rerun finds its files


def test_long_article_id_is_reviewed_kept_intact_and_resumed(tmp_path):
    long_id = "東京都知事選挙の結果について" * 12 + "/2024"  # ~500 bytes: too long for a file name
    manifest = _jsonl(tmp_path / "manifest.jsonl", [{"id": long_id, "en_text": EN, "ja_text": JA},
                                                    {"id": "short", "en_text": EN, "ja_text": JA}])
    out = tmp_path / "out"
    first = batch.run_batch(manifest, out, HASHING, workers=1, quiet=True)
    assert (first.reviewed, first.failed) == (2, 0)
    path = batch.review_file(out, long_id)
    assert path.is_file() and len(path.name.encode("utf-8")) < 255
    assert json.loads(path.read_text(encoding="utf-8"))["meta"]["article"]["id"] == long_id
    import csv

    with (out / "articles.csv").open(encoding="utf-8", newline="") as fh:
        assert [r["article_id"] for r in csv.DictReader(fh)] == sorted([long_id, "short"])
    second = batch.run_batch(manifest, out, HASHING, workers=1, quiet=True)
    assert (second.reviewed, second.skipped) == (0, 2)


def test_parquet_manifest_mixing_paths_and_texts(tmp_path):
    import pandas as pd

    (tmp_path / "a.en.txt").write_text(EN, encoding="utf-8")
    pd.DataFrame([{"id": "a", "en_path": "a.en.txt", "en_text": None, "ja_text": JA},
                  {"id": "b", "en_path": None, "en_text": EN, "ja_text": JA}]).to_parquet(tmp_path / "m.parquet")
    pairs, problems = discover(tmp_path / "m.parquet")
    assert not problems
    assert [(p.id, p.src.path is not None, p.src.text is not None) for p in pairs] == [
        ("a", True, False), ("b", False, True)]


def test_utf16_jsonl_manifest_is_read(tmp_path):
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_bytes(json.dumps({"id": "a", "en_text": "Hi.", "ja_text": "やあ。"},
                                    ensure_ascii=False).encode("utf-16"))
    pairs, _ = discover(manifest)
    assert [(p.id, p.src.text, p.tgt.text) for p in pairs] == [("a", "Hi.", "やあ。")]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-16"])
def test_csv_manifest_and_metadata_as_excel_saves_them(tmp_path, encoding):
    """Excel on a Japanese Windows saves CSV as Shift_JIS (CP932); "CSV UTF-8" adds a BOM."""
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes("id,en_text,ja_text,desk,translator\r\na,Hi.,やあ。,政治部,山田\r\n".encode(encoding))
    pairs, problems = discover(manifest)
    assert problems == []
    assert [(p.id, p.src.text, p.tgt.text, p.meta["desk"], p.meta["translator"]) for p in pairs] == [
        ("a", "Hi.", "やあ。", "政治部", "山田")]
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in ("en.txt", "ja.txt"):
        (folder / f"abcnews.420102.{suffix}").write_bytes((FIXTURES / f"abcnews.420102.{suffix}").read_bytes())
    (folder / "metadata.csv").write_bytes("name,desk\r\nabcnews.420102,国際部\r\n".encode(encoding))
    pairs, _ = discover(folder)
    assert [(p.id, p.meta["desk"]) for p in pairs] == [("abcnews.420102", "国際部")]


def test_a_csv_manifest_mixing_paths_and_texts_leaves_the_other_cell_blank(tmp_path):
    """A CSV has no null: a manifest with both en_path and en_text columns (some rows name a file,
    others hold the text) leaves one cell blank per row. Every row was refused as "both en_path and
    en_text are given"; a blank cell now stands for no value when the other cell has one."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.en.txt").write_text(EN, encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes("id,en_path,en_text,ja_path,ja_text\r\n"
                         "a,files/a.en.txt,,,やあ。\r\n"
                         "b,,Hi.,, \r\n"
                         "c,files/a.en.txt,Hi.,,やあ。\r\n".encode("cp932"))
    pairs, problems = discover(manifest)
    assert [(p.id, p.src.path, p.src.text, p.tgt.text) for p in pairs] == [
        ("a", str(tmp_path / "files" / "a.en.txt"), None, "やあ。")]
    assert [(p.id, p.reason) for p in problems] == [
        ("b", "no ja_path or ja_text"), ("c", "both en_path and en_text are given; keep one")]


@pytest.mark.parametrize("name, content, message", [
    ("m.jsonl", b'{"id": "a", "en_text": ' + b"[" * 100000 + b"]" * 100000 + b"}\n", "nested too deeply"),
    ("m.jsonl", b'{"id": NaN, "en_text": "Hi.", "ja_text": "x"}\n', "NaN is not a JSON number"),
    ("m.jsonl", b'{"id": 1e400, "en_text": "Hi.", "ja_text": "x"}\n', "1e400 is not a JSON number"),
    ("m.jsonl", b"\x80\x81 not text\n", "not UTF-8 or UTF-16 text"),
    ("m.csv", 'id,en_text,ja_text\n1,"Hi.,やあ。\n2,Bye.,"さよなら"\n'.encode(), "a stray quote?"),
    ("m.csv", 'id,en_text,ja_text\n1,Hi.,やあ。,extra\n'.encode(), "expected 3 fields as in the header, got 4"),
])
def test_bad_manifests_are_one_line_errors(tmp_path, capsys, name, content, message):
    (tmp_path / name).write_bytes(content)
    assert main(["batch", str(tmp_path / name), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


@pytest.mark.parametrize("metadata, message", [
    ("name,date,desk\nabcnews.420102,2021-03-01\n", "expected 3 fields as in the header, got 2"),
    ('name,date,desk\nabcnews.420102,"2021-03-01,world\nx,y,z\n', "a stray quote?"),
    ("name,date\nabcnews.420102,2021\nabcnews.420102,2022\n", "'abcnews.420102' appears twice"),
    ("article,date\nabcnews.420102,2021\n", "needs a 'name' column"),
])
def test_malformed_metadata_csv_is_an_error(tmp_path, capsys, metadata, message):
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in ("en.txt", "ja.txt"):
        (folder / f"abcnews.420102.{suffix}").write_bytes((FIXTURES / f"abcnews.420102.{suffix}").read_bytes())
    (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    assert main(["batch", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_a_misnamed_file_in_a_folder_is_named_in_a_warning_not_silently_left_out(tmp_path, caplog):
    """An editor saves one article as ``bbc 500856_en.txt``: the batch reviews the others and says
    which files it did not take, instead of reporting fewer articles without a word."""
    import logging

    from mtreview.batch.inputs import discover

    (tmp_path / "a.en.txt").write_text("North Korea said on Sunday it agreed.", encoding="utf-8")
    (tmp_path / "a.ja.txt").write_text("北朝鮮は日曜日、合意したと述べた。", encoding="utf-8")
    (tmp_path / "b_en.txt").write_text("Russia said on Monday it agreed.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("name,date,desk,translator\na,2021-03-01,world,tanaka\n", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    with caplog.at_level(logging.WARNING, logger="mtreview.batch.inputs"):
        pairs, problems = discover(tmp_path)
    assert [p.id for p in pairs] == ["a"] and problems == []
    [warning] = [r.getMessage() for r in caplog.records]
    assert "1 file(s)" in warning and warning.endswith(": b_en.txt")


def test_articles_in_subfolders_are_reviewed_with_their_relative_path_as_id(tmp_path, caplog):
    """An archive kept as ``2024/01/NAME.en.txt``: the articles of subfolders were silently left out
    (a folder holding only year folders was "no article pairs found"). They are now read, their id
    is the path below the input folder; hidden folders and a batch output folder inside it are not."""
    import logging

    for sub in ("2024/01", "2024/02", ".git", "out"):
        (tmp_path / "in" / sub).mkdir(parents=True)
    for sub, name in (("2024/01", "a"), ("2024/02", "a"), (".git", "h")):
        (tmp_path / "in" / sub / f"{name}.en.txt").write_text(EN, encoding="utf-8")
        (tmp_path / "in" / sub / f"{name}.ja.txt").write_text(JA, encoding="utf-8")
    (tmp_path / "in" / "2024" / "notes.txt").write_text("to do", encoding="utf-8")
    (tmp_path / "in" / "2024" / "01" / "b.en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "in" / "metadata.csv").write_text("name,desk\n2024/02/a,国際部\n", encoding="utf-8")
    (tmp_path / "in" / "out" / ".lock").write_text("1\n", encoding="utf-8")
    (tmp_path / "in" / "out" / "x.en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "in" / "2024" / "02" / "a.ja.html").write_text(f"<p>{JA}</p>", encoding="utf-8")
    (tmp_path / "in" / "2024" / "02" / "a.ja.txt").rename(tmp_path / "in" / "2024" / "02" / "a.ja.txt.bak")
    (tmp_path / "in" / "2024" / "02" / "a.ja_files").mkdir()  # saved by a browser with the page
    (tmp_path / "in" / "2024" / "02" / "a.ja_files" / "style.css").write_text("p {}", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mtreview.batch.inputs"):
        pairs, problems = discover(tmp_path / "in")
    assert [(p.id, p.key, p.meta.get("desk")) for p in pairs] == [
        ("2024/01/a", "2024_01_a", None), ("2024/02/a", "2024_02_a", "国際部")]
    assert pairs[0].src.path == str(tmp_path / "in" / "2024" / "01" / "a.en.txt")
    assert [(p.id, p.reason) for p in problems] == [
        ("2024/01/b", "needs one English and one Japanese file, found 0 Japanese files")]
    assert [r.getMessage().rsplit(": ", 1)[1] for r in caplog.records] == ["2024/notes.txt, 2024/02/a.ja.txt.bak"]
    out = tmp_path / "result"
    assert batch.run_batch(tmp_path / "in", out, HASHING, workers=1, quiet=True).reviewed == 2
    assert batch.review_file(out, "2024/02/a").is_file()


def test_a_failed_article_is_warned_with_its_reason(tmp_path, caplog):
    """On stderr as in errors.jsonl: 'article b failed: .../b.ja.txt: empty file', not only 'see errors.jsonl'."""
    import logging

    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in ("en.txt", "ja.txt"):
        (folder / f"a.{suffix}").write_bytes((FIXTURES / f"abcnews.420102.{suffix}").read_bytes())
    (folder / "b.en.txt").write_bytes((FIXTURES / "abcnews.420102.en.txt").read_bytes())
    (folder / "b.ja.txt").write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="mtreview.batch.runner"):
        batch.run_batch(folder, tmp_path / "out", HASHING, workers=1, quiet=True)
    warned = [r.getMessage() for r in caplog.records if "article b failed" in r.getMessage()]
    assert len(warned) == 1 and "b.ja.txt: empty file" in warned[0], warned


def test_ids_that_differ_only_in_case_are_duplicates(tmp_path):
    """`Story.en.txt` and `story.en.txt` wrote `Story.review.json` and `story.review.json`: one file
    on Windows and macOS (and on their shares), where each run then took the other's result as stale
    and the batch never settled. The second is now reported as a duplicate, saying why."""
    for name in ("Story", "story", "other"):
        (tmp_path / f"{name}.en.txt").write_text(EN, encoding="utf-8")
        (tmp_path / f"{name}.ja.txt").write_text(JA, encoding="utf-8")
    pairs, problems = discover(tmp_path)
    assert [p.id for p in pairs] == ["Story", "other"]
    assert [(p.id, p.reason) for p in problems] == [
        ("story", "duplicate article id (file name 'story' already used as 'Story': names that differ only"
                  " in case are one file on Windows and macOS)")]


def test_a_broken_link_is_named_not_counted_as_a_missing_file(tmp_path):
    """`a.en.txt` a link to a file since moved: the article was reported as "found 0 English files",
    which sent the editor looking for a file that is there. Its reason now names the link."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.en.txt").symlink_to(folder / "moved.txt")
    (folder / "a.ja.txt").write_text(JA, encoding="utf-8")
    (folder / "b.en.txt").write_text(EN, encoding="utf-8")
    (folder / "b.ja.txt").write_text(JA, encoding="utf-8")
    out = tmp_path / "out"
    assert batch.run_batch(folder, out, HASHING, workers=1, quiet=True).reviewed == 1
    assert _errors(out) == {"a": f"{folder / 'a.en.txt'}: cannot read (No such file or directory)"}


def test_xliff_and_tmx_files_in_a_folder_are_one_article_each(tmp_path, caplog):
    """A CAT tool's XLIFF or TMX holds both sides of an article: in a batch folder they were listed as
    ignored files (a folder of them: "no article pairs found"). Each is now one article, reviewed as
    `mtreview review FILE.xlf` reviews it; a name with both an XLIFF and .en/.ja files is a problem."""
    import logging

    from mtreview import pipeline
    from mtreview.io.segment_files import load_pairs

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story 1.xlf").write_bytes((TEST_DATA / "pairs.xlf").read_bytes())
    (folder / "memo.tmx").write_bytes((TEST_DATA / "pairs.tmx").read_bytes())
    (folder / "both.sdlxliff").write_bytes((TEST_DATA / "pairs.xlf").read_bytes())
    (folder / "both.en.txt").write_text(EN, encoding="utf-8")
    (folder / "bad.xlf").write_text("<xliff>cut short", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mtreview.batch.inputs"):
        pairs, problems = discover(folder)
    assert caplog.records == []  # nothing left out unsaid
    assert [p.id for p in pairs] == ["bad", "memo", "story 1"]
    assert [(p.id, p.reason) for p in problems] == [
        ("both", "1 bilingual file(s) (XLIFF/TMX) and 1 article file(s) of this name: keep one")]
    out = tmp_path / "out"
    result = batch.run_batch(folder, out, HASHING, workers=1, quiet=True)
    assert (result.reviewed, result.failed) == (2, 1)
    assert "invalid XML" in _errors(out)["bad"]
    record = json.loads(batch.review_file(out, "story 1").read_text(encoding="utf-8"))
    src, tgt = load_pairs(folder / "story 1.xlf")
    alone = pipeline.review(src, tgt, HASHING, pipeline.load_models(HASHING))
    assert [(s["src"], s["tgt"]) for s in record["segments"]] == [(s.src, s.tgt) for s in alone.segments]
    assert record["meta"]["src"]["format"] == "xliff" and record["meta"]["article"]["src_path"].endswith(".xlf")
