"""The book-only modules (style, plots, widgets) need the ``book`` extra: one message when not."""

from __future__ import annotations


def missing_extra(module: str, needs: str, error: ImportError) -> ImportError:
    """The ImportError ``module`` raises when ``needs`` (e.g. "matplotlib") is not installed."""
    return ImportError(
        f"{module} needs {needs} ({error.name} is missing): install the book extra with "
        "pip install 'lstm_lib[book]' (or -r requirements.txt)"
    )
