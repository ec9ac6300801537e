"""Shared helpers of the Python tests. The TypeScript side (test/python/python.test.ts) prepares TC_PY_DATA (cases
with the TypeScript verdicts, the corpus packages, captured Mosquitto traffic) and PYTHONPATH; run them through
`npx vitest run test/python`."""
from __future__ import annotations

import json
import os
import pathlib
from typing import Any

import pytest

DATA = os.environ.get("TC_PY_DATA")


def load(name: str) -> Any:
    """A data file of the TypeScript side, or an explicit failure when the tests were started without it."""
    if not DATA:
        pytest.fail("TC_PY_DATA is not set: run the Python tests through `npx vitest run test/python`, which prepares the TypeScript side")
    return json.loads((pathlib.Path(DATA) / name).read_text(encoding="utf-8"))


def data_dir() -> pathlib.Path:
    if not DATA:
        pytest.fail("TC_PY_DATA is not set: run the Python tests through `npx vitest run test/python`")
    return pathlib.Path(DATA)
