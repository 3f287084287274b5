"""Batch: many report files into one output, one JSON line (or a few CSV rows) per document.

The per-document function :func:`process_document` is module-level and picklable: the
local engine runs it in a pool of worker processes, the Dask engine on a cluster, and
``workers=1`` in this process. Each process builds its :class:`Extractor` once.

Guarantees:

* every input appears exactly once in the output, in input order; a document that
  cannot be processed (unreadable, empty, binary, too large, vanished, a stage that
  raises, over its time budget, a worker that died) becomes an error line
  ``{"source": ..., "error": {"type": ..., "message": ...}}`` and the run goes on;
* the output is written to ``.OUT.<pid>.part`` next to ``OUT`` and renamed at the end,
  so ``OUT`` is never half-written; Ctrl-C (or SIGTERM) stops cleanly and still renames
  a valid output holding the documents done so far;
* ``resume=True`` keeps what ``OUT`` (and the ``.part`` file of a killed run) already
  holds and processes only the other inputs;
* memory stays flat: at most a bounded window of results waits for reordering.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from .errors import ExtractorError, InputError, MissingFileError
from .reading import DEFAULT_MAX_BYTES

FORMATS = ("jsonl", "csv")
ENGINES = ("local", "dask")
CSV_COLUMNS = [
    "source", "language", "title", "record_id", "kind", "report", "item", "heading", "activity_types",
    "dates", "dates_text", "communities", "communities_text", "counts", "counts_text",
    "span_start", "span_end", "error_type", "error_message",
]
CSV_ENCODING = "utf-8-sig"  # a BOM, so that spreadsheets read the Chinese text as UTF-8
JOIN = ";"
WINDOW_PER_WORKER = 128  # results allowed to wait for an earlier, slower document, per worker
HARD_GRACE = 10.0  # seconds past the time budget before a stuck worker process is killed


class DocumentTimeoutError(ExtractorError):
    """A document took longer than the per-document time budget."""


class WorkerCrashedError(ExtractorError):
    """The worker process died (or was killed) while processing the document."""


@dataclass(frozen=True)
class BatchOptions:
    """What every worker needs to process a document (picklable)."""

    lang: str | None = None
    model: str | None = None
    reference_date: date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float | None = 60.0
    fmt: str = "jsonl"


@dataclass(frozen=True)
class DocumentResult:
    """The output text of one document (a JSON line or CSV rows) and its counts."""

    source: str
    output: str
    records: int = 0
    chars: int = 0
    error: str | None = None  # the error type when the document failed


@dataclass
class BatchSummary:
    """Totals of a batch run."""

    documents: int = 0  # processed by this run
    records: int = 0
    errors: int = 0
    chars: int = 0
    kept: int = 0  # already in the output (resume)
    kept_errors: int = 0
    remaining: int = 0  # not processed because the run was interrupted
    interrupted: bool = False
    elapsed: float = 0.0

    @property
    def failed(self) -> int:
        """Error lines in the whole output (this run and kept ones)."""
        return self.errors + self.kept_errors

    def describe(self) -> str:
        """One line for the terminal."""
        rate = self.documents / self.elapsed if self.elapsed else 0.0
        crate = self.chars / self.elapsed if self.elapsed else 0.0
        text = (f"{self.documents} documents, {self.records} records, {self.errors} errors "
                f"in {self.elapsed:.1f}s ({rate:.1f} documents/s, {crate / 1000:.0f}k chars/s)")
        if self.kept:
            text += f"; {self.kept} kept from the existing output ({self.kept_errors} errors)"
        if self.interrupted:
            text += f"; interrupted, {self.remaining} not processed (run again with --resume)"
        return text


# --------------------------------------------------------------------------- one document

_EXTRACTORS: dict[tuple, Any] = {}


def get_extractor(options: BatchOptions):
    """The :class:`Extractor` for ``options``, built once per process."""
    key = (options.lang, options.model, options.reference_date, options.max_bytes)
    if key not in _EXTRACTORS:
        from .pipeline import Extractor

        extractor = Extractor(lang=options.lang, model=options.model,
                              reference_date=options.reference_date, max_bytes=options.max_bytes)
        _warm_up(extractor)
        _EXTRACTORS[key] = extractor
    return _EXTRACTORS[key]


def _warm_up(extractor) -> None:
    """Build the pipelines (and what stages load lazily) before the first time budget starts."""
    from .pipeline import Extractor

    for lang in [extractor.lang] if extractor.lang else ["zh-Hans", "es"]:
        with suppress(Exception):  # a failing stage shows up on the real documents, as error lines
            Extractor(lang=lang, model=extractor.model, reference_date=extractor.reference_date).extract("1")


def process_document(source: str, options: BatchOptions, data: bytes | None = None,
                     path: str | None = None) -> DocumentResult:
    """Extract one document (read from ``path`` or ``source``, or decoded from ``data``); never raises."""
    chars = 0
    try:
        extractor = get_extractor(options)
        with time_budget(options.timeout):
            decoded = _load(source, options.max_bytes, data, path)
            chars = len(decoded.text)
            document = extractor.extract(decoded.text, source=source, warnings=decoded.warnings)
            output = format_document(document, options.fmt)
        return DocumentResult(source, output, records=len(document.records), chars=chars)
    except Exception as exc:  # any failure becomes an error line; the run goes on
        return failed_result(source, exc, options.fmt, chars)


def failed_result(source: str, exc: BaseException, fmt: str = "jsonl", chars: int = 0) -> DocumentResult:
    """The :class:`DocumentResult` of a document that failed with ``exc``."""
    return DocumentResult(source, format_error(source, exc, fmt), chars=chars, error=type(exc).__name__)


def _load(source: str, max_bytes: int, data: bytes | None, path: str | None):
    """The decoded text of a document; errors name the file as the user did (``source``)."""
    from .reading import decode_bytes, read_file

    try:
        if data is not None:
            return decode_bytes(data, max_bytes=max_bytes)
        return read_file(path or source, max_bytes=max_bytes)
    except InputError as exc:
        if data is not None:
            raise type(exc)(f"{source}: {exc}") from None
        if path:
            raise type(exc)(str(exc).replace(path, source)) from None
        raise


def read_bytes(source: str, max_bytes: int) -> bytes:
    """The bytes of ``source``, checked against ``max_bytes`` (for engines that ship data)."""
    from .errors import InputTooLargeError

    path = Path(source)
    try:
        if not path.is_file():
            raise MissingFileError(f"{path}: no such file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise MissingFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


@contextmanager
def time_budget(seconds: float | None):
    """Raise :class:`DocumentTimeoutError` in this thread when the block runs over ``seconds``.

    In the main thread a ``SIGALRM`` timer interrupts anything, regular expressions
    included. In other threads (Dask workers) the exception is delivered to the thread
    between two Python instructions, so a single long C call runs to its end first.
    """
    if not seconds or seconds <= 0:
        yield
        return
    message = f"over the time budget of {seconds:g}s per document"
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def on_alarm(signum, frame):
            raise DocumentTimeoutError(message)

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    with _thread_budget(seconds, message):
        yield


@contextmanager
def _thread_budget(seconds: float, message: str):
    import ctypes

    lock = threading.Lock()
    state = {"done": False}
    target = threading.get_ident()

    def expire() -> None:
        with lock:
            if not state["done"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target),
                                                           ctypes.py_object(DocumentTimeoutError))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except DocumentTimeoutError:
        raise DocumentTimeoutError(message) from None
    finally:
        with lock:
            state["done"] = True
        timer.cancel()


# --------------------------------------------------------------------------- output formats

def format_document(document, fmt: str = "jsonl") -> str:
    """The output text of a processed document: one JSON line, or its CSV rows."""
    if fmt == "csv":
        return _csv_text(csv_rows(document))
    return document.model_dump_json() + "\n"


def format_error(source: str, exc: BaseException, fmt: str = "jsonl") -> str:
    """The output text of a document that failed."""
    line = error_line(source, exc)
    if fmt == "csv":
        row = dict.fromkeys(CSV_COLUMNS, "")
        row.update(source=source, error_type=line["error"]["type"], error_message=line["error"]["message"])
        return _csv_text([row])
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def error_line(source: str, exc: BaseException) -> dict:
    """The output line for a document that failed (unexpected errors say where they happened)."""
    error: dict[str, str] = {"type": type(exc).__name__, "message": str(exc)}
    if not isinstance(exc, ExtractorError) and exc.__traceback__ is not None:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        error["where"] = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
    return {"source": source, "error": error}


def csv_rows(document) -> list[dict[str, Any]]:
    """One row per record (one row without record fields when the document has none)."""
    base = {"source": document.source, "language": document.language, "title": document.title or ""}
    if not document.records:
        return [{**dict.fromkeys(CSV_COLUMNS, ""), **base}]
    rows = []
    for rec in document.records:
        rows.append({
            **base,
            "record_id": rec.id, "kind": rec.kind, "report": rec.report,
            "item": "" if rec.item is None else rec.item,
            "heading": rec.heading or "",
            "activity_types": JOIN.join(rec.activity_types),
            "dates": JOIN.join(_date_value(d) for d in rec.dates),
            "dates_text": JOIN.join(d.text for d in rec.dates),
            "communities": JOIN.join(c.name for c in rec.communities),
            "communities_text": JOIN.join(c.text for c in rec.communities),
            "counts": JOIN.join(_count_value(c) for c in rec.counts),
            "counts_text": JOIN.join(c.text for c in rec.counts),
            "span_start": rec.span[0], "span_end": rec.span[1],
            "error_type": "", "error_message": "",
        })
    return rows


def _date_value(d) -> str:
    value = d.rrule or d.start or ""
    if d.end:
        value += f"/{d.end}"
    return value + (f" {d.mod}" if d.mod else "")


def _count_value(c) -> str:
    approx = f"{c.approx} " if c.approx else ""
    return f"{approx}{c.value:g} {c.category}"


def _csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def _csv_header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(CSV_COLUMNS)
    return buffer.getvalue()


# --------------------------------------------------------------------------- inputs and resume

def collect_inputs(inputs: Iterable[str], glob: str = "*.txt") -> Iterator[Path]:
    """Paths named by ``inputs``: files as given, directories searched recursively, ``-`` reads stdin."""
    for item in inputs:
        if item == "-":
            for line in sys.stdin:
                if line.strip():
                    yield Path(line.strip())
            continue
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.rglob(glob) if p.is_file())
        else:
            yield path


def collect_sources(inputs: Iterable[str], glob: str = "*.txt") -> list[str]:
    """The distinct source names of ``inputs``, in order."""
    return list(dict.fromkeys(str(p) for p in collect_inputs(inputs, glob)))


def _part_files(out: Path) -> list[Path]:
    """``.part`` files of earlier runs on ``out`` whose process is gone (killed runs)."""
    import glob

    parts = []
    for part in sorted(out.parent.glob(f".{glob.escape(out.name)}.*.part")):
        pid = part.name[len(out.name) + 2:-len(".part")]
        if pid.isdigit() and (int(pid) == os.getpid() or _alive(int(pid))):
            continue  # this run's own file, or a run still going
        parts.append(part)
    return parts


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _documents_in(path: Path, fmt: str, trusted: bool) -> Iterator[tuple[str, str, bool]]:
    """``(source, output text, failed)`` of each document already in an output file.

    ``trusted`` is False for the ``.part`` file of a killed run: its last document may
    be cut short, so it is left out (and processed again).
    """
    if fmt == "csv":
        yield from _csv_documents(path, trusted)
        return
    with path.open(encoding="utf-8", newline="") as fh:
        for number, line in enumerate(fh, 1):
            try:
                item = json.loads(line)
                source = item["source"]
            except (ValueError, KeyError, TypeError):
                if not trusted:
                    return
                raise ExtractorError(f"cannot resume: line {number} of {path} is not a batch output line") from None
            if not line.endswith("\n"):
                if not trusted:
                    return
                line += "\n"
            yield source, line, "error" in item


def _csv_documents(path: Path, trusted: bool) -> Iterator[tuple[str, str, bool]]:
    with path.open(encoding=CSV_ENCODING, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                return
            if header != CSV_COLUMNS:
                raise ExtractorError(f"cannot resume: {path} is not a CSV written by 'extractor batch'")
            group: list[list[str]] = []
            for row in reader:
                if group and row[:1] != group[0][:1]:
                    yield _csv_group(group)
                    group = []
                if len(row) == len(CSV_COLUMNS):
                    group.append(row)
                elif trusted:
                    raise ExtractorError(f"cannot resume: {path} has a row of {len(row)} columns")
        except csv.Error as exc:
            if trusted:
                raise ExtractorError(f"cannot resume: {path}: {exc}") from None
            return
    if group and trusted:
        yield _csv_group(group)


def _csv_group(rows: list[list[str]]) -> tuple[str, str, bool]:
    error_at = CSV_COLUMNS.index("error_type")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return rows[0][0], buffer.getvalue(), any(r[error_at] for r in rows)


def carry_over(out: Path, fh: IO[str], fmt: str, retry_errors: bool = False) -> tuple[set[str], int]:
    """Copy the documents already in ``out`` (and in ``.part`` files of killed runs) into ``fh``.

    Returns the sources copied and how many of them are error lines. With
    ``retry_errors`` error lines are dropped, so that those documents run again.
    """
    done: set[str] = set()
    errors = 0
    files = ([(out, True)] if out.exists() else []) + [(p, False) for p in _part_files(out)]
    for path, trusted in files:
        for source, text, failed in _documents_in(path, fmt, trusted):
            if source in done or (failed and retry_errors):
                continue
            fh.write(text)
            done.add(source)
            errors += failed
    return done, errors


# --------------------------------------------------------------------------- engines

Results = Iterator[tuple[int, DocumentResult]]


def inline_results(sources: list[str], options: BatchOptions) -> Results:
    """Process in this process, one document after the other."""
    for index, source in enumerate(sources):
        yield index, process_document(source, options)


@dataclass
class _Worker:
    process: Any
    conn: Any
    ready: bool = False  # pipelines built, waiting for work
    task: tuple[int, str] | None = None
    started: float = 0.0


def _worker_main(conn, options: BatchOptions, task: Callable[..., DocumentResult]) -> None:
    """Loop of a worker process: build the pipelines, then receive ``(index, source)``, send ``(index, result)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    with suppress(Exception):  # a bad option shows up on each document, as its error line
        get_extractor(options)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, source = job
        conn.send((index, task(source, options)))


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractor.batch", "extractor.pipeline"])
        return ctx
    return multiprocessing.get_context("spawn")


def local_results(sources: list[str], options: BatchOptions, workers: int,
                  may_start: Callable[[int], bool] = lambda index: True,
                  task: Callable[..., DocumentResult] = process_document) -> Results:
    """Process on ``workers`` worker processes; yields ``(index, result)`` as they complete.

    Each worker holds one document at a time, so the parent knows what it is doing
    and since when: a worker over the time budget (plus a grace period) is killed,
    its document becomes an error line and a fresh worker takes its place; so does
    a worker that dies. ``may_start(index)`` lets the caller bound the work ahead.
    """
    from multiprocessing.connection import wait

    ctx = _context()
    pool: list[_Worker] = []
    hard_limit = options.timeout + HARD_GRACE if options.timeout else None
    start_failures = 0

    def start() -> _Worker:
        parent_end, child_end = ctx.Pipe()
        process = ctx.Process(target=_worker_main, args=(child_end, options, task), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def replace(worker: _Worker) -> None:
        _stop(worker, kill=True)
        pool[pool.index(worker)] = start()

    next_index = 0
    try:
        pool.extend(start() for _ in range(max(1, workers)))
        while True:
            for worker in pool:
                if worker.ready and worker.task is None and next_index < len(sources) and may_start(next_index):
                    worker.task = (next_index, sources[next_index])
                    worker.started = time.monotonic()
                    next_index += 1
                    with suppress(OSError):  # a dead worker: its sentinel says so below
                        worker.conn.send(worker.task)
            if next_index >= len(sources) and all(w.task is None for w in pool):
                return
            waiting = [w for w in pool if w.task is not None or not w.ready]
            ready = set(wait([w.conn for w in waiting] + [w.process.sentinel for w in waiting], timeout=1.0))
            for worker in waiting:
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message == "ready":
                        worker.ready = True
                        continue
                    if message is not None:
                        worker.task = None
                        yield message
                        continue
                if worker.process.sentinel in ready or not worker.process.is_alive():
                    if worker.task is None:
                        start_failures += 1
                        if start_failures > 3 * len(pool):
                            raise ExtractorError(f"worker processes keep dying at start-up "
                                                 f"(exit code {worker.process.exitcode})")
                    else:
                        index, source = worker.task
                        yield index, failed_result(source, WorkerCrashedError(
                            f"{source}: the worker process died (exit code {worker.process.exitcode})"), options.fmt)
                    worker.task = None
                    replace(worker)
                elif worker.task is not None and hard_limit and time.monotonic() - worker.started > hard_limit:
                    index, source = worker.task
                    yield index, failed_result(source, DocumentTimeoutError(
                        f"{source}: over the time budget of {options.timeout:g}s per document (worker killed)"),
                        options.fmt)
                    worker.task = None
                    replace(worker)
    finally:
        for worker in pool:
            _stop(worker, kill=worker.task is not None)


def _stop(worker: _Worker, kill: bool) -> None:
    if not kill:
        with suppress(OSError):
            worker.conn.send(None)
        worker.process.join(timeout=2)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(timeout=5)
    worker.conn.close()


def dask_results(sources: list[str], options: BatchOptions, scheduler: str | None = None,
                 workers: int | None = None, send_data: bool = False,
                 may_start: Callable[[int], bool] = lambda index: True) -> Results:
    """Process on a Dask cluster (``scheduler`` address, else a new ``LocalCluster``).

    At most a bounded window of tasks is in flight; results stream back as they
    complete. With ``send_data`` the files are read here and their bytes shipped to
    the workers (for clusters without a shared filesystem).
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ExtractorError("the Dask engine needs dask[distributed]: pip install 'extractor[dask]'") from None

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    cores = sum(client.nthreads().values()) or 1
    window = 4 * cores
    tag = f"{os.getpid()}-{time.time_ns()}"
    futures: dict[Any, tuple[int, str]] = {}
    next_index = 0
    queue = as_completed()

    def submit() -> DocumentResult | None:
        nonlocal next_index
        index, source = next_index, sources[next_index]
        next_index += 1
        data = None
        if send_data:
            try:
                data = read_bytes(source, options.max_bytes)
            except ExtractorError as exc:
                return failed_result(source, exc, options.fmt)
        future = client.submit(process_document, source, options, data, os.path.abspath(source),
                               key=f"extract-{tag}-{index}", pure=False)
        futures[future] = (index, source)
        queue.add(future)
        return None

    try:
        while True:
            while next_index < len(sources) and len(futures) < window and may_start(next_index):
                index = next_index
                failed = submit()
                if failed is not None:
                    yield index, failed
            if not futures:
                return
            future = next(queue)
            index, source = futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the task never ran to its end (e.g. its worker died)
                result = failed_result(source, WorkerCrashedError(f"{source}: {type(exc).__name__}: {exc}"),
                                       options.fmt)
            future.release()
            yield index, result
    finally:
        client.cancel(list(futures))
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- the run

class _OrderedWriter:
    """Writes results in input order; later results wait (in a bounded window) for earlier ones."""

    def __init__(self, fh: IO[str], summary: BatchSummary, window: int,
                 on_result: Callable[[DocumentResult], None] | None = None) -> None:
        self.fh = fh
        self.summary = summary
        self.window = window
        self.on_result = on_result
        self.next = 0
        self.pending: dict[int, DocumentResult] = {}

    def may_start(self, index: int) -> bool:
        """Whether a document this far ahead of the next one to write may be started."""
        return index < self.next + self.window

    def add(self, index: int, result: DocumentResult) -> None:
        """Take one result; write it and any that were waiting for it."""
        self.pending[index] = result
        self.summary.documents += 1
        self.summary.records += result.records
        self.summary.chars += result.chars
        self.summary.errors += result.error is not None
        if self.on_result:
            self.on_result(result)
        while self.next in self.pending:
            self.fh.write(self.pending.pop(self.next).output)
            self.next += 1
        self.fh.flush()

    def write_rest(self) -> None:
        """Write the results still waiting (after an interruption), in order."""
        for index in sorted(self.pending):
            self.fh.write(self.pending.pop(index).output)
        self.fh.flush()


def run_batch(inputs: Iterable[str], out: Path, options: BatchOptions | None = None, *,
              workers: int | None = None, engine: str = "local", scheduler: str | None = None,
              send_data: bool = False, resume: bool = False, retry_errors: bool = False,
              glob: str = "*.txt", progress: bool = False) -> BatchSummary:
    """Process every input into ``out``; returns the totals (``interrupted`` after Ctrl-C)."""
    options = options or BatchOptions()
    if engine not in ENGINES:
        raise ExtractorError(f"unknown engine {engine!r} (use {' or '.join(ENGINES)})")
    _check_options(options)
    sources = collect_sources(inputs, glob)
    if not sources:
        raise MissingFileError("no input files found")
    workers = workers or available_cores()
    summary = BatchSummary()
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{os.getpid()}.part"
    encoding = CSV_ENCODING if options.fmt == "csv" else "utf-8"
    try:
        with tmp.open("w", encoding=encoding, newline="") as fh, _sigterm_as_interrupt():
            done: set[str] = set()
            if options.fmt == "csv":
                fh.write(_csv_header())
            if resume:
                done, summary.kept_errors = carry_over(out, fh, options.fmt, retry_errors)
                summary.kept = len(done)
            todo = [s for s in sources if s not in done]
            summary.remaining = len(todo)
            with _progress_bar(progress, len(todo)) as on_result:
                writer = _OrderedWriter(fh, summary, WINDOW_PER_WORKER * max(1, workers), on_result)
                results = _engine_results(todo, options, engine, workers, scheduler, send_data, writer.may_start)
                try:
                    for index, result in results:
                        writer.add(index, result)
                except KeyboardInterrupt:
                    summary.interrupted = True
                finally:
                    results.close()
                    writer.write_rest()
            summary.remaining = len(todo) - summary.documents
        os.replace(tmp, out)
        for part in _part_files(out):  # left by killed runs; their documents are in ``out`` now (resume)
            part.unlink(missing_ok=True)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    summary.elapsed = time.perf_counter() - started
    return summary


def _check_options(options: BatchOptions) -> None:
    """Fail before the run, not once per document, on a bad language or a missing model."""
    import importlib.util

    from .errors import ModelError
    from .normalize import lang_of

    if options.fmt not in FORMATS:
        raise ExtractorError(f"unknown format {options.fmt!r} (use {' or '.join(FORMATS)})")
    if options.lang:
        lang_of(options.lang)
    if options.model and not (Path(options.model).exists() or importlib.util.find_spec(options.model)):
        raise ModelError(f"spaCy model {options.model!r} is not installed (see README, 'Optional models')")


def _engine_results(todo: list[str], options: BatchOptions, engine: str, workers: int,
                    scheduler: str | None, send_data: bool, may_start: Callable[[int], bool]) -> Results:
    if not todo:
        return (item for item in ())
    if engine == "dask":
        return dask_results(todo, options, scheduler, workers, send_data, may_start)
    if workers <= 1:
        return inline_results(todo, options)
    return local_results(todo, options, workers, may_start)


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM like Ctrl-C while the run is going (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _progress_bar(enabled: bool, total: int):
    """A rich progress bar (documents/s, errors, ETA); yields the per-result callback or None."""
    if not enabled or not total:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[errors]}"),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("extracting", total=total, rate="", errors="")
        state = {"done": 0, "errors": 0, "start": time.perf_counter()}

        def on_result(result: DocumentResult) -> None:
            state["done"] += 1
            state["errors"] += result.error is not None
            elapsed = time.perf_counter() - state["start"]
            bar.update(task, completed=state["done"], rate=f"{state['done'] / elapsed:.1f} docs/s",
                       errors=f"{state['errors']} errors" if state["errors"] else "")

        yield on_result
