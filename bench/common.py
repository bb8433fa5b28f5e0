"""What every benchmark prints first: date and machine, so BENCHMARKS.md can record them."""

import os
import platform
import time


def machine_header() -> str:
    cpu = platform.processor() or platform.machine()
    return (f"# {time.strftime('%Y-%m-%d %H:%M')} · {platform.node()} · {cpu} · "
            f"{os.cpu_count()} cores · Python {platform.python_version()}")
