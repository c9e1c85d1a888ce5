"""Safe output files: checked before the work, written atomically, all or none.

Every command that writes files uses the two helpers here::

    from flowmap._atomic import Outputs, check_output

    # 1. before any long work: refuse what would go wrong at the end
    out = check_output(out, fmt="json", inputs=[flow_path], option="-o")
    events = check_output(events, fmt="csv", inputs=[flow_path], option="--events")

    # 2. write every output into a temporary file beside its target; on success all
    #    temporary files are renamed over their targets, on any error none is and all
    #    temporary files are removed (also on Ctrl-C and SIGTERM)
    with Outputs() as o:
        o.write_text(out, text)
        wb.save(o.path(events))          # any writer that takes a path

:func:`check_output` refuses (``UsageError``, exit 2) an output that is one of the
inputs (same resolved path or same file), a suffix that does not fit the
format (``SUFFIXES``), a missing or read-only folder, a folder in place of a
file, and an existing file when ``overwrite=False`` (``template`` without
``--force``).  Messages always name the user's path, never a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType, TracebackType

from .errors import InputError, Problem, UsageError

__all__ = ["CSV_TRIGGERS", "SUFFIXES", "Outputs", "atomic_path", "check_output", "csv_field", "write_text"]

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet program read a CSV field as a formula."""

SUFFIXES: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".text", ".log"),
    "markdown": (".md", ".markdown"),
    "json": (".json",),
    "yaml": (".yaml", ".yml"),
    "xlsx": (".xlsx",),
    "html": (".html", ".htm"),
    "csv": (".csv",),
    "xes": (".xes",),
    "bpmn": (".bpmn",),
    "flow": (".xlsx", ".yaml", ".yml", ".json", ".bpmn"),
    "events": (".csv", ".xes"),
}
"""Suffixes an output file of each format may have."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | Path, *, fmt: str | None = None, inputs: Sequence[str | Path] = (),
                 option: str = "-o", overwrite: bool = True) -> Path:
    """Refuse an output path that would fail or do harm, before any work is done.

    ``fmt`` is a key of :data:`SUFFIXES` (or None for no suffix rule); ``inputs`` are the
    files the command reads; ``option`` names the option in messages; ``overwrite=False``
    refuses an existing file (the caller's ``--force`` turns it back on).
    """
    p = Path(path)
    shown = str(path)

    def bad(en: str, ja: str) -> UsageError:
        return UsageError.one(f"{option} {en}", f"{option} {ja}", shown)

    for src in inputs:
        if _same_file(p, Path(src)):
            raise bad("is the input file; writing there would destroy it: choose another name",
                      "が入力ファイルと同じです。上書きすると元のファイルが失われるため、別の名前にしてください")
    if fmt is not None:
        allowed = SUFFIXES.get(fmt, (f".{fmt}",))
        if p.suffix.lower() not in allowed:
            raise bad(f"must end in {' or '.join(allowed)} for the {fmt} format, not {p.suffix or '(no suffix)'}",
                      f"は {fmt} 形式なので拡張子を {'・'.join(allowed)} にしてください（{p.suffix or '拡張子なし'}）")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise bad(f"cannot be written: the folder {str(parent)!r} does not exist",
                  f"を書き出せません: フォルダ「{parent}」がありません")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise bad(f"cannot be written: the folder {str(parent)!r} is not writable",
                  f"を書き出せません: フォルダ「{parent}」に書き込み権限がありません")
    if p.is_dir():
        raise bad("is a folder; give a file name", "はフォルダです。ファイル名を指定してください")
    if p.exists() and not overwrite:
        raise bad("already exists; pass --force to replace it", "は既に存在します。置き換えるには --force を付けてください")
    return p


class Outputs:
    """A set of output files written all together or not at all (see the module docstring)."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._old_term: object = None

    def path(self, target: str | Path) -> Path:
        """A temporary file beside ``target`` to write into; it becomes ``target`` when the block succeeds."""
        target = Path(target)
        parent = target.parent if str(target.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        except OSError as e:
            raise _write_error(target, e) from None
        os.close(fd)
        self._pending.append((Path(tmp), target))
        return Path(tmp)

    def write_text(self, target: str | Path, text: str) -> None:
        tmp = self.path(target)
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as e:
            raise _write_error(Path(target), e) from None

    def __enter__(self) -> Outputs:
        if threading.current_thread() is threading.main_thread():
            self._old_term = signal.signal(signal.SIGTERM, _terminate)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self._commit()
            elif isinstance(exc, OSError) and exc.filename:
                for tmp, target in self._pending:  # name the user's file, not the temporary one
                    if Path(exc.filename) == tmp:
                        raise _write_error(target, exc) from None
        finally:
            self._discard()
            if self._old_term is not None:
                signal.signal(signal.SIGTERM, self._old_term)  # type: ignore[arg-type]  # whatever was installed before

    def _commit(self) -> None:
        for tmp, target in self._pending:
            try:
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except OSError as e:
                raise _write_error(target, e) from None
        self._pending.clear()

    def _discard(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._pending.clear()


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _write_error(target: Path, e: OSError) -> InputError:
    reason = e.strerror or type(e).__name__
    return InputError([Problem(str(target), f"cannot write the file: {reason}", f"ファイルを書き出せません: {reason}")])


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target``, on failure it is removed."""
    with Outputs() as o:
        yield o.path(target)


def write_text(target: str | Path, text: str) -> None:
    """Write one text file atomically."""
    with Outputs() as o:
        o.write_text(target, text)


def csv_field(value: object) -> object:
    """A CSV field a spreadsheet program shows as text: strings starting with = + - @ (or a tab or
    carriage return) get a leading apostrophe, as OWASP recommends; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value
