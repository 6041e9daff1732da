"""The scripts of bench/linkage loaded as modules for tests (they are scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "linkage"


def load(name: str) -> ModuleType:
    """bench/linkage/<name>.py, once per test session (the scripts import dedup_measures as a top-level
    module, so it is loaded first)."""
    if name != "dedup_measures":
        load("dedup_measures")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
