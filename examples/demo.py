"""The main job on the bundled example, as `make demo` runs it.

    python examples/demo.py OUT_DIR

Reads examples/ec_order_ja.xlsx, writes the model file and every output that
flowmap can produce into OUT_DIR, compares the bundled as-is and to-be models
(and the as-is model with the next-day-batch scenario), and prints where they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from flowmap.cli import main as cli

HERE = Path(__file__).resolve().parent


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    if result.exit_code not in (0, 1):
        sys.stderr.write(result.output)
        raise SystemExit(result.exit_code)
    return result.output


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    out.mkdir(parents=True, exist_ok=True)
    book = str(HERE / "ec_order_ja.xlsx")
    written: list[tuple[str, Path]] = []
    run("convert", book, "-o", str(out / "ec_order.yaml"))
    written.append(("model file", out / "ec_order.yaml"))
    commands = {c for c in cli.commands}  # type: ignore[attr-defined]
    if "analyze" in commands:
        print(run("analyze", book))
        for fmt, suffix in (("markdown", "md"), ("xlsx", "xlsx"), ("json", "json")):
            run("analyze", book, "--format", fmt, "-o", str(out / f"findings.{suffix}"))
            written.append((f"findings ({fmt})", out / f"findings.{suffix}"))
    if "simulate" in commands:
        print(run("simulate", book, "--days", "20", "--replications", "3"))
        run("simulate", book, "--days", "20", "--replications", "3", "--format", "json", "-o", str(out / "simulation.json"),
            "--events", str(out / "events.csv"))
        written += [("simulation (json)", out / "simulation.json"), ("event log", out / "events.csv")]
    if "view" in commands:
        run("view", book, "-o", str(out / "flow.html"))
        written.append(("lane graph", out / "flow.html"))
    if "report" in commands:
        run("report", book, "-o", str(out / "report.html"))
        written.append(("report", out / "report.html"))
    if "compare" in commands:
        models = HERE.parent / "models"
        asis, tobe = str(models / "ec_order_asis.yaml"), str(models / "ec_order_tobe.yaml")
        print(run("compare", asis, tobe))
        for fmt, suffix in (("html", "html"), ("markdown", "md"), ("xlsx", "xlsx"), ("json", "json")):
            run("compare", asis, tobe, "--format", fmt, "-o", str(out / f"compare.{suffix}"))
            written.append((f"as-is vs to-be ({fmt})", out / f"compare.{suffix}"))
        run("compare", asis, "--scenario", str(models / "next_day_batch.yaml"), "--format", "html",
            "-o", str(out / "compare_next_day_batch.html"))
        written.append(("scenario comparison", out / "compare_next_day_batch.html"))
    print("outputs:")
    for what, path in written:
        print(f"  {what:<26} {path.resolve()}")


if __name__ == "__main__":
    main()
