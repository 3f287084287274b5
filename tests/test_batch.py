"""``extractor batch``: error lines for every fault, exactly-once ordered output, resume, CSV, engines."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extractor import batch
from extractor.batch import (
    CSV_COLUMNS,
    BatchOptions,
    DocumentResult,
    DocumentTimeoutError,
    local_results,
    process_document,
    run_batch,
    time_budget,
)

EXE = Path(sys.executable).parent / "extractor"

# Invented reports (names and numbers made up for the tests).
GOOD = {
    "zh_a.txt": "青松社區活動總結\n一、環保宣傳\n2021年4月8日，青松社區組織志願者30人撿拾垃圾。\n"
                "二、關愛長者\n社工走訪慰問長者12戶。\n",
    "zh_b.txt": "月湖社区工作小结\n1、读书会\n5月20日在月湖社区举办读书会，参加居民约40人。\n",
    "es_a.txt": "Informe del barrio Los Almendros\n1. Jornada de limpieza el 3 de mayo de 2022 con 25 vecinos.\n"
                "2. Taller de reciclaje para niños de la colonia Vista Alegre.\n",
    "es_b.txt": "Resumen de actividades\nSe repartieron 200 folletos en la comunidad San Telmo.\n",
}

# Each fault: how to make the file (None: leave it missing), and the error type of its line.
FAULTS = [
    ("missing.txt", None, "MissingFileError"),
    ("empty.txt", b"", "EmptyInputError"),
    ("blank.txt", b" \n\t\n", "EmptyInputError"),
    ("binary.txt", b"\x00\x01\x02\xff\xfe" * 400, "BinaryInputError"),
    ("undecodable.txt", b"\x81" * 200, "DecodingError"),
    ("large.txt", "社區活動。".encode() * 400, "InputTooLargeError"),
]
MAX_BYTES = 4000


def write_corpus(root: Path, faults: bool = True) -> list[Path]:
    """The good reports (in a subfolder too) and, with ``faults``, one file per fault kind."""
    (root / "sub").mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (name, text) in enumerate(GOOD.items()):
        path = root / ("sub" if i % 2 else "") / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    if faults:
        for name, data, _ in FAULTS:
            if data is not None:
                (root / name).write_bytes(data)
    return paths


def lines_of(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def by_name(lines: list[dict]) -> dict[str, dict]:
    return {Path(line["source"]).name: line for line in lines}


# ---------------------------------------------------------------- faults become error lines


@pytest.mark.parametrize(("name", "data", "error_type"), FAULTS)
def test_each_fault_is_an_error_line(name, data, error_type, tmp_path):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    result = process_document(str(path), BatchOptions(max_bytes=MAX_BYTES))
    assert result.error == error_type
    line = json.loads(result.output)
    assert line == {"source": str(path), "error": {"type": error_type, "message": line["error"]["message"]}}
    assert name in line["error"]["message"]


def test_a_directory_with_good_and_bad_files_gives_each_input_exactly_once(tmp_path):
    write_corpus(tmp_path / "in")
    missing = str(tmp_path / "in" / "missing.txt")
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(tmp_path / "in"), missing, str(tmp_path / "in" / "zh_a.txt")], out,
                        BatchOptions(max_bytes=MAX_BYTES), workers=1)
    lines = lines_of(out)
    sources = [line["source"] for line in lines]
    assert len(sources) == len(set(sources)) == len(GOOD) + len(FAULTS)
    found = by_name(lines)
    for name, _, error_type in FAULTS:
        assert found[name]["error"]["type"] == error_type
    for name in GOOD:
        assert "error" not in found[name] and found[name]["records"]
    assert (summary.documents, summary.errors) == (len(lines), len(FAULTS))
    assert summary.records == sum(len(line.get("records", [])) for line in lines)
    assert not list(tmp_path.glob(".out.jsonl.*"))


def test_worker_pool_gives_the_same_output_in_input_order(tmp_path):
    write_corpus(tmp_path / "in")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    options = BatchOptions(max_bytes=MAX_BYTES)
    run_batch([str(tmp_path / "in")], one, options, workers=1)
    summary = run_batch([str(tmp_path / "in")], two, options, workers=2)
    assert two.read_text(encoding="utf-8") == one.read_text(encoding="utf-8")
    sources = [line["source"] for line in lines_of(two)]
    assert sources == sorted(sources)
    assert summary.errors == len(FAULTS) - 1  # the missing file is not in the directory


def test_a_stage_that_raises_gives_an_error_line_and_the_run_goes_on(tmp_path, monkeypatch):
    from extractor.pipeline import Extractor

    original = Extractor.extract

    def flaky(self, text, *args, **kwargs):
        if "月湖" in text:
            raise ValueError("stage failed")
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(Extractor, "extract", flaky)
    write_corpus(tmp_path / "in", faults=False)
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(tmp_path / "in")], out, BatchOptions(lang="zh-Hans"), workers=1)
    found = by_name(lines_of(out))
    assert found["zh_b.txt"]["error"]["type"] == "ValueError"
    assert found["zh_b.txt"]["error"]["where"].startswith("test_batch.py:")
    assert "records" in found["zh_a.txt"] and "records" in found["es_b.txt"]
    assert summary.errors == 1


def test_a_file_that_vanishes_mid_run_is_an_error_line(tmp_path, monkeypatch):
    paths = write_corpus(tmp_path / "in", faults=False)
    victim = paths[-1]
    original = batch.process_document

    def remove_then_process(source, options, data=None):
        if source == str(paths[0]):
            victim.unlink()
        return original(source, options, data)

    monkeypatch.setattr(batch, "process_document", remove_then_process)
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(p) for p in paths], out, workers=1)
    lines = lines_of(out)
    assert [line["source"] for line in lines] == [str(p) for p in paths]
    assert lines[-1]["error"]["type"] == "MissingFileError" and summary.errors == 1


def test_time_budget_turns_a_slow_document_into_an_error_line(tmp_path):
    path = tmp_path / "zh_a.txt"
    path.write_text(GOOD["zh_a.txt"] * 200, encoding="utf-8")
    result = process_document(str(path), BatchOptions(timeout=1e-4))
    assert result.error == "DocumentTimeoutError"
    assert "time budget" in json.loads(result.output)["error"]["message"]
    assert process_document(str(path), BatchOptions(timeout=600)).error is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_that_never_delivers_hits_the_time_budget(tmp_path):
    fifo = tmp_path / "stuck.txt"
    os.mkfifo(fifo)
    result = process_document(str(fifo), BatchOptions(timeout=0.5))
    assert result.error == "DocumentTimeoutError"


def test_time_budget_also_stops_work_in_a_thread():
    outcome = []

    def spin():
        try:
            with time_budget(0.2):
                while True:
                    sum(range(1000))
        except DocumentTimeoutError:
            outcome.append("stopped")

    thread = threading.Thread(target=spin)
    thread.start()
    thread.join(timeout=30)
    assert outcome == ["stopped"]


# Tasks for the worker pool that misbehave (module level, so that workers can import them).

def crash_or_process(source: str, options: BatchOptions) -> DocumentResult:
    """Kill the worker process on ``crash`` sources; hang with SIGALRM blocked on ``hang`` ones."""
    if Path(source).name == "crash.txt":
        os.kill(os.getpid(), signal.SIGKILL)
    if Path(source).name == "hang.txt":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    return process_document(source, options)


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX only")
def test_pool_replaces_crashed_and_stuck_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "HARD_GRACE", 0.5)
    paths = write_corpus(tmp_path / "in", faults=False)
    sources = [str(paths[0]), "crash.txt", str(paths[1]), "hang.txt", str(paths[2]), str(paths[3])]
    started = time.monotonic()
    results = dict(local_results(sources, BatchOptions(timeout=1.0), workers=2, task=crash_or_process))
    assert time.monotonic() - started < 120
    assert sorted(results) == list(range(len(sources)))
    assert results[1].error == "WorkerCrashedError"
    assert results[3].error == "DocumentTimeoutError"
    assert "worker killed" in json.loads(results[3].output)["error"]["message"]
    assert [results[i].error for i in (0, 2, 4, 5)] == [None] * 4, [results[i].output for i in (0, 2, 4, 5)]


# ---------------------------------------------------------------- interruption, resume


def test_interruption_keeps_a_valid_output_of_the_documents_done(tmp_path, monkeypatch):
    paths = write_corpus(tmp_path / "in", faults=False)
    original = batch.process_document

    def interrupt_at_third(source, options, data=None):
        if source == str(paths[2]):
            raise KeyboardInterrupt
        return original(source, options, data)

    monkeypatch.setattr(batch, "process_document", interrupt_at_third)
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(p) for p in paths], out, workers=1)
    assert summary.interrupted and summary.documents == 2 and summary.remaining == 2
    assert [line["source"] for line in lines_of(out)] == [str(p) for p in paths[:2]]
    assert not list(tmp_path.glob(".out.jsonl.*"))


def test_resume_processes_only_the_missing_documents(tmp_path, monkeypatch):
    write_corpus(tmp_path / "in")
    options = BatchOptions(max_bytes=MAX_BYTES)
    full, out = tmp_path / "full.jsonl", tmp_path / "out.jsonl"
    run_batch([str(tmp_path / "in")], full, options, workers=1)
    expected = full.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(expected[:3]), encoding="utf-8")
    seen: list[str] = []
    original = batch.process_document
    monkeypatch.setattr(batch, "process_document", lambda s, o, d=None: (seen.append(s), original(s, o, d))[1])
    summary = run_batch([str(tmp_path / "in")], out, options, workers=1, resume=True)
    assert (summary.kept, summary.documents) == (3, len(expected) - 3)
    assert len(seen) == len(expected) - 3
    assert out.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
    summary = run_batch([str(tmp_path / "in")], out, options, workers=1, resume=True)
    assert summary.documents == 0 and summary.kept == len(expected)
    assert summary.kept_errors == summary.failed == len(FAULTS) - 1


def test_resume_with_retry_errors_runs_the_failed_documents_again(tmp_path):
    paths = write_corpus(tmp_path / "in", faults=False)
    missing = tmp_path / "in" / "late.txt"
    inputs = [str(p) for p in paths] + [str(missing)]
    out = tmp_path / "out.jsonl"
    assert run_batch(inputs, out, workers=1).errors == 1
    missing.write_text(GOOD["es_b.txt"], encoding="utf-8")
    assert run_batch(inputs, out, workers=1, resume=True).documents == 0
    summary = run_batch(inputs, out, workers=1, resume=True, retry_errors=True)
    assert summary.documents == 1 and summary.failed == 0
    lines = lines_of(out)
    assert len(lines) == len(inputs) and all("error" not in line for line in lines)


def test_resume_salvages_the_part_file_of_a_killed_run(tmp_path):
    paths = write_corpus(tmp_path / "in", faults=False)
    inputs = [str(p) for p in paths]
    full, out = tmp_path / "full.jsonl", tmp_path / "out.jsonl"
    run_batch(inputs, full, workers=1)
    done = full.read_text(encoding="utf-8").splitlines(keepends=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    part = tmp_path / f".out.jsonl.{dead}.part"
    part.write_text(done[0] + done[1] + done[2][:25], encoding="utf-8")  # killed in the middle of a line
    summary = run_batch(inputs, out, workers=1, resume=True)
    assert (summary.kept, summary.documents) == (2, 2)
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(line.rstrip("\n") for line in done)
    assert not part.exists()


def test_resume_refuses_a_file_that_is_not_a_batch_output(tmp_path):
    from extractor.errors import ExtractorError

    paths = write_corpus(tmp_path / "in", faults=False)
    out = tmp_path / "out.jsonl"
    out.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ExtractorError, match="cannot resume"):
        run_batch([str(paths[0])], out, workers=1, resume=True)
    assert out.read_text(encoding="utf-8") == "not json\n"


# ---------------------------------------------------------------- CSV


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheets
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == CSV_COLUMNS
        return list(reader)


def test_csv_has_one_row_per_record_and_one_per_error(tmp_path):
    write_corpus(tmp_path / "in")
    jsonl, out = tmp_path / "out.jsonl", tmp_path / "out.csv"
    run_batch([str(tmp_path / "in")], jsonl, BatchOptions(max_bytes=MAX_BYTES), workers=1)
    run_batch([str(tmp_path / "in")], out, BatchOptions(max_bytes=MAX_BYTES, fmt="csv"), workers=1)
    rows = read_csv(out)
    documents = lines_of(jsonl)
    expected_rows = sum(len(d.get("records") or [None]) for d in documents)
    assert len(rows) == expected_rows
    assert [r["source"] for r in rows] == sorted(r["source"] for r in rows)
    records = [(d, r) for d in documents for r in d.get("records", [])]
    data_rows = [r for r in rows if r["record_id"]]
    assert len(data_rows) == len(records)
    for row, (doc, rec) in zip(data_rows, records, strict=True):
        assert row["source"] == doc["source"] and row["language"] == doc["language"]
        assert row["record_id"] == rec["id"] and row["kind"] == rec["kind"]
        assert (row["activity_types"].split(";") if row["activity_types"] else []) == rec["activity_types"]
        assert (int(row["span_start"]), int(row["span_end"])) == tuple(rec["span"])
        for field in ("dates", "communities", "counts"):
            values = row[f"{field}_text"].split(";") if row[f"{field}_text"] else []
            assert values == [m["text"] for m in rec[field]]
            assert len(row[field].split(";") if row[field] else []) == len(rec[field])
    errors = [r for r in rows if r["error_type"]]
    assert len(errors) == len(FAULTS) - 1 and all(not r["record_id"] for r in errors)


def test_csv_resume_appends_the_missing_documents(tmp_path):
    paths = write_corpus(tmp_path / "in", faults=False)
    inputs = [str(p) for p in paths]
    options = BatchOptions(fmt="csv")
    full, out = tmp_path / "full.csv", tmp_path / "out.csv"
    run_batch(inputs, full, options, workers=1)
    run_batch(inputs[:2], out, options, workers=1)
    summary = run_batch(inputs, out, options, workers=1, resume=True)
    assert (summary.kept, summary.documents) == (2, 2)
    assert out.read_bytes() == full.read_bytes()


# ---------------------------------------------------------------- Dask


@pytest.mark.slow
def test_dask_engine_gives_the_same_records_as_the_local_engine(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    write_corpus(tmp_path / "in")
    options = BatchOptions(max_bytes=MAX_BYTES)
    local, remote, shipped = tmp_path / "local.jsonl", tmp_path / "dask.jsonl", tmp_path / "shipped.jsonl"
    run_batch([str(tmp_path / "in")], local, options, workers=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        summary = run_batch([str(tmp_path / "in")], remote, options, engine="dask",
                            scheduler=cluster.scheduler_address)
        run_batch([str(tmp_path / "in")], shipped, options, engine="dask", scheduler=cluster.scheduler_address,
                  send_data=True)
    assert remote.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")
    assert shipped.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")
    assert summary.errors == len(FAULTS) - 1


# ---------------------------------------------------------------- the command


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), "batch", *args], capture_output=True, text=True, input=stdin, timeout=300)


def test_cli_exit_codes_and_summary(tmp_path):
    paths = write_corpus(tmp_path / "in", faults=False)
    out = tmp_path / "out.jsonl"
    proc = run_cli("-", "--out", str(out), "--workers", "2", stdin="\n".join(str(p) for p in paths) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert f"{len(paths)} documents" in proc.stderr and "0 errors" in proc.stderr
    assert [line["source"] for line in lines_of(out)] == [str(p) for p in paths]
    proc = run_cli(str(paths[0]), str(tmp_path / "nope.txt"), "--out", str(out), "--format", "csv", "--workers", "1")
    assert proc.returncode == 3 and "1 errors" in proc.stderr and "Traceback" not in proc.stderr
    assert len(read_csv(out)) >= 2
    proc = run_cli(str(tmp_path / "empty-dir-that-is-missing"), "--out", str(out), "--format", "xml")
    assert proc.returncode == 2 and proc.stderr.startswith("error:")


@pytest.mark.slow
def test_cli_ctrl_c_stops_cleanly_with_exit_130(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    total = 2000  # enough that the run cannot end between two looks at its partial output
    for i in range(total):
        (corpus / f"{i:04}.txt").write_text(GOOD["zh_a.txt"] * 20, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([str(EXE), "batch", str(corpus), "--out", str(out), "--workers", "2"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not any(
            p.stat().st_size for p in tmp_path.glob(".out.jsonl.*.part")):
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    lines = lines_of(out)
    assert 0 < len(lines) < total
    sources = [line["source"] for line in lines]
    assert sources == sorted(set(sources))  # in input order, each once (a slow one may leave a gap)
    assert not list(tmp_path.glob(".out.jsonl.*"))
