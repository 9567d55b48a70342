"""Move mtreview's flat modules into packages that show the pipeline, and rewrite every import.

Run from the repository root on a clean tree (``python scripts/relayout.py``), after all
branches are merged. Idempotent: a second run finds nothing to move and changes nothing.

1. ``git mv`` every module in ``MODULES`` (old dotted name -> new one) and every test file in
   ``TESTS``; create the new packages' ``__init__.py``; ``git rm`` the re-export shims of
   ``SHIMS`` (their importers are rewritten symbol by symbol, see ``SYMBOLS``).
2. Rewrite imports in every Python file of the tree, known or not (a module written on another
   branch that still says ``from .batch_tables import write_outputs`` is fixed too): relative
   imports are resolved from the file's old place and written again relative to its new one.
3. Rewrite dotted names (``mtreview.batch_tables``) and paths (``mtreview/batch_tables.py``,
   ``tests/test_batch.py``) in code strings, comments, docs, bench scripts, pyproject, Makefile.
4. In a file moved one folder deeper, ``Path(__file__)...parent`` / ``parents[N]`` gain a level.
5. ``ruff check --select I --fix`` sorts the rewritten import blocks (when ruff is installed).

The map is documented in docs/architecture.md ("Package layout").
"""

from __future__ import annotations

import argparse
import ast
import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

# old dotted module -> new dotted module (a name not listed stays where it is)
MODULES = {
    "mtreview.load": "mtreview.io.load",
    "mtreview.formats": "mtreview.io.formats",
    "mtreview.debris": "mtreview.io.debris",
    "mtreview.structure": "mtreview.io.structure",
    "mtreview.output": "mtreview.io.output",
    "mtreview.report": "mtreview.io.report",
    "mtreview.metrics": "mtreview.score.metrics",
    "mtreview.quality": "mtreview.score.quality",
    "mtreview.quality_features": "mtreview.score.features",
    "mtreview.batch": "mtreview.batch.runner",
    "mtreview.batch_inputs": "mtreview.batch.inputs",
    "mtreview.batch_tables": "mtreview.batch.tables",
    "mtreview.cli": "mtreview.cli.main",
    "mtreview.score_cli": "mtreview.cli.score",
    "mtreview.models_cli": "mtreview.cli.models",
    "mtreview.store": "mtreview.ui.store",
    "mtreview.store_schema": "mtreview.ui.store_schema",
    "mtreview.dashboard": "mtreview.ui.dashboard",
    "mtreview.export": "mtreview.ui.export",
    # modules added by the other branches of the same round (issues 12-16)
    "mtreview.batch_ray": "mtreview.batch.ray_engine",
    "mtreview.batch_decisions": "mtreview.batch.decisions",
    "mtreview.cat": "mtreview.io.cat",
    "mtreview.cat_export": "mtreview.io.cat_export",
    "mtreview.html_report": "mtreview.io.html_report",
    "mtreview.workbook": "mtreview.io.workbook",
    "mtreview.schema": "mtreview.io.schema",
    "mtreview.config_cli": "mtreview.cli.config",
    "mtreview.export_cli": "mtreview.cli.export",
    "mtreview.mqm": "mtreview.score.mqm",
    "mtreview.meaning": "mtreview.score.meaning",
    "mtreview.recheck": "mtreview.ui.recheck",
    "mtreview.store_migrate": "mtreview.ui.store_migrate",
    "mtreview.store_records": "mtreview.ui.store_records",
    # re-export shims left in checks/ by the lang/ step
    "mtreview.checks.names": "mtreview.lang.names",
    "mtreview.checks.numbers_extract": "mtreview.lang.numbers",
}
SHIMS = ("mtreview.checks.text", "mtreview.checks.names", "mtreview.checks.numbers_extract")
# a shim whose names went to several modules: name -> new module
SYMBOLS = {
    "mtreview.checks.text": {
        "JA_CHAR": "mtreview.lang.ja", "JA_RE": "mtreview.lang.ja", "KATAKANA_RUN": "mtreview.lang.ja",
        "fold_width": "mtreview.lang.ja", "is_ja": "mtreview.lang.ja", "ja_ratio": "mtreview.lang.ja",
        "Token": "mtreview.lang.mecab", "tokens": "mtreview.lang.mecab", "word_pieces": "mtreview.lang.mecab",
        "_tagger": "mtreview.lang.mecab",
    },
}
SYMBOL_RENAMES = {("mtreview.checks.text", "_tagger"): "tagger"}
NEW_PACKAGES = {
    "mtreview.io": "Files in and out: loading documents and segment files, page debris, output writing.",
    "mtreview.score": "Scores of a translation: sacrebleu metrics, the quality model and its features.",
    "mtreview.batch": "Batch review of many articles: inputs, the runner, the tables it rebuilds.",
    "mtreview.cli": "The command line: ``mtreview review|align|batch|app`` (main), ``score``, ``models``, "
                    "``config``, ``export``.",
}
# tests mirror the package; the browser test is kept apart
TESTS = {
    "tests/test_lang.py": "tests/lang/test_lang.py",
    "tests/test_checks_names.py": "tests/lang/test_names.py",
    "tests/test_load.py": "tests/io/test_load.py",
    "tests/test_formats.py": "tests/io/test_formats.py",
    "tests/test_debris.py": "tests/io/test_debris.py",
    "tests/test_structure.py": "tests/io/test_structure.py",
    "tests/test_output.py": "tests/io/test_output.py",
    "tests/test_checks_alignment.py": "tests/checks/test_checks_alignment.py",
    "tests/test_checks_base.py": "tests/checks/test_checks_base.py",
    "tests/test_checks_boilerplate.py": "tests/checks/test_checks_boilerplate.py",
    "tests/test_checks_consistency.py": "tests/checks/test_checks_consistency.py",
    "tests/test_checks_glossary.py": "tests/checks/test_checks_glossary.py",
    "tests/test_checks_numbers.py": "tests/checks/test_checks_numbers.py",
    "tests/test_checks_punctuation.py": "tests/checks/test_checks_punctuation.py",
    "tests/test_checks_repetition.py": "tests/checks/test_checks_repetition.py",
    "tests/test_checks_seed.py": "tests/checks/test_checks_seed.py",
    "tests/test_checks_untranslated.py": "tests/checks/test_checks_untranslated.py",
    "tests/test_metrics.py": "tests/score/test_metrics.py",
    "tests/test_quality.py": "tests/score/test_quality.py",
    "tests/test_embed.py": "tests/models/test_embed.py",
    "tests/test_translate.py": "tests/models/test_translate.py",
    "tests/test_lm.py": "tests/models/test_lm.py",
    "tests/test_batch.py": "tests/batch/test_batch.py",
    "tests/test_cli.py": "tests/cli/test_cli.py",
    "tests/test_score_cli.py": "tests/cli/test_score_cli.py",
    "tests/test_app.py": "tests/ui/test_app.py",
    "tests/test_ui_render.py": "tests/ui/test_ui_render.py",
    "tests/test_ui_sources.py": "tests/ui/test_ui_sources.py",
    "tests/test_store.py": "tests/ui/test_store.py",
    "tests/test_export.py": "tests/ui/test_export.py",
    "tests/test_dashboard.py": "tests/ui/test_dashboard.py",
    "tests/test_e2e_browser.py": "tests/e2e/test_e2e_browser.py",
    "tests/test_e2e_conflict.py": "tests/e2e/test_e2e_conflict.py",
    "tests/test_e2e_layout.py": "tests/e2e/test_e2e_layout.py",
    "tests/test_app_trust.py": "tests/ui/test_app_trust.py",
    "tests/test_recheck.py": "tests/ui/test_recheck.py",
    "tests/test_store_migrate.py": "tests/ui/test_store_migrate.py",
    "tests/test_store_trust.py": "tests/ui/test_store_trust.py",
    "tests/test_batch_inputs.py": "tests/batch/test_batch_inputs.py",
    "tests/test_batch_integrity.py": "tests/batch/test_batch_integrity.py",
    "tests/test_batch_ray.py": "tests/batch/test_batch_ray.py",
    "tests/test_batch_tables.py": "tests/batch/test_batch_tables.py",
    "tests/test_cat.py": "tests/io/test_cat.py",
    "tests/test_html_report.py": "tests/io/test_html_report.py",
    "tests/test_schema.py": "tests/io/test_schema.py",
    "tests/test_input_errors.py": "tests/io/test_input_errors.py",
    "tests/test_checks_rules.py": "tests/checks/test_checks_rules.py",
    "tests/test_checks_style.py": "tests/checks/test_checks_style.py",
    "tests/test_checks_tags.py": "tests/checks/test_checks_tags.py",
    "tests/test_cli_io.py": "tests/cli/test_cli_io.py",
    "tests/test_export_cli.py": "tests/cli/test_export_cli.py",
    "tests/test_meaning.py": "tests/score/test_meaning.py",
    "tests/test_mqm.py": "tests/score/test_mqm.py",
    "tests/test_usem3_cache.py": "tests/models/test_usem3_cache.py",
}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".sh", ".rst"}
TEXT_NAMES = {"Makefile"}
SKIP_DIRS = ("data/", "tests/data/", "mtreview/resources/", "bench/results/", ".venv/")
SELF = "scripts/relayout.py"
# file globs in configuration (pyproject per-file-ignores) that name moved tests
GLOBS = {'"tests/test_checks_*.py"': '"tests/checks/test_checks_*.py"'}

NEW_MODULES = set(MODULES.values())
EXISTING: set[str] = set()  # modules of the tree after the moves (filled by main)
ROOT = Path(".")


@functools.cache
def defines(module: str, name: str) -> bool:
    """True when ``module`` (in the tree after the moves) defines ``name`` at its top level."""
    path = module_file(ROOT, module)
    if path is None:
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def _submodule_import(target: str, name: str) -> bool:
    """``from target import name`` imports the submodule ``name`` (not an attribute of target's
    old module): a module of the new tree, unless the old module's new home defines that name
    (``from mtreview.cli import main`` is cli.py's function, now in mtreview/cli/main.py)."""
    sub = f"{target}.{name}"
    if sub not in NEW_MODULES and sub not in EXISTING:
        return False
    new = MODULES.get(target)
    return not (new == sub and defines(new, name))


def sh(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def module_file(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def target_file(dotted: str) -> Path:
    return Path(*dotted.split(".")).with_suffix(".py")


def dotted_of(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# --- moves ---------------------------------------------------------------------------------------

def move(root: Path) -> dict[Path, tuple[str, Path]]:
    """git mv everything in MODULES and TESTS (mtreview/batch.py and the new mtreview/batch/ folder
    can live side by side for the move); returns new path -> (old dotted name, old path)."""
    moved: dict[Path, tuple[str, Path]] = {}
    for old, new in MODULES.items():
        src = module_file(root, old)
        dst = target_file(new)
        if src is None or src.name == "__init__.py" or (root / dst).exists() or old in SHIMS:
            continue
        (root / dst).parent.mkdir(parents=True, exist_ok=True)
        sh("git", "-C", str(root), "mv", str(src.relative_to(root)), str(dst))
        moved[dst] = (old, src.relative_to(root))
    for pkg, doc in NEW_PACKAGES.items():
        init = target_file(pkg).with_suffix("") / "__init__.py"
        if not (root / init).exists():
            (root / init).parent.mkdir(parents=True, exist_ok=True)
            (root / init).write_text(f'"""{doc}"""\n', encoding="utf-8")
            sh("git", "-C", str(root), "add", str(init))
    for old, new in TESTS.items():
        if (root / old).is_file() and not (root / new).exists():
            (root / new).parent.mkdir(parents=True, exist_ok=True)
            sh("git", "-C", str(root), "mv", old, new)
            moved[Path(new)] = (dotted_of(Path(old)), Path(old))
    for shim in SHIMS:
        f = module_file(root, shim)
        if f is not None:
            sh("git", "-C", str(root), "rm", "-q", str(f.relative_to(root)))
    return moved


# --- import rewriting ----------------------------------------------------------------------------

def _new_module(old: str) -> str:
    return MODULES.get(old, old)


def _is_old(dotted: str) -> bool:
    return dotted in MODULES and dotted not in NEW_MODULES


def _relative(from_pkg: str, target: str) -> tuple[int, str]:
    """(level, module) of ``target`` imported from a module of package ``from_pkg``."""
    p, t = from_pkg.split("."), target.split(".")
    c = 0
    while c < min(len(p), len(t)) and p[c] == t[c]:
        c += 1
    return len(p) - c + 1, ".".join(t[c:])


def _emit(indent: str, relative: bool, new_pkg: str, module: str, names: list[str]) -> str:
    if relative:
        level, rest = _relative(new_pkg, module)
        head = f"from {'.' * level}{rest} import "
    else:
        head = f"from {module} import "
    line = indent + head + ", ".join(names)
    if len(line) <= 110:
        return line
    body = "".join(f"{indent}    {n},\n" for n in names)
    return f"{indent}{head}(\n{body}{indent})"


def _alias(name: str, asname: str | None, new_name: str | None = None) -> str:
    real = new_name or name
    shown = asname or name
    return real if real == shown else f"{real} as {shown}"


def rewrite_import(node: ast.ImportFrom | ast.Import, old_mod: str, is_pkg: bool, new_mod: str,
                   new_is_pkg: bool, indent: str) -> str | None:
    """The new text of one import statement, or None when it stays as it is."""
    new_pkg = new_mod if new_is_pkg else new_mod.rpartition(".")[0]
    if isinstance(node, ast.Import):
        parts, changed = [], False
        for a in node.names:
            if _is_old(a.name):
                parts.append(f"{_new_module(a.name)} as {a.asname}" if a.asname else _new_module(a.name))
                changed = True
            else:
                parts.append(f"{a.name} as {a.asname}" if a.asname else a.name)
        return indent + "import " + ", ".join(parts) if changed else None
    if node.level:
        pkg = old_mod if is_pkg else old_mod.rpartition(".")[0]
        base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("mtreview"):
        return None
    groups: dict[str, list[str]] = {}
    changed = False
    for a in node.names:
        sub = f"{target}.{a.name}"
        if _is_old(sub):  # a module imported by name: from . import batch_tables
            new = _new_module(sub)
            parent, _, last = new.rpartition(".")
            groups.setdefault(parent, []).append(_alias(a.name, a.asname or a.name, last))
            changed = True
        elif target in SYMBOLS and a.name in SYMBOLS[target]:
            renamed = SYMBOL_RENAMES.get((target, a.name))
            groups.setdefault(SYMBOLS[target][a.name], []).append(
                _alias(a.name, a.asname or (a.name if renamed else None), renamed))
            changed = True
        elif _is_old(target) and not _submodule_import(target, a.name):
            groups.setdefault(_new_module(target), []).append(_alias(a.name, a.asname))
            changed = True
        else:
            groups.setdefault(target, []).append(_alias(a.name, a.asname))
    # a relative import whose file moved must be re-based even when its target did not move
    if not changed and node.level and new_pkg == (old_mod if is_pkg else old_mod.rpartition(".")[0]):
        return None
    return "\n".join(_emit(indent, bool(node.level), new_pkg, mod, names) for mod, names in groups.items())


def _with_tail(text: str, tail: str) -> str:
    """``tail`` (a comment) after the last line of each emitted statement."""
    out = []
    for line in text.split("\n"):
        ends = line.strip() == ")" or (line.lstrip().startswith(("from ", "import ")) and not line.endswith("("))
        out.append(line + tail if ends else line)
    return "\n".join(out)


def rewrite_imports(text: str, old_mod: str, is_pkg: bool, new_mod: str, new_is_pkg: bool
                    ) -> tuple[str, list[tuple[int, int]]]:
    """Imports rewritten; also returns the (first, last) line numbers of every import statement."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text, []
    lines = text.split("\n")
    spans: list[tuple[int, int]] = []
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        spans.append((node.lineno, node.end_lineno or node.lineno))
        first = lines[node.lineno - 1]
        indent = first[: node.col_offset]
        if indent.strip():  # "if x: import y" and the like: leave alone
            continue
        new = rewrite_import(node, old_mod, is_pkg, new_mod, new_is_pkg, indent)
        if new is not None:
            tail = lines[(node.end_lineno or node.lineno) - 1][node.end_col_offset:]
            if tail.strip().startswith("#"):  # a trailing comment (noqa E402) holds for each split statement
                new = _with_tail(new, tail)
            else:
                new += tail
            edits.append((node.lineno, node.end_lineno or node.lineno, new))
    for start, end, new in sorted(edits, reverse=True):
        lines[start - 1 : end] = new.split("\n")
    return "\n".join(lines), spans


def import_spans(text: str) -> list[tuple[int, int]]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    return [(n.lineno, n.end_lineno or n.lineno) for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


# --- names and paths in text ---------------------------------------------------------------------

_DOTTED = re.compile(r"(?<![\w.])mtreview((?:\.\w+)+)(:\w+)?")
_PATH = re.compile(r"(?<![\w/.])(mtreview(?:/\w+)+\.py|tests/test_\w+\.py)")


def _sub_dotted(m: re.Match[str]) -> str:
    parts = m.group(1).split(".")[1:]
    for k in range(len(parts), 0, -1):
        old = "mtreview." + ".".join(parts[:k])
        if not _is_old(old):
            continue
        new = _new_module(old)
        rest = parts[k:]
        if new.startswith(old + ".") and rest and (f"{old}.{rest[0]}" in NEW_MODULES | EXISTING):
            return m.group(0)  # already a name inside the new package (mtreview.batch.runner)
        return new + "".join("." + r for r in rest) + (m.group(2) or "")
    return m.group(0)


def _sub_path(m: re.Match[str]) -> str:
    p = m.group(1)
    if p in TESTS:
        return TESTS[p]
    if p.startswith("mtreview/"):
        dotted = dotted_of(Path(p))
        if _is_old(dotted) and Path(p) != target_file(_new_module(dotted)):
            return str(target_file(_new_module(dotted)))
    return p


def rewrite_names(text: str, skip_lines: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    lines = text.split("\n")
    for i, line in enumerate(lines, 1):
        if i in skip_lines or ("mtreview" not in line and "tests/test_" not in line):
            continue
        lines[i - 1] = _PATH.sub(_sub_path, _DOTTED.sub(_sub_dotted, line))
    return "\n".join(lines)


_FILE_DEPTH = re.compile(r"(Path\(__file__\)(?:\.resolve\(\))?)\.(parent(?!s)|parents\[(\d+)\])")


def deepen(text: str) -> str:
    """``Path(__file__).parent`` -> ``.parents[1]``, ``.parents[N]`` -> ``.parents[N + 1]``."""
    def bump(m: re.Match[str]) -> str:
        n = int(m.group(3)) + 1 if m.group(3) is not None else 1
        return f"{m.group(1)}.parents[{n}]"
    return _FILE_DEPTH.sub(bump, text)


# --- driver --------------------------------------------------------------------------------------

def files(root: Path) -> list[Path]:
    listed = sh("git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    out = []
    for name in sorted(set(listed)):
        p = Path(name)
        if name == SELF or name.startswith(SKIP_DIRS) or not (root / p).is_file():
            continue
        if p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES:
            out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=".", help="repository root (default: here)")
    ap.add_argument("--force", action="store_true", help="run on a tree with uncommitted changes")
    ap.add_argument("--no-ruff", action="store_true", help="do not sort the rewritten imports")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "mtreview" / "__init__.py").is_file():
        print(f"{root}: not the mtreview repository root", file=sys.stderr)
        return 2
    if sh("git", "-C", str(root), "status", "--porcelain").strip() and not args.force:
        print("the tree has uncommitted changes; commit them first (or --force)", file=sys.stderr)
        return 2
    global ROOT
    ROOT = root
    moved = move(root)
    EXISTING.update(dotted_of(p.relative_to(root)) for p in (root / "mtreview").rglob("*.py"))
    changed = 0
    for rel in files(root):
        path = root / rel
        text = path.read_text(encoding="utf-8")
        new = text
        if rel.suffix == ".py":
            new_mod = dotted_of(rel)
            old_mod, old_path = moved.get(rel, (new_mod, rel))
            is_init = rel.name == "__init__.py"
            new, _ = rewrite_imports(new, old_mod, is_init, new_mod, is_init)
            # skip the import statements (already rewritten) when rewriting names in the rest
            skip = {i for a, b in import_spans(new) for i in range(a, b + 1)}
            new = rewrite_names(new, skip)
            if len(rel.parts) > len(old_path.parts):
                new = deepen(new)
        else:
            new = rewrite_names(new)
            for old_glob, new_glob in GLOBS.items():
                new = new.replace(old_glob, new_glob)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not args.no_ruff and Path(ruff).exists():
        subprocess.run([ruff, "check", "--quiet", "--select", "I", "--fix", "mtreview", "tests", "bench", "app.py"],
                       cwd=root, check=False)
    print(f"moved {len(moved)} file(s), rewrote {changed} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
