"""Command line: a thin layer over the library (``extractor --help``)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .errors import ExtractorError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn community activity reports (zh-Hant, zh-Hans, es) into validated JSON records.")

LangOpt = Annotated[str | None, typer.Option("--lang", help="force the language: zh-Hant, zh-Hans or es")]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="an installed spaCy pipeline to add (e.g. es_core_news_md)")
]
RefOpt = Annotated[str | None, typer.Option("--reference-date", help="YYYY-MM-DD that anchors 今年 / este año")]


def _reference(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ExtractorError(f"--reference-date {value!r} is not a YYYY-MM-DD date") from None


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="a report text file")],
    lang: LangOpt = None,
    pretty: Annotated[bool, typer.Option("--pretty", help="indent the JSON")] = False,
    summary: Annotated[bool, typer.Option("--summary", help="print a short human-readable summary instead")] = False,
    model: ModelOpt = None,
    reference_date: RefOpt = None,
) -> None:
    """Print the JSON document of one report FILE."""
    from .pipeline import Extractor

    document = Extractor(lang=lang, model=model, reference_date=_reference(reference_date)).extract_file(file)
    if summary:
        typer.echo(summarize(document))
    else:
        typer.echo(document.model_dump_json(indent=2 if pretty else None))


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="files, directories (recursive) or - for paths on stdin")],
    out: Annotated[Path, typer.Option("--out", help="output file (JSON lines, or CSV with --format csv)")],
    fmt: Annotated[str, typer.Option(
        "--format", help="jsonl (one line per document) or csv (one row per record)")] = "jsonl",
    workers: Annotated[int | None, typer.Option(
        "--workers", help="processes (default: CPU cores); 1 runs in this process")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="keep the documents already in OUT, process the others")] = False,
    retry_errors: Annotated[bool, typer.Option(
        "--retry-errors", help="with --resume: process the documents of error lines again")] = False,
    glob: Annotated[str, typer.Option("--glob", help="file pattern inside directories")] = "*.txt",
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="larger files become error lines")] = 20 * 2**20,
    timeout: Annotated[float, typer.Option(
        "--timeout", help="seconds per document before it becomes an error line (0: no limit)")] = 60.0,
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or dask")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)")] = None,
    send_data: Annotated[bool, typer.Option(
        "--send-data", help="Dask: read the files here and ship their bytes (no shared filesystem)")] = False,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="progress bar (default: when stderr is a terminal)")] = None,
    lang: LangOpt = None,
    model: ModelOpt = None,
    reference_date: RefOpt = None,
) -> None:
    """Process many reports into one file, one JSON line per document.

    Exit codes: 0 all documents succeeded; 3 some failed (error lines in OUT);
    130 interrupted (OUT is valid: run again with --resume).
    """
    from .batch import BatchOptions, run_batch

    options = BatchOptions(lang=lang, model=model, reference_date=_reference(reference_date),
                           max_bytes=max_bytes, timeout=timeout or None, fmt=fmt)
    summary = run_batch(inputs, out, options, workers=workers, engine=engine, scheduler=scheduler,
                        send_data=send_data, resume=resume, retry_errors=retry_errors, glob=glob,
                        progress=sys.stderr.isatty() if progress is None else progress)
    typer.echo(summary.describe(), err=True)
    if summary.interrupted:
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(3)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(help="a report text file")],
    html: Annotated[Path, typer.Option("--html", help="where to write the HTML page")],
    lang: LangOpt = None,
    model: ModelOpt = None,
    reference_date: RefOpt = None,
) -> None:
    """Write a self-contained HTML page showing what was extracted from FILE."""
    from .pipeline import Extractor
    from .reading import read_file
    from .render import render_document_html

    extractor = Extractor(lang=lang, model=model, reference_date=_reference(reference_date))
    decoded = read_file(file, max_bytes=extractor.max_bytes)
    document = extractor.extract(decoded.text, source=str(file), warnings=decoded.warnings)
    _write_atomically(html, render_document_html(document, decoded.text))
    typer.echo(f"wrote {html}", err=True)


@app.command()
def report(
    jsonl: Annotated[Path, typer.Argument(help="the JSON-lines output of 'extractor batch'")],
    html: Annotated[Path, typer.Option("--html", help="where to write the HTML report")],
) -> None:
    """Write a self-contained HTML summary of a batch output."""
    from .report import read_batch_output, render_report_html

    _write_atomically(html, render_report_html(read_batch_output(jsonl)))
    typer.echo(f"wrote {html}", err=True)


def _write_atomically(path: Path, content: str) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates files readable by the owner only
    os.replace(tmp, path)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output document."""
    from .records import Document

    typer.echo(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=2))


def summarize(document) -> str:
    """A few lines per record: kind, heading, types, and the values found."""
    lines = [f"{document.source}  [{document.language}]  {document.title or ''}"]
    for rec in document.records:
        lines.append(f"  {rec.id:<40} {rec.kind:<8} {(rec.heading or '')[:30]}")
        lines.append(f"      types: {', '.join(rec.activity_types) or '(none)'}")
        if rec.dates:
            lines.append("      dates: " + "; ".join(
                f"{d.text} → {d.rrule or d.start}{'..' + d.end if d.end else ''}{' ' + d.mod if d.mod else ''}"
                for d in rec.dates))
        if rec.communities:
            lines.append("      communities: " + ", ".join(c.name for c in rec.communities))
        if rec.counts:
            lines.append("      counts: " + "; ".join(
                f"{c.value:g} {c.category}{' (' + c.approx + ')' if c.approx else ''}" for c in rec.counts))
    for w in document.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


def main() -> None:
    """Console entry point: library errors become one-line messages, never tracebacks."""
    try:
        code = app(standalone_mode=False)  # returns the exit code of a typer.Exit
    except ExtractorError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors and anything unexpected: still one line
        import click

        if isinstance(exc, click.ClickException):
            typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        typer.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
