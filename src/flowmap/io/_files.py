"""Checks on an input file before it is opened: only regular files of a bounded size are read.

A FIFO would block the reader forever and ``/dev/zero`` never ends; both are
refused with a located message instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError, Problem

__all__ = ["MAX_INPUT_BYTES", "check_input_file"]

MAX_INPUT_BYTES = 512 * 1024 * 1024
"""Largest input file read (workbooks, model files, logs)."""


def check_input_file(path: Path, name: str, limit: int = MAX_INPUT_BYTES) -> int:
    """The size of ``path`` after checking that it is a regular file of at most ``limit`` bytes."""

    def fail(en: str, ja: str) -> InputError:
        return InputError([Problem(name, en, ja)])

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise fail("file not found", "ファイルが見つかりません") from None
    except OSError as e:
        raise fail(f"cannot read the file: {e.strerror}", f"ファイルを読めません: {e.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise fail("this is a folder, not a file", "フォルダです。ファイルを指定してください")
    if not stat.S_ISREG(st.st_mode):
        raise fail("not a regular file (a pipe, device or socket); save the flow to a file first",
                   "通常のファイルではありません（パイプ・デバイスなど）。いったんファイルに保存してください")
    if st.st_size > limit:
        raise fail(f"the file is {st.st_size / 2**20:.0f} MiB, above the limit of {limit / 2**20:.0f} MiB",
                   f"ファイルが {st.st_size / 2**20:.0f} MiB あり、上限 {limit / 2**20:.0f} MiB を超えています")
    if not os.access(path, os.R_OK):
        raise fail("cannot read the file: permission denied", "ファイルを読めません: 読み取り権限がありません")
    return st.st_size
