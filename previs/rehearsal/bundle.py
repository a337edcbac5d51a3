"""A recording that is several CSV files: a folder, or a ``.zip`` of one (Sensor Logger,
phyphox). :func:`open_bundle` lists its CSVs by base name and reads them as text, bounded."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..errors import PrevisError
from .textcsv import MAX_LOG_BYTES, decode, read_log_text


class Bundle:
    """CSV members by lower-case base name (``gyroscope.csv``) -> reader of their text."""

    def __init__(self, name: str, members: dict, read):
        self.name = name
        self.members = members
        self._read = read

    def has(self, base: str) -> bool:
        return base.lower() in self.members

    def text(self, base: str) -> tuple[str, str]:
        """(display name, text) of a member."""
        key = self.members[base.lower()]
        return f"{self.name}/{key}" if isinstance(key, str) else str(key), self._read(key)

    def csvs(self) -> list[str]:
        return sorted(self.members)


def open_bundle(path: str | os.PathLike) -> Bundle:
    name = os.fspath(path)
    p = Path(name)
    if p.is_dir():
        members = {f.name.lower(): f for f in sorted(p.iterdir()) if f.suffix.lower() == ".csv" and f.is_file()}
        return Bundle(name, members, lambda f: read_log_text(f, "sensor CSV"))
    try:
        zf = zipfile.ZipFile(name)
        infos = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".csv")
                 and not Path(i.filename).name.startswith(".")]
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise PrevisError(f"{name}: not a readable zip ({e}); re-export the recording.") from None
    members = {}
    for i in infos:
        members.setdefault(Path(i.filename).name.lower(), i.filename)

    def read(member: str) -> str:
        info = zf.getinfo(member)
        if info.file_size > MAX_LOG_BYTES:
            raise PrevisError(f"{name}/{member}: {info.file_size} bytes, more than the {MAX_LOG_BYTES} a log may hold.")
        try:
            data = zf.read(member)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise PrevisError(f"{name}/{member}: cannot be unpacked ({e}); the zip is damaged: re-export it.") from None
        return decode(data, f"{name}/{member}", "sensor CSV")

    return Bundle(name, members, read)
