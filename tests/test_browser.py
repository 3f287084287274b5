"""Both HTML pages opened in headless Chromium: they render (non-blank screenshot) with the expected title.

Needs the Debian package ``chromium`` (``make test`` installs it when missing);
skipped with a message when no Chromium can be found. The machine is offline:
the flags keep Chromium from trying to reach the network.

``EXTRACTOR_SCREENSHOTS=docs pytest tests/test_browser.py`` also refreshes the
README screenshots ``docs/render.png`` and ``docs/report.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from extractor.reading import read_file
from extractor.render import render_document_html
from extractor.report import render_report_html

from conftest import REPO, SAMPLES, eval_documents

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars"]
SIZE = (1280, 900)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not found: install the Debian package 'chromium' "
                                                "(make test does) to run the browser test"),
]


def chromium(*args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with a fresh profile; no network, bounded time."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def screenshot(page: Path, png: Path, size: tuple[int, int] = SIZE) -> None:
    chromium(f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", page.as_uri())


def dump_dom(url: str) -> str:
    """The DOM after the page's scripts ran."""
    return chromium("--dump-dom", "--virtual-time-budget=5000", url).stdout


def png_rows(path: Path, max_rows: int = 400) -> tuple[int, int, list[bytes]]:
    """Width, height and the first ``max_rows`` decoded rows of an 8-bit RGB/RGBA, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(min(height, max_rows)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def assert_not_blank(png: Path, size: tuple[int, int]) -> None:
    width, height, rows = png_rows(png)
    assert (width, height) == size
    bpp = len(rows[0]) // width
    pixels = Counter(row[i:i + 3] for row in rows for i in range(0, len(row), bpp))
    assert len(pixels) > 20, f"{png}: only {len(pixels)} colours"
    assert pixels.most_common(1)[0][1] < 0.97 * sum(pixels.values()), f"{png}: nearly one colour"


def title_of(dom: str) -> str:
    found = re.search(r"<title>(.*?)</title>", dom, re.S)
    return unescape(found.group(1)) if found else ""


def save_for_docs(png: Path, name: str) -> None:
    if os.environ.get("EXTRACTOR_SCREENSHOTS") == "docs":
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copyfile(png, REPO / "docs" / name)


def test_png_reader_sees_colours(tmp_path):
    """The PNG reader itself, on a tiny image of two colours with every filter type."""
    width, rows = 3, [(f, bytes([10 * f, 20, 30, 200, 100, 50, 10 * f, 20, 30])) for f in range(5)]
    raw = b"".join(bytes([0]) + r for _, r in rows)  # filter 0 for all rows: the reference
    path = tmp_path / "t.png"

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, 5, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    assert png_rows(path) == (3, 5, [r for _, r in rows])


def test_render_page_in_browser(tmp_path, extractor):
    source = SAMPLES / "zh-hant_social-work-day-2016.txt"
    text = read_file(source).text
    document = extractor.extract(text, source=str(source))
    page = tmp_path / "render.html"
    page.write_text(render_document_html(document, text), encoding="utf-8")
    png = tmp_path / "render.png"
    screenshot(page, png)
    assert_not_blank(png, SIZE)
    dom = dump_dom(page.as_uri())
    assert title_of(dom) == f"extractor · {source.name}"
    assert dom.count('class="record ') == len(document.records)
    save_for_docs(png, "render.png")


def test_report_page_in_browser(tmp_path, extractor):
    import json

    documents = eval_documents() or sorted(SAMPLES.glob("*.txt"))
    lines = [json.loads(extractor.extract_file(p).model_dump_json()) for p in documents]
    lines.append({"source": "missing.txt",
                  "error": {"type": "MissingFileError", "message": "missing.txt: no such file"}})
    records = sum(len(line["records"]) for line in lines if "records" in line)
    page = tmp_path / "report.html"
    page.write_text(render_report_html(lines), encoding="utf-8")
    png = tmp_path / "report.png"
    screenshot(page, png)
    assert_not_blank(png, SIZE)
    dom = dump_dom(page.as_uri())
    assert title_of(dom) == f"extractor report · {len(documents)} documents"
    assert f"{records} of {records} records shown" in dom  # the table's script ran
    # filtered and sorted from the address: rows of one language, by record id descending
    dom = dump_dom(page.as_uri() + "#q=zh-hans&sort=-1")
    body = dom[dom.index('<table id="records">'):].split("</tbody>", 1)[0]
    visible = [row for row in body.split("<tr")[2:] if "hidden" not in row.split(">", 1)[0]]
    expected = sum(len(line["records"]) for line in lines if line.get("language") == "zh-Hans")
    assert len(visible) == expected
    ids = [re.findall(r"<td>(.*?)</td>", row)[0] for row in visible]  # the first plain cell: the record id
    assert ids == sorted(ids, reverse=True)
    if os.environ.get("EXTRACTOR_SCREENSHOTS") == "docs":
        screenshot(page, png, (1280, 1500))
        save_for_docs(png, "report.png")
