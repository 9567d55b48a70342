"""`mtreview export`: review records, a review database and batch folders out to CAT/Excel/HTML/MQM files."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import TEST_DATA
from lxml import etree

from mtreview.batch import runner as batch
from mtreview.checks import suppression_key
from mtreview.cli.main import main
from mtreview.records import review_from_dict
from mtreview.ui.store import FlagDecision, Store

CAT = TEST_DATA / "cat"
X12 = {"x": "urn:oasis:names:tc:xliff:document:1.2"}


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    """`mtreview review memoq.mqxliff --out R.json` on a copy of the memoQ file."""
    d = tmp_path_factory.mktemp("exp")
    shutil.copy(CAT / "memoq.mqxliff", d / "memoq.mqxliff")
    record = d / "memoq.review.json"
    assert main(["review", str(d / "memoq.mqxliff"), "--out", str(record), "--format", "text"]) == 0
    return record


def _export(capsysbinary, *argv) -> bytes:
    capsysbinary.readouterr()
    assert main(["export", *map(str, argv)]) == 0
    return capsysbinary.readouterr().out


def test_xliff_round_trips_the_file_the_review_came_from(reviewed, capsysbinary):
    out = _export(capsysbinary, reviewed, "--format", "xliff")
    root = etree.fromstring(out)
    assert root.xpath("//x:trans-unit/@id", namespaces=X12) == ["1", "2"]
    assert root.xpath("//x:file/@original", namespaces=X12) == ["pakistan_militants.html"]
    assert len(root.xpath("//x:target//x:bpt | //x:target//x:ept | //x:target//x:ph", namespaces=X12)) == 4


def test_db_edits_and_decisions_apply(reviewed, tmp_path, capsysbinary):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    review = review_from_dict(json.loads(reviewed.read_text(encoding="utf-8")))
    seg = review.segments[1]
    flag = next(f for f in seg.flags if f.check == "numbers")
    store = Store(url)
    art = store.open_article("memoq", "src", "tgt", "upload")
    store.save_segment(art.id, 1, "sato", 0, edit="警察によると、月曜日の攻撃で12人が死亡した。", reviewed=True,
                       decisions=(FlagDecision(suppression_key(flag, seg.tgt), "numbers", "21", "accept"),))
    store.close()
    out = _export(capsysbinary, reviewed, "--format", "xliff", "--db", url, "--article", art.id)
    root = etree.fromstring(out)
    unit = root.xpath("//x:trans-unit[@id='2']", namespaces=X12)[0]
    target = unit.find("x:target", X12)
    assert "".join(target.itertext()) == "警察によると、月曜日の攻撃で12人が死亡した。"
    assert target.get("state") == "signed-off" and unit.get("{MQXliff}status") == "Reviewer1Confirmed"
    assert "[accepted by sato]" in out.decode()  # credited to whoever decided
    mqm_tsv = _export(capsysbinary, reviewed, "--format", "mqm", "--db", url, "--article", art.id).decode()
    rows = list(csv.reader(io.StringIO(mqm_tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0][:4] == ["system", "doc", "docSegId", "globalSegId"]
    assert any(r[8] == "Major" and "<v>21</v>" in r[6] for r in rows[1:])


def test_html_and_mqm_credit_each_action_to_whoever_did_it(reviewed, tmp_path, capsysbinary):
    """Aiko edits and comments, Ben accepts a flag and marks the segment reviewed: each is credited."""
    url = f"sqlite:///{tmp_path / 'credits.db'}"
    review = review_from_dict(json.loads(reviewed.read_text(encoding="utf-8")))
    seg = review.segments[1]
    flag = next(f for f in seg.flags if f.check == "numbers")
    store = Store(url)
    art = store.open_article("memoq", "src", "tgt", "upload")
    store.save_segment(art.id, 1, "Aiko", 0, edit="警察によると、12人が死亡した。", comment="数字を確認")
    store.save_segment(art.id, 1, "<b>Ben</b>", 1, reviewed=True,
                       decisions=(FlagDecision(suppression_key(flag, seg.tgt), "numbers", "21", "accept"),))
    store.close()
    page = _export(capsysbinary, reviewed, "--format", "html", "--db", url, "--article", art.id).decode()
    assert "edited by Aiko: 警察によると、12人が死亡した。" in page
    assert "comment by Aiko: 数字を確認" in page
    assert "reviewed by &lt;b&gt;Ben&lt;/b&gt;" in page and "<b>Ben</b>" not in page  # a name is text
    assert "(accepted by &lt;b&gt;Ben&lt;/b&gt;)" in page
    assert "edited by" not in _export(capsysbinary, reviewed, "--format", "html").decode()  # no db: no credits

    tsv = _export(capsysbinary, reviewed, "--format", "mqm", "--db", url, "--article", art.id).decode()
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    numbers = [json.loads(r[9]) for r in rows[1:] if r[2] == "2" and json.loads(r[9]).get("check") == "numbers"]
    assert numbers and all(m["decision"] == "accept" for m in numbers)
    assert {(m["decided_by"], m["edited_by"], m["commented_by"], m["reviewed_by"]) for m in numbers} == {
        ("<b>Ben</b>", "Aiko", "Aiko", "<b>Ben</b>")}
    undecided = [json.loads(r[9]) for r in rows[1:] if r[2] == "2" and json.loads(r[9]).get("check") != "numbers"]
    assert all("decided_by" not in m and m["edited_by"] == "Aiko" for m in undecided)
    untouched = [json.loads(r[9]) for r in rows[1:] if r[2] == "1"]  # nothing saved on the first segment
    assert untouched and not any(k.endswith("_by") for m in untouched for k in m)


def test_csv_with_bom_xlsx_and_html(reviewed, tmp_path, capsysbinary):
    data = _export(capsysbinary, reviewed, "--format", "csv", "--bom")
    assert data.startswith("\ufeff".encode()) and "警察によると".encode() in data
    assert not _export(capsysbinary, reviewed, "--format", "csv").startswith(b"\xef\xbb\xbf")

    from openpyxl import load_workbook

    assert main(["export", str(reviewed), "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")]) == 0
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["segments", "flags", "summary"]
    header = [c.value for c in wb["segments"][1]]
    assert header[:4] == ["article_id", "id", "src", "tgt"] and "mqm_penalty" in header
    assert wb["segments"].max_row == 3
    assert [c.value for c in wb["flags"][2]][:3] == [1, "numbers", "accuracy/mistranslation"]

    page = _export(capsysbinary, reviewed, "--format", "html").decode()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "MQM score" in page
    assert '<mark class="major"' in page and ">21</mark>" in page
    assert not re.search(r"<script|<link|<img|src=\"http|url\(", page)  # self-contained


def test_tmx_from_a_plain_review_is_a_new_memory(tmp_path, capsysbinary):
    from translate.storage import tmx

    record = tmp_path / "r.json"
    assert main(["review", str(TEST_DATA / "pairs.tsv"), "--out", str(record), "--format", "text"]) == 0
    out = _export(capsysbinary, record, "--format", "tmx")
    units = tmx.tmxfile.parsestring(out).units
    review = review_from_dict(json.loads(record.read_text(encoding="utf-8")))
    assert [u.source for u in units] == [s.src for s in review.segments]
    assert [u.target for u in units] == [s.tgt for s in review.segments]


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["nope.json", "--format", "csv"], 2, "nope.json: no such file"),
        (["missing.db", "--format", "csv"], 2, "missing.db: no such database file"),
    ],
)
def test_bad_input_is_one_line(argv, code, message, capsys):
    assert main(["export", *argv]) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_not_a_review_record(tmp_path, capsys):
    (tmp_path / "x.json").write_text('{"a": 1}', encoding="utf-8")
    assert main(["export", str(tmp_path / "x.json"), "--format", "html"]) == 2
    assert "not a review record" in capsys.readouterr().err


def test_missing_original_is_named(reviewed, tmp_path, capsys):
    moved = tmp_path / "elsewhere.json"
    data = json.loads(reviewed.read_text(encoding="utf-8"))
    data["meta"]["src"]["path"] = str(tmp_path / "gone.mqxliff")
    moved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["export", str(moved), "--format", "xliff"]) == 2
    assert "give --original FILE" in capsys.readouterr().err
    assert main(["export", str(moved), "--format", "xliff", "--original", str(CAT / "memoq.mqxliff"),
                 "--out", str(tmp_path / "o.xlf")]) == 0


def test_database_needs_an_article_when_it_holds_several(tmp_path, capsys):
    db = tmp_path / "r.db"
    store = Store(f"sqlite:///{db}")
    store.open_article("one", "a", "b")
    store.open_article("two", "c", "d")
    store.close()
    assert main(["export", str(db), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "give --article ID" in err and "(one)" in err and "(two)" in err


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    shutil.copytree(TEST_DATA / "batch", d / "in")
    batch.run_batch(d / "in", d / "out", workers=1, quiet=True)
    return d / "out"


def test_batch_folder_html_xlsx_mqm(batch_out, tmp_path, capsysbinary):
    page = _export(capsysbinary, batch_out, "--format", "html").decode()
    assert "pass rate % by desk" in page and "pass rate % by translator" in page
    assert page.count("<tr><td>") == 3  # one row per article

    from openpyxl import load_workbook

    assert main(["export", str(batch_out), "--format", "xlsx", "-o", str(tmp_path / "b.xlsx")]) == 0
    wb = load_workbook(tmp_path / "b.xlsx")
    assert wb.sheetnames == ["articles", "segments", "flags", "summary"]
    assert wb["articles"].max_row == 4

    tsv = _export(capsysbinary, batch_out, "--format", "mqm").decode()
    docs = {line.split("\t")[1] for line in tsv.splitlines()[1:]}
    assert docs == {"abcnews.420102", "express.co.uk.44141", "shizuoka_shimbun-ja.45497"}


def test_a_batch_folder_with_only_its_csv_tables_exports_as_with_parquet(batch_out, tmp_path, capsysbinary):
    """The tables are read by their one reader (batch.table_files.read_table): Parquet, else CSV."""
    from openpyxl import load_workbook

    csv_only = tmp_path / batch_out.name  # the same folder name: the page's title names it
    shutil.copytree(batch_out, csv_only, ignore=shutil.ignore_patterns("*.parquet"))
    for fmt in ("html", "mqm"):
        assert _export(capsysbinary, csv_only, "--format", fmt) == _export(capsysbinary, batch_out, "--format", fmt)
    sheets = []
    for folder in (batch_out, csv_only):
        assert main(["export", str(folder), "--format", "xlsx", "-o", str(tmp_path / "b.xlsx")]) == 0
        wb = load_workbook(tmp_path / "b.xlsx")
        sheets.append({name: [[c.value for c in row] for row in wb[name].iter_rows()] for name in wb.sheetnames})
    assert sheets[0] == sheets[1]


def test_an_interrupted_batch_is_named_so_not_called_no_batch_folder(batch_out, tmp_path, capsys):
    """Ctrl-C keeps the finished articles but writes no tables: export and the dashboard said the
    folder was "not a batch output folder", which sent the editor looking elsewhere; they now say
    the run did not finish and how to complete it."""
    from mtreview.errors import InputError
    from mtreview.ui import dashboard

    cut = tmp_path / "interrupted"
    shutil.copytree(batch_out / "articles", cut / "articles")
    (cut / ".lock").write_text("1\n", encoding="utf-8")
    assert main(["export", str(cut), "--format", "html"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "the batch run into this folder did not finish (no summary.json" in err[0], err
    assert "rerun the same `mtreview batch` command" in err[0]
    with pytest.raises(InputError, match=r"did not finish \(no articles\.parquet or articles\.csv; interrupted\?\)"):
        dashboard.load_batch(cut)
    assert main(["export", str(tmp_path), "--format", "html"]) == 2  # no batch at all: as before
    assert "not a batch output folder (no summary.json)" in capsys.readouterr().err


def test_an_export_never_writes_over_the_batch_folder_it_reads(batch_out, tmp_path, capsys):
    """`export DIR --format html -o DIR/summary.json` replaced the batch's summary with the page
    (exit 0), and every later export, and the dashboard, then stopped with a JSONDecodeError
    traceback. The batch's own files are refused as --out; a new report beside them is fine; a
    damaged summary is one line naming it."""
    from mtreview.errors import InputError
    from mtreview.ui import dashboard

    folder = tmp_path / "batch"
    shutil.copytree(batch_out, folder)
    own = [folder / "summary.json", folder / "articles.csv", folder / "errors.jsonl",
           next((folder / "articles").glob("*.review.json"))]
    before = {p: p.read_bytes() for p in own}
    for target in own:
        assert main(["export", str(folder), "--format", "html", "-o", str(target)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "is an input file of this command" in err[0], err
    assert {p: p.read_bytes() for p in own} == before
    assert main(["export", str(folder), "--format", "html", "-o", str(folder / "report.html")]) == 0
    assert main(["export", str(folder), "--format", "html", "-o", str(folder / "report.html")]) == 0  # again
    (folder / "summary.json").write_text("<!DOCTYPE html>", encoding="utf-8")  # damaged some other way
    capsys.readouterr()
    assert main(["export", str(folder), "--format", "mqm"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "summary.json: not a batch summary (damaged or overwritten); rerun" in err[0], err
    with pytest.raises(InputError, match="not a batch summary"):
        dashboard.load_batch(folder)
    shutil.copy(batch_out / "summary.json", folder / "summary.json")
    with (folder / "errors.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "x", cut short\n')
    with pytest.raises(InputError, match=r"errors\.jsonl:1: damaged \(not a JSON object\)"):
        dashboard.load_batch(folder)


def test_batch_folder_refuses_article_formats(batch_out, capsys):
    assert main(["export", str(batch_out), "--format", "xliff"]) == 2
    assert "a batch folder exports as html, xlsx, mqm" in capsys.readouterr().err


def test_decisions_with_out_is_refused_not_written_elsewhere(batch_out, tmp_path, capsys):
    """`--format decisions` writes the table into the batch folder: an `--out FILE` used to be
    ignored silently (the user found no FILE); now it is a usage error and nothing is written."""
    out = tmp_path / "decisions.csv"
    url = f"sqlite:///{tmp_path / 'o.db'}"
    table = batch_out / "decisions.parquet"
    before = table.stat().st_mtime_ns if table.exists() else None
    assert main(["export", str(batch_out), "--format", "decisions", "--db", url, "-o", str(out)]) == 64
    err = capsys.readouterr().err
    assert "--out" in err and "decisions.csv" in err and err.count("\n") == 1
    assert not out.exists() and (table.stat().st_mtime_ns if table.exists() else None) == before


def test_decisions_of_a_review_record_names_what_it_needs(reviewed, capsys):
    """A review record given with `--format decisions` was told the format is unknown while the
    list of known formats named it; the message now says decisions are a batch folder's."""
    assert main(["export", str(reviewed), "--format", "decisions"]) == 2
    err = capsys.readouterr().err
    assert "unknown export format" not in err and "batch output folder" in err and err.count("\n") == 1


def test_batch_decisions_table_and_decided_mqm(batch_out, tmp_path, capsysbinary):
    import pyarrow.parquet as pq

    from mtreview.records import flag_from_dict

    url = f"sqlite:///{tmp_path / 'b.db'}"
    arts = pq.read_table(batch_out / "articles.parquet").to_pylist()
    flagged = next(a for a in arts if a["flags_total"] and a["mqm_penalty"] > 0)
    record = json.loads(batch.review_file(batch_out, flagged["article_id"]).read_text(encoding="utf-8"))
    seg = next(s for s in record["segments"] if s["flags"])
    f = seg["flags"][0]
    key = suppression_key(flag_from_dict(f), seg["src"] if f["side"] == "src" else seg["tgt"])
    store = Store(url)
    art = store.open_article(flagged["article_id"], "s", "t", f"batch:{batch_out}")
    store.save_segment(art.id, seg["id"], "tanaka", 0, reviewed=True,
                       decisions=(FlagDecision(key, f["check"], f["text"], "reject"),))
    store.open_article("other", "s", "t", "upload")  # not from this batch: ignored
    store.close()

    assert main(["export", str(batch_out), "--format", "decisions"]) == 2
    assert b"needs --db" in capsysbinary.readouterr().err
    assert main(["export", str(batch_out), "--format", "decisions", "--db", url]) == 0
    assert b"1 decision(s) on 1 article(s)" in capsysbinary.readouterr().err
    rows = pq.read_table(batch_out / "decisions.parquet").to_pylist()
    assert [(r["article_id"], r["segment_id"], r["check"], r["decision"], r["reviewer"]) for r in rows] == [
        (flagged["article_id"], seg["id"], f["check"], "reject", "tanaka")]
    assert rows[0]["desk"] == flagged["desk"] and rows[0]["date"] == flagged["date"]

    from mtreview.config import MqmConfig
    from mtreview.score import mqm

    weight = getattr(MqmConfig(), mqm.level(f, seg, MqmConfig()))
    tsv_all = _export(capsysbinary, batch_out, "--format", "mqm").decode()
    tsv_decided = _export(capsysbinary, batch_out, "--format", "mqm", "--db", url).decode()
    def errors(tsv):
        return sum(1 for line in tsv.splitlines()[1:] if line.split("\t")[8] != "No-error")

    assert errors(tsv_decided) == errors(tsv_all) - 1  # the rejected flag is no error any more
    credited = [json.loads(line.split("\t")[9]) for line in tsv_decided.splitlines()[1:]
                if line.split("\t")[1] == flagged["article_id"] and "reviewed_by" in line]
    assert credited and all(m["reviewed_by"] == "tanaka" for m in credited)  # who reviewed, per row
    assert "reviewed_by" not in tsv_all

    from openpyxl import load_workbook

    assert main(["export", str(batch_out), "--format", "xlsx", "--db", url, "-o", str(tmp_path / "d.xlsx")]) == 0
    wb = load_workbook(tmp_path / "d.xlsx")
    assert wb.sheetnames == ["articles", "segments", "flags", "decisions", "edits", "summary"]  # edits: tanaka reviewed
    header = [c.value for c in wb["articles"][1]]
    row = next(r for r in wb["articles"].iter_rows(min_row=2, values_only=True)
               if r[0] == flagged["article_id"])
    assert row[header.index("mqm_penalty")] == flagged["mqm_penalty"] - weight
    (batch_out / "decisions.parquet").unlink()
    (batch_out / "decisions.csv").unlink()


def test_database_article_opened_from_a_batch_uses_its_record(batch_out, tmp_path, capsysbinary):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    art = store.open_article("express.co.uk.44141", "s", "t", f"batch:{batch_out}")
    store.save_segment(art.id, 0, "sato", 0, edit="クイーン", reviewed=True)
    store.close()
    rows = list(csv.DictReader(io.StringIO(_export(capsysbinary, url, "--format", "csv").decode())))
    record = json.loads(batch.review_file(batch_out, "express.co.uk.44141").read_text(encoding="utf-8"))
    assert [r["src"] for r in rows] == [s["src"] for s in record["segments"]]
    assert (rows[0]["final"], rows[0]["reviewed"], rows[0]["reviewer"]) == ("クイーン", "True", "sato")


def test_database_article_is_reviewed_again_from_its_texts(tmp_path, capsysbinary):
    db = tmp_path / "u.db"
    store = Store(f"sqlite:///{db}")
    en = "UN says thousands of militants are in Afghanistan.\n\nPolice said 12 people died."
    ja = "国連は、数千人の過激派がアフガニスタンにいるとしている。\n\n警察によると21人が死亡した。"
    store.open_article("un", en, ja, "upload")
    store.close()
    page = _export(capsysbinary, db, "--format", "html").decode()  # the only article: no --article needed
    assert "<h1>un</h1>" in page and '<mark class="major"' in page and ">21</mark>" in page


def test_unwritable_output_is_one_line(reviewed, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["export", str(reviewed), "--format", "csv", "--out", str(blocker / "sub" / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "--out cannot be written" in err and err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["tmx", "xlsx", "html", "mqm"])
def test_registered_export_formats_render_as_the_cli_does(reviewed, capsysbinary, fmt):
    """The UI's download buttons come from registry.EXPORT_FORMATS: the same bytes as `mtreview export`
    (no edits, the review's own [mqm]; tmx: a new memory, as without the original file)."""
    from mtreview import registry
    from mtreview.ui import export

    review = review_from_dict(json.loads(reviewed.read_text(encoding="utf-8")))
    got = export.export(fmt, review, {})
    assert registry.EXPORT_FORMATS[fmt].id == fmt and got
    if fmt in ("html", "mqm"):
        assert got == _export(capsysbinary, reviewed, "--format", fmt)
    elif fmt == "tmx":
        root = etree.fromstring(got)
        assert root.tag == "tmx" and len(root.findall(".//tu")) == len(review.segments)
    else:
        assert got[:2] == b"PK"
