"""QR codes for pages and PDFs (check-in codes, member cards, certificate verification)."""


def qr_svg(data: str, *, scale=4) -> str:
    """An inline SVG QR code (segno), no XML declaration: safe to place in a page or a PDF."""
    import segno

    return segno.make(data, error="m").svg_inline(scale=scale, border=2)
