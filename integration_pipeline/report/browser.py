"""A headless-Chromium screenshot of a rendered HTML report, for looking at it.

What belongs here: finding a Chromium binary and calling it once per screenshot, with every
network and background feature switched off (the report is self-contained, so nothing needs to
be fetched). What does not: rendering (``render``). Used by the browser test and available to
the pipeline for a visual check of a published report.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEFAULT_BROWSER = Path("/usr/bin/chromium")


def find_browser() -> str | None:
    """Path of a Chromium-type browser: ``/usr/bin/chromium`` or the first on ``PATH``."""
    if DEFAULT_BROWSER.exists():
        return str(DEFAULT_BROWSER)
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot_html(
    html_path: Path,
    png_path: Path,
    *,
    width: int = 1200,
    height: int = 3000,
    browser: str | None = None,
    timeout: float = 120,
) -> Path:
    """Render ``html_path`` in headless Chromium and save a ``width`` x ``height`` PNG.

    Raises FileNotFoundError when no browser is found and RuntimeError when it writes no
    screenshot. A throw-away profile directory is used and removed afterwards.
    """
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium found (install the 'chromium' package)")
    html_path, png_path = Path(html_path).resolve(), Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png_path}",
            f"--window-size={width},{height}",
            html_path.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not png_path.exists() or png_path.stat().st_size == 0:
        raise RuntimeError(
            f"{Path(browser).name} wrote no screenshot (exit {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )
    return png_path
