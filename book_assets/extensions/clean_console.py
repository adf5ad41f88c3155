"""No console error on any page from the theme's own scripts (an extension of this book).

* **Each script once.** With Jupyter Book 1.0.4 and Sphinx 7.4, the inline configuration
  scripts of sphinx-thebe and sphinx-togglebutton appear twice in every page's ``<head>``
  (``const THEBE_JS_URL = ...``, ``var togglebuttonSelector = ...``), and the second
  ``const`` throws "Identifier 'THEBE_JS_URL' has already been declared" in every
  reader's console. This keeps the first of two identical scripts (same file, or same
  inline body, and the same attributes: the two copies differ only in a file name of None
  or ''); nothing else changes.
* **A theme mode to start from.** pydata-sphinx-theme (under sphinx-book-theme) starts a
  first visit (no mode in ``localStorage``) from ``default_mode``, which Jupyter Book
  leaves empty, and logs "Got invalid theme mode: . Resetting to auto." on every such
  page. This sets ``default_mode`` to ``auto`` (follow the system's light or dark mode,
  what the theme then did anyway) unless ``_config.yml`` sets one.

``tests/test_browser.py`` fails on any console error.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _key(script) -> tuple:
    """The file (None and '' alike: an inline script) and the attributes, body included."""
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def start_in_auto_mode(app, config) -> None:
    config.html_context.setdefault("default_mode", "auto")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", start_in_auto_mode)
    # After the other extensions have added theirs (default priority 500).
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
