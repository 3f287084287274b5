"""extractor: community activity reports (Chinese, Spanish) to validated JSON records.

>>> from extractor import Extractor, extract_file          # doctest: +SKIP
>>> doc = extract_file("samples/zh-hant_social-work-day-2016.txt")  # doctest: +SKIP
>>> doc.records[0].dates[0].start                          # doctest: +SKIP
'XXXX-03-17'

Names are imported lazily so that ``import extractor`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Document", "Extractor", "ExtractorError", "Record", "extract", "extract_file",
]

_LAZY = {
    "Extractor": "pipeline", "extract": "pipeline", "extract_file": "pipeline",
    "Document": "records", "Record": "records",
    "ExtractorError": "errors",
}

if TYPE_CHECKING:
    from .errors import ExtractorError
    from .pipeline import Extractor, extract, extract_file
    from .records import Document, Record


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
