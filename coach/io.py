"""Reading input from a path or standard input, and writing output files atomically."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from coach.errors import InputError


def read_source(arg: str | None) -> tuple[bytes, str | None]:
    """The bytes of a transcript from a path, or from standard input for None or '-'."""
    from coach.transcripts import MAX_BYTES  # here, not above: the CLI imports this module early

    if arg is None or arg == "-":
        if sys.stdin is None:
            raise InputError("no transcript given: pass a file or pipe one to standard input")
        if sys.stdin.isatty():
            print(
                "Paste the transcript, then press Ctrl-D (Ctrl-Z Enter on Windows).",
                file=sys.stderr,
            )
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(
                f"standard input is larger than {MAX_BYTES // 2**20} MiB; split the transcript"
            )
        return data, None
    path = Path(arg)
    if not path.exists():
        raise InputError(f"no such file: {arg}; check the path")
    if path.is_dir():
        raise InputError(f"{arg} is a directory; pass a transcript file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{arg} is {size // 2**20} MiB, over the {MAX_BYTES // 2**20} MiB limit; split the transcript"
            )
        return path.read_bytes(), path.name
    except OSError as exc:
        raise InputError(f"cannot read {arg}: {exc.strerror or exc}") from None


def check_writable(path: Path) -> None:
    """Fail early, before any work, when the output file cannot be written."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"-o {path} is a directory; give a file name")
    if not parent.is_dir():
        raise InputError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"cannot write {path}: folder {parent} is not writable")


def prepare_folder(path: Path, option: str) -> None:
    """Make sure an output folder exists and can be written, before any work; InputError if not."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option} {path} cannot be created: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path} is not writable")


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it and put it back
    os.umask(mask)
    return mask


def _output_mode(path: Path) -> int:
    """A replaced file keeps its permissions; a new one gets 0666 less the umask, as `>` would."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_atomic(path: Path, text: str) -> None:
    """Write text to a temporary file beside `path`, then rename: never a half-written file.

    mkstemp creates the temporary file 0600; before the rename it gets the mode a plain write
    would have given (the umask's, or the replaced file's), so reports are not private by
    accident. Private files (the LLM cache, cassettes, batch state) are written elsewhere.
    """
    check_writable(path)
    mode = _output_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        if os.name == "posix":
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_names(sources: Sequence[str], extension: str) -> list[str]:
    """One distinct output file name per input, in input order: `sync.html`, or `sync.txt.html`
    and `sync.vtt.html` when stems collide, then `-2`, `-3`... when whole names do too.

    Names are compared case-insensitively, since two reports must not overwrite each other on a
    case-insensitive file system either. Standard input is named `stdin`.
    """
    names = [Path(s).name if s != "-" else "stdin" for s in sources]
    stems = [Path(n).stem if n != "stdin" else n for n in names]
    stem_count: dict[str, int] = {}
    for stem in stems:
        stem_count[stem.casefold()] = stem_count.get(stem.casefold(), 0) + 1
    chosen = [s if stem_count[s.casefold()] == 1 else n for s, n in zip(stems, names, strict=True)]
    taken: set[str] = set()
    result = []
    for base in chosen:
        name, k = base, 1
        while f"{name}.{extension}".casefold() in taken:
            k += 1
            name = f"{base}-{k}"
        taken.add(f"{name}.{extension}".casefold())
        result.append(f"{name}.{extension}")
    return result
