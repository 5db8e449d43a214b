#!/usr/bin/env python3
"""Hugging Face model directories and PEFT LoRA adapters made outside the project with the standard library only
(struct + json), and the expected merges computed here with plain lists: ΔW = (lora_alpha / r) · B·A
(alpha / sqrt(r) with use_rslora), transposed under fan_in_fan_out and for embeddings, modules_to_save replacing.

Usage:
  outside_peft.py make OUTDIR          -> OUTDIR/{base,full,lora-a,lora-b}/ and OUTDIR/expected.json
  outside_peft.py read ADAPTERDIR      -> prints {"config", "metadata", "tensors": {name: {dtype, shape, values}}}
  outside_peft.py apply BASEDIR ADAPTERDIR -> prints {name: values} of base + ΔW (modules_to_save replacing)
"""
import json
import math
import os
import struct
import sys

PREFIX = "base_model.model."


def prod(s):
    p = 1
    for d in s:
        p *= d
    return p


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, (shape, values) in tensors.items():
        assert len(values) == prod(shape), name
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Reads and checks the layout: header length, data section covered exactly by the tensors in order."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode())
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    spans = sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items())
    at = 0
    for begin, end, k in spans:
        assert begin == at, "gap or overlap before %s" % k
        at = end
    assert at == len(data), "data section has %d bytes, tensors cover %d" % (len(data), at)
    out = {}
    for k, v in header.items():
        assert v["dtype"] == "F32", "%s: dtype %s" % (k, v["dtype"])
        b, e = v["data_offsets"]
        cnt = prod(v["shape"])
        assert e - b == 4 * cnt, k
        out[k] = {"dtype": v["dtype"], "shape": v["shape"], "values": list(struct.unpack("<%df" % cnt, data[b:e]))}
    return meta, out


def matmul(b, a, out, r, inn):  # B [out, r] · A [r, in], row-major lists
    return [sum(b[o * r + k] * a[k * inn + i] for k in range(r)) for o in range(out) for i in range(inn)]


def transpose(m, rows, cols):
    return [m[i * cols + j] for j in range(cols) for i in range(rows)]


def targets(config, module):
    t = config["target_modules"]
    if isinstance(t, str):
        import re
        return re.fullmatch(t, module) is not None
    return any(module == x or module.endswith("." + x) for x in t)


def apply(base, config, tensors):
    """base: {name: (shape, values)}; tensors: adapter {name: (shape, values)} -> expert {name: values}."""
    r, alpha = config["r"], config["lora_alpha"]
    scale = alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r
    out = {k: list(v) for k, (s, v) in base.items()}

    def base_name(n):  # the project's documented rule: as is, else without the first segment, else under a prefix
        if n in base:
            return n
        c = [n.split(".", 1)[1]] if "." in n and n.split(".", 1)[1] in base else []
        c += [p + "." + n for p in sorted({k.split(".")[0] for k in base}) if p + "." + n in base]
        assert len(c) == 1, (n, c)
        return c[0]

    for name, (shape, vals) in tensors.items():
        rest = name[len(PREFIX):]
        for sa, sb, emb in ((".lora_A.weight", ".lora_B.weight", False),
                            (".lora_embedding_A", ".lora_embedding_B", True)):
            if rest.endswith(sa):
                module = rest[:-len(sa)]
                assert targets(config, module), module
                bshape, bvals = tensors[PREFIX + module + sb]
                rr, inn = shape
                o = bshape[0]
                d = matmul(bvals, vals, o, rr, inn)
                if emb or config.get("fan_in_fan_out"):
                    d = transpose(d, o, inn)
                tgt = base_name(module + ".weight")
                out[tgt] = [w + scale * x for w, x in zip(base[tgt][1], d)]
                break
        else:
            if ".lora_" not in rest:
                out[base_name(rest)] = list(vals)
    return out


def bert_config():
    return {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 4, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 8, "vocab_size": 6, "max_position_embeddings": 5,
            "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "pad_token_id": 0}


def make(out):
    L = "encoder.layer.0."
    shapes = {"embeddings.word_embeddings.weight": [6, 4], "embeddings.position_embeddings.weight": [5, 4],
              L + "attention.self.query.weight": [4, 4], L + "attention.self.query.bias": [4],
              L + "attention.self.value.weight": [4, 4], L + "attention.output.dense.weight": [4, 4],
              L + "intermediate.dense.weight": [8, 4], L + "intermediate.dense.bias": [8],
              L + "output.dense.weight": [4, 8], "classifier.weight": [3, 4], "classifier.bias": [3]}
    # deterministic, exactly representable values: multiples of 1/16 in [-2, 2)
    seq = [0]

    def nxt():
        seq[0] = (seq[0] * 37 + 11) % 64
        return (seq[0] - 32) / 16.0

    base = {k: (s, [nxt() for _ in range(prod(s))]) for k, s in shapes.items()}
    full = {k: (s, [f32(v + nxt() / 8) for v in vals]) for k, (s, vals) in base.items()}
    for name, model in (("base", base), ("full", full)):
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(bert_config(), f, indent=2)
        write_safetensors(os.path.join(d, "model.safetensors"), model, {"format": "pt"})

    # adapter a: trained on BertForSequenceClassification (names under "bert."), query and value, r=2, α=3
    a_cfg = {"peft_type": "LORA", "task_type": "SEQ_CLS", "base_model_name_or_path": "tiny-bert", "r": 2,
             "lora_alpha": 3, "target_modules": ["query", "value"], "fan_in_fan_out": False, "bias": "none",
             "modules_to_save": None, "lora_dropout": 0.1, "use_rslora": False, "use_dora": False,
             "rank_pattern": {}, "alpha_pattern": {}, "layers_to_transform": None, "inference_mode": True}
    P = PREFIX + "bert." + L
    a_t = {P + "attention.self.query.lora_A.weight": ([2, 4], [1, 0, -1, 0.5, 0, 2, 0, -0.25]),
           P + "attention.self.query.lora_B.weight": ([4, 2], [0.5, 0, 0, 1, -1, 0.5, 0.25, 0]),
           P + "attention.self.value.lora_A.weight": ([2, 4], [0, 1, 1, 0, 0.5, 0, 0, -1]),
           P + "attention.self.value.lora_B.weight": ([4, 2], [1, 1, 0, -0.5, 2, 0, 0, 0.75])}
    # adapter b: Conv1D-style fan_in_fan_out on the intermediate dense ([8, 4] stored as [in, out]: B·A is [4, 8]),
    # an embedding LoRA, rank-stabilized scale α/√r, and the classifier saved wholesale; regex target_modules
    b_cfg = {"peft_type": "LORA", "base_model_name_or_path": "tiny-bert", "r": 2, "lora_alpha": 4,
             "target_modules": r".*\.(intermediate\.dense|word_embeddings)", "fan_in_fan_out": True,
             "bias": "none", "modules_to_save": ["classifier"], "use_rslora": True}
    Q = PREFIX + L
    b_t = {Q + "intermediate.dense.lora_A.weight": ([2, 8], [1, 0, 0, 2, -1, 0, 0.5, 0,
                                                              0, 1, 1, 0, 0, -2, 0, 0.25]),
           Q + "intermediate.dense.lora_B.weight": ([4, 2], [0.5, -0.5, 1, 0, 0, 1, 0.25, 0.75]),
           PREFIX + "embeddings.word_embeddings.lora_embedding_A": ([2, 6], [1, 0, 0, 0, 2, 0,
                                                                            0, 0, 1, 0, 0, -1]),
           PREFIX + "embeddings.word_embeddings.lora_embedding_B": ([4, 2], [0.5, 0, 0, 1, 1, 1, -0.5, 0]),
           PREFIX + "classifier.weight": ([3, 4], [0.125 * i for i in range(12)]),
           PREFIX + "classifier.bias": ([3], [1, -1, 0.5])}
    for name, cfg, t in (("lora-a", a_cfg, a_t), ("lora-b", b_cfg, b_t)):
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "adapter_config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        write_safetensors(os.path.join(d, "adapter_model.safetensors"), t, {"format": "pt"})

    experts = [apply(base, a_cfg, a_t), apply(base, b_cfg, b_t), {k: v for k, (s, v) in full.items()}]
    lam, w = 0.7, (0.2, 0.5, 0.3)
    expected = {"experts": {"a": experts[0], "b": experts[1]}, "average": {}, "task-arithmetic": {}, "twin-w": {}}
    for k, (s, b) in base.items():
        es = [e[k] for e in experts]
        n = len(b)
        expected["average"][k] = [sum(e[i] for e in es) / 3 for i in range(n)]
        ta = [b[i] + lam * sum(e[i] - b[i] for e in es) for i in range(n)]
        expected["task-arithmetic"][k] = ta
        # modularize (θ* = task-arithmetic λ, compress none), materialize θ(w) = θ* + Σ wt (θt − θ*)
        expected["twin-w"][k] = [ta[i] + sum(w[t] * (es[t][i] - ta[i]) for t in range(3)) for i in range(n)]
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"lambda": lam, "weights": w, "expected": expected}, f)


def read_dir_tensors(d, fname):
    meta, t = read_safetensors(os.path.join(d, fname))
    return meta, t


def main():
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "read":
        d = sys.argv[2]
        with open(os.path.join(d, "adapter_config.json")) as f:
            cfg = json.load(f)
        meta, t = read_safetensors(os.path.join(d, "adapter_model.safetensors"))
        print(json.dumps({"config": cfg, "metadata": meta, "tensors": t}))
    elif cmd == "apply":
        _, bt = read_safetensors(os.path.join(sys.argv[2], "model.safetensors"))
        d = sys.argv[3]
        with open(os.path.join(d, "adapter_config.json")) as f:
            cfg = json.load(f)
        _, at = read_safetensors(os.path.join(d, "adapter_model.safetensors"))
        base = {k: (v["shape"], v["values"]) for k, v in bt.items()}
        print(json.dumps(apply(base, cfg, {k: (v["shape"], v["values"]) for k, v in at.items()})))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
