#!/usr/bin/env python3
"""Checkpoints made outside the project: safetensors written with the standard library only (struct + json),
and the expected merges computed by a second, independent implementation of TWIN-MERGING.md's formulas.
Usage: outside_checkpoints.py OUTDIR  -> OUTDIR/{base,e1,e2,e3}.safetensors, OUTDIR/e2-sharded/, OUTDIR/expected.json
"""
import json
import os
import random
import struct
import sys

FMT = {"F32": "f", "F16": "e"}


def write_safetensors(path, tensors, dtype="F32"):
    header, blobs, offset = {}, [], 0
    for name, (shape, values) in tensors.items():
        blob = struct.pack("<%d%s" % (len(values), FMT[dtype]), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def f16(x):  # round through half precision, as a reader of an F16 file sees the values
    return struct.unpack("<e", struct.pack("<e", x))[0]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def sign(x):
    return (x > 0) - (x < 0)


def ties_tensor(base, experts, lam, density):
    n = len(base)
    taus = [[e[i] - base[i] for i in range(n)] for e in experts]
    k = max(1, int(density * n))
    trimmed = []
    for tau in taus:
        order = sorted(range(n), key=lambda i: (-abs(tau[i]), i))  # largest |value|, lower index first on ties
        keep = set(order[:k])
        trimmed.append([tau[i] if i in keep else 0.0 for i in range(n)])
    gamma = [sign(sum(t[i] for t in trimmed)) for i in range(n)]
    majority = sign(sum(gamma)) or 1
    gamma = [g if g != 0 else majority for g in gamma]
    out = []
    for i in range(n):
        agree = [t[i] for t in trimmed if t[i] != 0 and sign(t[i]) == gamma[i]]
        tm = sum(agree) / len(agree) if agree else 0.0
        out.append(base[i] + lam * tm)
    return out


def main(out):
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(42)
    shapes = {"layer.0.weight": [4, 6], "layer.0.bias": [4], "conv.weight": [3, 2, 2, 2], "head.weight": [2, 4]}

    def model(scale):
        return {k: (s, [f32(rnd.uniform(-1, 1) * scale) for _ in range(prod(s))]) for k, s in shapes.items()}

    def prod(s):
        p = 1
        for d in s:
            p *= d
        return p

    base = model(1.0)
    experts = []
    for _ in range(3):
        e = {k: (s, [f32(v + rnd.uniform(-0.5, 0.5)) for v in vals]) for k, (s, vals) in base.items()}
        experts.append(e)
    write_safetensors(os.path.join(out, "base.safetensors"), base)
    for i, e in enumerate(experts, 1):
        write_safetensors(os.path.join(out, "e%d.safetensors" % i), e)
    # e2 also as a sharded checkpoint: two shards + model.safetensors.index.json
    shard_dir = os.path.join(out, "e2-sharded")
    os.makedirs(shard_dir, exist_ok=True)
    names = list(shapes)
    parts = [names[:2], names[2:]]
    weight_map = {}
    for j, part in enumerate(parts, 1):
        fname = "model-%05d-of-%05d.safetensors" % (j, len(parts))
        write_safetensors(os.path.join(shard_dir, fname), {k: experts[1][k] for k in part})
        for k in part:
            weight_map[k] = fname
    with open(os.path.join(shard_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)
    # a half-precision base, to check that outputs keep the input dtype
    write_safetensors(os.path.join(out, "base-f16.safetensors"),
                      {k: (s, [f16(v) for v in vals]) for k, (s, vals) in base.items()}, "F16")

    lam, density = 0.5, 0.25
    expected = {"average": {}, "task-arithmetic": {}, "ties": {}, "ta-exclude-head": {}, "twin-w": {}}
    for k, (s, b) in base.items():
        es = [e[k][1] for e in experts]
        n = len(b)
        expected["average"][k] = [sum(e[i] for e in es) / 3 for i in range(n)]
        ta = [b[i] + lam * sum(e[i] - b[i] for e in es) for i in range(n)]
        expected["task-arithmetic"][k] = ta
        expected["ties"][k] = ties_tensor(b, es, lam, density)
        expected["ta-exclude-head"][k] = b if k == "head.weight" else ta
        # modularize (shared = task-arithmetic λ, compress none) then materialize w = (0.2, 0.5, 0.3):
        # θ(w) = θ* + Σ wt (θt − θ*) on merged tensors; excluded tensors come from the base
        w = (0.2, 0.5, 0.3)
        if k == "head.weight":
            expected["twin-w"][k] = b
        else:
            expected["twin-w"][k] = [ta[i] + sum(w[t] * (es[t][i] - ta[i]) for t in range(3)) for i in range(n)]
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"lambda": lam, "density": density, "expected": expected}, f)


if __name__ == "__main__":
    main(sys.argv[1])
