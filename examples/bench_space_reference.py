"""Reference timings for examples/bench_space.rs: NumPy covariance + eigh PCA, scikit-learn
PCA(n_components=3) and NumPy brute-force cosine top-10, on matrices of the same shapes and the
same kind of structure (rank-20 latent signal with decaying strength + uniform noise).

Run: python3 examples/bench_space_reference.py [--quick]

With `--projection DIR` it instead reads the raw f32 matrices that
`bench_space --projection DIR` wrote, times NumPy cov+eigh (all rows and a 50k-row sample),
scikit-learn PCA and umap-learn (n_components=3, cosine, 15 neighbours, min_dist 0.1) on them, and
writes umap-learn's layouts back for `bench_space --quality DIR` to score.
"""
import os
import sys
import time

import numpy as np


def structured(n, d, seed):
    rng = np.random.default_rng(seed)
    rank = min(20, d)
    latent = rng.uniform(-1, 1, (n, rank)).astype(np.float32) * (3.0 / (1.0 + np.arange(rank, dtype=np.float32)))
    mixing = rng.uniform(-1, 1, (rank, d)).astype(np.float32)
    m = latent @ mixing
    m += rng.uniform(-0.5, 0.5, (n, d)).astype(np.float32)
    return m


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def numpy_pca3(x):
    mean = x.mean(axis=0, dtype=np.float64)
    c = (x - mean.astype(np.float32))
    cov = (c.T @ c).astype(np.float64) / (len(x) - 1)
    vals, vecs = np.linalg.eigh(cov)
    basis = vecs[:, ::-1][:, :3].astype(np.float32)
    return c @ basis, vals[::-1][:3] / vals.sum()


def projection(directory):
    from sklearn.decomposition import PCA

    print("numpy", np.__version__)
    rng = np.random.default_rng(0)
    for n in () if "--no-pca" in sys.argv else (100_000, 400_000):
        x = np.fromfile(os.path.join(directory, f"pca_{n}x300.f32"), dtype="<f4").reshape(n, 300)
        sample = x[np.sort(rng.choice(n, 50_000, replace=False))]
        times = []
        for _ in range(3):
            # Same work as the Rust side's sampled fit: covariance of the sample, eigh, project all.
            t = time.perf_counter()
            mean = sample.mean(axis=0, dtype=np.float64)
            c = sample - mean.astype(np.float32)
            cov = (c.T @ c).astype(np.float64) / (len(sample) - 1)
            vals, vecs = np.linalg.eigh(cov)
            basis = vecs[:, ::-1][:, :3].astype(np.float32)
            _ = (x - mean.astype(np.float32)) @ basis
            times.append(time.perf_counter() - t)
        print(f"numpy cov+eigh PCA3 {n} x 300, fit on 50k-row sample + project all: {np.median(times):.3f} s")
        times = []
        for _ in range(3):
            _, t = timed(lambda: numpy_pca3(x))
            times.append(t)
        print(f"numpy cov+eigh PCA3 {n} x 300, fit on all rows + project all: {np.median(times):.3f} s")
        times = []
        for _ in range(3):
            _, t = timed(lambda: PCA(n_components=3, random_state=0).fit_transform(x))
            times.append(t)
        print(f"sklearn PCA(n_components=3) {n} x 300 (svd_solver=auto): {np.median(times):.3f} s")
        del x, sample
    if "--no-umap" in sys.argv:
        return
    try:
        import umap
    except ImportError:
        print("umap-learn not installed")
        return
    print("umap-learn", umap.__version__)
    for n in (50_000,) if "--umap-50k" in sys.argv else (10_000,):
        path = os.path.join(directory, f"umap_{n}x300.f32")
        if not os.path.exists(path):
            continue
        x = np.fromfile(path, dtype="<f4").reshape(n, 300)
        # Warm-up (numba compilation) on a small slice so the timing is of the algorithm.
        umap.UMAP(n_components=3, metric="cosine", n_epochs=10).fit_transform(x[:2000])
        model = umap.UMAP(n_components=3, metric="cosine", n_neighbors=15, min_dist=0.1)
        coords, t = timed(lambda: model.fit_transform(x))
        print(f"umap-learn {n} x 300 -> 3D (parallel, no seed, default epochs): {t:.2f} s")
        coords.astype("<f4").tofile(os.path.join(directory, f"umap_learn_{n}.f32"))


def main():
    if "--projection" in sys.argv:
        projection(sys.argv[sys.argv.index("--projection") + 1])
        return
    quick = "--quick" in sys.argv
    from sklearn.decomposition import PCA

    print("numpy", np.__version__)
    big = 40_000 if quick else 400_000
    mid = 10_000 if quick else 100_000
    for n in (mid, big):
        x = structured(n, 300, 1)
        (_, shares), t = timed(lambda: numpy_pca3(x))
        print(f"numpy cov+eigh PCA3 {n} x 300: {t:.3f} s; shares {np.round(shares, 4)}")
        _, t = timed(lambda: PCA(n_components=3, random_state=0).fit_transform(x))
        print(f"sklearn PCA(n_components=3) {n} x 300 (svd_solver=auto): {t:.3f} s")
        if n == big:
            norms = np.linalg.norm(x, axis=1, keepdims=True)
            unit = x / np.maximum(norms, 1e-12)
            rng = np.random.default_rng(9)
            times = []
            for _ in range(9):
                q = int(rng.integers(0, n))
                def query():
                    sims = unit @ unit[q]
                    sims[q] = -np.inf
                    top = np.argpartition(-sims, 10)[:10]
                    return top[np.argsort(-sims[top])]
                _, t = timed(query)
                times.append(t * 1e3)
            print(f"numpy cosine top-10 {n} x 300: median {np.median(times):.1f} ms over 9 queries (min {min(times):.1f})")
        del x


if __name__ == "__main__":
    main()
