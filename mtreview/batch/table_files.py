"""The batch tables on disk: their columns, the one writer and the one reader.

``articles``, ``segments`` and ``flags`` are each written twice by ``TableWriter``: NAME.parquet
(typed: dates, id lists, ordered severity categories, provenance metadata) and its CSV twin
(id lists as space-separated text, categories as text). ``read_table`` is the one reader of
these files, for the dashboard, the review view and ``mtreview export`` alike: Parquet, else CSV
read with the writer's column types, so that an article id is text whatever it looks like ("007"
stays "007", never 7) and a CSV-only folder gives the same values as the Parquet one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..io.output import BatchFolder, temp_path
from ..records import Severity

if TYPE_CHECKING:
    import pyarrow as pa

SEVERITIES = tuple(s.label for s in Severity)

CATEGORICAL = {"severity": SEVERITIES, "worst_severity": SEVERITIES}  # column -> its categories, in order


def table_schema(kind: str, scores: Sequence[str], checks: Sequence[str], metadata: dict[str, str] | None = None
            ) -> pa.Schema:
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    cat = pa.dictionary(pa.int8(), pa.string(), ordered=True)
    ids = pa.list_(pa.int64())
    meta = [("article_id", s), ("date", pa.date32()), ("desk", s), ("translator", s)]
    counts = [("flags_total", i), *((f"flags_{x}", i) for x in SEVERITIES),
              *((f"check_{c}", i) for c in checks), ("worst_severity", cat), ("worst_rank", i)]
    if kind == "segments":
        cols = [*meta, ("segment_id", i), ("kind", s), ("src_ids", ids), ("tgt_ids", ids), ("src", s), ("tgt", s),
                ("align_score", f), ("quality", f), *((f"score_{k}", f) for k in scores), *counts,
                ("mqm_penalty", f)]
    elif kind == "articles":
        cols = [*meta, ("src_path", s), ("tgt_path", s), ("segments", i), ("flagged_segments", i),
                ("src_sentences", i), ("tgt_sentences", i), ("unaligned_src", i), ("unaligned_tgt", i),
                ("mean_quality", f), ("min_quality", f), ("mean_align_score", f),
                *((f"mean_score_{k}", f) for k in scores), *counts, ("mqm_penalty", f), ("mqm_words", i),
                ("mqm_score", f), ("mqm_pass", pa.bool_()), ("config_hash", s), ("input_hash", s)]
    else:
        cols = [("article_id", s), ("segment_id", i), ("check", s), ("category", s), ("severity", cat),
                ("side", s), ("start", i), ("end", i), ("text", s), ("message", s), ("suggestion", s)]
    return pa.schema(cols, metadata=metadata)


def csv_schema(schema: pa.Schema) -> pa.Schema:
    """The CSV twin of a table schema: id lists as space-separated text, categories as text."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_list(f.type) or pa.types.is_dictionary(f.type)
                      else f for f in schema])


def _arrow_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows to a table; categorical columns get their fixed category list, so every chunk agrees."""
    import pyarrow as pa

    plain = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in schema])
    table = pa.Table.from_pylist(rows, schema=plain)
    for name, cats in CATEGORICAL.items():
        if name in schema.names:
            index = {c: k for k, c in enumerate(cats)}
            codes = pa.array([index.get(v) if v is not None else None for v in table[name].to_pylist()],
                             type=pa.int8())
            arr = pa.DictionaryArray.from_arrays(codes, pa.array(cats), ordered=True)
            table = table.set_column(schema.get_field_index(name), pa.field(name, arr.type), arr)
    return table.replace_schema_metadata(schema.metadata)


def _csv_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    out = [{k: " ".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()} for r in rows]
    return pa.Table.from_pylist(out, schema=csv_schema(schema))


class TableWriter:
    """Streams rows to NAME.parquet and NAME.csv (via temporary files, renamed at the end)."""

    def __init__(self, out: Path, name: str, schema: pa.Schema, bom: bool = False) -> None:
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        self.schema = schema
        paths = BatchFolder(out).table_paths(name)
        self.final = [paths["parquet"], paths["csv"]]
        self.tmp = [temp_path(p) for p in self.final]
        self.parquet = pq.ParquetWriter(self.tmp[0], schema, compression="zstd")
        self.csv_file = self.tmp[1].open("wb")
        if bom:  # Excel in a Japanese locale needs it to read UTF-8
            self.csv_file.write(b"\xef\xbb\xbf")
        self.csv = pcsv.CSVWriter(self.csv_file, csv_schema(schema).remove_metadata())
        self.rows: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)

    def flush(self) -> None:
        self.parquet.write_table(_arrow_table(self.rows, self.schema))
        self.csv.write_table(_csv_table(self.rows, self.schema).replace_schema_metadata(None))
        self.rows = []

    def close(self) -> None:
        if self.rows:
            self.flush()
        self.parquet.close()
        self.csv.close()
        self.csv_file.close()
        for tmp, final in zip(self.tmp, self.final, strict=True):
            tmp.replace(final)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:  # the writer may start it with a BOM
        return next(csv.reader(fh), [])


def _read_csv(path: Path, name: str, columns: Sequence[str] | None) -> pa.Table:
    """A CSV twin read back with the writer's types: score and check columns known by their names,
    id lists ("0 1") back to lists."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    header = _header(path)
    scores = {c.removeprefix("mean_").removeprefix("score_") for c in header if c.startswith(("score_", "mean_score_"))}
    checks = {c.removeprefix("check_") for c in header if c.startswith("check_")}
    schema = table_schema(name, sorted(scores), sorted(checks))
    options = pcsv.ConvertOptions(column_types={f.name: f.type for f in csv_schema(schema)}, strings_can_be_null=True,
                                  quoted_strings_can_be_null=False,
                                  include_columns=list(columns) if columns is not None else None)
    table = pcsv.read_csv(path, convert_options=options)
    for f in schema:
        if pa.types.is_list(f.type) and f.name in table.column_names:
            ids = [None if v is None else [int(i) for i in v.split()] for v in table[f.name].to_pylist()]
            table = table.set_column(table.schema.get_field_index(f.name), f.name, pa.array(ids, f.type))
    return table


def missing_output(layout: BatchFolder, what: str) -> str:
    """Why a batch output file is not in ``layout``: a run that did not finish (its ``articles/``
    folder is there: an interrupted run writes the tables at its end), or no batch output at all."""
    if layout.articles.is_dir():
        return (f"{layout.root}: the batch run into this folder did not finish (no {what}; interrupted?): "
                "rerun the same `mtreview batch` command to complete it")
    return f"{layout.root}: not a batch output folder (no {what})"


def read_summary(folder: str | Path) -> dict[str, Any]:
    """``summary.json`` of a batch output folder; missing or damaged: an InputError saying which."""
    import json

    layout = BatchFolder.at(folder)
    if not layout.summary.is_file():
        raise InputError(missing_output(layout, layout.SUMMARY))
    try:
        summary = json.loads(layout.summary.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # not JSON, not UTF-8, unreadable
        summary = exc
    if not isinstance(summary, dict):
        raise InputError(f"{layout.summary}: not a batch summary (damaged or overwritten); rerun the same "
                         "`mtreview batch` command to rebuild it")
    return summary


def read_table(folder: str | Path, name: str, columns: Sequence[str] | None = None, required: bool = True
               ) -> pa.Table | None:
    """Table ``name`` of a batch output folder: NAME.parquet, else NAME.csv with the writer's column
    types (an empty CSV cell is a missing value, ``""`` an empty text; id lists are lists, severities
    plain text). ``columns``: only these.

    Neither file there: an InputError naming the folder (None when not ``required``); a file that
    cannot be read (damaged, not a table, wrong columns): an InputError naming the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if name not in BatchFolder.TABLES:
        raise ValueError(f"unknown batch table {name!r} (expected one of: {', '.join(BatchFolder.TABLES)})")
    layout = BatchFolder.at(folder)
    paths = layout.table_paths(name)
    path = next((p for p in paths.values() if p.is_file()), None)
    if path is None:
        if not required:
            return None
        raise InputError(missing_output(layout, f"{paths['parquet'].name} or {paths['csv'].name}"))
    try:
        if path == paths["parquet"]:
            table = pq.read_table(path, columns=list(columns) if columns is not None else None)
        else:
            table = _read_csv(path, name, columns)
        if "article_id" in table.column_names and not pa.types.is_string(table.schema.field("article_id").type):
            table = table.set_column(table.schema.get_field_index("article_id"), "article_id",
                                     table["article_id"].cast(pa.string()))
    except (OSError, ValueError, pa.ArrowException) as exc:  # damaged, not a table, a column missing
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise InputError(f"{path}: cannot read this batch table ({exc.__class__.__name__}: {detail})") from None
    return table
