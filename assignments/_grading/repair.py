"""NumPy's own functions back, before the tests run (put there by make assignments).

A notebook can rebind NumPy's names (``np.allclose = lambda *a, **k: True``), also with a
function dressed up as NumPy's (``fake.__module__ = "numpy"``). ``repair_numpy()``
decides what is NumPy's own by identity, not by what an object says of itself: a fresh
Python process (``python -I``, the kernel's interpreter, nothing of the notebook's) lists
every top-level name that ``import numpy`` defines with a fingerprint of its object (its
type, whether that type is compiled in, its name and, for a function written in Python,
the file and line of its code). Every name of the kernel's ``numpy`` whose object has
another fingerprint is put back: to the object of that fingerprint found in one of the
kernel's ``numpy.*`` modules (NumPy keeps each function in the module that defines it
too), or, if the notebook rebound that as well, to a function that fails with a message,
so that a test using it fails rather than passes. Submodules (``np.linalg``) are put back
to the module of their name in ``sys.modules``; the functions inside them are not
checked.

The test files take ``np`` from their own ``import numpy as np`` (make assignments
rewrites them so), not from the notebook, which may have bound ``np`` to a module of its
own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types

_HEAP_TYPE = 1 << 9

_FINGERPRINTS = r"""
import json, os, types
import numpy
ROOT = os.path.dirname(numpy.__file__)
def fingerprint(v):
    t = type(v)
    if isinstance(v, types.ModuleType):
        return ["module", v.__name__]
    code = getattr(v, "__code__", None) or getattr(
        getattr(v, "_implementation", None), "__code__", None)
    where = None
    if code is not None:
        where = [os.path.relpath(code.co_filename, ROOT), code.co_firstlineno]
    self = getattr(v, "__self__", None)
    return [t.__module__, t.__qualname__, bool(t.__flags__ & (1 << 9)),
            str(getattr(v, "__name__", "")), str(getattr(v, "__qualname__", "")), where,
            getattr(self, "__name__", None) if isinstance(self, types.ModuleType) else None,
            getattr(v, "ntypes", None) if t.__name__ == "ufunc" else None]
"""

_LIST = (
    _FINGERPRINTS
    + r"""
out = {}
for name, v in list(vars(numpy).items()):  # not the submodules numpy loads when asked
    if callable(v) or isinstance(v, types.ModuleType):
        out[name] = fingerprint(v)
print(json.dumps(out))
"""
)

_genuine: dict | None = None


def _fingerprint():
    scope: dict = {}
    exec(_FINGERPRINTS, scope)  # the same function as in the fresh process
    return scope["fingerprint"]


def genuine() -> dict:
    """Name -> fingerprint of every function, class and submodule of a fresh ``numpy``."""
    global _genuine
    if _genuine is None:
        done = subprocess.run([sys.executable, "-I", "-c", _LIST], capture_output=True,
                              text=True, timeout=120, check=True)  # fmt: skip
        _genuine = json.loads(done.stdout.splitlines()[-1])
    return _genuine


def _broken(name: str):
    def rebound(*args, **kwargs):
        raise RuntimeError(
            f"numpy.{name} was replaced by the notebook and could not be put back: the grader "
            "does not use it"
        )

    return rebound


def repair_numpy() -> list[str]:
    """Put back every top-level NumPy name the notebook rebound; the names put back."""
    import numpy

    fingerprint = _fingerprint()
    restored = []
    for name, want in genuine().items():
        value = vars(numpy).get(name)
        if want[0] == "module":
            original = sys.modules.get(want[1])
            if original is not None and value is not original:
                setattr(numpy, name, original)
                restored.append(name)
            continue
        if value is not None and json.loads(json.dumps(fingerprint(value))) == want:
            continue
        found = None
        for module_name, module in list(sys.modules.items()):
            if module_name != "numpy" and not module_name.startswith("numpy."):
                continue
            if not isinstance(module, types.ModuleType):
                continue
            for candidate in list(vars(module).values()):
                if callable(candidate) and json.loads(json.dumps(fingerprint(candidate))) == want:
                    found = candidate
                    break
            if found is not None:
                break
        setattr(numpy, name, found if found is not None else _broken(name))
        restored.append(name)
    return restored
