"""The CLI end to end, in a subprocess: JSON out, one-line errors, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

EXE = Path(sys.executable).parent / "extractor"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, input=stdin, timeout=120)


def test_extract_prints_the_document():
    proc = run("extract", str(SAMPLES / "zh-hant_social-work-day-2016.txt"))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["language"] == "zh-Hant"
    assert doc["title"] == "2016年社工日活動總結"
    assert len(doc["records"]) == 10


def test_extract_pretty_and_forced_language(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Informe\n1. Limpieza del parque con los niños y las niñas del barrio.\n", encoding="cp1252")
    proc = run("extract", str(path), "--pretty", "--lang", "es")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("{\n  ")
    doc = json.loads(proc.stdout)
    assert doc["language"] == "es"
    assert any("CP1252" in w for w in doc["warnings"])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: (d / "empty.txt", (d / "empty.txt").write_bytes(b""))[0], "empty input"),
        (lambda d: (d / "bin.txt", (d / "bin.txt").write_bytes(b"\x00\x01\x02\xff" * 300))[0], "binary"),
    ],
)
def test_bad_input_is_a_one_line_error(tmp_path, make, message):
    path = make(tmp_path)
    proc = run("extract", str(path))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert proc.stdout == ""


def test_bad_option_values_are_one_line_errors(tmp_path):
    sample = str(SAMPLES / "es_dia-trabajo-social.txt")
    for args in (("--lang", "fr"), ("--reference-date", "yesterday")):
        proc = run("extract", sample, *args)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_batch_over_a_directory(tmp_path):
    corpus = tmp_path / "in"
    (corpus / "sub").mkdir(parents=True)
    for sample in SAMPLES.glob("*.txt"):
        (corpus / "sub" / sample.name).write_bytes(sample.read_bytes())
    (corpus / "broken.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    proc = run("batch", str(corpus), "--out", str(out))
    assert "Traceback" not in proc.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    assert sorted(Path(line["source"]).name for line in lines) == sorted(
        ["broken.txt", "es_dia-trabajo-social.txt", "zh-hant_social-work-day-2016.txt"])
    errors = [line for line in lines if "error" in line]
    assert len(errors) == 1 and errors[0]["error"]["type"] == "EmptyInputError"
    assert proc.returncode == 3


def test_schema_command():
    proc = run("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["title"] == "Document"
