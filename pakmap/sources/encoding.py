"""Text encodings of tables and DBF files: decode correctly or say so, never produce mojibake.

Partner tables arrive as UTF-8 (Kobo, Google Sheets, "CSV UTF-8" from Excel), UTF-8 with a byte
order mark (Excel), or Windows-1252 (older Excel "CSV" on Windows). UTF-8 is tried first because
random Windows-1252 text is almost never valid UTF-8, while every UTF-8 file is "valid" Windows-1252
(and reads as "CafÃ©"). Windows-1252 is only accepted when the result looks like real text: bytes of
another code page (Urdu or Arabic in cp1256, for instance) decode as long runs of accented capitals,
and those are refused with a fix instead of being saved as garbage.
"""

from __future__ import annotations

import codecs
import os
import re

from ..errors import SourceError

UTF8, UTF8_BOM, CP1252 = "utf-8", "utf-8-sig", "cp1252"

# Three or more non-ASCII letters in a row: normal in mojibake ("Ã©Ã¨", "ÇáßÑÇÊÔí"), rare in
# Latin-script names written in Windows-1252 ("Café", "Müller", "Peña").
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{3,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

_ENCODING_FIX = (
    "save the file as UTF-8 (Excel: Save As > 'CSV UTF-8'), "
    "or give its encoding (encoding=cp1256 for Urdu/Arabic Windows files)"
)


# Codecs Python knows that are not how a table's text is stored: transforms and domain-name codecs.
_NOT_TABLE_TEXT = ("utf-7", "idna", "punycode")


def normalize_name(encoding: str) -> str:
    """Python's canonical codec name (``UTF8`` -> ``utf-8``, ``CP1252`` -> ``cp1252``); ``LookupError``
    for names that are not text encodings (``hex``, ``rot13``, ``base64``… are codecs too)."""
    info = codecs.lookup(encoding)
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_TABLE_TEXT:
        raise LookupError(f"{encoding!r} is not a text encoding")
    return info.name


def looks_garbled(text: str) -> bool:
    """True when text decoded as Windows-1252 is more likely another encoding's bytes."""
    non_ascii = len(_NON_ASCII.findall(text))
    if non_ascii == 0:
        return False
    in_runs = sum(len(m) for m in _NON_ASCII_RUN.findall(text))
    return in_runs > non_ascii / 2


def sniff(data: bytes, *, path: str | os.PathLike | None = None, allow_truncated: bool = False) -> str:
    """The encoding of ``data``: ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``cp1252``.

    ``allow_truncated`` accepts UTF-8 with a few broken sequences, as in DBF files whose fixed-width
    fields cut a multi-byte character in half. Raises ``SourceError`` when no encoding fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode(UTF8)
        return UTF8
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if allow_truncated and _mostly_utf8(data):
        return UTF8
    try:
        text = data.decode(CP1252)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"the text is neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02x} at position {exc.start})",
            path=path,
            fix=_ENCODING_FIX,
        ) from None
    run = _NON_ASCII_RUN.search(text) if looks_garbled(text) else None
    if run is not None:  # garbled text has a run of non-ASCII letters
        sample = run.group(0)[:12]
        raise SourceError(
            f"the text is not UTF-8 (byte 0x{data[first_bad]:02x} at position {first_bad}) "
            f"and reading it as Windows-1252 gives garbled characters such as '{sample}'",
            path=path,
            fix=_ENCODING_FIX,
        )
    return CP1252


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text saved as UTF-16 without a byte order mark (some
    database exports): Latin-script text then has a zero byte in every other position."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.6 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.6 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, encoding: str | None = None, *, path: str | os.PathLike | None = None) -> tuple[str, str]:
    """``(text, encoding)``: decoded with the given encoding (strictly) or a sniffed one."""
    if encoding:
        try:
            name = normalize_name(encoding)
        except LookupError:
            raise SourceError(
                f"unknown encoding '{encoding}'", path=path, fix="use utf-8, utf-8-sig, cp1252 or cp1256"
            ) from None
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"the file is not valid {encoding} (byte 0x{data[exc.start]:02x} at position {exc.start})",
                path=path,
                fix="give the right encoding, or leave it out to let pakmap detect it",
            ) from None
    name = sniff(data, path=path)
    if name == UTF8 and b"\x00" in data:
        utf16 = utf16_without_bom(data)
        if utf16 is None:
            raise SourceError(
                "holds zero bytes, so it is not a text table (a binary file, or text in an "
                "encoding pakmap cannot recognise)",
                path=path,
                fix=_ENCODING_FIX,
            )
        name = utf16
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"looks like UTF-16 text without a byte order mark but is not valid {name} (position {exc.start})",
                path=path,
                fix=_ENCODING_FIX,
            ) from None
    return data.decode(name), name


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 whose only errors are rare cut sequences: many good multi-byte characters, few bad."""
    text = data.decode(UTF8, errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    return good > 0 and bad <= max(1, good // 20)


__all__ = ["sniff", "decode", "utf16_without_bom", "looks_garbled", "normalize_name", "UTF8", "UTF8_BOM", "CP1252"]
