"""The machine a benchmark ran on: processor, vector extension, BLAS kernel, versions.

Shared by ``bench.py``, ``bench_training.py`` and ``experiments/long_lag.py``: every
figure they report goes out with this description, because times differ 2-3x between
AVX2 and AVX-512 machines.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np

import lstm_lib


def processor() -> tuple[str, str]:
    """The CPU's model name and its widest vector extension ("AVX-512", "AVX2", "no AVX2"),
    from /proc/cpuinfo (Linux; elsewhere the platform's name and "unknown")."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU", "unknown"
    lines = info.splitlines()
    model = next((ln.split(":", 1)[1].strip() for ln in lines if "model name" in ln), "")
    flags = set(next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), []))
    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    return model or "unknown CPU", simd


def cpu_model() -> str:
    """The CPU's model name and its widest vector extension, e.g. "Xeon (AVX-512)"."""
    model, simd = processor()
    return f"{model} ({simd})"


def openblas_corename() -> str | None:
    """The kernel NumPy's OpenBLAS runs, asked from the library itself (Linux; None when
    it cannot be found): the fallback when threadpoolctl is not installed."""
    import ctypes
    import re

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for path in sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps))):
        lib = ctypes.CDLL(path)
        for name in (
            "scipy_openblas_get_corename64_",
            "scipy_openblas_get_corename",
            "openblas_get_corename64_",
            "openblas_get_corename",
        ):
            function = getattr(lib, name, None)
            if function is not None:
                function.restype = ctypes.c_char_p
                return function().decode()
    return None


def environment(threads: int) -> dict[str, str]:
    """Python, NumPy, BLAS (and the kernel it runs), the processor and PyTorch's version."""
    env = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "lstm_lib": lstm_lib.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}",
        "threads": str(threads),
    }
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        env["blas"] = f"{cfg.get('name')} {cfg.get('version', '')}".strip()
    except (KeyError, TypeError):  # older NumPy: no dict form of the build config
        env["blas"] = "unknown"
    try:  # which kernel OpenBLAS really runs (OPENBLAS_CORETYPE can force an older one)
        from threadpoolctl import threadpool_info

        kernels = {i.get("architecture") for i in threadpool_info() if i["user_api"] == "blas"}
        env["blas kernel"] = ", ".join(sorted(k for k in kernels if k)) or "unknown"
    except ImportError:
        env["blas kernel"] = openblas_corename() or "unknown (pip install threadpoolctl to see it)"
    env["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "unset")
    try:
        import torch

        env["torch"] = torch.__version__
    except ImportError:
        env["torch"] = "not installed"
    return env
