"""Reading: bytes to text, with encoding detection and clear errors.

Offsets in the output refer to the text returned here. Line ends are kept as
they are (CRLF stays CRLF), so ``text[start:end]`` is exact.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BinaryInputError, DecodingError, EmptyInputError, InputTooLargeError, MissingFileError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Encodings a report of this genre comes in, tried by the detector when the bytes are not UTF-8.
CANDIDATE_ENCODINGS = ["gb18030", "big5", "cp1252", "latin_1", "utf_16_le", "utf_16_be"]
_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


@dataclass(frozen=True)
class DecodedText:
    """Text of one input, the encoding it was read with and notes about it."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DecodedText:
    """Read and decode one file; raises an :class:`InputError` subclass when it cannot."""
    p = Path(path)
    if not p.exists():
        raise MissingFileError(f"{p}: no such file")
    if p.is_dir():
        raise MissingFileError(f"{p}: is a directory, not a file (use 'extractor batch' for directories)")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(f"{p}: {size} bytes is over the limit of {max_bytes} bytes")
        data = p.read_bytes()
    except OSError as exc:
        raise MissingFileError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    try:
        return decode_bytes(data, max_bytes=max_bytes)
    except (EmptyInputError, BinaryInputError, DecodingError, InputTooLargeError) as exc:
        raise type(exc)(f"{p}: {exc}") from None


def decode_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> DecodedText:
    """Decode ``data``: BOMs first, then strict UTF-8, then a charset detector."""
    if len(data) > max_bytes:
        raise InputTooLargeError(f"{len(data)} bytes is over the limit of {max_bytes} bytes")
    if not data.strip():
        raise EmptyInputError("empty input")
    bom = _bom_encoding(data)
    if bom:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            raise DecodingError(f"not valid {bom.upper()} despite its byte order mark ({exc.reason})") from None
        warnings = [] if bom == "utf-8-sig" else [f"decoded as {bom.upper()} (byte order mark)"]
        return _checked(DecodedText(text, bom, warnings))
    try:
        return _checked(DecodedText(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise BinaryInputError("binary data, not text")
        return _checked(DecodedText(data.decode(encoding), encoding, [f"decoded as {encoding.upper()} (no BOM)"]))
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    return _checked(DecodedText(text, encoding, [f"decoded as {encoding.upper()}, not UTF-8"]))


def detect_encoding(data: bytes) -> str:
    """Best encoding for non-UTF-8 ``data`` among the genre's usual ones."""
    from charset_normalizer import from_bytes  # imported lazily: only non-UTF-8 input needs it

    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise DecodingError("no text encoding fits these bytes")
    name = codecs.lookup(best.encoding).name
    # GB18030 is a superset of GBK/GB2312; Latin-1 bytes are read as Windows-1252.
    return {"gbk": "gb18030", "gb2312": "gb18030", "iso8859-1": "cp1252", "latin-1": "cp1252"}.get(name, name)


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL-bearing bytes read as UTF-16 text; None for binary data."""
    sample = data[:8192]
    for encoding, high_bytes, low_bytes in (("utf-16-le", sample[1::2], sample[0::2]),
                                            ("utf-16-be", sample[0::2], sample[1::2])):
        if low_bytes.count(0) or not high_bytes.count(0):  # text has its NULs on one side only
            continue
        try:
            text = data[: len(data) - len(data) % 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for ch in text[:4096] if ch.isprintable() or ch in _CONTROL_OK)
        if printable > 0.95 * min(len(text), 4096):
            return encoding
    return None


def _checked(decoded: DecodedText) -> DecodedText:
    text = decoded.text
    if not text.strip():
        raise EmptyInputError("empty input")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > 0.05 * len(sample) or "\x00" in sample:
        raise BinaryInputError("binary data, not text")
    return decoded
