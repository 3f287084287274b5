"""Batch: many report files into one JSON-lines output, one line per document.

A file that cannot be processed becomes an error line and the run goes on. The
output is written to a temporary file next to ``out`` and renamed at the end, so
a killed run never leaves a half-written file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import ExtractorError, MissingFileError


@dataclass
class BatchSummary:
    """Totals of a batch run."""

    documents: int = 0
    records: int = 0
    errors: int = 0
    elapsed: float = 0.0

    def describe(self) -> str:
        """One line for the terminal."""
        rate = self.documents / self.elapsed if self.elapsed else 0.0
        return (f"{self.documents} documents, {self.records} records, {self.errors} errors "
                f"in {self.elapsed:.1f}s ({rate:.1f} documents/s)")


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


def error_line(source: str, exc: BaseException) -> dict:
    """The output line for a document that failed."""
    return {"source": source, "error": {"type": type(exc).__name__, "message": str(exc)}}


def run_batch(inputs: Iterable[str], out: Path, lang: str | None = None, glob: str = "*.txt",
              model: str | None = None, reference_date: date | None = None,
              progress: bool = False) -> BatchSummary:
    """Process every input into ``out`` (JSON lines); returns the totals."""
    from .pipeline import Extractor

    paths = list(collect_inputs(inputs, glob))
    if not paths:
        raise MissingFileError("no input files found")
    extractor = Extractor(lang=lang, model=model, reference_date=reference_date)
    summary = BatchSummary()
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for path in _progress(paths, progress):
                try:
                    document = extractor.extract_file(path)
                    line = document.model_dump_json()
                    summary.records += len(document.records)
                except ExtractorError as exc:
                    line = json.dumps(error_line(str(path), exc), ensure_ascii=False)
                    summary.errors += 1
                except Exception as exc:  # a stage that raises must not stop the run
                    line = json.dumps(error_line(str(path), exc), ensure_ascii=False)
                    summary.errors += 1
                fh.write(line + "\n")
                summary.documents += 1
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    summary.elapsed = time.perf_counter() - started
    return summary


def _progress(paths: list[Path], enabled: bool):
    if not enabled:
        return paths
    from rich.progress import track

    return track(paths, description="extracting", transient=True)
