"""Helpers for the pages' AppTests: open a page with preset session state, click, read charts."""

import json
from pathlib import Path

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
