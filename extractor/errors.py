"""Typed errors of the library; the CLI turns them into one-line messages."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base class of every error the extractor raises on purpose."""


class InputError(ExtractorError):
    """The input cannot be read as a report."""


class MissingFileError(InputError):
    """The path does not exist or is not a regular file."""


class EmptyInputError(InputError):
    """The input holds no text."""


class BinaryInputError(InputError):
    """The input looks like a binary file, not text."""


class InputTooLargeError(InputError):
    """The input is larger than the configured limit."""


class DecodingError(InputError):
    """No text encoding fits the input bytes."""


class LanguageError(ExtractorError):
    """The requested or detected language is not supported."""


class PatternError(ExtractorError):
    """A data file under patterns/ is missing or malformed."""


class ModelError(ExtractorError):
    """An optional spaCy model could not be loaded."""
