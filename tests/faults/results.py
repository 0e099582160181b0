"""The fault tests' figures (timings, counts), appended to a file for the closing note when
FAULTS_RESULTS names one (e.g. FAULTS_RESULTS=/tmp/faults-results.md); nothing otherwise."""

import os
import time


def record(test: str, figures: str) -> None:
    path = os.environ.get("FAULTS_RESULTS", "")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"- {time.strftime('%Y-%m-%d %H:%M')} **{test}**: {figures}\n")
