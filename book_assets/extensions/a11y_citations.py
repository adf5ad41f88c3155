"""Bibliography entries as list items (a Sphinx extension of this book).

docutils' HTML5 writer wraps the citations that sphinxcontrib-bibtex creates in
``<div role="list">`` and gives each one ``role="doc-biblioentry"``, a DPUB-ARIA role
that is deprecated, so that assistive technology sees a list without items (axe-core:
``aria-deprecated-role``, ``aria-required-children``). This writes the same markup with
``role="listitem"``; nothing else changes (ids, classes and backlinks are docutils').
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def visit_citation(self, node: nodes.citation) -> None:
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node: nodes.citation) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def setup(app: Sphinx) -> dict:
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
