"""Print page layouts: templates (``styles/templates``), map furniture, page composition and painting.

``compose_page(loaded, template)`` → ``Page`` (element boxes in mm, texts, legend, extent);
``paint_page(page, painter, dpi)`` draws it on any QPainter (PDF, SVG, PNG).
"""
