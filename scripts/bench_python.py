#!/usr/bin/env python3
"""The scoring pipeline of grill, in Python, for the benchmark's side-by-side ratio.

The same model file and tokenizer (models/), ONNX Runtime with the same settings as grill
(one intra-op thread, basic graph optimisation), the same segmentation in outline (lines,
bullets, sentences and clauses, 25-word windows every 15 words of run-ons over 40 words), length-sorted batches of 32
padded to the longest, mean pooling, L2 normalisation, best cosine per criterion and a
key-term match. It has no calibration, gates or red flags, so it does a little less work
than grill; the ratio is, if anything, generous to Python.

Called by benches/scoring.rs:
    python3 scripts/bench_python.py INPUT.json --repeat N   # warm timings, JSON on stdout
    python3 scripts/bench_python.py INPUT.json --once       # one cold score (timed from outside)
INPUT.json: {"answer": str, "scenario": str, "criteria": [{"statement": str, "terms": [str]}]}
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort
import tokenizers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "all-MiniLM-L6-v2-int8.onnx")
TOKENIZER = os.path.join(ROOT, "models", "tokenizer.json")
BATCH = 32
FILLERS = {"um", "umm", "uh", "uhh", "erm", "er", "hmm", "mm", "ah"}


class Embedder:
    def __init__(self):
        self.tok = tokenizers.Tokenizer.from_file(TOKENIZER)
        self.tok.enable_padding()  # pad to the longest in the batch
        self.tok.enable_truncation(max_length=256)
        opts = ort.SessionOptions()
        # the same threads as grill: GRILL_THREADS, else 2 where there are two cores
        opts.intra_op_num_threads = int(os.environ.get("GRILL_THREADS", min(os.cpu_count() or 1, 2)))
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        self.session = ort.InferenceSession(MODEL, opts, providers=["CPUExecutionProvider"])

    def forward(self, batch):
        enc = self.tok.encode_batch(batch)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        m = mask[:, :, None].astype(np.float32)
        v = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def embed(self, texts):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start:start + BATCH]
            out[chunk] = self.forward([texts[i] for i in chunk])
        return out


def segments(text):
    out = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*•#>").strip().replace("**", "").replace("`", "")
        if not line:
            continue
        for sentence in re.split(r"(?<=[!?;])\s+|(?<=\.)\s+(?![a-z])", line):
            ws = [w for w in sentence.split() if w.lower().strip(",.") not in FILLERS]
            if not ws:
                continue
            if len(ws) <= 40:
                out.append(" ".join(ws))
            else:
                for start in range(0, len(ws), 15):
                    out.append(" ".join(ws[start:start + 25]))
                    if start + 25 >= len(ws):
                        break
    return [s for s in out if len(re.findall(r"\w+", s)) >= 2]


def stems(text):
    return [re.sub(r"(ing|ed|es|s)$", "", w) for w in re.findall(r"[a-z0-9][a-z0-9_.\-/']*", text.lower())]


def score(emb, crit_vecs, inp):
    segs = segments(inp["answer"])
    seg_vecs = emb.embed(segs)
    sims = seg_vecs @ crit_vecs.T  # segments x criteria
    best = sims.max(axis=0)
    answer_stems = " " + " ".join(stems(inp["answer"])) + " "
    total = 0.0
    for c, s in zip(inp["criteria"], best):
        groups = c["terms"]
        found = sum(any(" " + " ".join(stems(a)) + " " in answer_stems for a in g.split("|")) for g in groups)
        terms = min(found / max(min(len(groups), 3), 1), 1.0)
        total += 1.0 / (1.0 + np.exp(-(12.0 * (s - 0.45) + 2.0 * terms)))
    return float(100.0 * total / len(inp["criteria"])), len(segs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--once", action="store_true")
    args = ap.parse_args()
    with open(args.input, encoding="utf-8") as f:
        inp = json.load(f)
    t0 = time.perf_counter()
    emb = Embedder()
    load_s = time.perf_counter() - t0
    statements = [c["statement"] for c in inp["criteria"]] + [inp["scenario"]]
    crit_vecs = emb.embed(statements)[: len(inp["criteria"])]
    s, n_segs = score(emb, crit_vecs, inp)
    if args.once:
        print(json.dumps({"score": s}))
        return
    # Wall and CPU time: on a shared machine CPU time is the steadier figure.
    times, fwd, times_cpu, fwd_cpu = [], [], [], []
    segs = segments(inp["answer"])
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        score(emb, crit_vecs, inp)
        times.append(time.perf_counter() - t)
        times_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        emb.embed(segs)
        fwd.append(time.perf_counter() - t)
        fwd_cpu.append(time.process_time() - c)
    tok = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        emb.tok.encode_batch(segs)
        tok.append(time.perf_counter() - t)
    json.dump({
        "tokenize_median_s": statistics.median(tok),
        "load_s": load_s,
        "score_median_s": statistics.median(times),
        "forward_median_s": statistics.median(fwd),
        "score_cpu_median_s": statistics.median(times_cpu),
        "forward_cpu_median_s": statistics.median(fwd_cpu),
        "segments": n_segs,
        "onnxruntime": ort.__version__,
        "score": s,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
