"""Writes synthetic word vectors as a word2vec text file, for the projection benchmarks.

Kinds:
  isotropic  every value N(0, 1): a flat spectrum, the hardest case for iterative PCA solvers
             and what the first snapshots of a training run look like.
  glovelike  "GloVe-like": 60 topics, each split into sub-topics of ~200 words; inside a
             sub-topic each word sits on a 4-dimensional local patch (so its true nearest
             neighbours follow a low-dimensional structure, as real neighbourhoods do), plus
             isotropic noise, a shared offset direction, and heavy-tailed (Zipf-like, decreasing
             with frequency rank) row norms.

Run: python3 examples/make_vectors.py KIND ROWS DIMS OUT [SEED]
"""
import sys

import numpy as np


def glovelike(n, d, rng):
    topics = 60
    subs = max(1, n // 200)
    topic_centres = rng.standard_normal((topics, d)) * 1.0
    sub_topic = rng.integers(0, topics, subs)
    sub_centres = topic_centres[sub_topic] + rng.standard_normal((subs, d)) * 0.6
    local_frames = rng.standard_normal((subs, 4, d)) * 0.35
    label = rng.integers(0, subs, n)
    local = rng.uniform(-1.0, 1.0, (n, 4))
    x = sub_centres[label] + np.einsum("nl,nld->nd", local, local_frames[label])
    x += rng.standard_normal((n, d)) * 0.12
    x += 0.8 * rng.standard_normal(d)  # common offset, as in real embeddings
    # Heavy-tailed norms: frequency rank r (the row order) scales the row by ~ (r + 10)^0.15
    # times log-normal spread, so rare words are longer, as in GloVe/word2vec.
    rank = np.arange(n)
    scale = (rank + 10.0) ** 0.15 * np.exp(rng.standard_normal(n) * 0.25)
    x *= (scale / np.linalg.norm(x, axis=1))[:, None] * np.sqrt(d) * 0.5
    return x.astype(np.float32)


def main():
    kind, n, d, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    rng = np.random.default_rng(seed)
    if kind == "isotropic":
        x = rng.standard_normal((n, d), dtype=np.float32)
    elif kind == "glovelike":
        x = glovelike(n, d, rng)
    else:
        sys.exit(f"unknown kind {kind!r}")
    with open(out, "w") as f:
        f.write(f"{n} {d}\n")
        fmt = " ".join(["%.5f"] * d)
        for start in range(0, n, 10_000):
            block = x[start:start + 10_000]
            lines = [f"w{start + i} " + (fmt % tuple(row)) for i, row in enumerate(block)]
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
