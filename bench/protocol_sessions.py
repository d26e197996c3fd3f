"""Eight people at once against a real server, driven over Streamlit's own websocket protocol.

``python -m bench.run`` calls ``measure``; on its own::

    python -m bench.protocol_sessions DATA_DIR [--seconds 30] [--sessions 8]

starts ``streamlit run dashboard.py`` on a built warehouse (``tests/browser/harness.py``) and
opens 8 sessions on it from lightweight clients that speak the protocol the Streamlit frontend
speaks (the way load-testing tools for Streamlit do it), so the figure is the server's own rerun
latency under concurrency, not Chromium's layout and paint on the same 2 CPUs
(``bench/concurrent_sessions.py`` measures that, separately).

Each client, like the frontend of the installed Streamlit (1.67, Starlette server):

* connects to ``/_stcore/stream`` with the subprotocols ``["streamlit", <xsrf token>]`` (the
  frontend sends ``PLACEHOLDER_AUTH_TOKEN`` when it has none; no ``Origin`` header, so no
  sign-in cookie is read: a public session);
* sends ``BackMsg.rerun_script`` with the URL's query string and page name (``crime`` for
  ``/crime``, empty for the root) and its browser context, then reads ``ForwardMsg``s until the
  run's ``script_finished`` (``FINISHED_EARLY_FOR_RERUN`` — an ``st.rerun()`` — continues);
* keeps what the frontend keeps: the current page's script hash (``new_session`` /
  ``navigation``), the query string (``page_info_changed``), every widget's current value as
  its element arrived (default, or the value the server set), dropping widgets a finished run
  no longer drew, and the forward-message cache: messages marked ``cacheable`` are kept by hash,
  their hashes are sent as ``cached_message_hashes`` with every rerun, the server then sends
  ``ref_hash`` references, resolved from the cache, and entries unused for more than
  ``max_cached_message_age`` runs expire (a reference to an unknown hash is an error, as in the
  frontend);
* changes the sidebar area: the selectbox whose element id ends in ``-frame__area`` (a keyed
  widget's id is ``$$ID-<hash>-<key>``) gets the option label of the new area, and the full
  widget states are sent with a rerun. The time runs from the send until that run's
  ``script_finished`` (every delta of the run received).

A rerun is timed only if it happened and shows the new area: a ``new_session`` started after the
send, the run finished successfully, no exception element and no ``page_not_found`` came, and the
page's title (its ``h1``) names the area. Anything else is counted and reported as a failure,
never timed.

Each session pauses 1–4 s (``PAUSE``, seeded) after a result before its next change, as a
person reads the chart first; that is the figure held against the 500 ms target. Every page is
then driven again with no pause at all (each session changes again the moment its result
arrives: the server saturated, latency = queue), printed as its own line.

Areas are taken round-robin from a list that starts with the districts, each session at its own
offset (as in the browser measurement), so early changes show areas no session has opened yet
(uncached results) and later ones a mix; first visits are counted apart. The dashboard is
measured on the overview page and on the crime page (one server, one phase after the other),
and the bare Streamlit page of ``bench/concurrent_sessions.py`` (the same picker, one plain
DuckDB query, a title and a metric) is driven the same way as the baseline. Before each page's
sessions open, one untimed session opens it (``warm_up``: start-up effects of a fresh process
are not rerun latency; ``--cold`` leaves it out and shows them as failures). The server's peak
RSS (VmHWM) is read at the end of the dashboard phases; the clients' own CPU time is reported
beside (they share the 2 CPUs with the server).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.concurrent_sessions import DEFAULT_AREA, _areas, _bare_server, area_schedule
from tests.browser.harness import REPO_ROOT, dashboard_server, rss_peak_kib

SESSIONS = 8
# Seconds a session waits after a result before its next change (uniform in this range): a person
# at a meeting reads a chart before choosing again. The figure against the target is measured
# with these pauses; every page is driven again without pauses, the server saturated.
PAUSE = (1.0, 4.0)
AREA_KEY = "frame__area"
TIMEOUT_S = 90.0
# What the frontend sends as its XSRF token when it has none (its bundled connection code).
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"
# The dashboard's pages measured, as (label, page name in the URL).
DASHBOARD_PAGES = (("overview", ""), ("crime", "crime"))
# Widgets whose value the frontend keeps between runs, and the WidgetState field it sends.
# Buttons send a one-off trigger and keep nothing; charts and dataframes are widgets only with
# selections on, which the dashboard does not use.
_TRIGGERS = {"button", "download_button", "form_submit_button"}


@dataclass(frozen=True)
class Run:
    """One finished script run as a client saw it.

    Attributes:
        seconds: from sending the rerun until the run's ``script_finished``.
        titles: the ``h1`` headings of the main area, in order.
        exceptions: messages of exception elements the run drew.
        page_not_found: the server answered ``page_not_found``.
        query_string: the URL's query string after the run.
        new_run: a ``new_session`` started after the send (the rerun really ran).
        messages: forward messages received for this rerun (``ref_hash`` ones included).
        references: of those, ``ref_hash`` references resolved from the client's cache.
        received_bytes: payload bytes received for this rerun.
    """

    seconds: float
    titles: tuple[str, ...]
    exceptions: tuple[str, ...]
    page_not_found: bool
    query_string: str
    new_run: bool
    messages: int
    references: int
    received_bytes: int

    def shows(self, name: str) -> bool:
        """True if the run finished cleanly and its title names ``name`` as a whole word."""
        named = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        return self.new_run and not self.exceptions and not self.page_not_found and any(named.search(t) for t in self.titles)


@dataclass
class _Cached:
    message: ForwardMsg
    last_used_run: int


class StreamlitSession:
    """A browser-less Streamlit client: one websocket session, driven like the frontend drives it.

    Args:
        url: the server's base URL (``http://127.0.0.1:PORT``).
        page_name: the page's URL path (``""`` for the root page, ``"crime"`` for ``/crime``).
        query_string: the URL's query string without ``?`` (``"lang=da"``).
    """

    def __init__(self, url: str, *, page_name: str = "", query_string: str = "") -> None:
        self.url = url
        self.page_name = page_name
        self.query_string = query_string
        self.page_script_hash = ""
        self.widgets: dict[str, WidgetState] = {}
        self.options: dict[str, list[str]] = {}
        self.unmodelled_widgets: set[str] = set()
        self._cache: dict[str, _Cached] = {}
        self._runs_finished = 0
        self._max_age = 2
        self._drawn: set[str] = set()
        self._ws = None

    async def open(self) -> Run:
        """Connect and run the page as a browser opening the URL does; returns the first run."""
        from websockets.asyncio.client import connect

        endpoint = self.url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        # No proxy from the environment (loopback only); no size limit (a map is ~50 kB, a
        # national-scale dataframe more); compression negotiated as Chromium does; no client
        # pings (browsers send none: the frontend has its own heartbeat message).
        self._ws = await connect(endpoint, subprotocols=["streamlit", NO_TOKEN], proxy=None, max_size=None, open_timeout=TIMEOUT_S,
                                 ping_interval=None)
        return await self._rerun(page_name=self.page_name)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    def widget_id(self, key: str) -> str:
        """The element id of the widget drawn with ``key=key`` (``$$ID-<hash>-<key>``)."""
        found = [wid for wid in self.widgets if wid.startswith("$$ID-") and wid.endswith(f"-{key}")]
        if len(found) != 1:
            raise LookupError(f"{len(found)} widgets with key {key!r} in the last run")
        return found[0]

    def option_label(self, key: str, name: str) -> str:
        """The option of the selectbox ``key`` whose text (without indentation) is ``name``."""
        labels = [o for o in self.options.get(self.widget_id(key), []) if o.strip() == name]
        if len(labels) != 1:
            raise LookupError(f"{len(labels)} options named {name!r} in {key!r}")
        return labels[0]

    def selected(self, key: str) -> str | None:
        state = self.widgets[self.widget_id(key)]
        return state.string_value if state.HasField("string_value") else None

    async def choose(self, key: str, option: str) -> Run:
        """Set the selectbox ``key`` to the option label ``option`` and rerun, as a user's pick does."""
        self.widgets[self.widget_id(key)].string_value = option
        return await self._rerun()

    async def _rerun(self, *, page_name: str = "") -> Run:
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        # The frontend names the page by its URL path only until it knows the page's hash.
        state.page_name = "" if self.page_script_hash else page_name
        state.widget_states.widgets.extend(self.widgets.values())
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Europe/Copenhagen", -60, "da-DK"
        info.url = f"{self.url}/{self.page_name}" + (f"?{self.query_string}" if self.query_string else "")
        info.is_embedded, info.color_scheme = False, "light"
        started = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        return await self._read_run(started)

    async def _read_run(self, started: float) -> Run:
        deadline = started + TIMEOUT_S
        run_id: str | None = None
        titles: list[str] = []
        exceptions: list[str] = []
        not_found = False
        messages = references = received = 0
        while True:
            try:
                data = await asyncio.wait_for(self._ws.recv(), timeout=max(0.001, deadline - time.perf_counter()))
            except TimeoutError:
                raise TimeoutError(f"no script_finished {TIMEOUT_S:.0f} s after the rerun ({messages} messages)") from None
            received += len(data)
            messages += 1
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.HasField("ref_hash"):
                msg = self._resolve(msg)
                references += 1
            elif msg.metadata.cacheable:
                self._cache[msg.hash] = _Cached(msg, self._runs_finished)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                run_id = msg.metadata.run.script_run_id
                titles, exceptions, self._drawn = [], [], set()
                self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
                if msg.new_session.page_script_hash:
                    self.page_script_hash = msg.new_session.page_script_hash
            elif kind == "navigation" and msg.navigation.page_script_hash:
                self.page_script_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                not_found = True
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg, titles, exceptions)
            elif kind == "script_finished":
                status = msg.script_finished
                if status in (ForwardMsg.FINISHED_EARLY_FOR_RERUN, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    continue  # an st.rerun(): the next run follows on its own
                self._finish_run()
                ours = run_id is not None and msg.metadata.run.script_run_id == run_id
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    exceptions.append("compile error")
                return Run(time.perf_counter() - started, tuple(titles), tuple(exceptions), not_found,
                           self.query_string, ours, messages, references, received)

    def _resolve(self, ref: ForwardMsg) -> ForwardMsg:
        cached = self._cache.get(ref.ref_hash)
        if cached is None:
            raise RuntimeError(f"cached ForwardMsg miss for hash {ref.ref_hash}")
        cached.last_used_run = self._runs_finished
        msg = ForwardMsg()
        msg.CopyFrom(cached.message)
        msg.metadata.CopyFrom(ref.metadata)  # where this run puts it
        return msg

    def _finish_run(self) -> None:
        # As the frontend: the run counter ages cached messages; widgets the run did not draw
        # are dropped from the states sent next.
        self._runs_finished += 1
        for digest in [d for d, c in self._cache.items() if self._runs_finished - c.last_used_run > self._max_age]:
            del self._cache[digest]
        for wid in [w for w in self.widgets if w not in self._drawn]:
            del self.widgets[wid]

    def _element(self, msg: ForwardMsg, titles: list[str], exceptions: list[str]) -> None:
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "heading" and proto.tag == "h1" and msg.metadata.delta_path[:1] == [0]:
            titles.append(proto.body)
        elif kind == "exception":
            exceptions.append(f"{proto.type}: {proto.message}"[:200])
        elif kind in _TRIGGERS:
            return
        wid = getattr(proto, "id", "")
        if not wid or not hasattr(proto, "set_value"):
            return  # not a widget (charts, dataframes: no selections in the dashboard)
        self._drawn.add(wid)
        state = self.widgets.get(wid)
        if state is not None and not proto.set_value:
            return  # the frontend keeps the value it has
        value = _initial_value(kind, proto)
        if value is _UNMODELLED:
            self.unmodelled_widgets.add(kind)
            return
        state = WidgetState(id=wid)
        if value is not None:
            name, held = value
            if isinstance(held, list):
                getattr(state, name).data.extend(held)
            else:
                setattr(state, name, held)
        self.widgets[wid] = state
        if kind in ("selectbox", "radio", "multiselect"):
            self.options[wid] = list(proto.options)


_UNMODELLED = object()


def _initial_value(kind: str, proto) -> tuple[str, object] | None | object:
    """The value the frontend holds for a widget element just received: the value the server
    set (``set_value``), else the default; ``None`` for an empty widget."""
    if kind in ("selectbox", "radio"):
        if proto.set_value:
            return ("string_value", proto.raw_value) if proto.HasField("raw_value") else None
        return ("string_value", proto.options[proto.default]) if proto.HasField("default") else None
    if kind == "checkbox":
        return ("bool_value", proto.value if proto.set_value else proto.default)
    if kind in ("text_input", "text_area"):
        if proto.set_value:
            return ("string_value", proto.value) if proto.HasField("value") else None
        return ("string_value", proto.default) if proto.HasField("default") else None
    if kind == "multiselect":
        return ("string_array_value", list(proto.raw_values) if proto.set_value else [proto.options[i] for i in proto.default])
    if kind == "date_input":
        return ("string_array_value", list(proto.value) if proto.set_value else list(proto.default))
    return _UNMODELLED


@dataclass(frozen=True)
class LoadResult:
    """Reruns of all sessions on one page.

    Attributes:
        samples: seconds of every timed rerun (all of them showed the new area).
        first: whether each sample was the first visit of its area by any session.
        opened: seconds each session's first run took (connect not included).
        failures: reruns that did not happen or did not show the area (not timed), described.
        errors: sessions that broke off (timeout, connection lost), described.
        unmodelled_widgets: widget kinds whose state the client could not keep.
        references: ``ref_hash`` messages resolved from the clients' caches.
        messages: forward messages received during the timed reruns.
    """

    samples: tuple[float, ...]
    first: tuple[bool, ...]
    opened: tuple[float, ...]
    failures: tuple[str, ...]
    errors: tuple[str, ...]
    unmodelled_widgets: tuple[str, ...] = ()
    references: int = 0
    messages: int = 0

    @property
    def first_visits(self) -> int:
        return sum(self.first)

    def percentile(self, q: float, *, which: bool | None = None) -> float:
        """Nearest-rank percentile of the samples (``which``: only first visits / only repeats)."""
        chosen = [s for s, f in zip(self.samples, self.first) if which is None or f == which]
        if not chosen:
            return float("nan")
        ordered = sorted(chosen)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def drive(url: str, areas: dict[str, str], *, page_name: str = "", query_string: str = "",
                sessions: int = SESSIONS, seconds: float | None = None, reruns: int | None = None,
                pause: tuple[float, float] | None = None) -> LoadResult:
    """Open ``sessions`` sessions at once and change the area in all of them, over and over.

    Args:
        url: the server's base URL.
        areas: area code → the name its picker option shows (districts first).
        page_name: the page's URL path (``""`` for the root).
        query_string: the URL's query string (``"lang=da"``).
        sessions: how many sessions run at once.
        seconds: how long the sessions keep changing areas (after all have opened).
        reruns: or: how many area changes each session makes.
        pause: seconds each session waits after a rerun before its next change, drawn uniformly
            from this range (seeded per session): people look at the result before they choose
            again. ``None``: no pause, every session changes again at once (the server saturated).

    Returns:
        The timed reruns, failures and broken sessions.
    """
    if (seconds is None) == (reruns is None):
        raise ValueError("give seconds or reruns")
    codes = list(areas)
    seen: set[str] = {DEFAULT_AREA}
    samples: list[float] = []
    first: list[bool] = []
    opened: list[float] = []
    failures: list[str] = []
    errors: list[str] = []
    unmodelled: set[str] = set()
    counts = {"references": 0, "messages": 0}
    everyone = asyncio.Event()
    arrived = [0]

    def arrive() -> None:
        arrived[0] += 1
        if arrived[0] >= sessions:
            everyone.set()

    async def session(n: int) -> None:
        client = StreamlitSession(url, page_name=page_name, query_string=query_string)
        try:
            try:
                run = await client.open()
                if not run.shows(areas[DEFAULT_AREA]):
                    raise RuntimeError(f"first run did not show {areas[DEFAULT_AREA]}: titles {run.titles}, exceptions {run.exceptions[:1]}")
                opened.append(run.seconds)
            finally:
                arrive()
            await everyone.wait()  # every session is open before the clock runs
            end = time.monotonic() + (seconds or 0)
            schedule, done = area_schedule(codes, n), 0
            waits = random.Random(20261121 + n)
            while (time.monotonic() < end) if reruns is None else (done < reruns):
                code = next(schedule)
                is_first = code not in seen
                seen.add(code)
                run = await client.choose(AREA_KEY, client.option_label(AREA_KEY, areas[code]))
                done += 1
                counts["references"] += run.references
                counts["messages"] += run.messages
                if run.shows(areas[code]) and client.selected(AREA_KEY).strip() == areas[code]:
                    samples.append(run.seconds)
                    first.append(is_first)
                else:
                    failures.append(f"session {n} → {code}: new run {run.new_run}, titles {list(run.titles)[:2]}, "
                                    f"exceptions {list(run.exceptions)[:1]}, page not found {run.page_not_found}")
                if pause is not None:
                    await asyncio.sleep(waits.uniform(*pause))
        except Exception as exc:  # a broken session is reported, the others go on
            errors.append(f"session {n}: {type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}")
        finally:
            unmodelled.update(client.unmodelled_widgets)
            await client.close()

    await asyncio.gather(*(session(n) for n in range(sessions)))
    return LoadResult(tuple(samples), tuple(first), tuple(opened), tuple(failures), tuple(errors),
                      tuple(sorted(unmodelled)), counts["references"], counts["messages"])


async def warm_up(url: str, *, page_name: str = "", query_string: str = "") -> None:
    """Open a page in one session and close it, untimed, before the concurrent sessions open.

    A fresh server process's first runs import the page's libraries and fill its caches; that
    is first-render time, not rerun latency. ``--cold`` leaves this out, which is how two
    start-up bugs were found and are checked (tests/bench/test_protocol_sessions.py): sessions
    whose first run overlapped Streamlit's legacy ``pages/`` mode lost their first pick (fixed in
    ``ui.frame.leave_legacy_pages_mode``), and 8 first runs at once raised "partially
    initialized module 'pandas'" (fixed by importing pandas, pyarrow and plotly in ``ui``).
    """
    client = StreamlitSession(url, page_name=page_name, query_string=query_string)
    try:
        run = await client.open()
        if run.exceptions or not run.new_run:
            raise RuntimeError(f"warm-up run failed: {run.exceptions[:1]}")
    finally:
        await client.close()


@dataclass(frozen=True)
class Measurement:
    """Dashboard pages and the bare baseline under concurrent protocol sessions."""

    pages: dict[str, LoadResult]
    bare: LoadResult
    pages_saturated: dict[str, LoadResult]
    bare_saturated: LoadResult
    peak_mb: float
    client_cpu_s: float
    sessions: int
    seconds: float
    load_before: str
    load_after: str


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(data_dir: Path, work: Path, *, seconds: float = 30, sessions: int = SESSIONS, cold: bool = False,
            pause: tuple[float, float] = PAUSE, prefetch: bool = True) -> Measurement:
    """Run the dashboard (overview, then crime page) and the bare baseline under concurrent sessions.

    Args:
        data_dir: a data folder with a built warehouse (``CSDASH_DATA_DIR``).
        work: a scratch folder for logs and the bare script.
        seconds: how long the sessions keep changing areas, per page.
        sessions: sessions at once.
        cold: open the sessions on a page no session has opened yet (no ``warm_up``).
        pause: each session's pause between its changes (see ``drive``); every page is then
            driven a second time without pauses (``pages_saturated``, ``bare_saturated``).
        prefetch: the dashboard's background prefetch of every area's default crime view
            (``ui/prefetch.py``, on in production); off, every first visit is computed then.

    Returns:
        Per page and for the bare page, the timed reruns with and without pauses; the server's
        peak RSS; the clients' CPU time (they run on the same CPUs as the server).
    """
    work.mkdir(parents=True, exist_ok=True)
    areas = _areas(data_dir)
    load_before = _load()
    cpu = time.process_time()
    results: dict[str, LoadResult] = {}
    saturated: dict[str, LoadResult] = {}
    prefetching = {"CSDASH_PREFETCH_VIEWS": "1" if prefetch else "0"}
    with dashboard_server(data_dir, log_dir=work / "logs", extra_env=prefetching) as server:
        for label, page_name in DASHBOARD_PAGES:
            if not cold:
                asyncio.run(warm_up(server.url, page_name=page_name, query_string="lang=da"))
            results[label] = asyncio.run(drive(server.url, areas, page_name=page_name, query_string="lang=da",
                                               sessions=sessions, seconds=seconds, pause=pause))
            saturated[label] = asyncio.run(drive(server.url, areas, page_name=page_name, query_string="lang=da",
                                                 sessions=sessions, seconds=seconds))
        peak_mb = rss_peak_kib(server.pid) / 1024
    with _bare_server(data_dir, areas, work) as url:
        if not cold:
            asyncio.run(warm_up(url))
        bare = asyncio.run(drive(url, areas, sessions=sessions, seconds=seconds, pause=pause))
        bare_saturated = asyncio.run(drive(url, areas, sessions=sessions, seconds=seconds))
    return Measurement(results, bare, saturated, bare_saturated, peak_mb, time.process_time() - cpu, sessions, seconds,
                       load_before, _load())


def describe(label: str, result: LoadResult) -> str:
    """One line of percentiles and counts for a page's reruns."""
    if not result.samples:
        return f"{label}: no rerun timed; failures {len(result.failures)}, errors {list(result.errors)[:2]}"
    ms = lambda s: f"{s * 1000:.0f}"  # noqa: E731
    return (f"{label}: n={len(result.samples)} p50={ms(result.percentile(0.5))} ms p95={ms(result.percentile(0.95))} ms "
            f"(first visits {result.first_visits}: p95 {ms(result.percentile(0.95, which=True))} ms; "
            f"repeats p95 {ms(result.percentile(0.95, which=False))} ms) median first run {ms(statistics.median(result.opened))} ms "
            f"failures={len(result.failures)} errors={len(result.errors)} cache refs={result.references}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--cold", action="store_true", help="No warm-up session: shows start-up effects as failures.")
    parser.add_argument("--no-prefetch", action="store_true",
                        help="Switch the dashboard's background prefetch of default crime views off: first visits computed on demand.")
    args = parser.parse_args(argv)
    os.chdir(REPO_ROOT)
    result = measure(args.data_dir.resolve(), Path(tempfile.mkdtemp(prefix="bench-protocol-")), seconds=args.seconds,
                     sessions=args.sessions, cold=args.cold, prefetch=not args.no_prefetch)
    print(f"{result.sessions} protocol sessions, {result.seconds:.0f} s per page, {os.cpu_count()} CPUs, "
          f"prefetch {'off' if args.no_prefetch else 'on'}, "
          f"load average {result.load_before} before, {result.load_after} after")
    for mode, pages, bare in ((f"pauses {PAUSE[0]:g}-{PAUSE[1]:g} s", result.pages, result.bare),
                              ("no pause", result.pages_saturated, result.bare_saturated)):
        for label, run in pages.items():
            print(describe(f"dashboard {label} ({mode})", run))
            if run.samples and bare.samples:
                print(f"  ratio to bare page: p50 {run.percentile(0.5) / bare.percentile(0.5):.2f}, "
                      f"p95 {run.percentile(0.95) / bare.percentile(0.95):.2f}")
        print(describe(f"bare page ({mode})", bare))
    for label, run in (*result.pages.items(), *((f"{k}, no pause", v) for k, v in result.pages_saturated.items()),
                       ("bare", result.bare), ("bare, no pause", result.bare_saturated)):
        for line in (*run.failures[:5], *run.errors[:5]):
            print(f"  {label}: {line}")
        if run.unmodelled_widgets:
            print(f"  {label}: widget kinds not modelled: {', '.join(run.unmodelled_widgets)}")
    print(f"dashboard peak RSS {result.peak_mb:.0f} MB; clients' CPU {result.client_cpu_s:.1f} s")


if __name__ == "__main__":
    main()
