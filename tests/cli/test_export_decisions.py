"""`mtreview export BATCH --format decisions --db URL`: the decisions a QA lead collects from the review UI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import TEST_DATA

from mtreview.batch import runner as batch
from mtreview.checks import suppression_key
from mtreview.cli.main import main
from mtreview.records import flag_from_dict
from mtreview.ui.store import FlagDecision, Store


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    shutil.copytree(TEST_DATA / "batch", d / "in")
    batch.run_batch(d / "in", d / "runs" / "jan", workers=1, quiet=True)
    return d / "runs" / "jan"


def _flagged(batch_out: Path) -> tuple[str, dict, dict, str]:
    """(article id, a flagged segment of its record, that segment's first flag, the flag's key)."""
    for path in sorted((batch_out / "articles").glob("*.review.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for seg in record["segments"]:
            if seg["flags"]:
                f = seg["flags"][0]
                key = suppression_key(flag_from_dict(f), seg["src"] if f["side"] == "src" else seg["tgt"])
                return path.name.removesuffix(".review.json"), seg, f, key
    raise AssertionError("no flag in the batch")


def _decisions(batch_out: Path, url: str, capsys) -> list[dict]:
    import pyarrow.parquet as pq

    assert main(["export", str(batch_out), "--format", "decisions", "--db", url]) == 0
    capsys.readouterr()
    rows = pq.read_table(batch_out / "decisions.parquet").to_pylist()
    (batch_out / "decisions.parquet").unlink()
    (batch_out / "decisions.csv").unlink()
    return rows


def test_a_decision_is_credited_to_whoever_decided_it(batch_out, tmp_path, capsys):
    """Tanaka rejects a flag; later Suzuki saves a comment on the same segment: the decisions table
    names Tanaka (and the time of the rejection), not the last one to save the segment."""
    aid, seg, f, key = _flagged(batch_out)
    url = f"sqlite:///{tmp_path / 'd.db'}"
    store = Store(url)
    art = store.open_article(aid, "s", "t", f"batch:{batch_out}")
    st = store.decide(art.id, seg["id"], "tanaka", 0, FlagDecision(key, f["check"], f["text"], "reject"))
    decided_at = st.updated_at
    store.save_segment(art.id, seg["id"], "suzuki", st.version, comment="checked the names")
    store.close()
    rows = _decisions(batch_out, url, capsys)
    assert [(r["article_id"], r["segment_id"], r["decision"], r["reviewer"]) for r in rows] == [
        (aid, seg["id"], "reject", "tanaka")]
    assert rows[0]["decided_at"] == decided_at.isoformat()


def test_decisions_made_on_a_batch_opened_by_a_relative_path_reach_the_export(batch_out, tmp_path, monkeypatch,
                                                                                 capsys):
    """The reviewer types the batch folder as the sidebar asks, relative to the app's --batch-root
    (``jan``), and rejects a flag; the QA lead exports the folder from elsewhere by its full path."""
    from streamlit.testing.v1 import AppTest

    aid, seg, f, _ = _flagged(batch_out)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("MTREVIEW_DB", url)
    monkeypatch.setenv("MTREVIEW_BATCH_ROOTS", str(batch_out.parent))
    monkeypatch.delenv("MTREVIEW_CONFIG", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120).run()
    at.sidebar.radio(key="open_choice").set_value("Batch result").run()
    at.sidebar.text_input(key="batch_dir").input("jan").run()
    at.sidebar.selectbox(key="batch_pick").select(aid).run()
    next(b for b in at.sidebar.button if b.label == "Open from batch").click().run()
    assert not at.exception and not at.error
    at.text_input(key="reviewer").input("tanaka").run()
    at.session_state["cur"] = seg["id"]
    at.run()
    [art] = [a for a in Store(url).articles() if a.name == aid]  # (the sample opened first)
    at.button(key=f"rej:0:{art.id}:{seg['id']}").click().run()
    assert not at.exception and not at.error
    assert Store(url).segment_state(art.id, seg["id"]).decisions[0][1] == "reject"

    monkeypatch.chdir(tmp_path)  # the QA lead's shell is elsewhere
    rows = _decisions(batch_out, url, capsys)
    assert [(r["article_id"], r["segment_id"], r["check"], r["reviewer"]) for r in rows] == [
        (aid, seg["id"], f["check"], "tanaka")]


def test_an_article_exports_without_the_flags_rejected_elsewhere_as_the_review_view_shows_it(
        tmp_path, seed_paths, capsysbinary):
    """Aiko rejected 「と述べたと述べた」 for every article; the review view of the sample no longer
    shows that flag, and its CSV export from the database must not list it as undecided either."""
    import csv
    import io

    from mtreview import pipeline
    from mtreview.config import Config
    from mtreview.io.load import load_document
    from mtreview.ui.render import flag_key

    src, tgt = (load_document(p) for p in seed_paths)
    review = pipeline.review(src, tgt, Config())
    seg = next(s for s in review.segments if any(f.check == "repetition" for f in s.flags))
    rep = next(f for f in seg.flags if f.check == "repetition")
    db = tmp_path / "s.db"
    store = Store(f"sqlite:///{db}")
    sample = store.open_article("seed (sample)", src.text, tgt.text, "sample")
    copy = store.open_article("seed copy", src.text, tgt.text, "upload")
    store.decide(copy.id, seg.id, "Aiko", 0, FlagDecision(flag_key(rep, seg), rep.check, rep.text, "reject", "global"))
    store.close()

    capsysbinary.readouterr()
    assert main(["export", str(db), "--article", sample.id, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    flags = rows[seg.id]["flags"]
    assert "repetition" not in flags and "quotes/major" in flags  # only the silenced flag is gone
    assert main(["export", str(db), "--article", copy.id, "--format", "csv"]) == 0  # where it was rejected: kept
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    assert "repetition/major:と述べたと述べた=reject by Aiko" in rows[seg.id]["flags"]


def test_control_characters_from_a_text_file_or_a_pasted_edit_export_to_every_format(tmp_path, capsysbinary):
    """A vertical tab (Word's line break) in an article or in a reviewer's pasted edit or comment:
    XLIFF, TMX and Excel cannot hold it, and the export stopped with a traceback."""
    from lxml import etree

    from mtreview.records import review_from_dict

    en = "Police said 12 people died.\n\nThe army did not\x0bcomment.\n"
    ja = "警察によると12人が死亡した。\n\n軍は\x0bコメントしなかった。\n"
    (tmp_path / "a.en.txt").write_text(en, encoding="utf-8")
    (tmp_path / "a.ja.txt").write_text(ja, encoding="utf-8")
    record = tmp_path / "a.review.json"
    assert main(["review", str(tmp_path / "a.en.txt"), str(tmp_path / "a.ja.txt"), "--out", str(record),
                 "--format", "text"]) == 0
    review = review_from_dict(json.loads(record.read_text(encoding="utf-8")))
    assert "\x0b" in review.segments[1].tgt
    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    art = store.open_article("a", "en", "ja", "upload")
    store.save_segment(art.id, 0, "Aiko", 0, edit="警察によると\x0b12人が死亡した。\x01", comment="pasted\x0cfrom Word")
    store.close()
    capsysbinary.readouterr()
    for fmt in ("xliff", "tmx", "xlsx", "csv", "jsonl", "html", "mqm"):
        out = tmp_path / f"a.{fmt}"
        assert main(["export", str(record), "--db", url, "--article", art.id, "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    xliff = etree.parse(str(tmp_path / "a.xliff"))
    targets = [t.text for t in xliff.iter("{urn:oasis:names:tc:xliff:document:1.2}target")]
    assert targets == ["警察によると\n12人が死亡した。\ufffd", "軍は\nコメントしなかった。"]  # the break kept as one


@pytest.mark.parametrize("how", ["url", "path"])
def test_a_mistyped_database_is_refused_not_created_empty(batch_out, tmp_path, capsys, how):
    """`export --db sqlite:///reveiws.db` made a new empty database and wrote an empty decisions
    table over the one exported before ("0 decision(s)")."""
    aid, seg, f, key = _flagged(batch_out)
    url = f"sqlite:///{tmp_path / 'reviews.db'}"
    store = Store(url)
    art = store.open_article(aid, "s", "t", f"batch:{batch_out}")
    store.decide(art.id, seg["id"], "tanaka", 0, FlagDecision(key, f["check"], f["text"], "accept"))
    store.close()
    assert main(["export", str(batch_out), "--format", "decisions", "--db", url]) == 0
    before = (batch_out / "decisions.parquet").read_bytes()
    typo = tmp_path / "reveiws.db"
    db = f"sqlite:///{typo}" if how == "url" else str(typo)
    capsys.readouterr()
    assert main(["export", str(batch_out), "--format", "decisions", "--db", db]) == 2
    assert "no such database file" in capsys.readouterr().err
    assert not typo.exists() and (batch_out / "decisions.parquet").read_bytes() == before
    read_only = f"sqlite:///file:{tmp_path / 'reviews.db'}?mode=ro&uri=true"  # an existing file, opened read-only
    assert main(["export", str(batch_out), "--format", "decisions", "--db", read_only]) == 0
    assert (batch_out / "decisions.parquet").read_bytes() == before
    (batch_out / "decisions.parquet").unlink()
    (batch_out / "decisions.csv").unlink()


def test_the_saved_work_of_another_article_is_not_laid_over_a_review_record(tmp_path, seed_paths, capsys):
    """`export seed.review.json --db URL --article ID` with the id of another article (one typo in a
    list of ids): its edits and comments were written into the seed's segments of the same numbers."""
    record = tmp_path / "seed.review.json"
    assert main(["review", *map(str, seed_paths), "--out", str(record), "--format", "text"]) == 0
    url = f"sqlite:///{tmp_path / 'w.db'}"
    store = Store(url)
    other = store.open_article("un", "UN says thousands.", "国連は数千人としている。", "upload")
    store.save_segment(other.id, 0, "Aiko", 0, edit="国連は数千人だとしている。", comment="だ",
                       texts=("UN says thousands.", "国連は数千人としている。"))
    store.close()
    capsys.readouterr()
    assert main(["export", str(record), "--db", url, "--article", other.id, "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert f"--article {other.id} (un)" in err and "not this review's article" in err
    assert len(err.strip().splitlines()) == 1


def test_fixes_made_on_batch_articles_reach_the_batch_workbook(batch_out, tmp_path):
    """A translator fixed a segment of a batch article in the review UI; the QA lead's workbook of
    the batch (`export DIR --format xlsx --db URL`) had the decisions but not the fix."""
    from openpyxl import load_workbook

    aid, seg, f, _ = _flagged(batch_out)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    store = Store(url)
    art = store.open_article(aid, "s", "t", f"batch:{batch_out}")
    fixed = seg["tgt"].replace(f["text"], "")
    store.save_segment(art.id, seg["id"], "Aiko", 0, edit=fixed, comment="dropped the repeat", reviewed=True,
                       texts=(seg["src"], seg["tgt"]))
    store.close()
    out = tmp_path / "b.xlsx"
    assert main(["export", str(batch_out), "--format", "xlsx", "--db", url, "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert "edits" in wb.sheetnames
    rows = list(wb["edits"].iter_rows(values_only=True))
    head = rows[0]
    got = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [(r["article_id"], r["id"], r["tgt"], r["final"], r["comment"], r["reviewed"], r["edited_by"])
            for r in got] == [(aid, seg["id"], seg["tgt"], fixed, "dropped the repeat", True, "Aiko")]


def test_decisions_of_a_batch_article_come_from_its_current_version(tmp_path, capsys):
    """A batch article was reviewed in the UI, its translation was corrected and the batch rerun:
    the new version is a new article in the review database (other texts), reviewed again. The
    decisions export took one of the two versions by the order of their ids, here the stale one."""

    from mtreview.records import review_from_dict
    from mtreview.ui.render import flag_key
    from mtreview.ui.store import article_id

    src = "The minister said 12 people died.\n\nPolice said the fire started at night."
    ja_old = "大臣は12人が死亡したと述べたと述べた。\n\n警察によると、火災は夜に発生した。"

    def record(out):
        rec = review_from_dict(json.loads((out / "articles" / "a.review.json").read_text(encoding="utf-8")))
        texts = ("\n".join(s.src for s in rec.segments), "\n".join(s.tgt for s in rec.segments))
        return rec, article_id("a", *texts)

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.en.txt").write_text(src, encoding="utf-8")
    (tmp_path / "in" / "a.ja.txt").write_text(ja_old, encoding="utf-8")
    out = tmp_path / "out"
    batch.run_batch(tmp_path / "in", out, workers=1, quiet=True)
    old, old_id = record(out)
    for fire in ("火事", "火災", "出火", "火の手", "炎"):  # a correction whose new id sorts before the old one
        (tmp_path / "in" / "a.ja.txt").write_text(ja_old.replace("火災", fire), encoding="utf-8")
        batch.run_batch(tmp_path / "in", out, workers=1, quiet=True)
        new, new_id = record(out)
        if new_id < old_id:
            break
    assert new_id < old_id  # else the old code would pass by luck
    seg = next(s for s in old.segments if s.flags)
    f = seg.flags[0]
    url = f"sqlite:///{tmp_path / 'v.db'}"
    store = Store(url)
    for aid, texts in ((old_id, old), (new_id, new)):  # as the review view opens each version
        joined = ("\n".join(s.src for s in texts.segments), "\n".join(s.tgt for s in texts.segments))
        assert store.open_article("a", *joined, f"batch:{out}").id == aid
    store.decide(old_id, seg.id, "tanaka", 0, FlagDecision(flag_key(f, seg), f.check, f.text, "reject"))
    nseg = next(s for s in new.segments if s.id == seg.id)
    store.decide(new_id, seg.id, "suzuki", 0, FlagDecision(flag_key(f, nseg), f.check, f.text, "accept"))
    store.close()
    rows = _decisions(out, url, capsys)
    assert [(r["segment_id"], r["decision"], r["reviewer"]) for r in rows] == [(seg.id, "accept", "suzuki")]


def test_an_article_export_of_a_batch_article_joins_the_batch_tables(batch_out, tmp_path, capsysbinary):
    """A QA lead joins the CSV / JSONL / XLIFF of one reviewed batch article with the batch's
    articles, segments and flags tables: its ``article_id`` is the batch's id of the article, not
    the review database's hash of its texts."""
    import csv
    import io

    import pyarrow.parquet as pq

    aid, seg, f, key = _flagged(batch_out)
    db = tmp_path / "j.db"
    store = Store(f"sqlite:///{db}")
    record = json.loads((batch_out / "articles" / f"{aid}.review.json").read_text(encoding="utf-8"))
    art = store.open_article(aid, "\n".join(s["src"] for s in record["segments"]),
                             "\n".join(s["tgt"] for s in record["segments"]), f"batch:{batch_out}")
    store.decide(art.id, seg["id"], "Aiko", 0, FlagDecision(key, f["check"], f["text"], "accept"))
    store.close()
    assert art.id != aid
    batch_ids = set(pq.read_table(batch_out / "articles.parquet")["article_id"].to_pylist())
    assert aid in batch_ids

    capsysbinary.readouterr()
    for how in (["export", str(db), "--article", art.id],
                ["export", str(batch_out / "articles" / f"{aid}.review.json"), "--db", str(db), "--article", art.id],
                ["export", str(batch_out / "articles" / f"{aid}.review.json")]):
        assert main([*how, "--format", "csv"]) == 0, how
        rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
        assert {r["article_id"] for r in rows} == {aid}, how
        assert main([*how, "--format", "jsonl"]) == 0, how
        lines = capsysbinary.readouterr().out.decode("utf-8").splitlines()
        assert {json.loads(line)["article_id"] for line in lines} == {aid}, how
    assert main(["export", str(db), "--article", art.id, "--format", "xliff"]) == 0
    assert f'original="{aid}"'.encode() in capsysbinary.readouterr().out


def test_an_article_export_names_a_batch_article_by_its_id_not_its_file_name(batch_out, tmp_path, capsysbinary):
    """An article id with characters a file name cannot hold (``world/420102``) is stored as
    ``world_420102.review.json``: the article's MQM TSV (doc column), CSV and HTML report name it
    ``world/420102``, as the batch's own tables and ``export BATCH --format mqm`` do."""
    import csv
    import io

    aid = _flagged(batch_out)[0]
    record = json.loads((batch_out / "articles" / f"{aid}.review.json").read_text(encoding="utf-8"))
    record["meta"]["article"]["id"] = "world/420102"
    path = tmp_path / "world_420102.review.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    capsysbinary.readouterr()
    assert main(["export", str(path), "--format", "mqm"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8")), delimiter="\t"))
    assert {r["doc"] for r in rows} == {"world/420102"}
    assert main(["export", str(path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    assert {r["article_id"] for r in rows} == {"world/420102"}
    assert main(["export", str(path), "--format", "html"]) == 0
    assert "world/420102" in capsysbinary.readouterr().out.decode("utf-8")
