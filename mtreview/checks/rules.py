"""Rules: the user's own regular-expression checks, from ``[[checks.rules]]`` in the configuration.

Each rule is a table with these keys (all patterns are Python regular expressions):

- ``name``: a short id shown with every flag (required);
- ``source``: the rule applies only to segments whose source matches (default: every segment);
- ``target``: the translation must match, else the rule fires (on the source match, or the whole
  target when there is no ``source``);
- ``forbidden``: the translation must not match; each match is reported on the target;
- ``message``: what the flag says (default: a description of the rule);
- ``severity``: minor | major | critical (default: the check's, minor);
- ``ignore_case``: true to match case-insensitively (default false).

A rule needs ``target`` or ``forbidden`` (or both). Example::

    [[checks.rules]]
    name = "percent"
    source = '\\d+(?:\\.\\d+)?\\s?(?:%|percent)'
    target = '[%％]|パーセント'
    message = "A percentage in the source has no % in the translation."

    [[checks.rules]]
    name = "no-kitachosen-abbr"
    forbidden = "北鮮"
    message = "Write 北朝鮮."
    severity = "major"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..config import ChecksConfig
from ..errors import ConfigError
from ..records import Flag, Severity
from .base import Article, Check

KEYS = {"name", "source", "target", "forbidden", "message", "severity", "ignore_case"}


@dataclass(frozen=True)
class Rule:
    name: str
    source: re.Pattern[str] | None
    target: re.Pattern[str] | None
    forbidden: re.Pattern[str] | None
    message: str
    severity: Severity | None


def parse_rule(k: int, table: dict[str, Any]) -> Rule:
    """One ``[[checks.rules]]`` table -> Rule; a ConfigError names the rule and what is wrong."""
    where = f"[[checks.rules]] #{k + 1}"
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    for key in KEYS - {"ignore_case"}:
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{where}: {key} must be a string, got {table[key]!r}")
    name = table.get("name", "")
    if not name:
        raise ConfigError(f"{where}: a rule needs a name")
    where = f"[[checks.rules]] {name!r}"
    if not table.get("target") and not table.get("forbidden"):
        raise ConfigError(f"{where}: a rule needs a target or a forbidden pattern")
    flags = re.IGNORECASE if table.get("ignore_case", False) is True else 0

    def compile_(key: str) -> re.Pattern[str] | None:
        if not table.get(key):
            return None
        try:
            return re.compile(table[key], flags)
        except re.error as exc:
            raise ConfigError(f"{where}: {key} is not a valid regular expression ({exc})") from None

    try:
        severity = Severity.parse(table["severity"]) if table.get("severity") else None
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    src, tgt, bad = compile_("source"), compile_("target"), compile_("forbidden")
    parts = ([f"source /{table['source']}/"] if src else []) + ([f"target must match /{table['target']}/"]
                                                               if tgt else [])
    parts += [f"target must not match /{table['forbidden']}/"] if bad else []
    message = table.get("message") or "Rule: " + "; ".join(parts) + "."
    return Rule(name, src, tgt, bad, message, severity)


class Rules(Check):
    id = "rules"
    category = "other/custom"
    severity = Severity.MINOR
    description = "The user's regular-expression rules ([[checks.rules]] in the configuration)."
    rules: tuple[Rule, ...] = ()

    def configure(self, config: ChecksConfig) -> None:
        self.rules = tuple(parse_rule(k, t) for k, t in enumerate(config.rules))

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        out = []
        for i, seg in enumerate(article.segments):
            if seg.tgt.strip():
                for rule in self.rules:
                    out += [(i, f) for f in self.apply(rule, seg.src, seg.tgt)]
        return out

    def apply(self, rule: Rule, src: str, tgt: str) -> list[Flag]:
        hit = None
        if rule.source is not None:
            hit = rule.source.search(src)
            if hit is None:
                return []
        flags = []
        msg = f"[{rule.name}] {rule.message}"
        if rule.target is not None and rule.target.search(tgt) is None:
            if hit is not None:
                flags.append(self.flag("src", src, hit.start(), hit.end(), msg, severity=rule.severity))
            else:
                flags.append(self.flag("tgt", tgt, 0, len(tgt), msg, severity=rule.severity))
        if rule.forbidden is not None:
            for m in rule.forbidden.finditer(tgt):
                if m.end() > m.start():
                    flags.append(self.flag("tgt", tgt, m.start(), m.end(), msg, severity=rule.severity))
        return flags
