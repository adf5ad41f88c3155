"""NumPy's own functions back, before the tests run (put there by make assignments).

Tests take ``np`` from the notebook, and a notebook can rebind NumPy's functions
(``np.allclose = lambda *a, **k: True``). ``repair_numpy()`` puts back every NumPy
attribute that a notebook replaced with a function of its own, taking the original from
the NumPy module that defines it.
"""

from __future__ import annotations

import sys
import types


def repair_numpy() -> list[str]:
    """Restore rebound NumPy functions; the names restored."""
    import numpy

    restored = []
    for name in dir(numpy):
        value = getattr(numpy, name, None)
        module = getattr(value, "__module__", None) or ""
        if not callable(value) or module.startswith("numpy") or isinstance(value, type):
            continue
        if isinstance(value, types.ModuleType):
            continue
        for module_name, mod in list(sys.modules.items()):
            original = getattr(mod, name, None) if module_name.startswith("numpy.") else None
            if original is not None and (getattr(original, "__module__", "") or "").startswith(
                "numpy"
            ):
                setattr(numpy, name, original)
                restored.append(name)
                break
    return restored
