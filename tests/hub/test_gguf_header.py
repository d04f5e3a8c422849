"""The GGUF header reader: agrees with the gguf package, reads little, fails only its own way."""

from __future__ import annotations

import struct

import gguf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.gguf.header import (ArrayValue, GGUFError, GGUFFormatError, NeedMoreData,
                                 local_fetcher, parse_header, read_header, read_local_header)


def test_matches_gguf_reader_on_smollm(smollm):
    header = read_local_header(smollm)
    reader = gguf.GGUFReader(str(smollm))
    assert [t.name for t in header.tensors] == [t.name for t in reader.tensors]
    assert [t.ggml_type for t in header.tensors] == [int(t.tensor_type) for t in reader.tensors]
    assert [t.shape for t in header.tensors] == \
        [tuple(int(x) for x in t.shape.tolist()) for t in reader.tensors]
    assert [t.n_elements for t in header.tensors] == [int(t.n_elements) for t in reader.tensors]
    assert header.data_offset + header.tensors[0].offset == reader.tensors[0].data_offset
    assert header.metadata["general.architecture"] == "llama"
    assert header.metadata["llama.block_count"] == 30
    tokens = header.metadata["tokenizer.ggml.tokens"]
    assert isinstance(tokens, ArrayValue) and tokens.count == 49152 and tokens.values is None
    assert header.metadata["general.languages"].values == ("en",)


def test_reads_only_a_prefix(smollm):
    calls = []

    def fetch(offset: int, length: int) -> bytes:
        calls.append((offset, length))
        return local_fetcher(smollm)(offset, length)

    header, fetched = read_header(fetch, first=64 * 1024)
    assert fetched == sum(n for _, n in calls)
    assert header.header_bytes <= fetched < 2 * header.header_bytes + 64 * 1024
    assert fetched < 0.03 * smollm.stat().st_size
    assert [o for o, _ in calls] == sorted(o for o, _ in calls)     # contiguous, growing


def test_truncated_file_is_a_format_error(smollm, tmp_path):
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(smollm.read_bytes()[:100_000])
    with pytest.raises(GGUFFormatError, match="ends inside"):
        read_local_header(cut)


def test_prefix_asks_for_more(smollm):
    data = smollm.read_bytes()[:300_000]
    with pytest.raises(NeedMoreData) as more:
        parse_header(data[:1000])
    assert more.value.needed > 1000
    with pytest.raises(GGUFFormatError):
        parse_header(b"GGML" + data[4:])
    with pytest.raises(GGUFFormatError):
        parse_header(data[:4] + struct.pack("<I", 7) + data[8:])


@pytest.fixture(scope="module")
def valid_prefix(tiny_path) -> bytes:
    header = read_local_header(tiny_path)
    return tiny_path.read_bytes()[:header.header_bytes]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=512))
def test_garbage_raises_only_own_errors(data):
    for candidate in (data, b"GGUF" + data, b"GGUF\x03\x00\x00\x00" + data):
        try:
            parse_header(candidate)
        except GGUFError:
            pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
       cut=st.integers(min_value=0))
def test_mutated_headers_raise_only_own_errors(valid_prefix, flips, cut):
    data = bytearray(valid_prefix)
    for pos, value in flips:
        data[pos % len(data)] = value
    data = bytes(data[:cut % (len(data) + 1)])
    try:
        header = parse_header(data)
    except GGUFError:
        return
    assert header.data_offset >= header.header_bytes
    fetched = read_header(lambda o, n: data[o:o + n])[0]
    assert fetched == header


# -- shape validation and bounded work (issue 14, items 5 and 6) ---------------------------

from advisor.gguf.header import GGUFShapeError, check_header  # noqa: E402
from tests.fixtures.hostile_gguf import (nested_array_bomb, string_array_bomb,  # noqa: E402
                                         write_shaped_gguf)


def test_a_real_model_passes_the_shape_check(smollm):
    header = read_local_header(smollm)
    assert check_header(header, file_bytes=smollm.stat().st_size) is header


@pytest.mark.parametrize("kind, kw, needle", [
    ("inf", {"floats": {"llama.rope.freq_base": float("inf")}}, "llama.rope.freq_base"),
    ("nan", {"floats": {"llama.attention.layer_norm_rms_eps": float("nan")}}, "finite"),
    ("-inf", {"floats": {"general.size": float("-inf")}}, "general.size"),
    ("negative layers", {"ints": {"llama.block_count": -5}}, "llama.block_count is -5"),
    ("zero layers", {"ints": {"llama.block_count": 0}}, "llama.block_count"),
    ("absurd layers", {"ints": {"llama.block_count": 2_000_000_000}}, "outside"),
    ("negative context", {"ints": {"llama.context_length": -1}}, "llama.context_length"),
    ("absurd embedding", {"ints": {"llama.embedding_length": 1 << 30}}, "embedding_length"),
    ("negative kv heads", {"ints": {"llama.attention.head_count_kv": -8}}, "head_count_kv"),
    ("no tensors", {"tensors": False}, "no tensors"),
])
def test_headers_that_describe_no_usable_model_are_shape_errors(tmp_path, kind, kw, needle):
    path = write_shaped_gguf(tmp_path / "m.gguf", **kw)
    header = read_local_header(path)              # it parses: the bytes are well formed
    with pytest.raises(GGUFShapeError, match=needle.replace("(", r"\(")):
        check_header(header, file_bytes=path.stat().st_size)
    assert issubclass(GGUFShapeError, GGUFFormatError)


def test_a_tiny_file_without_tensors_is_no_model(tmp_path):
    path = write_shaped_gguf(tmp_path / "small.gguf", tensors=False)
    assert path.stat().st_size < 512
    with pytest.raises(GGUFShapeError, match="no tensors"):
        check_header(read_local_header(path), file_bytes=path.stat().st_size)


def test_tensor_data_past_the_end_of_the_file_is_a_shape_error(tmp_path):
    path = write_shaped_gguf(tmp_path / "m.gguf")
    header = read_local_header(path)
    with pytest.raises(GGUFShapeError, match="past the end"):
        check_header(header, file_bytes=header.data_offset - 1)


def _counting(path):
    fetched = []

    def fetch(offset: int, length: int) -> bytes:
        data = local_fetcher(path)(offset, length)
        fetched.append(len(data))
        return data

    return fetch, fetched


@pytest.mark.parametrize("bomb, count, needle", [
    (nested_array_bomb, 4_000_000, "nested arrays"),        # 48 MB, the issue's 56 s / 600 MB
    (nested_array_bomb, 70_000, "nested arrays"),
    (string_array_bomb, 5_000_000, "array elements"),       # 40 MB of empty strings
])
def test_a_header_bomb_is_refused_from_its_first_read(tmp_path, bomb, count, needle):
    path = bomb(tmp_path / "bomb.gguf", count)
    fetch, fetched = _counting(path)
    with pytest.raises(GGUFFormatError, match=needle):
        read_header(fetch, first=1 << 20)
    assert sum(fetched) <= 1 << 20                 # refused from the first prefix read
