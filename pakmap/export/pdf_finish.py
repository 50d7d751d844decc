"""Finishing a PDF that Qt has written: every change pakmap makes to the file, in one place.

Three changes, made with pikepdf (qpdf), which reads any cross-reference form (a table, a stream,
object streams) and writes a new, consistent one:

- each placeholder image the renderer drew for an ``ImageSink`` (``pakmap/render/context.py``) is
  replaced by the indexed image it stands for, its deflated rows stored as they are: palette index 0
  transparent through a colour-key mask, which Qt's PDF engine cannot write;
- each line of Arabic-script text the renderer recorded in a ``TextSink`` gets its words back: Qt
  writes Arabic script's contextual glyph forms with no ToUnicode entry, so ``pdftotext``, search and
  copy-paste found nothing of an Urdu name. The text objects drawn inside the line's box, in drawing
  order, are wrapped in a marked-content span whose /ActualText is the line as written, which
  readers (poppler, Acrobat, pdf.js) return in place of the glyphs (``pdf_text.py``);
- the document information is set (Title, Subject, Author, Creator, Producer, the creation date;
  never a local path or a user name: the officer emails these files out), and Qt's XMP metadata is
  rewritten from it, so that the two never disagree.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..render.context import PLACEHOLDER_WIDTH, TextLine
from ..render.indexed import IndexedImage
from .pdf_text import put_actual_text


class PdfFinishError(RuntimeError):
    """The PDF Qt wrote cannot be finished: pakmap's own bug, not the user's."""


def finish_pdf(
    path: Path,
    images: dict[bytes, IndexedImage],
    info: dict[str, str] | None = None,
    created: str | None = None,
    texts: list[TextLine] | None = None,
    dpi: float = 300,
) -> None:
    """Put ``images`` (placeholder pixels -> image) into the PDF at ``path`` in place of their
    placeholders, give the ``texts`` lines (drawn at ``dpi``) their /ActualText, and set its document
    information to ``info`` plus ``created`` (ISO day)."""
    try:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            _put_images(pdf, dict(images))
            if texts:
                put_actual_text(pdf, texts, dpi)
            if info is not None:
                _set_info(pdf, info, created)
            pdf.save(path, fix_metadata_version=False)  # the version stays Qt's: no XMP to parse for it
    except pikepdf.PdfError as exc:
        raise PdfFinishError(str(exc)) from None


def _put_images(pdf: pikepdf.Pdf, images: dict[bytes, IndexedImage]) -> None:
    for obj in pdf.objects:
        if not images:
            return
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != Name.Image:
            continue
        if obj.get("/Width") != PLACEHOLDER_WIDTH or obj.get("/Height") != 1:
            continue  # not a placeholder: no need to inflate it
        image = images.pop(obj.read_bytes(), None)
        if image is not None:
            _replace_image(obj, image)
    if images:
        raise PdfFinishError(f"{len(images)} placeholder image(s) not found")


def _replace_image(stream: pikepdf.Stream, image: IndexedImage) -> None:
    """``stream`` (a placeholder) made ``image``: indexed RGB, index 0 masked by its colour key."""
    for key in list(stream.keys()):
        if key not in ("/Type", "/Subtype", "/Length"):
            del stream[key]
    stream.Width, stream.Height, stream.BitsPerComponent = image.width, image.height, image.bits
    stream.ColorSpace = Array([Name.Indexed, Name.DeviceRGB, image.colours - 1, pikepdf.String(image.palette)])
    stream.Mask = Array([0, 0])
    stream.write(image.data, filter=Name.FlateDecode)


def _set_info(pdf: pikepdf.Pdf, info: dict[str, str], created: str | None) -> None:
    entries = {"/" + key: pikepdf.String(value) for key, value in info.items() if value}
    if created:
        entries["/CreationDate"] = entries["/ModDate"] = pikepdf.String("D:" + created.replace("-", "") + "000000Z")
    pdf.docinfo = pdf.make_indirect(Dictionary(entries))
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp.load_from_docinfo(pdf.docinfo, delete_missing=True)
        if created:  # Qt's is the time of writing
            xmp["xmp:MetadataDate"] = xmp["xmp:CreateDate"]
