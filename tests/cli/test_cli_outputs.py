"""Output files a user names: never one of the command's inputs, refused before any work when
the file system will not take them, and a write that fails is one line, not a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from mtreview.cli import main as main_module
from mtreview.cli.main import main

PAIRS = "src\ttgt\nThe president visited Tokyo.\t大統領は東京を訪問した。\n"


def _one_line_error(capsys, argv: list[str], code: int = 2) -> str:
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mtreview: error: "), err
    return err[0]


@pytest.fixture()
def pair(tmp_path, seed_paths) -> tuple[Path, Path]:
    en, ja = tmp_path / "a.en.txt", tmp_path / "a.ja.txt"
    shutil.copy(seed_paths[0], en)
    shutil.copy(seed_paths[1], ja)
    return en, ja


@pytest.mark.parametrize("side", [0, 1])
def test_review_out_naming_an_input_is_refused(pair, capsys, side):
    before = pair[side].read_bytes()
    err = _one_line_error(capsys, ["review", str(pair[0]), str(pair[1]), "--out", str(pair[side])])
    assert "--out is an input file" in err
    assert pair[side].read_bytes() == before


def test_score_out_naming_an_input_is_refused(tmp_path, capsys):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    err = _one_line_error(capsys, ["score", str(pairs), "-o", str(pairs)])
    assert "--out is an input file" in err and pairs.read_text(encoding="utf-8") == PAIRS
    en, ja = tmp_path / "t.en", tmp_path / "t.ja"
    en.write_text("The president visited Tokyo.\n", encoding="utf-8")
    ja.write_text("大統領は東京を訪問した。\n", encoding="utf-8")
    err = _one_line_error(capsys, ["score", "-s", str(en), "-t", str(ja), "--meta", str(ja)])
    assert "--meta is an input file" in err and ja.read_text(encoding="utf-8") == "大統領は東京を訪問した。\n"


def _another_name(kind: str, path: Path) -> str:
    """``path`` named another way: ``./x`` (the test runs in its folder), ``sub/../x``, a symbolic link,
    a hard link."""
    if kind == "dot":
        assert Path.cwd() == path.parent
        return f"./{path.name}"
    if kind == "dotdot":
        (path.parent / "sub").mkdir(exist_ok=True)
        return str(path.parent / "sub" / ".." / path.name)
    other = path.with_name(f"{kind}-{path.name}")
    (other.symlink_to if kind == "symlink" else other.hardlink_to)(path)
    return str(other)


NAMINGS = ["dot", "dotdot", "symlink", "hardlink"]


@pytest.mark.parametrize("kind", NAMINGS)
def test_review_out_naming_an_input_by_another_name_is_refused(pair, capsys, monkeypatch, kind):
    monkeypatch.chdir(pair[0].parent)
    before = pair[1].read_bytes()
    err = _one_line_error(capsys, ["review", str(pair[0]), str(pair[1]), "--out", _another_name(kind, pair[1])])
    assert "--out is an input file" in err and pair[1].read_bytes() == before


@pytest.mark.parametrize("kind", NAMINGS)
def test_score_meta_naming_its_out_by_another_name_is_refused(tmp_path, capsys, monkeypatch, kind):
    """The same check as for inputs (one helper): the metadata would replace the scores (a hard
    link too, and an --out that is there already)."""
    monkeypatch.chdir(tmp_path)
    pairs, out = tmp_path / "pairs.tsv", tmp_path / "scores.jsonl"
    pairs.write_text(PAIRS, encoding="utf-8")
    out.write_text("{}\n", encoding="utf-8")
    err = _one_line_error(capsys, ["score", str(pairs), "-o", str(out), "--meta", _another_name(kind, out)], 64)
    assert "--meta and --out name the same file" in err and out.read_text(encoding="utf-8") == "{}\n"


def test_export_out_naming_its_review_record_is_refused(pair, tmp_path, capsys):
    record = tmp_path / "r.json"
    assert main(["review", str(pair[0]), str(pair[1]), "--out", str(record), "--quiet"]) == 0
    capsys.readouterr()
    before = record.read_bytes()
    err = _one_line_error(capsys, ["export", str(record), "--format", "jsonl", "-o", str(record)])
    assert "--out is an input file" in err and record.read_bytes() == before


@pytest.fixture()
def config_files(tmp_path) -> tuple[Path, Path]:
    """A config file and the glossary it names (both read by the command: inputs too)."""
    glossary, config = tmp_path / "terms.tsv", tmp_path / "desk.toml"
    glossary.write_text("Foreign Ministry\t外務省\n", encoding="utf-8")
    config.write_text('[checks]\nglossary = "terms.tsv"\n', encoding="utf-8")
    return config, glossary


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("command", ["review", "score", "score --meta"])
def test_an_output_naming_the_config_or_its_glossary_is_refused(pair, tmp_path, capsys, config_files, command,
                                                                which):
    """``--config desk.toml --out desk.toml`` replaced the config file with the review record."""
    target = config_files[which]
    before = target.read_bytes()
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    head = ["review", str(pair[0]), str(pair[1])] if command == "review" else ["score", str(pairs)]
    option = "--meta" if command.endswith("--meta") else "--out"
    err = _one_line_error(capsys, [*head, "--config", str(config_files[0]), option, str(target)])
    assert f"{option} is an input file" in err and target.read_bytes() == before


def test_export_out_naming_its_config_is_refused(pair, tmp_path, capsys, config_files):
    record = tmp_path / "r.json"
    assert main(["review", str(pair[0]), str(pair[1]), "--out", str(record), "--quiet"]) == 0
    capsys.readouterr()
    before = config_files[0].read_bytes()
    err = _one_line_error(capsys, ["export", str(record), "--format", "jsonl", "--config", str(config_files[0]),
                                   "-o", str(config_files[0])])
    assert "--out is an input file" in err and config_files[0].read_bytes() == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a Linux /proc")
@pytest.mark.parametrize("option", ["--out", "--meta"])
def test_an_output_the_file_system_refuses_is_found_before_work(tmp_path, capsys, monkeypatch, option):
    """/proc takes no new files, even from root, for whom os.access says yes: the refusal is one line."""
    monkeypatch.setattr(os, "access", lambda *a, **k: True)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    err = _one_line_error(capsys, ["score", str(pairs), option, "/proc/mtreview-test.json"])
    assert f"{option} cannot be written" in err


def test_a_failing_write_is_one_line(pair, tmp_path, capsys, monkeypatch):
    def full(path, text):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(main_module, "write_atomic", full)
    out = tmp_path / "r.json"
    err = _one_line_error(capsys, ["review", str(pair[0]), str(pair[1]), "--out", str(out)], code=1)
    assert err == f"mtreview: error: {out}: No space left on device"


def test_batch_out_holding_other_files_is_refused(tmp_path, capsys, seed_paths):
    articles = tmp_path / "in"
    articles.mkdir()
    shutil.copy(seed_paths[0], articles / "a.en.txt")
    shutil.copy(seed_paths[1], articles / "a.ja.txt")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.json").write_text("my own notes\n", encoding="utf-8")
    err = _one_line_error(capsys, ["batch", str(articles), "--out", str(mine), "--workers", "1", "--quiet"])
    assert "--out holds other files and is not a batch output folder" in err
    assert sorted(p.name for p in mine.iterdir()) == ["summary.json"]
    assert (mine / "summary.json").read_text(encoding="utf-8") == "my own notes\n"
    err = _one_line_error(capsys, ["batch", str(articles), "--out", str(articles), "--workers", "1", "--quiet"])
    assert "is not a batch output folder" in err  # the input folder itself


def test_export_reads_mtreview_config_like_the_other_commands(pair, tmp_path, capsys, monkeypatch):
    record = tmp_path / "r.json"
    assert main(["review", str(pair[0]), str(pair[1]), "--out", str(record), "--quiet"]) == 0
    bad = tmp_path / "env.toml"
    bad.write_text("[mqm]\nnope = 1\n", encoding="utf-8")
    monkeypatch.setenv("MTREVIEW_CONFIG", str(bad))
    capsys.readouterr()
    assert "unknown config key [mqm] nope" in _one_line_error(capsys, ["export", str(record), "--format", "csv"], 3)


def test_export_xlsx_is_not_written_to_a_terminal(pair, tmp_path, capsys, monkeypatch):
    record = tmp_path / "r.json"
    assert main(["review", str(pair[0]), str(pair[1]), "--out", str(record), "--quiet"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    err = _one_line_error(capsys, ["export", str(record), "--format", "xlsx"], 64)
    assert "give --out FILE.xlsx" in err


def test_batch_rerun_summary_counts_add_up(tmp_path, capsys, seed_paths):
    """A failed article left as it was is skipped on a rerun: it is not 'reviewed before'."""
    articles = tmp_path / "in"
    articles.mkdir()
    shutil.copy(seed_paths[0], articles / "a.en.txt")
    shutil.copy(seed_paths[1], articles / "a.ja.txt")
    (articles / "b.en.txt").write_text("", encoding="utf-8")
    shutil.copy(seed_paths[1], articles / "b.ja.txt")
    out = tmp_path / "out"
    argv = ["batch", str(articles), "--out", str(out), "--workers", "1"]
    assert main(argv) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "1 article(s) reviewed, 1 failed (1 reviewed in this run, 0 skipped")
    assert main(argv) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "1 article(s) reviewed, 1 failed (0 reviewed in this run, 2 skipped: unchanged since an earlier run)")


def test_review_of_a_folder_names_it_and_points_to_batch(tmp_path, capsys):
    err = _one_line_error(capsys, ["review", str(tmp_path)])
    assert "is a folder" in err and "mtreview batch" in err


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="needs a /dev/null device")
def test_outputs_sent_to_dev_null_are_discarded_and_the_device_stays(pair, tmp_path, capsys):
    """``--out /dev/null`` is how a user discards a file: it must work, and never replace the device."""
    assert main(["review", str(pair[0]), str(pair[1]), "--out", "/dev/null", "--quiet"]) == 0
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    assert main(["score", str(pairs), "-o", "/dev/null", "--meta", str(tmp_path / "meta.json")]) == 0
    assert main(["score", str(pairs), "-o", str(tmp_path / "s.jsonl"), "--meta", "/dev/null"]) == 0
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize("workers", ["-1", "two"])
def test_batch_bad_workers_is_a_usage_error(tmp_path, capsys, workers):
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "out"), "--workers", workers]) == 64
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("mtreview batch: error: argument --workers: "), err
    assert not (tmp_path / "out").exists()


def test_unknown_embedder_in_a_config_is_a_config_error(pair, tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text('[align]\nembedder = "nope"\n', encoding="utf-8")
    err = _one_line_error(capsys, ["review", str(pair[0]), str(pair[1]), "--config", str(config)], code=3)
    assert "unknown embedder 'nope' in [align] embedder" in err


def test_local_batch_starts_no_more_workers_than_cores(tmp_path, capsys, seed_paths, caplog, monkeypatch):
    from mtreview.batch import runner

    monkeypatch.setattr(runner, "cores", lambda: 1)  # one core: the articles are reviewed in this process
    articles = tmp_path / "in"
    articles.mkdir()
    for name in "ab":
        shutil.copy(seed_paths[0], articles / f"{name}.en.txt")
        shutil.copy(seed_paths[1], articles / f"{name}.ja.txt")
    config = tmp_path / "c.toml"
    config.write_text('[align]\nembedder = "hashing"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(articles), "--out", str(out), "--workers", "100000", "--config", str(config)]) == 0
    run = json.loads((out / "run.log.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert run["workers"] == 1
    assert "100000 workers asked for; this machine has 1 core(s): using 1" in caplog.text
