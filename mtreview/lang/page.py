"""The vocabulary of web-page debris: navigation, share buttons, tag lists and footers.

Each phrase once, with its reason (``navigation``, ``share``, ``tags``, ``footer``, ``label``)
and who uses it: the loader removes a line that is one of ``LOADER_PHRASES`` (``debris.py``),
the ``boilerplate`` check flags a translation line made of ``CHECK_PHRASES``. The two lists
differ (the loader sees whole scraped pages, the check only the text given as a translation);
``both`` marks the phrases they share. Phrases are compared case-folded.
"""

from __future__ import annotations

_TABLE: dict[tuple[str, str], list[str]] = {
    ("navigation", "both"): [
        "home", "menu", "search", "next", "previous", "read more", "more", "sign in", "log in", "login",
        "subscribe", "advertisement", "ホーム", "メニュー", "検索", "続きを読む", "もっと見る", "次へ",
        "前へ", "広告", "PR", "記事一覧",
    ],
    ("navigation", "loader"): [
        "skip to content", "skip to main content", "main menu", "next article", "previous article",
        "read more:", "continue reading", "see more", "register", "newsletter", "sign up", "トップ",
        "トップページ", "ログイン", "会員登録", "次の記事", "前の記事", "ニュース一覧", "全文を読む",
        "全文をよむ", "もっと読む", "一覧へ戻る", "戻る", "generic selectors", "exact matches only",
        "search in title", "search in content", "post type selectors", "filter by categories", "full story",
        "view all", "load more", "show more",
    ],
    ("share", "both"): [
        "short url", "share", "share this", "tweet", "facebook", "twitter", "line", "email", "e-mail",
        "print", "シェア", "ツイート", "印刷", "ブックマーク", "はてなブックマーク", "この記事をシェア",
    ],
    ("share", "loader"): [
        "share this article", "share this story", "share on facebook", "share on twitter", "x", "linkedin",
        "whatsapp", "telegram", "copy link", "pinterest", "reddit", "instagram", "youtube", "シェアする",
        "いいね", "メール", "リンクをコピー", "follow", "follow us", "share via", "share article", "copy url",
        "はてブ", "lineで送る", "この記事を印刷", "ポスト",
    ],
    ("tags", "both"): [
        "topics", "tags", "related", "related articles", "トピックス", "関連記事", "関連ニュース", "特に人気",
        "人気記事", "オススメ", "おすすめ", "ランキング", "アクセスランキング",
    ],
    ("tags", "loader"): [
        "tag", "related topics", "related stories", "related news", "most popular", "most read", "popular",
        "trending", "recommended", "you may also like", "more from", "latest", "latest news",
        "editor's picks", "タグ", "キーワード", "関連リンク", "人気", "お勧め", "最新ニュース", "新着",
        "注目",
    ],
    ("footer", "both"): [
        "return to top", "back to top", "top of page", "ページトップへ", "ページの先頭へ", "トップへ戻る",
    ],
    ("footer", "loader"): [
        "to top", "privacy policy", "terms of use", "terms of service", "contact us", "about us",
        "cookie policy", "cookie settings", "accept cookies", "このページのトップへ", "先頭へ戻る",
        "プライバシーポリシー", "利用規約", "お問い合わせ", "会社概要", "サイトマップ",
    ],
    ("label", "check"): [
        "all rights reserved", "comments", "copyright", "photo", "prev", "short url:", "sponsored",
        "コメント", "スポンサーリンク", "一覧へ", "最新記事",
    ],
}

# loader: phrase (case-folded) -> reason
LOADER_PHRASES: dict[str, str] = {
    p.casefold(): reason for (reason, where), phrases in _TABLE.items() if where != "check" for p in phrases
}
# boilerplate check: phrases (case-folded)
CHECK_PHRASES: frozenset[str] = frozenset(
    p.casefold() for (_reason, where), phrases in _TABLE.items() if where != "loader" for p in phrases
)
