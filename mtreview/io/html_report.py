"""Self-contained HTML reports an editor opens in any browser: one article, or a whole batch.

``article_html(review, config, decide, edits, credits, comments)`` shows the MQM score and verdict, bar charts
(flags by check and by severity, inline SVG) and every segment with its flagged words
highlighted by severity (hover for the message), the reviewers' edit, comment and each flag's
decision, each credited to whoever made it ("edited by Aiko", "(accepted by Ben)").
``batch_html(summary, articles, config)`` shows the batch's MQM, pass rate per desk and
translator, charts and the articles ranked worst first. No scripts, fonts or images are
loaded from anywhere: the file is the report.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from .. import __version__
from ..config import MqmConfig
from ..score import mqm

SEVERITY_COLOURS = {"minor": "#f6d365", "major": "#f39c5a", "critical": "#e74c3c"}
_RANK = {"minor": 1, "major": 2, "critical": 3}
CSS = """
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.35em .5em;vertical-align:top}
th{background:#f4f4f4;text-align:left}tr.flagged td{background:#fffaf0}
mark{padding:0 .1em;border-radius:2px}mark.minor{background:#f6d365}mark.major{background:#f39c5a}
mark.critical{background:#e74c3c;color:#fff}.pass{color:#1e7b34;font-weight:bold}
.fail{color:#b3261e;font-weight:bold}.small{color:#666;font-size:.85em}.edit{color:#1a5fb4}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em}
ul.flags{margin:.2em 0;padding-left:1.2em}.charts{display:flex;gap:2em;flex-wrap:wrap}
"""


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def bar_chart(items: Sequence[tuple[str, float]], title: str, colours: Mapping[str, str] | None = None,
              width: int = 420) -> str:
    """A horizontal bar chart as inline SVG (one bar per item, value printed at its end)."""
    bar_h, gap, label_w = 18, 6, 150
    height = 24 + len(items) * (bar_h + gap)
    top = max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}"><title>{esc(title)}</title>',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{esc(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 24 + i * (bar_h + gap)
        w = int((width - label_w - 50) * value / top)
        colour = (colours or {}).get(label, "#4a7bd0")
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{esc(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{colour}"/>'
                     f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def highlight(text: str, flags: Sequence[Mapping[str, Any]]) -> str:
    """``text`` escaped, with each flagged span in a <mark> of its worst severity (title = messages)."""
    worst = [0] * len(text)
    notes: list[list[str]] = [[] for _ in text]
    for f in flags:
        for i in range(max(0, f["start"]), min(len(text), f["end"])):
            worst[i] = max(worst[i], _RANK[f["severity"]])
            notes[i].append(f"{f['check']}: {f['message']}")
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and worst[j] == worst[i] and notes[j] == notes[i]:
            j += 1
        chunk = esc(text[i:j])
        if worst[i]:
            sev = next(k for k, v in _RANK.items() if v == worst[i])
            chunk = f'<mark class="{sev}" title="{esc(" / ".join(notes[i]))}">{chunk}</mark>'
        out.append(chunk)
        i = j
    return "".join(out)


def _page(title: str, body: list[str]) -> str:
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="generator" content="mtreview {esc(__version__)}"><style>{CSS}</style></head>'
            f'<body>{"".join(body)}<p class="small">mtreview {esc(__version__)}</p></body></html>\n')


def _verdict(score: mqm.MqmScore) -> str:
    cls, word = ("pass", "PASS") if score.passed else ("fail", "FAIL")
    return (f'<div class="card"><div>MQM score</div><div><b>{score.score:g}</b> '
            f'<span class="{cls}">{word}</span></div><div class="small">penalty {score.penalty:g} over '
            f"{score.words} source words; pass at ≤ {score.threshold:g} per {score.per_words}</div></div>")


def article_html(review: Mapping[str, Any], title: str, config: MqmConfig | None = None,
                 decide: mqm.Decide | None = None, edits: Mapping[int, str] | None = None,
                 credits: mqm.Credits | None = None, comments: Mapping[int, str] | None = None) -> str:
    """The HTML report of one review record (``Review.to_dict()``); ``credits``: who edited, commented,
    reviewed and decided, written beside each edit, comment and decision."""
    comments = comments or {}
    config = config or MqmConfig()
    edits = edits or {}
    seg_scores, total = mqm.review_scores(review, config, decide)
    by_check: dict[str, int] = {}
    by_sev = dict.fromkeys(SEVERITY_COLOURS, 0)
    for s in review["segments"]:
        for f in s["flags"]:
            by_check[f["check"]] = by_check.get(f["check"], 0) + 1
            by_sev[f["severity"]] += 1
    meta = review.get("meta", {})
    flagged = sum(1 for s in review["segments"] if s["flags"])
    body = [f"<h1>{esc(title)}</h1>",
            f'<p class="small">source {esc(meta.get("src", {}).get("path"))} · config '
            f'{esc(meta.get("config_hash"))} · reviewed with mtreview {esc(meta.get("mtreview"))}</p>',
            '<div class="cards">', _verdict(total),
            f'<div class="card"><div>segments</div><div><b>{len(review["segments"])}</b></div>'
            f'<div class="small">{flagged} flagged</div></div>',
            "".join(f'<div class="card"><div>{esc(k.replace("_", "-"))} errors</div><div><b>{n}</b></div></div>'
                    for k, n in total.errors.items()), "</div>",
            '<h2>Flags</h2><div class="charts">',
            bar_chart(sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])), "flags by check"),
            bar_chart(list(by_sev.items()), "flags by severity", SEVERITY_COLOURS), "</div>",
            "<h2>Segments</h2><table><tr><th>#</th><th>English</th><th>Japanese</th><th>flags</th>"
            "<th>MQM</th></tr>"]
    for seg, score in zip(review["segments"], seg_scores, strict=True):
        src_flags = [f for f in seg["flags"] if f["side"] == "src"]
        tgt_flags = [f for f in seg["flags"] if f["side"] == "tgt"]
        edit, comment = edits.get(int(seg["id"])), comments.get(int(seg["id"]))
        who = credits.segment(seg) if credits else {}
        tgt = highlight(seg["tgt"], tgt_flags)
        if edit is not None:
            tgt += f'<div class="edit">edited{_by(who.get("edited_by"))}: {esc(edit)}</div>'
        if comment:
            tgt += f'<div class="small">comment{_by(who.get("commented_by"))}: {esc(comment)}</div>'
        if who.get("reviewed_by"):
            tgt += f'<div class="small">reviewed{_by(who["reviewed_by"])}</div>'
        items = "".join(
            f'<li><mark class="{esc(f["severity"])}">{esc(f["severity"])}</mark> {esc(f["check"])}: '
            f'{esc(f["message"])}{_decision(decide, f, seg, credits)}</li>' for f in seg["flags"])
        body.append(f'<tr class="{"flagged" if seg["flags"] else ""}"><td>{esc(seg["id"])}</td>'
                    f'<td>{highlight(seg["src"], src_flags)}</td><td>{tgt}</td>'
                    f'<td><ul class="flags">{items}</ul></td><td>{score.penalty:g}</td></tr>')
    body.append("</table>")
    return _page(title, body)


def _by(name: str | None) -> str:
    return f" by {esc(name)}" if name else ""


def _decision(decide: mqm.Decide | None, flag: Mapping[str, Any], seg: Mapping[str, Any],
              credits: mqm.Credits | None = None) -> str:
    d = decide(flag, seg) if decide else None
    by = _by(credits.decided_by(flag, seg)) if d and credits else ""
    label = {"accept": "accepted", "reject": "rejected", "fixed": "fixed"}.get(d or "", d or "undecided")
    if d == "fixed" and not by:
        label = "fixed by the edit"  # "fixed by Aiko" when the store credits the edit
    return f' <span class="small">({esc(label)}{by})</span>'


def _rate(rows: Sequence[Mapping[str, Any]], key: str) -> list[tuple[str, float]]:
    groups: dict[str, list[bool]] = {}
    for r in rows:
        groups.setdefault(str(r.get(key) or "(none)"), []).append(bool(r["mqm_pass"]))
    return [(k, round(100 * sum(v) / len(v), 1)) for k, v in sorted(groups.items())]


def batch_html(summary: Mapping[str, Any], articles: Sequence[Mapping[str, Any]], title: str,
               config: MqmConfig | None = None) -> str:
    """The HTML report of a batch: ``summary.json`` and the rows of the articles table."""
    config = config or MqmConfig()
    total = mqm.combine([mqm.MqmScore(float(a["mqm_penalty"] or 0), int(a["mqm_words"] or 0))
                         for a in articles], config)
    passed = sum(1 for a in articles if a["mqm_pass"])
    arts = summary.get("articles", {})
    body = [f"<h1>{esc(title)}</h1>", '<div class="cards">', _verdict(total),
            f'<div class="card"><div>articles</div><div><b>{arts.get("reviewed", len(articles))}</b> reviewed'
            f'</div><div class="small">{arts.get("failed", 0)} failed to load</div></div>',
            f'<div class="card"><div>articles passing</div><div><b>{passed}</b> of {len(articles)}</div></div>',
            "</div>", '<h2>Charts</h2><div class="charts">',
            bar_chart(list(summary.get("flags_by_severity", {}).items()), "flags by severity", SEVERITY_COLOURS),
            bar_chart(sorted(summary.get("flags_by_check", {}).items(), key=lambda kv: (-kv[1], kv[0]))[:15],
                      "flags by check")]
    for key in ("desk", "translator"):
        if any(a.get(key) for a in articles):
            body.append(bar_chart(_rate(articles, key), f"pass rate % by {key}"))
    body.append('</div><h2>Articles, worst first</h2><table><tr><th>article</th><th>desk</th>'
                "<th>translator</th><th>MQM</th><th>verdict</th><th>critical</th><th>major</th><th>minor</th>"
                "<th>segments</th></tr>")
    for a in sorted(articles, key=lambda a: (-(a["mqm_score"] or 0), a["article_id"])):
        verdict = '<span class="pass">pass</span>' if a["mqm_pass"] else '<span class="fail">fail</span>'
        body.append(f'<tr><td>{esc(a["article_id"])}</td><td>{esc(a.get("desk"))}</td>'
                    f'<td>{esc(a.get("translator"))}</td><td>{a["mqm_score"] or 0:g}</td><td>{verdict}</td>'
                    f'<td>{a.get("flags_critical", 0)}</td><td>{a.get("flags_major", 0)}</td>'
                    f'<td>{a.get("flags_minor", 0)}</td><td>{a.get("segments", 0)}</td></tr>')
    body.append("</table>")
    return _page(title, body)
