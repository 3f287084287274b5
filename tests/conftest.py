"""Shared fixtures: the repository paths, the eval documents and one extractor per session."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
EVAL_DOCS = REPO.parent / "shared" / "eval" / "docs"
CASES = Path(__file__).resolve().parent / "cases"


def eval_documents() -> list[Path]:
    """The scored documents beside the repository (empty when ``../shared`` is absent)."""
    return sorted(EVAL_DOCS.glob("*.txt")) if EVAL_DOCS.is_dir() else []


def load_cases(lang: str, name: str) -> list[dict]:
    """Rows of ``tests/cases/<lang>/<name>.yaml``."""
    return yaml.safe_load((CASES / lang / f"{name}.yaml").read_text(encoding="utf-8")) or []


@pytest.fixture(scope="session")
def extractor():
    from extractor import Extractor

    return Extractor()
