"""Python references for `embedscape project` (see BENCHMARKS.md, "Projection at scale").

  pca FILE...    NumPy covariance + eigh + projection of all rows, median of 3 runs per file
                 (loading excluded).
  umap FILE OUT  umap-learn (n_components=3, cosine, 15 neighbours, min_dist 0.1, default
                 epochs, parallel) on FILE, its numba code warmed up on 2,000 rows first;
                 writes `word x y z` TSV to OUT for `examples/score_layout.rs` to score.

  umap-graph FILE DIR [EPOCHS]
                 umap-learn on FILE with the neighbour graph and start layout
                 `umap_same_graph` wrote to DIR (`precomputed_knn`, `init=`; 3D, min_dist 0.1, default 200 epochs),
                 numba warmed up on 2,000 rows first; writes DIR/umap_learn.tsv.

  tsne FILE OUT  scikit-learn's Barnes-Hut t-SNE to 3D (cosine, init="pca", default 1000
                 iterations, all cores) on FILE; writes `word x y z` TSV to OUT.

FILE is a word2vec text file (header line `N D`, then `word v1 ... vD`).
"""
import sys
import time

import numpy as np


def load_w2v(path):
    with open(path) as f:
        n, d = map(int, f.readline().split())
        words, values = [], []
        for line in f:
            word, rest = line.split(" ", 1)
            words.append(word)
            values.append(rest)
    x = np.fromstring(" ".join(values), dtype=np.float32, sep=" ").reshape(n, d)
    return words, x


def numpy_pca3(x):
    mean = x.mean(axis=0, dtype=np.float64)
    c = x - mean.astype(np.float32)
    cov = (c.T @ c).astype(np.float64) / (len(x) - 1)
    vals, vecs = np.linalg.eigh(cov)
    basis = vecs[:, ::-1][:, :3].astype(np.float32)
    return c @ basis


def pca(paths):
    print("numpy", np.__version__)
    for path in paths:
        _, x = load_w2v(path)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            numpy_pca3(x)
            times.append(time.perf_counter() - t)
        print(f"{path}: {x.shape[0]} x {x.shape[1]} numpy cov+eigh+project "
              f"median {np.median(times):.3f} s (runs {', '.join(f'{t:.3f}' for t in times)})")


def write_layout(out, words, coords):
    with open(out, "w") as f:
        f.write("word\tx\ty\tz\n")
        for word, (a, b, c) in zip(words, coords):
            f.write(f"{word}\t{a}\t{b}\t{c}\n")


def tsne_layout(path, out):
    import sklearn
    from sklearn.manifold import TSNE

    print("scikit-learn", sklearn.__version__)
    words, x = load_w2v(path)
    t = time.perf_counter()
    coords = TSNE(n_components=3, metric="cosine", init="pca", n_jobs=-1,
                  random_state=0).fit_transform(x)
    print(f"{path}: sklearn t-SNE {x.shape[0]} x {x.shape[1]} in {time.perf_counter() - t:.1f} s")
    write_layout(out, words, coords)


def umap_layout(path, out):
    import umap

    print("umap-learn", umap.__version__)
    words, x = load_w2v(path)
    umap.UMAP(n_components=3, metric="cosine", n_neighbors=15, min_dist=0.1).fit_transform(x[:2000])
    t = time.perf_counter()
    coords = umap.UMAP(n_components=3, metric="cosine", n_neighbors=15,
                       min_dist=0.1).fit_transform(x)
    print(f"{path}: umap-learn {x.shape[0]} x {x.shape[1]} in {time.perf_counter() - t:.1f} s")
    write_layout(out, words, coords)


def umap_graph_layout(path, folder, epochs):
    import umap

    print("umap-learn", umap.__version__)
    n, k = map(int, open(f"{folder}/shape.txt").read().split())
    indices = np.fromfile(f"{folder}/knn_indices.u32", dtype="<u4").reshape(n, k).astype(np.int64)
    dists = np.fromfile(f"{folder}/knn_dists.f32", dtype="<f4").reshape(n, k)
    init = np.fromfile(f"{folder}/init.f32", dtype="<f4").reshape(n, 3).astype(np.float64)
    words, x = load_w2v(path)
    assert words == open(f"{folder}/words.txt").read().splitlines()
    warm = 2000
    umap.UMAP(n_components=3, n_neighbors=k, min_dist=0.1, n_epochs=epochs,
              init=init[:warm], precomputed_knn=(indices[:warm] % warm, dists[:warm], None)
              ).fit_transform(x[:warm])
    t = time.perf_counter()
    coords = umap.UMAP(n_components=3, n_neighbors=k, min_dist=0.1, n_epochs=epochs, init=init,
                       precomputed_knn=(indices, dists, None)).fit_transform(x)
    print(f"{folder}: umap-learn on the given graph, {n} rows, {epochs} epochs in "
          f"{time.perf_counter() - t:.1f} s")
    write_layout(f"{folder}/umap_learn.tsv", words, coords)


if __name__ == "__main__":
    if sys.argv[1] == "pca":
        pca(sys.argv[2:])
    elif sys.argv[1] == "umap":
        umap_layout(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "umap-graph":
        umap_graph_layout(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 200)
    elif sys.argv[1] == "tsne":
        tsne_layout(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
