"""Settings from the environment, read in one place into a frozen dataclass."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

STORE_ENV = "INTERFACESTAB_STORE"
SOURCE_ENV = "INTERFACESTAB_SOURCE"
SHARED_DATA_ENV = "INTERFACESTAB_SHARED_DATA"
STORE_FILENAME = "interfacestab.sqlite"
#: Name the offline snapshot is imported under; the default source when the store holds it.
SNAPSHOT_SOURCE_NAME = "mp_legacy2019"


def _checkout_root() -> Path | None:
    """The repository root when running from a checkout (editable install), else None."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "src" / "interfacestab").is_dir() else None


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-time settings.

    Attributes:
        store_path: SQLite file of the local store.
        default_source: Source used when none is named (``INTERFACESTAB_SOURCE``); empty: the
            offline snapshot when the store holds it, else the store's first source.
        mp_api_key: Materials Project API key (``MP_API_KEY`` or pymatgen's ``PMG_MAPI_KEY``).
        shared_data_dir: Folder of the offline snapshot (``../shared/data`` beside a checkout).
    """

    store_path: Path
    default_source: str
    mp_api_key: str
    shared_data_dir: Path


def resolve_store_path(value: str | os.PathLike[str] | None = None) -> Path:
    """Store file from an explicit value, ``INTERFACESTAB_STORE``, the checkout's ``cache/``, or the user cache.

    A directory value means ``<dir>/interfacestab.sqlite``.
    """
    raw = value if value is not None else os.environ.get(STORE_ENV)
    if raw:
        path = Path(raw).expanduser()
        if path.is_file():
            return path
        return path / STORE_FILENAME if path.is_dir() or not path.suffix else path
    root = _checkout_root()
    if root is not None:
        return root / "cache" / STORE_FILENAME
    return Path.home() / ".cache" / "interfacestab" / STORE_FILENAME


def load_settings(store: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from the environment (an explicit store path wins)."""
    root = _checkout_root()
    shared = os.environ.get(SHARED_DATA_ENV) or str((root or Path.cwd()) / ".." / "shared" / "data")
    return Settings(
        store_path=resolve_store_path(store),
        default_source=os.environ.get(SOURCE_ENV, ""),
        mp_api_key=os.environ.get("MP_API_KEY") or os.environ.get("PMG_MAPI_KEY") or "",
        shared_data_dir=Path(shared).resolve(),
    )
