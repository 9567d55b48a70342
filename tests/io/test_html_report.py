"""HTML reports (highlights, escaping, inline SVG) and the workbook / CSV writers."""

from __future__ import annotations

import io

from mtreview.io import html_report, workbook


def _flag(start, end, severity, check="numbers", message="m"):
    return {"check": check, "severity": severity, "start": start, "end": end, "message": message}


def test_highlight_marks_worst_severity_of_overlapping_flags():
    text = "警察によると21人が死亡"
    got = html_report.highlight(text, [_flag(6, 9, "minor", "a"), _flag(6, 8, "major", "b")])
    assert got == ('警察によると<mark class="major" title="a: m / b: m">21</mark>'
                   '<mark class="minor" title="a: m">人</mark>が死亡')


def test_text_and_messages_are_escaped():
    got = html_report.highlight("<script>x</script>", [_flag(0, 8, "critical", message='"><b>')])
    assert "<script>" not in got and "&lt;script&gt;" in got and "&quot;&gt;&lt;b&gt;" in got


def test_article_report_is_self_contained():
    review = {"meta": {"src": {"path": "a.en.txt"}, "config_hash": "abc", "mtreview": "0.1.0"},
              "segments": [{"id": 0, "src": "Police said 12 people died.", "tgt": "警察によると21人が死亡した。",
                            "flags": [{**_flag(6, 8, "major"), "side": "tgt", "category": "accuracy/mistranslation",
                                       "text": "21", "suggestion": "12"}]}]}
    page = html_report.article_html(review, "a <b>", edits={0: "警察によると12人が死亡した。"})
    assert "<title>a &lt;b&gt;</title>" in page
    assert '<mark class="major" title="numbers: m">21</mark>' in page
    assert "edited: 警察によると12人が死亡した。" in page and "FAIL" in page  # 5 points in 5 words
    assert page.count("<svg") == 2 and "<script" not in page


def test_bar_chart_scales_to_the_largest_value():
    svg = html_report.bar_chart([("a", 2), ("b", 1)], "t", width=350)
    assert 'width="150" height="18"' in svg and 'width="75" height="18"' in svg


def test_workbook_sheets_and_formula_guard():
    from openpyxl import load_workbook

    data = workbook.xlsx({"segments": [{"id": 1, "tgt": "=HYPERLINK(\"x\")", "ids": [0, 1]}], "empty": []})
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["segments", "empty"]
    assert [c.value for c in wb["segments"][2]] == [1, '=HYPERLINK("x")', "[0, 1]"]
    assert wb["segments"]["B2"].data_type == "s"  # text, not a formula


def test_csv_bom_for_japanese_excel():
    rows = [{"id": 1, "tgt": "日本語", "ids": [0, 1], "none": None}]
    assert workbook.csv_text(rows, bom=True) == '\ufeffid,tgt,ids,none\r\n1,日本語,"[0, 1]",\r\n'
    assert workbook.csv_text(rows) == 'id,tgt,ids,none\n1,日本語,"[0, 1]",\n'
