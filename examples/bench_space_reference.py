"""Reference timings for examples/bench_space.rs: NumPy covariance + eigh PCA, scikit-learn
PCA(n_components=3) and NumPy brute-force cosine top-10, on matrices of the same shapes and the
same kind of structure (rank-20 latent signal with decaying strength + uniform noise).

Run: python3 examples/bench_space_reference.py [--quick]
"""
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


def main():
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
