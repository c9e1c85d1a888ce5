"""Generate examples/orders_export.csv: a shop system's wide order export (one row per order).

Seeded, so the same seed gives the same bytes.  What it models (eight weeks from Monday 1 April 2024):

* Orders come round the clock, most at lunchtime and in the evening, a little more on Sundays
  and Mondays (``注文日時``).
* Payment (``入金日時``): card (60 %) within minutes; convenience store (25 %) and bank transfer
  (15 %) hours to days later.  Orders not paid within 3 days are cancelled then (``キャンセル日時``).
  2 % of paid orders are cancelled by the customer before they ship.
* The warehouse ships Monday to Saturday in two runs, at 11:00 and 16:00, every order paid by
  30 minutes before the run; the run works through its orders at about 1.5 minutes each
  (``出荷日時``).
* The carrier delivers the next day (70 %) or the day after (30 %) between 9:00 and 21:00, any day
  of the week (``配達完了日時``).

Run:  python examples/make_orders_export.py [OUT.csv] [--seed N] [--orders N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
from pathlib import Path

START = dt.datetime(2024, 4, 1)
DAYS = 56
HOURLY = [0.4, 0.25, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.8, 0.9, 1.0, 1.2,
          1.6, 1.3, 1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 1.7, 1.9, 1.6, 0.9]
WEEKDAY = [1.1, 1.0, 0.95, 0.95, 0.9, 1.0, 1.15]  # Monday first
RUNS = (11 * 60, 16 * 60)  # minutes after midnight
SHIP_DAYS = {0, 1, 2, 3, 4, 5}  # Monday-Saturday
HEADER = ["注文番号", "注文日時", "支払方法", "金額", "入金日時", "出荷日時", "配達完了日時", "キャンセル日時"]


def _arrivals(rng: random.Random, n: int) -> list[dt.datetime]:
    weights = [WEEKDAY[(START + dt.timedelta(days=d)).weekday()] * h for d in range(DAYS) for h in HOURLY]
    slots = rng.choices(range(DAYS * 24), weights=weights, k=n)
    return sorted(START + dt.timedelta(hours=s, seconds=rng.uniform(0, 3600)) for s in slots)


def _next_run(paid: dt.datetime) -> dt.datetime:
    """The first shipping run whose cut-off (30 minutes before) is after the payment."""
    day = paid.replace(hour=0, minute=0, second=0, microsecond=0)
    for k in range(14):
        d = day + dt.timedelta(days=k)
        if d.weekday() not in SHIP_DAYS:
            continue
        for m in RUNS:
            at = d + dt.timedelta(minutes=m)
            if paid <= at - dt.timedelta(minutes=30):
                return at
    raise AssertionError("no shipping run within two weeks")


def generate(seed: int = 7, orders: int = 3000) -> str:
    rng = random.Random(seed)
    rows: list[list[str]] = []
    by_run: dict[dt.datetime, list[int]] = {}
    records: list[dict[str, dt.datetime | str | None]] = []
    for i, ordered in enumerate(_arrivals(rng, orders)):
        method = rng.choices(["クレジットカード", "コンビニ払い", "銀行振込"], weights=[60, 25, 15])[0]
        if method == "クレジットカード":
            delay = dt.timedelta(minutes=rng.uniform(0.2, 3))
        elif method == "コンビニ払い":
            delay = dt.timedelta(hours=rng.expovariate(1 / 14))
        else:
            delay = dt.timedelta(hours=rng.expovariate(1 / 30))
        rec: dict[str, dt.datetime | str | None] = {"id": f"A{240000 + i + 1}", "ordered": ordered, "method": method,
                                                    "amount": str(rng.choice([1980, 2980, 3480, 4980, 6800, 9800, 12800])),
                                                    "paid": None, "shipped": None, "delivered": None, "cancelled": None}
        if delay > dt.timedelta(days=3):
            rec["cancelled"] = ordered + dt.timedelta(days=3)
        else:
            paid = ordered + delay
            rec["paid"] = paid
            run = _next_run(paid)
            if rng.random() < 0.02:
                rec["cancelled"] = paid + (run - paid) * rng.uniform(0.05, 0.9)
            else:
                by_run.setdefault(run, []).append(len(records))
        records.append(rec)
    for run, members in by_run.items():
        members.sort(key=lambda k: records[k]["paid"])  # type: ignore[arg-type, return-value]
        for pos, k in enumerate(members):
            shipped = run + dt.timedelta(minutes=5 + 1.5 * pos + rng.uniform(0, 1))
            records[k]["shipped"] = shipped
            days = 1 if rng.random() < 0.7 else 2
            day = shipped.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
            records[k]["delivered"] = day + dt.timedelta(minutes=rng.uniform(9 * 60, 21 * 60))
    end = START + dt.timedelta(days=DAYS)

    def stamp(x: dt.datetime | str | None) -> str:
        if not isinstance(x, dt.datetime) or x >= end:
            return ""  # not happened yet when the export was taken
        return x.strftime("%Y/%m/%d %H:%M:%S")

    for rec in records:
        rows.append([str(rec["id"]), stamp(rec["ordered"]), str(rec["method"]), str(rec["amount"]), stamp(rec["paid"]),
                     stamp(rec["shipped"]), stamp(rec["delivered"]), stamp(rec["cancelled"])])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=str(Path(__file__).with_name("orders_export.csv")))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--orders", type=int, default=3000)
    args = ap.parse_args()
    Path(args.out).write_bytes(b"\xef\xbb\xbf" + generate(args.seed, args.orders).encode("utf-8"))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
