"""Reading: encodings are detected, offsets stay exact, bad input gets a typed error."""

from __future__ import annotations

import codecs

import pytest

from extractor.errors import BinaryInputError, DecodingError, EmptyInputError, InputTooLargeError, MissingFileError
from extractor.reading import decode_bytes, read_file

ZH_HANT = "2018年重陽節活動紀要\n翠湖社區組織志願者六十五人，開展清潔活動。\n"
ZH_HANS = "社区消防安全工作总结\n阳光社区组织志愿者三十人入户宣传防火知识。\n"
ES = "Resumen de la jornada\nLa junta de vecinos de la colonia Las Palmas reunió a más de 120 niños y niñas.\n"


@pytest.mark.parametrize(
    ("text", "encoding", "warned"),
    [
        (ZH_HANT, "utf-8", False),
        (ZH_HANS, "utf-8", False),
        (ES, "utf-8", False),
        (ZH_HANT, "utf-8-sig", False),
        (ZH_HANS, "gb18030", True),
        (ZH_HANS * 3, "gbk", True),
        (ZH_HANT * 3, "big5", True),
        (ES * 3, "cp1252", True),
        (ES * 3, "latin-1", True),
        (ZH_HANT, "utf-16", True),
        (ES, "utf-16", True),
        (ES, "utf-16-le", True),
        (ZH_HANS, "utf-16-be", True),
    ],
)
def test_decodes_the_usual_encodings(text, encoding, warned):
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert bool(decoded.warnings) is warned


def test_crlf_is_kept_so_offsets_stay_exact():
    text = "第一行\r\n1、阳光社区开展活动。\r\n"
    assert decode_bytes(text.encode("utf-8")).text == text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInputError),
        (b"   \n\r\n\t ", EmptyInputError),
        (codecs.BOM_UTF8 + b"  \n", EmptyInputError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4, BinaryInputError),
        (b"\xff\xfe\x00\xd8\x00", DecodingError),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00\x01\x02\x03" * 500, BinaryInputError),
    ],
)
def test_bad_bytes_get_a_typed_error(data, error):
    with pytest.raises(error):
        decode_bytes(data)


def test_oversized_input_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("社區" * 100, encoding="utf-8")
    with pytest.raises(InputTooLargeError, match="over the limit"):
        read_file(path, max_bytes=100)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(MissingFileError, match="no such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(MissingFileError, match="is a directory"):
        read_file(tmp_path)


def test_error_messages_are_one_line_and_name_the_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyInputError) as info:
        read_file(path)
    message = str(info.value)
    assert "\n" not in message and "empty.txt" in message
