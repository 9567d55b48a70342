"""``mtreview config show|init|glossary``: the effective configuration as TOML; the shipped, commented
default configuration (a starting point for your own file); the shipped example glossary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..config import config_path, load_config

RESOURCES = "mtreview.resources"  # default.toml and glossary.tsv as shipped; configs/ holds identical copies


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(data: dict[str, dict[str, Any]]) -> str:
    """The nested dict of ``Config.to_dict()`` as TOML text (sections, then their sub-tables)."""
    lines: list[str] = []
    for section, values in data.items():
        lines.append(f"[{section}]")
        tables = {k: v for k, v in values.items() if isinstance(v, dict)}
        rules = values.get("rules") if isinstance(values.get("rules"), list) else None
        for key, value in values.items():
            if key in tables or (key == "rules" and rules):
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        for name, table in tables.items():
            nested = {k: v for k, v in table.items() if isinstance(v, dict)}
            flat = {k: v for k, v in table.items() if not isinstance(v, dict)}
            lines.append(f"\n[{section}.{name}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in flat.items()]
            for sub, inner in nested.items():
                lines.append(f"\n[{section}.{name}.{sub}]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in inner.items()]
        for rule in rules or ():
            lines.append(f"\n[[{section}.rules]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in rule.items()]
        lines.append("")
    return "\n".join(lines)


def shipped(name: str) -> str:
    """The text of a file shipped in the package (default.toml, glossary.tsv)."""
    from importlib import resources

    return resources.files(RESOURCES).joinpath(name).read_text(encoding="utf-8")


def cmd_config(args: argparse.Namespace) -> int:
    if args.action in ("init", "glossary"):
        sys.stdout.write(shipped("default.toml" if args.action == "init" else "glossary.tsv"))
        return 0
    path = config_path(args.config)
    config = load_config(path)
    sys.stdout.write(f"# effective mtreview configuration: defaults{' + ' + path if path else ''}"
                     f" (config hash {config.digest()})\n")
    sys.stdout.write(to_toml(config.to_dict()))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("config", help="show the effective configuration (defaults + your file) as TOML")
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = acts.add_parser("show", help="print every setting with its effective value")
    s.add_argument("--config", help="TOML file overriding the defaults (default: $MTREVIEW_CONFIG)")
    acts.add_parser("init", help="print the commented default configuration (mtreview config init > my.toml)")
    acts.add_parser("glossary", help="print the example glossary TSV (English term, Japanese rendering(s))")
    p.set_defaults(func=cmd_config)
