"""Rebuild static/duban/favicon.ico from static/duban/favicon.svg (the 督 seal drawn for duban).

Run after editing the SVG: `.venv/bin/python scripts/make_favicon.py`. Chromium (Debian's /usr/bin/chromium,
driven by Playwright from requirements/local.txt) rasterises the SVG at 16, 32 and 48 px; Pillow writes one .ico
holding the three sizes. Nothing is downloaded.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "static" / "duban" / "favicon.svg"
ICO = ROOT / "static" / "duban" / "favicon.ico"
SIZES = (16, 32, 48)


def main() -> None:
    data = base64.b64encode(SVG.read_bytes()).decode()
    images = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                f'<body style="margin:0"><img src="data:image/svg+xml;base64,{data}" '
                f'width="{size}" height="{size}" style="display:block"></body>'
            )
            png = page.screenshot(omit_background=True)
            images.append(Image.open(io.BytesIO(png)).convert("RGBA"))
            page.close()
        browser.close()
    largest = images[-1]
    largest.save(ICO, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    print(f"{ICO.relative_to(ROOT)}: {', '.join(f'{s}x{s}' for s in SIZES)}, {ICO.stat().st_size} bytes")


if __name__ == "__main__":
    main()
