"""Helpers for the pages' AppTests: open a page with preset session state, click, read charts."""

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(script: str, **state) -> AppTest:
    """Run ``script`` (e.g. 'pages/2_Denoising.py') once, with ``state`` set beforehand."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=180)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def click(at: AppTest, label: str) -> AppTest:
    return button(at, label).click().run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def chart(at: AppTest, key: str) -> dict:
    """The Plotly spec of the chart drawn with ``key``."""
    return json.loads(next(c for c in at.get("plotly_chart") if c.key == key).proto.spec)


def plotly_array(value) -> np.ndarray:
    """An array of a figure's JSON: a list, or Plotly's typed array {"dtype", "bdata"}."""
    if isinstance(value, dict):
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return array.reshape([int(n) for n in value["shape"].split(",")]) if "shape" in value \
            else array
    return np.asarray(value)


NON_FINITE = re.compile(r"(?<![a-z])[+-]?(nan|inf)(?![a-z])")


def non_finite_shown(at: AppTest) -> list[str]:
    """Texts and table cells on the page that show NaN or ±inf as a number."""
    texts = [e.value for kind in ("markdown", "caption", "error", "warning", "success", "info")
             for e in getattr(at, kind)] + [f"{m.label} {m.value}" for m in at.metric]
    shown = [t for t in texts if NON_FINITE.search(str(t).lower())]
    for frame in at.dataframe:
        numbers = frame.value.select_dtypes("number").to_numpy(dtype=float)
        if np.isinf(numbers).any():
            shown.append(f"an infinite cell in {list(frame.value.columns)}")
    return shown
