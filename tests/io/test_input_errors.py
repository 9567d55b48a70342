"""Bad input is a one-line error, never a traceback and never silently accepted (issue 13, items 7, 9, 10)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from conftest import SAMPLES

from mtreview import pipeline
from mtreview.cli.main import main
from mtreview.config import from_dict
from mtreview.errors import ConfigError, InputError
from mtreview.io.load import load_bytes, load_text
from mtreview.io.segment_files import load_rows
from mtreview.models.embed import get_embedder

DEEP = "[" * 100000 + "]" * 100000
XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff [<!ENTITY co {decl}>]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file source-language="en" target-language="ja" datatype="plaintext" original="x"><body>
<trans-unit id="1"><source>Shares of &co; rose &amp; fell.</source><target>&co;の株価が上下した。</target></trans-unit>
</body></file></xliff>
"""
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx [<!ENTITY co {decl}>]>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en"
 creationtool="x" creationtoolversion="1" o-tmf="x"/>
<body><tu><tuv xml:lang="en"><seg>Shares of &co; rose.</seg></tuv>
<tuv xml:lang="ja"><seg>&co;の株価が上がった。</seg></tuv></tu></body></tmx>
"""


def _one_line_error(capsys, argv: list[str], code: int = 2) -> str:
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mtreview: error: "), err
    return err[0]


@pytest.mark.parametrize("command", ["score", "review"])
def test_deeply_nested_jsonl(tmp_path, capsys, command):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"src": ' + DEEP + ', "tgt": "x"}\n', encoding="utf-8")
    assert "pairs.jsonl:1: JSON nested too deeply" in _one_line_error(capsys, [command, str(path)])


@pytest.mark.parametrize("value, shown", [("NaN", "NaN"), ("Infinity", "Infinity"), ("1e400", "1e400"),
                                          ("-1e999", "-1e999")])
def test_jsonl_numbers_json_does_not_have(tmp_path, value, shown):
    path = tmp_path / "pairs.jsonl"
    path.write_text(f'{{"id": {value}, "src": "Hello.", "tgt": "こんにちは。"}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=f"pairs.jsonl:1: {shown} is not a JSON number"):
        load_rows(path)


def test_jsonl_object_id_is_an_error(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"id": {"a": 1}, "src": "Hello.", "tgt": "こんにちは。"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="'id' must be text, not dict"):
        load_rows(path)


@pytest.mark.parametrize("text, message", [
    ('id,src,tgt\n1,"Hello.,こんにちは。\n2,Good morning.,"おはよう"\n3,Bye.,さよなら\n', "a stray quote?"),
    ('id,src,tgt\n1,"Hello.,こんにちは。\n2,Good morning.,おはよう\n', "a stray quote?"),
])
def test_csv_stray_quote_swallowing_rows(tmp_path, text, message):
    path = tmp_path / "pairs.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_rows(path)


def test_csv_quoted_multiline_field_is_still_fine(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text('id,src,tgt\n1,"Hello,\nworld.","こんにちは、\n世界。"\n2,Bye.,さよなら\n', encoding="utf-8")
    assert [r["src"] for r in load_rows(path)] == ["Hello,\nworld.", "Bye."]


@pytest.mark.parametrize("template, name", [(XLIFF, "x.xlf"), (TMX, "x.tmx")])
def test_external_entity_is_an_error_not_a_deletion(tmp_path, template, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("ACME Corp", encoding="utf-8")
    path = tmp_path / name
    path.write_text(template.format(decl=f'SYSTEM "file://{secret}"'), encoding="utf-8")
    with pytest.raises(InputError, match=r"the entity reference &co; names no text in this file"):
        load_rows(path)


@pytest.mark.parametrize("template, name", [(XLIFF, "x.xlf"), (TMX, "x.tmx")])
def test_internal_entity_keeps_its_text(tmp_path, template, name):
    path = tmp_path / name
    path.write_text(template.format(decl='"ACME Corp"'), encoding="utf-8")
    row = load_rows(path)[0]
    assert "ACME Corp" in row["src"] and row["tgt"].startswith("ACME Corpの株価")


def test_score_with_swapped_columns(tmp_path, capsys):
    path = tmp_path / "pairs.tsv"
    path.write_text("src\ttgt\nこんにちは。\tHello.\n今日は晴れです。\tIt is sunny today.\n", encoding="utf-8")
    err = _one_line_error(capsys, ["score", str(path)])
    assert "src looks Japanese and tgt English: are the columns swapped?" in err


def test_score_with_japanese_in_both_columns(tmp_path, capsys):
    path = tmp_path / "pairs.tsv"
    path.write_text("src\ttgt\nこんにちは。\tこんにちは。\n", encoding="utf-8")
    assert "the src column should be English but looks Japanese" in _one_line_error(capsys, ["score", str(path)])


@pytest.mark.parametrize("command", ["score", "review"])
def test_chinese_translation_column_is_refused(tmp_path, capsys, command):
    path = tmp_path / "pairs.tsv"
    path.write_text("src\ttgt\nNorth Korea agreed with Russia to step up strategic cooperation.\t"
                    "朝鲜外务省星期日表示，朝鲜已同意与俄罗斯加强战略和战术合作。\n"
                    "It seeks a new multipolar international order.\t以建立一个新的多极国际秩序。\n", encoding="utf-8")
    assert "looks Chinese (Han characters without kana)" in _one_line_error(capsys, [command, str(path)])


def test_score_meta_checked_before_scoring(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pipeline, "load_models", lambda *a: pytest.fail("scored before checking --meta"))
    path = tmp_path / "pairs.tsv"
    path.write_text("src\ttgt\nHello.\tこんにちは。\n", encoding="utf-8")
    err = _one_line_error(capsys, ["score", str(path), "--meta", str(tmp_path)])
    assert "--meta is a folder, not a file" in err


# --- limits (item 7): checked before segmenting and aligning -----------------------------------

@pytest.fixture(scope="module")
def hashing() -> pipeline.Models:
    return pipeline.Models(embedder=get_embedder("hashing"))


def test_document_over_the_character_limit(hashing):
    config = from_dict({"limits": {"max_chars": 100}})
    src = load_text("The minister spoke. " * 10, "en")  # 200 characters
    tgt = load_text("大臣が話した。", "ja")
    with pytest.raises(InputError, match=r"200 characters, more than the limit of 100 \(\[limits\] max_chars\)"):
        pipeline.align_documents(src, tgt, config, hashing)


def test_document_over_the_sentence_limit_fails_before_alignment(hashing, monkeypatch):
    from mtreview import align

    monkeypatch.setattr(align, "align", lambda *a, **k: pytest.fail("aligned beyond the limit"))
    config = from_dict({"limits": {"max_sentences": 3}})
    src = load_text("One. Two. Three. Four. Five.", "en")
    tgt = load_text("一。二。", "ja")
    with pytest.raises(InputError, match=r"5 sentences, more than the limit of 3 \(\[limits\] max_sentences\)"):
        pipeline.align_documents(src, tgt, config, hashing)


def test_limits_from_the_cli(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text('[align]\nembedder = "hashing"\n[limits]\nmax_sentences = 2\n', encoding="utf-8")
    seed = [str(SAMPLES / "seed.en.txt"), str(SAMPLES / "seed.ja.txt")]
    assert "([limits] max_sentences)" in _one_line_error(capsys, ["review", *seed, "--config", str(config)])


def test_a_file_too_large_for_the_limit_is_refused_before_reading(tmp_path, capsys, monkeypatch):
    import mtreview.cli.main as cli

    monkeypatch.setattr(cli, "load_document", lambda *a, **k: pytest.fail("read a file over the limit"))
    config = tmp_path / "c.toml"
    config.write_text("[limits]\nmax_chars = 100\n", encoding="utf-8")
    big = tmp_path / "big.en.txt"
    big.write_text("The minister spoke. " * 21, encoding="utf-8")  # 420 bytes > 4 x 100
    err = _one_line_error(capsys, ["review", str(big), str(SAMPLES / "seed.ja.txt"), "--config", str(config)])
    assert "420 bytes, more than 100 characters a side can take ([limits] max_chars)" in err


def test_batch_text_over_the_limit_is_an_article_error(tmp_path):
    from mtreview.batch import runner as batch
    from mtreview.batch.pairs import Pair, Side

    config = from_dict({"limits": {"max_chars": 100}, "align": {"embedder": "hashing"}})
    pair = Pair("a", Side(text="The minister spoke. " * 10), Side(text="大臣が話した。"))
    with pytest.raises(InputError, match=r"en_text: 200 characters, more than the limit of 100"):
        batch.review_article(pair, config)


@pytest.mark.parametrize("value", [0, -5])
def test_limits_must_be_positive(value):
    with pytest.raises(ConfigError, match="must be at least 1"):
        from_dict({"limits": {"max_chars": value}})


def test_records_round_trip_through_json_for_the_seed(hashing):
    """The whole review of the seed article survives JSON (the same invariant as the property test)."""
    from mtreview.records import review_from_dict

    src = load_text(Path(SAMPLES / "seed.en.txt").read_text(encoding="utf-8"), "en")
    tgt = load_text(Path(SAMPLES / "seed.ja.txt").read_text(encoding="utf-8"), "ja")
    review = pipeline.review(src, tgt, from_dict({"align": {"embedder": "hashing"}}), hashing)
    data = json.loads(json.dumps(review.to_dict(), ensure_ascii=False, sort_keys=True))
    assert review_from_dict(data).to_dict() == review.to_dict()


@pytest.mark.parametrize("page", [b"<html><body></body></html>", b"<html>", b"<p></p>"])
def test_html_without_text_is_our_one_error_not_the_extractors_log(page, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(InputError, match=r"^page\.html: no article text found in this HTML page$"):
        load_bytes(page, "page.html", "en")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("trafilatura")] == []
