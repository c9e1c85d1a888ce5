"""Words discover reads activity, resource and lane names by, and the mark of its wait steps."""

from __future__ import annotations

import re

from ..model import Step

CUSTOMER_LANE_WORDS = ("お客様", "顧客", "お客", "購入者", "customer", "client", "buyer", "shopper")
CUSTOMER_ACTIVITY_WORDS = ("注文", "入金", "支払", "決済", "キャンセル", "返品", "受取", "購入", "問い合わせ", "問合せ",
                           "order", "pay", "cancel", "return", "checkout", "purchase", "inquir")
CARRIER_WORDS = ("配達", "配送", "到着", "お届け", "delivery", "deliver", "carrier", "arriv")
SYSTEM_WORDS = ("システム", "system", "bot", "自動", "robot", "rpa", "api", "server", "サーバ")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
WAIT_KEY = "wait_for"


def is_wait_step(step: Step) -> bool:
    """A step discover added to hold a wait the log shows no activity for (check replays it silently)."""
    return WAIT_KEY in step.extra


def _has(name: str, words: tuple[str, ...]) -> bool:
    low = name.lower()
    return any(w.lower() in low for w in words)


def _t(lang: str, en: str, ja: str) -> str:
    return ja if lang == "ja" else en
