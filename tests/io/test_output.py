"""mtreview.io.output: the one JSON writer, atomic writes, review records, the batch folder layout."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from mtreview.errors import InputError
from mtreview.io import output
from mtreview.io.output import BatchFolder
from mtreview.records import Flag, Review, Segment, Severity

PACKAGE = Path(__file__).resolve().parents[2] / "mtreview"


def _review() -> Review:
    flag = Flag("numbers", "accuracy/number", Severity.MAJOR, "tgt", 0, 2, "a number differs", text="３人")
    seg = Segment(0, "Three people.", "３人です。", (0,), (0,), score=0.91234, scores={"chrf": 40.123456},
                  quality=71.234, flags=(flag,))
    return Review(meta={"config_hash": "abc"}, segments=(seg,))


def test_dumps_keeps_japanese_and_sorts_keys():
    assert output.dumps({"b": "日本", "a": 1}) == '{"a": 1, "b": "日本"}'
    assert output.json_file({"a": [1]}) == '{\n "a": [\n  1\n ]\n}\n'
    assert output.jsonl([{"x": 1}, {"y": "語"}]) == '{"x": 1}\n{"y": "語"}\n'


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "a.json"
    output.write_atomic(path, "one")
    output.write_atomic(path, b"two")
    assert path.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.json"
    output.write_atomic(path, "old")

    def boom(self, target):
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        output.write_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_review_record_round_trip_without_changing_the_review(tmp_path):
    review = _review()
    data = output.review_record(review, batch={"input_hash": "i"})
    assert data["meta"] == {"config_hash": "abc", "batch": {"input_hash": "i"}}
    assert review.meta == {"config_hash": "abc"}  # not mutated
    path = tmp_path / "x.review.json"
    output.write_atomic(path, output.json_file(data))
    back = output.read_review(path)
    assert back.meta == data["meta"]
    assert back.segments[0].flags == review.segments[0].flags
    assert (back.segments[0].score, back.segments[0].quality) == (0.9123, 71.23)  # as written, rounded
    assert output.review_record(back) == output.review_record(output.read_review(path))


@pytest.mark.parametrize("text", ["{", '{"segments": [{"id": 0}]}', "[]"])
def test_read_review_of_a_bad_file_is_an_input_error(tmp_path, text):
    path = tmp_path / "bad.review.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="not a review record"):
        output.read_review(path)


def test_batch_folder_names(tmp_path):
    folder = BatchFolder(tmp_path)
    assert folder.review_path("desk_1") == tmp_path / "articles" / "desk_1.review.json"
    assert folder.error_path("a") == tmp_path / "articles" / "a.error.json"
    assert folder.table_paths("flags") == {"parquet": tmp_path / "flags.parquet", "csv": tmp_path / "flags.csv"}
    assert (folder.summary.name, folder.errors.name, folder.run_log.name) == (
        "summary.json", "errors.jsonl", "run.log.jsonl")
    folder.articles.mkdir()
    for key in ("b", "a"):
        folder.review_path(key).write_text("{}")
    folder.error_path("c").write_text("{}")
    assert folder.article_keys() == ["a", "b"]


def _imports(path: Path) -> set[str]:
    """mtreview modules imported anywhere in ``path`` (module level or inside functions)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            names = [f"{name}.{a.name}" for a in node.names] + [name]
            out.update(n for n in names if n.startswith("mtreview"))
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("mtreview"))
    return out


def test_no_import_cycles_between_modules():
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    graph = {m: {i for i in _imports(p) if i in modules and i != m and not m.startswith(i + ".")}
             for m, p in modules.items()}
    # a package's __init__ importing its own submodules is no cycle; everything else is
    graph = {m: {i for i in deps if not (modules[m].name == "__init__.py" and i.startswith(m + "."))}
             for m, deps in graph.items()}
    cycles = []
    for start in sorted(graph):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    cycles.append(" -> ".join([*path, nxt]))
                elif nxt not in path and len(path) < 6:
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []


DEV_NULL = Path("/dev/null")
needs_dev_null = pytest.mark.skipif(not DEV_NULL.is_char_device(), reason="needs a /dev/null device")


@needs_dev_null
def test_write_atomic_to_dev_null_keeps_the_device():
    """Renaming a temporary file onto /dev/null replaced the device with a regular file (as root;
    anyone else got a permission error): a device is written where it is."""
    output.write_atomic(DEV_NULL, "discarded")
    assert DEV_NULL.is_char_device()
    assert not list(DEV_NULL.parent.glob(".null.*.tmp"))


def test_write_atomic_through_a_symbolic_link_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    output.write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_in_place_is_for_devices_and_pipes_only(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    regular = tmp_path / "file.json"
    regular.write_text("x", encoding="utf-8")
    assert output.in_place(fifo) and output.in_place(Path("/dev/stdout"))
    assert not output.in_place(regular) and not output.in_place(tmp_path / "new.json")


def test_same_file_by_any_name(tmp_path, monkeypatch):
    from mtreview.io.output import same_file

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "x")
    (tmp_path / "hard").hardlink_to(tmp_path / "x")
    (tmp_path / "later").symlink_to(tmp_path / "new")  # a link to a file not written yet
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for a, b in [("x", "./x"), ("x", "sub/../x"), ("link", "x"), ("hard", "x"), ("later", "new"), ("new", "./new")]:
        assert same_file(a, b) and same_file(tmp_path / b, a), (a, b)
    for a, b in [("x", "new"), ("x", "sub"), ("new", "other"), ("loop", "x")]:
        assert not same_file(a, b), (a, b)
