"""Sheet and column names of the workbook contract (``shared/spec/workbook.md``).

The first two names of each column are the headers flowmap writes (English,
Japanese); all names are aliases it reads, matched after :func:`norm_key`.
"""

from __future__ import annotations

from ..cells import norm_key
from ..model import END_WORDS as _END_WORDS
from ..model import Mode, OwnerKind, ToolCategory

__all__ = ["COLUMNS", "SETTINGS_KEYS", "SHEETS", "column_lookup", "sheet_kind"]

SHEETS: dict[str, tuple[str, ...]] = {
    "steps": ("Steps", "工程", "Flow", "業務フロー", "フロー"),
    "owners": ("Owners", "担当者", "体制"),
    "tools": ("Tools", "ツール", "システム"),
    "settings": ("Settings", "設定"),
}

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "steps": {
        "id": ("id", "番号", "ID", "No", "No.", "#", "工程ID", "工程番号"),
        "name": ("name", "工程名", "業務名", "作業名", "作業", "業務", "ステップ", "step", "task"),
        "lane": ("lane", "レーン", "区分", "主体", "部署", "担当部署", "lane/department", "department"),
        "owner": ("owner", "担当者", "担当", "実施者", "作業者", "assignee", "role"),
        "tools": ("tools", "ツール", "使用ツール", "システム", "手段", "連絡手段", "入力先", "tool", "system", "channel"),
        "mode": ("mode", "方式", "処理方式", "手動/自動", "種別", "type"),
        "duration": ("duration", "所要時間", "作業時間", "処理時間", "時間", "工数", "time"),
        "next": ("next", "次工程", "次", "遷移先", "後工程", "goes to"),
        "join": ("join", "合流", "合流条件"),
        "reads": ("reads", "参照データ", "参照", "確認項目", "looks up"),
        "writes": ("writes", "入力データ", "入力項目", "登録データ", "記入項目", "enters"),
        "stage": ("stage", "ステージ", "フェーズ", "段階", "phase"),
        "touchpoint": ("touchpoint", "タッチポイント", "接点", "顧客接点"),
        "emotion": ("emotion", "感情", "顧客感情", "満足度", "feeling"),
        "pain": ("pain", "課題", "問題点", "不満点", "ペイン", "pain point", "issue"),
        "batch": ("batch", "バッチ条件", "実行タイミング", "処理タイミング", "schedule", "バッチ"),
        "automated": ("automated", "自動化", "自動", "システム化", "auto"),
        "volume": ("volume", "件数/日", "発生件数", "1日の件数", "cases/day"),
        "note": ("note", "備考", "メモ", "comment"),
    },
    "owners": {
        "name": ("name", "担当者", "名前", "氏名", "チーム", "owner"),
        "lane": ("lane", "部署", "所属", "区分", "department"),
        "kind": ("kind", "種別", "区分2"),
        "headcount": ("headcount", "人数", "人員", "staff"),
        "hours": ("hours", "勤務時間", "稼働時間", "就業時間", "shift"),
        "days": ("days", "勤務日", "稼働日", "曜日", "workdays"),
        "cost": ("cost", "時給", "単価", "人件費/時", "hourly cost"),
    },
    "tools": {
        "name": ("name", "ツール名", "システム名", "名称", "tool"),
        "category": ("category", "分類", "種類", "用途", "kind"),
        "delay": ("delay", "連絡遅延", "遅延", "伝達時間", "反応時間", "latency"),
    },
}

# "channel" is both a tools and a touchpoint alias in the contract; as a Steps
# header it means tools (listed there first), as documented.

# Alike in shape only to other label tables (render/mining.py _KIND): data, not logic.
SETTINGS_KEYS: dict[str, tuple[str, ...]] = {
    "orders_per_day": ("orders_per_day", "1日の受注件数", "受注件数/日", "注文数/日"),
    "days": ("days", "シミュレーション日数", "日数"),
    "start": ("start", "開始日"),
    "seed": ("seed", "乱数シード"),
    "replications": ("replications", "反復回数"),
    "currency": ("currency", "通貨"),
    "holidays": ("holidays", "祝日"),
    "closed": ("closed", "休業日"),
    "overload": ("overload", "過負荷しきい値"),
    "underload": ("underload", "低負荷しきい値"),
    "scatter_tools": ("scatter_tools", "ツール分散しきい値"),
    "automation_minutes": ("automation_minutes", "自動化しきい値(分/日)"),
    "hourly_profile": ("hourly_profile", "時間帯別比率"),
    "weekday_profile": ("weekday_profile", "曜日別比率", "曜日別"),
    "milestones": ("milestones", "区間", "マイルストーン"),
    "name": ("name", "フロー名"),
    "language": ("language", "言語"),
}

SETTINGS_HEADER = {norm_key(k) for k in ("項目", "値", "key", "value", "setting", "設定項目", "設定値")}


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, names in table.items():
        for n in names:
            out.setdefault(norm_key(n), field)
    return out


_COLUMN_LOOKUP = {kind: _lookup(cols) for kind, cols in COLUMNS.items()}
_SHEET_LOOKUP = _lookup(SHEETS)
SETTINGS_LOOKUP = _lookup(SETTINGS_KEYS)


def column_lookup(kind: str) -> dict[str, str]:
    return _COLUMN_LOOKUP[kind]


def sheet_kind(title: str) -> str | None:
    return _SHEET_LOOKUP.get(norm_key(title))


def header(kind: str, field: str, lang: str) -> str:
    names = COLUMNS[kind][field]
    return names[1] if lang == "ja" else names[0]


CUSTOMER_WORDS = {norm_key(w) for w in ("顧客", "お客様", "お客さま", "購入者", "customer", "buyer", "customers")}
SYSTEM_WORDS = {norm_key(w) for w in ("システム", "system", "自動", "auto", "automatic")}
END_WORDS = {norm_key(w) for w in _END_WORDS}
NO_OWNER = "-"
"""Written in the owner cell of a manual step that on purpose has no owner (a blank cell is a problem)."""
NO_OWNER_WORDS = {norm_key(w) for w in (NO_OWNER, "ー", "—", "なし", "none", "n/a")}

MODE_WORDS: dict[str, Mode] = {
    **{norm_key(w): "manual" for w in ("manual", "手動", "人手", "手作業")},
    **{norm_key(w): "auto" for w in ("auto", "自動", "システム", "automatic", "system")},
    **{norm_key(w): "batch" for w in ("batch", "バッチ", "一括", "夜間バッチ", "日次バッチ")},
}
KIND_WORDS: dict[str, OwnerKind] = {
    **{norm_key(w): "person" for w in ("person", "人", "個人", "people")},
    **{norm_key(w): "team" for w in ("team", "チーム", "部署", "group")},
    **{norm_key(w): "system" for w in ("system", "システム", "自動")},
}
CATEGORY_WORDS: dict[str, ToolCategory] = {
    **{norm_key(w): "communication" for w in ("communication", "連絡", "コミュニケーション", "連絡手段")},
    **{norm_key(w): "record" for w in ("record", "記録", "管理", "記録/管理", "記録・管理")},
    **{norm_key(w): "commerce" for w in ("commerce", "受注", "ec", "受注/ec", "受注・ec", "販売")},
    **{norm_key(w): "logistics" for w in ("logistics", "出荷", "物流", "出荷/物流", "出荷・物流")},
    **{norm_key(w): "payment" for w in ("payment", "決済")},
    **{norm_key(w): "other" for w in ("other", "その他")},
    **{norm_key(w): "wait" for w in ("wait", "待ち", "引き継ぎ待ち", "delay")},
}
CATEGORY_JA = {"communication": "連絡", "record": "記録", "commerce": "受注", "logistics": "物流",
               "payment": "決済", "other": "その他", "wait": "待ち"}
MODE_JA = {"manual": "手動", "auto": "自動", "batch": "バッチ"}
KIND_JA = {"person": "人", "team": "チーム", "system": "システム"}

# Well-known tool names whose category a lead would not bother to write down. Checked in this
# order: a spreadsheet or ledger (…表, …シート, …台帳, Excel…) is a record even when its name also
# says what it records (Excel受注表, 出荷管理表), so those words come before commerce and logistics.
_GUESS: tuple[tuple[ToolCategory, tuple[str, ...]], ...] = (
    ("communication", ("メール", "mail", "電話", "phone", "tel", "チャット", "chat", "line", "slack", "teams",
                        "fax", "ファックス", "口頭", "メモ書き", "付箋")),
    ("payment", ("決済", "payment", "stripe", "paypal", "クレジット")),
    ("record", ("表", "シート", "台帳", "excel", "エクセル", "スプレッドシート", "spreadsheet", "sheet", "ledger",
                "帳簿", "ノート", "紙", "ファイル")),
    ("logistics", ("wms", "倉庫", "在庫", "出荷", "送り状", "伝票", "ラベル", "label", "配送", "運送", "shipping")),
    ("commerce", ("カート", "cart", "受注", "order", "shopify", "楽天", "ec", "ショップ", "shop", "サイト", "site")),
    ("record", ("crm", "顧客管理", "kintone", "notion", "database", "データベース", "管理システム")),
)


def guess_category(name: str) -> ToolCategory:
    """A tool's category guessed from its name (``other`` when nothing fits)."""
    key = norm_key(name)
    for category, words in _GUESS:
        if any(w in key for w in words):
            return category
    return "other"
