"""The CJK font embedded in PDF reports.

First the Noto Sans CJK collection from PyPI (package noto-cjk-sans-otc, installed with
the project, so a fresh machine needs no root), then the same file from Debian's
fonts-noto-cjk. The collection holds the JP, KR, SC, TC and HK faces; the report uses TC.
"""

from __future__ import annotations

from pathlib import Path

SYSTEM_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TRADITIONAL_CHINESE_FACE = 3  # "Noto Sans CJK TC" in NotoSansCJK-Regular.ttc


class FontMissing(Exception):
    pass


def _packaged() -> Path | None:
    try:
        import noto_cjk_sans_otc  # optional: the Debian font may stand in
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.is_file() else None


def cjk_font(candidates: tuple[Path | None, ...] | None = None) -> Path:
    """The first font file found, or FontMissing."""
    for path in candidates if candidates is not None else (_packaged(), SYSTEM_FONT):
        if path is not None and path.is_file():
            return path
    raise FontMissing
