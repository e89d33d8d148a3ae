"""A fake Materials Project API on 127.0.0.1 for tests, answering in MP's response format.

It serves the requests ``mp_api.client.MPRester.get_entries_in_chemsys`` makes:

- ``GET /heartbeat`` (no key): ``{"db_version", "version", "access_controlled_batch_ids"}``; read
  when the client starts, for the database version and the server's emmet version.
- ``GET /materials/thermo/?chemsys=Li,O,Li-O&thermo_types=GGA_GGA+U&_fields=entries,thermo_type&_limit=1000``
  with header ``x-api-key``: ``{"data": [thermo docs with the requested fields], "meta": {..., "total_doc"}}``,
  paginated by ``_limit``/``_skip``. A wrong or missing key gets 401 as from MP's gateway.

- ``GET /materials/summary/?chemsys=Li,O,Li-O&_fields=material_id,composition,band_gap,...&_limit=1000``
  (``MPRester.materials.summary.search``): summary documents (:func:`summary_doc`) of
  :attr:`FakeMP.summary_docs`, filtered by ``chemsys`` and reduced to the requested fields, paginated the same way.

Failures are injected per data request through :attr:`FakeMP.failures` (thermo requests) and
:attr:`FakeMP.summary_failures` (summary requests), consumed in order.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_KEY = "0123456789abcdef0123456789abcdef"  # mp-api accepts only 32-character keys
DB_VERSION = "2099.01.01"
EMMET_VERSION = "0.87.3"
THERMO_PATH = "/materials/thermo/"
SUMMARY_PATH = "/materials/summary/"


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    path: str
    params: dict[str, str]
    headers: dict[str, str]


def thermo_doc(entries: list[dict[str, Any]], thermo_type: str = "GGA_GGA+U") -> dict[str, Any]:
    """A ``materials/thermo`` document of one material from its pymatgen entry dicts (``as_dict()``).

    As on MP, ``entries`` maps each entry's run type (``GGA``, ``GGA+U``, ``R2SCAN``) to the entry.
    """
    first = entries[0]
    mid = first["data"]["material_id"]
    elements = sorted(el for el, amt in first["composition"].items() if amt)
    return {
        "material_id": mid,
        "thermo_id": f"{mid}_{thermo_type}",
        "thermo_type": thermo_type,
        "chemsys": "-".join(elements),
        "nelements": len(elements),
        "entries": {e["parameters"]["run_type"]: e for e in entries},
    }


def summary_doc(
    mid: str,
    composition: dict[str, float],
    *,
    band_gap: float,
    volume: float,
    density: float,
    e_above_hull: float = 0.0,
) -> dict[str, Any]:
    """A ``materials/summary`` document of one material: cell composition, band gap (eV), cell volume (Å^3), density."""
    elements = sorted(composition)
    return {
        "material_id": mid,
        "composition": dict(composition),
        "chemsys": "-".join(elements),
        "nelements": len(elements),
        "nsites": int(sum(composition.values())),
        "band_gap": band_gap,
        "volume": volume,
        "density": density,
        "energy_above_hull": e_above_hull,
        "deprecated": False,
    }


def _json_safe(obj: Any) -> Any:
    """NaN and infinities become null, as in MP's (orjson) responses; pymatgen dicts contain NaN uncertainties."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


class FakeMP:
    """Threaded fake MP server.

    Attributes:
        docs: Thermo documents served (see :func:`thermo_doc`); may be changed between requests.
        failures: Injected answers for the next data requests, consumed in order: an HTTP status
            (int), ``"hang"`` (answer after :attr:`hang_s`), ``"not-json"``, ``"no-data"`` or
            ``"bad-entry"`` (200 responses that are not valid MP documents).
        requests: Every request received, in order.
    """

    def __init__(self, docs: list[dict[str, Any]] | None = None, *, api_key: str = API_KEY) -> None:
        self.docs = list(docs or [])
        self.summary_docs: list[dict[str, Any]] = []
        self.summary_failures: list[int | str] = []
        self.api_key = api_key
        self.db_version = DB_VERSION
        self.failures: list[int | str] = []
        self.hang_s = 2.0
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> FakeMP:
        """Listen on a free loopback port in a background thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (further requests get 'connection refused')."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeMP:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321/``."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def data_requests(self) -> list[Request]:
        """Requests to the thermo endpoint."""
        return [r for r in self.requests if r.path == THERMO_PATH]

    @property
    def summary_requests(self) -> list[Request]:
        """Requests to the summary endpoint."""
        return [r for r in self.requests if r.path == SUMMARY_PATH]

    # -- request handling ---------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        req = Request(parts.path, dict(parse_qsl(parts.query)), {k.lower(): v for k, v in h.headers.items()})
        with self._lock:
            self.requests.append(req)
        if req.path == "/heartbeat":
            body = {"db_version": self.db_version, "version": EMMET_VERSION, "access_controlled_batch_ids": []}
            self._send(h, 200, body)
        elif req.path == THERMO_PATH:
            self._thermo(h, req)
        elif req.path == SUMMARY_PATH:
            self._thermo(h, req, summary=True)
        else:
            self._send(h, 404, {"detail": "Not Found"})

    def _thermo(self, h: BaseHTTPRequestHandler, req: Request, *, summary: bool = False) -> None:
        key = req.headers.get("x-api-key")
        if not key:
            return self._send(h, 401, {"message": "No API key found in request"})
        if key != self.api_key:
            return self._send(h, 401, {"message": "Invalid authentication credentials"})
        with self._lock:
            queue = self.summary_failures if summary else self.failures
            failure = queue.pop(0) if queue else None
        if isinstance(failure, int):
            return self._send(h, failure, {"detail": f"injected HTTP {failure}"})
        if failure == "hang":
            time.sleep(self.hang_s)
        elif failure == "not-json":
            return self._send(h, 200, "<html><body>maintenance</body></html>")
        elif failure == "no-data":
            return self._send(h, 200, {"meta": {"total_doc": 0}})
        elif failure == "bad-entry":
            doc = {"thermo_type": "GGA_GGA+U", "entries": {"GGA": {"@class": "ComputedEntry", "energy": "n/a"}}}
            return self._send(h, 200, {"data": [doc], "meta": {"total_doc": 1}})

        systems = set(req.params.get("chemsys", "").split(",")) - {""}
        types = set(req.params.get("thermo_types", "").split(",")) - {""}
        chosen = [
            d
            for d in (self.summary_docs if summary else self.docs)
            if (not systems or d["chemsys"] in systems) and (summary or not types or d["thermo_type"] in types)
        ]
        fields = [f for f in req.params.get("_fields", "").split(",") if f]
        skip, limit = int(req.params.get("_skip", 0)), int(req.params.get("_limit", 1000))
        page = [{f: d[f] for f in fields if f in d} if fields else d for d in chosen[skip : skip + limit]]
        meta = {
            "api_version": EMMET_VERSION,
            "time_stamp": datetime.now(UTC).isoformat(),
            "total_doc": len(chosen),
            "max_limit": 1000,
            "default_fields": ["material_id", "last_updated"],
            "facet": {},
        }
        return self._send(h, 200, {"data": page, "meta": meta})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: object) -> None:
        raw = (body if isinstance(body, str) else json.dumps(_json_safe(body), allow_nan=False)).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/html")
            h.send_header("Content-Length", str(len(raw)))
            h.end_headers()
            h.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection and never answers (a stuck endpoint).

    mp-api's start-up heartbeat request has no timeout of its own, so against this server it would
    wait for ever unless the caller bounds it.
    """

    def __init__(self) -> None:
        import socket

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.05)
        self._held: list[Any] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self.n_connections = 0

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self._held.append(conn)  # keep it open, read nothing, answer nothing
            self.n_connections += 1

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self._sock.close()
