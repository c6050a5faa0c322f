"""Bytes to text: byte-order marks, UTF-8, UTF-16/32, a Windows-1252 fallback, binary refusal."""

from __future__ import annotations

from coach.errors import InputError

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_MEDIA = ("an audio or video file", "coach reads transcripts, so export the transcript instead")
_UNPACK = "unpack it and pass the transcript inside"
_MAGIC: tuple[tuple[bytes, tuple[str, str | None]], ...] = (
    (b"PK\x03\x04", ("a zip archive that is not a .docx", None)),
    (b"PK\x05\x06", ("an empty zip archive", None)),
    (b"%PDF-", ("a PDF", "export the transcript as .txt, .vtt or .docx instead")),
    (b"\x89PNG\r\n\x1a\n", ("a PNG image", None)),
    (b"\xff\xd8\xff", ("a JPEG image", None)),
    (b"GIF87a", ("a GIF image", None)),
    (b"GIF89a", ("a GIF image", None)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("an old Word .doc", "save it as .docx or .txt")),
    (b"\x1f\x8b", ("a gzip archive", _UNPACK)),
    (b"7z\xbc\xaf\x27\x1c", ("a 7-Zip archive", _UNPACK)),
    (b"Rar!", ("a RAR archive", _UNPACK)),
    (b"RIFF", _MEDIA),
    (b"ID3", _MEDIA),
    (b"OggS", _MEDIA),
    (b"fLaC", _MEDIA),
    (b"\x1aE\xdf\xa3", _MEDIA),
)
# Control bytes that never appear in text (tab, LF, FF, CR and ESC are left out).
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 27)) + b"\x7f"
_TEXT_BYTES = bytes(c for c in range(256) if c not in _CONTROL)
_MAX_CONTROL_SHARE = 0.05


def binary_error(label: str, what: str, hint: str | None = None) -> InputError:
    hint = hint or "pass a .txt, .vtt, .srt, .json or .docx transcript"
    return InputError(f"{label} looks like a binary file ({what}), not a transcript; {hint}")


def _newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le`/`-be` when every other byte is NUL, as in BOM-less UTF-16 text; else None."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.9 * half and even <= 0.1 * half:
        return "utf-16-le"
    if even >= 0.9 * half and odd <= 0.1 * half:
        return "utf-16-be"
    return None


def decode(data: bytes, name: str | None = None) -> tuple[str, list[str]]:
    """(text with LF line ends, warnings). InputError for binary data.

    UTF-8 with or without BOM, UTF-16/UTF-32 with BOM (UTF-16 without one when it is
    unmistakable); other non-UTF-8 bytes are read as Windows-1252 with a warning.
    """
    label = name or "the input"
    if data.startswith(b"{\\rtf"):
        raise InputError(f"{label} is an RTF document; save it as plain text (.txt) or .docx")
    for magic, (what, hint) in _MAGIC:
        if data.startswith(magic):
            raise binary_error(label, what, hint)
    if data[4:8] == b"ftyp":
        raise binary_error(label, *_MEDIA)
    warnings: list[str] = []
    for bom, codec, family in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                text = body.decode(codec, errors="replace")
                warnings.append(
                    f"{label} has bytes that are not valid {family} (first at byte "
                    f"{exc.start + len(bom)}); they were replaced with '\ufffd'"
                )
            return _newlines(text), warnings
    guess = _utf16_without_bom(data) if b"\x00" in data else None
    if guess is not None:
        warnings.append(f"{label} has no byte-order mark; read it as {guess.upper()}")
        return _newlines(data.decode(guess, errors="replace")), warnings
    if b"\x00" in data:
        raise binary_error(label, "it contains NUL bytes")
    controls = len(data.translate(None, _TEXT_BYTES))
    if controls >= 3 and controls > _MAX_CONTROL_SHARE * len(data):
        raise binary_error(label, "many control bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        warnings.append(
            f"{label} is not valid UTF-8 (first bad byte at offset {exc.start}); read it as "
            "Windows-1252, so check accented names, or re-save the file as UTF-8"
        )
    return _newlines(text), warnings
