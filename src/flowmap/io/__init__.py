"""Reading and writing flows: Excel workbooks and YAML/JSON model files."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import write_text
from ..errors import InputError, Problem

if TYPE_CHECKING:
    from ..model import Flow
    from .bpmn import dump_bpmn
    from .modelfile import dump_json, dump_yaml, flow_to_dict
    from .xlsx_out import write_workbook

__all__ = ["dump_bpmn", "dump_json", "dump_yaml", "flow_to_dict", "load_flow", "save_flow", "write_workbook"]

# Each format's module is imported when it is used: reading a YAML model does not load
# openpyxl or the BPMN reader (start-up time of every command).
_LAZY = {"dump_bpmn": "bpmn", "dump_json": "modelfile", "dump_yaml": "modelfile", "flow_to_dict": "modelfile",
         "write_workbook": "xlsx_out"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowmap.io' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def load_flow(path: str | Path, *, allow_missing: bool = False) -> Flow:
    """Read a workbook or a model file into a validated :class:`Flow`.

    ``allow_missing`` turns blank durations and owners into warnings (``flow.notes``)
    that say what was assumed, instead of problems.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        from .modelfile import read_model

        return read_model(p, allow_missing=allow_missing)
    if suffix == ".bpmn":
        from .bpmn import read_bpmn

        return read_bpmn(p, allow_missing=allow_missing)
    if suffix in (".xlsx", ".xlsm", ".xls", ".csv", ".xlsb", ".ods") or not p.is_dir():
        if suffix not in (".xlsx", ".xlsm") and p.exists() and suffix in (".csv", ".ods", ".xlsb"):
            raise InputError([Problem(str(path), f"{suffix} files are not read; save the workbook as .xlsx",
                                      f"{suffix} ファイルは読めません。.xlsx 形式で保存してください")])
        from .excel import read_excel

        return read_excel(p, allow_missing=allow_missing)
    raise InputError([Problem(str(path), "a flow is an .xlsx workbook, a .yaml/.json model file or a .bpmn diagram",
                              "フローは .xlsx ブック、.yaml / .json モデルファイル、.bpmn 図のいずれかで指定してください")])


def save_flow(flow: Flow, path: str | Path, lang: str | None = None) -> None:
    """Write a flow as .xlsx, .yaml/.yml or .json (chosen by the suffix), atomically."""
    from .bpmn import dump_bpmn
    from .modelfile import dump_json, dump_yaml
    from .xlsx_out import write_workbook

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        write_text(p, dump_yaml(flow))
    elif suffix == ".json":
        write_text(p, dump_json(flow))
    elif suffix == ".xlsx":
        write_workbook(flow, p, lang)
    elif suffix == ".bpmn":
        write_text(p, dump_bpmn(flow, lang))
    else:
        raise InputError([Problem(str(path), f"cannot write {suffix or 'a file without suffix'}: use .xlsx, .yaml, .json or .bpmn",
                                  f"{suffix or '拡張子なし'} には書き出せません。.xlsx・.yaml・.json・.bpmn のいずれかにしてください")])
