"""Import speed: a generated 10,000-step workbook read by flowmap, against
iterating the same file with openpyxl read-only alone (the floor).

    python benchmarks/import.py [steps]

Goal: flowmap <= 2x the openpyxl baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from scale import openpyxl_floor as baseline  # benchmarks/scale.py: the same floor

import flowmap


def make(path: Path, n: int) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工程")
    ws.append(["ステップ一覧"])
    ws.append(["番号", "工程名", "レーン", "担当者", "ツール", "方式", "所要時間", "次工程", "参照データ", "入力データ", "備考"])
    for i in range(1, n + 1):
        lane = "お客様" if i % 10 == 1 else f"チーム{i % 7}"
        owner = "" if lane == "お客様" else f"担当{i % 200}"
        nxt = "終了" if i == n else (f"S{i + 1}:0.9, S{min(i + 2, n)}:0.1" if i % 5 == 0 and i + 2 <= n else f"S{i + 1}")
        ws.append([f"S{i}", f"作業{i}", lane, owner, "メール、Excel" if i % 3 else "顧客管理システム", "手動",
                   f"{i % 9 + 1}-{i % 9 + 5}分", nxt, "顧客ID", f"項目{i % 50}", ""])
    wb.save(path)


def best(fn: object, path: Path, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(path)  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xlsx"
        make(path, n)
        base = best(baseline, path)
        ours = best(flowmap.load, path)
        flow = flowmap.load(path)
        assert len(flow.steps) == n
    print(f"steps: {n}")
    print(f"openpyxl read-only iteration: {base:.3f} s")
    print(f"flowmap.load (parse, validate, graph): {ours:.3f} s")
    print(f"ratio: {ours / base:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
