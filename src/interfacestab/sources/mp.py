"""Live Materials Project source: one chemical system at a time, through the official ``mp-api`` client.

A fetch makes one ``MPRester.get_entries_in_chemsys`` query for the whole system (all its
subsystems at once, never merged sub-queries), so every entry shares one energy scale. Formation
energies per atom (eV/atom) are taken on the fetched set's own elemental references (lowest
corrected energy per atom of each element). This module only reads: :func:`interfacestab.ingest.fetch_chemsys`
writes a fetch with ``Store.replace_chemsys``, so a re-fetch replaces what the source held inside
that system and leaves other systems alone.

Thermo types:
- ``GGA_GGA+U`` (default): PBE GGA/GGA+U with MP2020 corrections, served by ``materials/thermo``.
- ``GGA_GGA+U_R2SCAN``: the mixed GGA/GGA+U/r2SCAN hull; the client takes these entries from MP's
  pre-built phase diagram of the whole system (the energy scale shown on materialsproject.org).

The endpoint is the ``endpoint`` argument, else ``MP_API_ENDPOINT``, else the public API. The
client is given its own HTTP session without built-in retries and with ``timeout_s`` on every
request, so retries and back-off are this module's alone. ``mp-api`` makes its start-up
``heartbeat`` request (the database version) outside that session and without a timeout, so
while a query runs every HTTP request made without a timeout gets ``timeout_s`` too: no network
wait is unbounded. ``timeout_s`` defaults to ``INTERFACESTAB_MP_TIMEOUT_S``, else 30 s.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from interfacestab.chem import parse_chemsys
from interfacestab.errors import MPError
from interfacestab.provenance import SourceInfo, package_version
from interfacestab.settings import load_settings
from interfacestab.sources.corrections import adjustment_dict, corrections_of, records_uncertainties
from interfacestab.sources.energies import (
    Row,
    content_hash,
    elemental_references,
    formation_energies,
    missing_references,
    to_entries,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    import requests

    from interfacestab.entries import Correction, Entry
    from interfacestab.phase_properties import PropertyRow, PropertySource

THERMO_TYPES: tuple[str, ...] = ("GGA_GGA+U", "GGA_GGA+U_R2SCAN")
THERMO_LABELS = {"GGA_GGA+U": "GGA/GGA+U, MP2020 corrections", "GGA_GGA+U_R2SCAN": "mixed GGA/GGA+U/r2SCAN"}
DEFAULT_ENDPOINT = "https://api.materialsproject.org/"
CITATION = "Jain et al., APL Mater. 1, 011002 (2013)"
TIMEOUT_ENV = "INTERFACESTAB_MP_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 30.0
KEY_HINT = "set MP_API_KEY (or PMG_MAPI_KEY) to your 32-character key from https://materialsproject.org/api"

_STATUS = re.compile(r"status code (\d{3})")
_T = TypeVar("_T")


class _TransientError(Exception):
    """A failure worth retrying: network error, timeout, HTTP 429 or 5xx (``timed_out``: no back-off needed)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def resolve_timeout(timeout_s: float | None = None) -> float:
    """Seconds to wait for any one answer: the argument, else ``INTERFACESTAB_MP_TIMEOUT_S``, else 30.

    Raises:
        MPError: the value is not a positive finite number of seconds.
    """
    raw: object = timeout_s if timeout_s is not None else os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S
    try:
        value = float(raw)  # type: ignore[arg-type]
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 3600):
        where = f"{TIMEOUT_ENV}={raw!r}" if timeout_s is None else f"timeout {raw!r}"
        msg = f"{where} must be a number of seconds between 0 and 3600"
        raise MPError(msg)
    return value


def resolve_endpoint(endpoint: str | None = None) -> str:
    """API base URL with a trailing slash: the argument, else ``MP_API_ENDPOINT``, else the public API."""
    url = endpoint or os.environ.get("MP_API_ENDPOINT") or DEFAULT_ENDPOINT
    return url if url.endswith("/") else url + "/"


def fetch_entries(
    elements: str | Iterable[str],
    *,
    thermo_type: str = "GGA_GGA+U",
    api_key: str | None = None,
    endpoint: str | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
    timeout_s: float | None = None,
    source_name: str | None = None,
) -> tuple[SourceInfo, list[Entry]]:
    """Fetch every MP entry of a chemical system and compute its formation energies (no store access).

    Args:
        elements: Element symbols (``["Li", "O"]``) or a system string (``"Li-O"``).
        thermo_type: One of :data:`THERMO_TYPES`.
        api_key: MP API key; default ``MP_API_KEY``, else ``PMG_MAPI_KEY``.
        endpoint: API base URL; default ``MP_API_ENDPOINT``, else the public API.
        retries: Retries after a network failure, timeout or HTTP 429/5xx.
        backoff_s: First back-off in seconds; doubled after every failed attempt.
        timeout_s: Timeout of each HTTP request in seconds (also the client's own heartbeat request);
            default ``INTERFACESTAB_MP_TIMEOUT_S``, else 30.
        source_name: Store source name; default ``mp_live_<thermo_type>``.

    Returns:
        The source and its compounds in this system (elemental entries are dropped: they sit
        at 0 eV/atom).

    Raises:
        FormulaError: an element symbol is unknown.
        MPError: no API key, key rejected, API unreachable after retries, malformed response,
            no entries, or an element without an elemental reference.
    """
    els = parse_chemsys(elements if isinstance(elements, str) else "-".join(elements))
    system = "-".join(els)
    if thermo_type not in THERMO_TYPES:
        msg = f"unknown thermo type '{thermo_type}'; use one of {', '.join(THERMO_TYPES)}"
        raise MPError(msg)
    key = api_key or load_settings().mp_api_key
    if not key:
        msg = f"no Materials Project API key: {KEY_HINT}"
        raise MPError(msg)
    url = resolve_endpoint(endpoint)
    timeout = resolve_timeout(timeout_s)
    retries = max(retries, 0)

    rows, corrections, db_version = _retrying(
        lambda: _query(els, thermo_type, key, url, timeout), url, retries, backoff_s
    )

    if not rows:
        msg = f"the Materials Project has no {thermo_type} entries in the {system} system"
        raise MPError(msg)
    if outside := sorted({el for comp, _, _ in rows for el in comp} - set(els)):
        msg = f"malformed response from {url}: entries with {', '.join(outside)} outside {system}"
        raise MPError(msg)
    name = source_name or f"mp_live_{thermo_type}"
    recorded = records_uncertainties(corrections)
    entries = to_entries(_formation_energies(rows, system), name, corrections if recorded else None)
    canonical = json.dumps(sorted(rows, key=lambda r: (r[2], r[1])), sort_keys=True)
    info = SourceInfo(
        name=name,
        description=(
            f"Materials Project live API ({THERMO_LABELS[thermo_type]}), fetched per chemical system; "
            "formation energies on each fetch's own elemental references"
        ),
        thermo_type=THERMO_LABELS[thermo_type],
        vintage=f"MP database {db_version or 'version unknown'}, fetched {datetime.now(UTC).date().isoformat()}",
        db_version=db_version,
        origin=url,
        content_sha256=content_hash(canonical),
        citation=CITATION,
    )
    return info, entries


def _retrying(call: Callable[[], _T], url: str, retries: int, backoff_s: float) -> _T:
    """``call()``, retried after a transient failure with doubling back-off; the last failure becomes MPError."""
    for attempt in range(retries + 1):
        try:
            return call()
        except _TransientError as exc:
            if attempt == retries:
                msg = f"Materials Project API at {url} failed after {retries + 1} attempt(s): {exc}"
                raise MPError(msg) from exc
            if not exc.timed_out:  # a timeout has waited already
                time.sleep(backoff_s * 2**attempt)
    raise AssertionError  # pragma: no cover (the loop returns or raises)


def _query(
    els: tuple[str, ...], thermo_type: str, key: str, url: str, timeout_s: float
) -> tuple[list[Row], list[tuple[Correction, ...] | None], str]:
    """One ``get_entries_in_chemsys`` call; returns the rows, their corrections and the database version."""
    from mp_api.client import MPRester

    try:
        with _default_http_timeout(timeout_s):
            session = _session(key, timeout_s)
            with MPRester(api_key=key, endpoint=url, session=session, mute_progress_bars=True) as mpr:
                fetched = mpr.get_entries_in_chemsys(list(els), additional_criteria={"thermo_types": [thermo_type]})
                rows = [_row(e) for e in fetched]
                corrections = [_corrections(e, row[0]) for e, row in zip(fetched, rows, strict=True)]
                return rows, corrections, str(mpr.db_version or "")
    except Exception as exc:
        raise _classify(exc, url, timeout_s) from exc


@contextmanager
def _default_http_timeout(timeout_s: float) -> Iterator[None]:
    """While inside, an HTTP request made without a timeout (mp-api's heartbeat) waits at most ``timeout_s``."""
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.send

    def send(self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = timeout_s
        return original(self, request, *args, **kwargs)

    HTTPAdapter.send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        HTTPAdapter.send = original  # type: ignore[method-assign]


def _row(entry: Any) -> Row:
    comp = {str(el): float(amt) for el, amt in entry.composition.get_el_amt_dict().items()}
    mid = (entry.data or {}).get("material_id") or str(entry.entry_id or "").rsplit("-", 1)[0]
    return comp, float(entry.energy), str(mid)


def _corrections(entry: Any, comp: dict[str, float]) -> tuple[Correction, ...] | None:
    """The entry's corrections with their uncertainties (sources/corrections.py), None when not known."""
    adjustments = [adjustment_dict(a) for a in (getattr(entry, "energy_adjustments", None) or [])]
    if not adjustments:
        return () if not getattr(entry, "correction", 0.0) else None
    return corrections_of(adjustments, sum(comp.values()), f"entry {getattr(entry, 'entry_id', '')}")


def _session(key: str, timeout_s: float) -> requests.Session:
    """A session sending the key, with no built-in retries and ``timeout_s`` on every request."""
    import requests
    from requests.adapters import HTTPAdapter

    class _TimeoutAdapter(HTTPAdapter):
        def send(
            self,
            request: requests.PreparedRequest,
            stream: bool = False,
            timeout: Any = None,
            verify: bool | str = True,
            cert: Any = None,
            proxies: dict[str, str] | None = None,
        ) -> requests.Response:
            return super().send(request, stream=stream, timeout=timeout_s, verify=verify, cert=cert, proxies=proxies)

    session = requests.Session()
    session.headers.update(
        {"x-api-key": key, "user-agent": f"interfacestab/{package_version()} mp-api/{package_version('mp-api')}"}
    )
    for prefix in ("http://", "https://"):
        session.mount(prefix, _TimeoutAdapter(max_retries=0))
    return session


def _classify(exc: Exception, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> Exception:
    """Map a client failure to MPError (final) or _TransientError (retried)."""
    import requests
    from mp_api.client.core.exceptions import MPRestError

    timeout = _find_timeout(exc)
    if timeout is not None:
        request = getattr(timeout, "request", None)
        what = getattr(request, "url", None) or url
        kind = "connection" if isinstance(timeout, requests.ConnectTimeout) else "answer"
        return _TransientError(
            f"timed out: no {kind} from {what} within {timeout_s:g} s (set {TIMEOUT_ENV} to wait longer)",
            timed_out=True,
        )
    text = " ".join(str(exc).split())[:300] or type(exc).__name__
    if isinstance(exc, MPRestError):
        match = _STATUS.search(str(exc))
        status = int(match.group(1)) if match else None
        if status in (401, 403):
            return MPError(f"the Materials Project API at {url} rejected the API key (HTTP {status}): {KEY_HINT}")
        if "32 characters" in text:  # mp-api's own check, before any request
            return MPError(f"invalid Materials Project API key (not 32 characters): {KEY_HINT}")
        if status is None and isinstance(exc.__context__, requests.RequestException):
            return _TransientError(text)
        if status is not None and (status == 429 or status >= 500):
            return _TransientError(f"HTTP {status}: {text}")
        return MPError(f"Materials Project query to {url} failed: {text}")
    if isinstance(exc, requests.RequestException):
        return _TransientError(text)
    return MPError(f"malformed response from the Materials Project API at {url}: {type(exc).__name__}: {text}")


def _find_timeout(exc: BaseException) -> BaseException | None:
    """The ``requests`` timeout behind ``exc`` (itself, or in its cause/context chain), if any."""
    import requests

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, requests.Timeout):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _formation_energies(rows: list[Row], system: str) -> list[Row]:
    """Replace total energies (eV) by formation energies per atom (eV/atom) on the rows' own elements."""
    refs = elemental_references(rows)
    if missing := missing_references(rows, refs):
        msg = f"the Materials Project returned no elemental entry for {', '.join(missing)} in {system}"
        raise MPError(msg)
    return formation_energies(rows, refs)


# -- phase properties: the summary endpoint ---------------------------------------------------------------

#: Summary fields a property fetch asks for.
SUMMARY_FIELDS = ("material_id", "composition", "band_gap", "volume", "density", "nsites", "energy_above_hull")
PROPERTY_SOURCE_NAME = "mp_live_properties"


def fetch_properties(
    elements: str | Iterable[str],
    *,
    api_key: str | None = None,
    endpoint: str | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
    timeout_s: float | None = None,
    source_name: str | None = None,
) -> tuple[PropertySource, list[PropertyRow]]:
    """Band gap, volume and density of every MP material of a chemical system (one summary query; no store access).

    One ``materials/summary`` query covers the system and all its subsystems; key, endpoint, retries,
    back-off and timeouts as :func:`fetch_entries`. Per reduced formula the rows keep the range and
    count of the polymorphs' PBE band gaps and the volume per atom (cell volume / number of sites;
    from the density and the formula's mass when the volume is missing) of the ground-state
    polymorph: the lowest ``energy_above_hull`` MP reports (ties: the smaller material id).

    Raises:
        FormulaError: an element symbol is unknown.
        MPError: no API key, key rejected, API unreachable after retries or a malformed response.
    """
    from interfacestab.phase_properties import GapSource, PropertySource

    els = parse_chemsys(elements if isinstance(elements, str) else "-".join(elements))
    key = api_key or load_settings().mp_api_key
    if not key:
        msg = f"no Materials Project API key: {KEY_HINT}"
        raise MPError(msg)
    url = resolve_endpoint(endpoint)
    timeout = resolve_timeout(timeout_s)
    docs, db_version = _retrying(lambda: _query_summary(els, key, url, timeout), url, max(retries, 0), backoff_s)
    rows = _property_rows(docs, els, url)
    canonical = json.dumps(sorted(docs, key=lambda d: str(d["material_id"])), sort_keys=True)
    info = SourceInfo(
        name=source_name or PROPERTY_SOURCE_NAME,
        description=(
            "Materials Project live API, materials/summary: PBE band gaps (range and count over a formula's "
            "polymorphs) and the volume per atom of the ground-state polymorph, fetched per chemical system"
        ),
        thermo_type="PBE GGA/GGA+U band gaps (GGA underestimates gaps); relaxed cell volumes",
        vintage=f"MP database {db_version or 'version unknown'}, fetched {datetime.now(UTC).date().isoformat()}",
        db_version=db_version,
        origin=url,
        content_sha256=content_hash(canonical),
        n_entries=len(rows),
        citation=CITATION,
    )
    return PropertySource(info, GapSource.MP_LIVE, ("band_gap", "volume")), rows


def _query_summary(els: tuple[str, ...], key: str, url: str, timeout_s: float) -> tuple[list[dict[str, Any]], str]:
    """One ``summary.search`` call over every subsystem; returns plain documents and the database version."""
    import itertools

    from mp_api.client import MPRester

    systems = ["-".join(c) for r in range(1, len(els) + 1) for c in itertools.combinations(els, r)]
    try:
        with _default_http_timeout(timeout_s):
            session = _session(key, timeout_s)
            with MPRester(api_key=key, endpoint=url, session=session, mute_progress_bars=True) as mpr:
                found = mpr.materials.summary.search(chemsys=systems, fields=list(SUMMARY_FIELDS))
                docs = [_summary_dict(d) for d in found]
                return docs, str(mpr.db_version or "")
    except Exception as exc:
        raise _classify(exc, url, timeout_s) from exc


def _summary_dict(doc: Any) -> dict[str, Any]:
    """The requested fields of a summary document as plain JSON values (composition as element -> amount)."""
    get = doc.get if isinstance(doc, dict) else lambda name: getattr(doc, name, None)
    comp = get("composition")
    if comp is not None and not isinstance(comp, dict):
        comp = {str(el): float(amt) for el, amt in comp.get_el_amt_dict().items()}
    out: dict[str, Any] = {name: get(name) for name in SUMMARY_FIELDS}
    out["composition"] = comp
    out["material_id"] = str(out["material_id"] or "")
    return out


def _finite(value: object, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) and low <= number <= high else None


def _property_rows(docs: list[dict[str, Any]], els: tuple[str, ...], url: str) -> list[PropertyRow]:
    """Rows by reduced formula: gap range and count over the polymorphs, ground-state volume per atom."""
    from interfacestab.chem import n_atoms, reduced_formula
    from interfacestab.phase_properties import PropertyRow

    gaps: dict[str, list[float]] = {}
    ground: dict[str, tuple[float, str, float | None]] = {}
    for d in docs:
        comp = d.get("composition")
        if (
            not isinstance(comp, dict)
            or not comp
            or not all(isinstance(v, (int, float)) and v > 0 for v in comp.values())
        ):
            msg = f"malformed response from {url}: a summary document without a composition ({d.get('material_id')})"
            raise MPError(msg)
        if outside := sorted(set(comp) - set(els)):
            msg = f"malformed response from {url}: a material with {', '.join(outside)} outside {'-'.join(els)}"
            raise MPError(msg)
        key = reduced_formula(comp)
        gap = _finite(d.get("band_gap"), 0.0, 100.0)
        if gap is not None:
            gaps.setdefault(key, []).append(gap)
        volume = _finite(d.get("volume"), 0.0, 1e7)
        nsites = _finite(d.get("nsites"), 1.0, 1e6) or n_atoms(comp)
        per_atom = volume / nsites if volume else None
        density = _finite(d.get("density"), 1e-6, 100.0)
        if per_atom is None and density is not None:
            from interfacestab.sources.user_properties import density_to_volume_per_atom

            per_atom = density_to_volume_per_atom(comp, density)
        if per_atom is not None and not 1.0 <= per_atom <= 1000.0:
            per_atom = None
        e_hull = _finite(d.get("energy_above_hull"), -1e3, 1e3)
        rank = (math.inf if e_hull is None else e_hull, d["material_id"], per_atom)
        if key not in ground or rank[:2] < ground[key][:2]:
            ground[key] = rank
    rows = []
    for key in sorted(set(gaps) | set(ground)):
        values = gaps.get(key, [])
        volume = ground[key][2] if key in ground else None
        if not values and volume is None:
            continue
        rows.append(
            PropertyRow(
                key,
                gap_min_eV=min(values) if values else None,
                gap_max_eV=max(values) if values else None,
                n_gaps=len(values),
                volume_per_atom_A3=volume,
            )
        )
    return rows
