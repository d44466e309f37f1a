"""Reference loaders for examples/bench_load.rs: a NumPy line loop and (if installed) gensim.

Usage: python3 bench_load_reference.py TEXT_FILE BINARY_FILE
Prints one line per loader: `<name> <min_seconds> <median_seconds> <runs>`.
"""
import statistics
import sys
import time

import numpy as np


def numpy_line_loop(path):
    """The loader most people write: one Python split + NumPy conversion per line."""
    with open(path, encoding="utf-8") as f:
        rows, dim = map(int, f.readline().split())
        words = []
        matrix = np.empty((rows, dim), dtype=np.float32)
        for i, line in enumerate(f):
            parts = line.rstrip().split(" ")
            words.append(parts[0])
            matrix[i] = np.asarray(parts[1:], dtype=np.float32)
    return words, matrix


def timed(name, fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    print(f"{name} {min(times):.3f} {statistics.median(times):.3f} {runs}", flush=True)


def main():
    text_path, binary_path = sys.argv[1], sys.argv[2]
    timed("numpy-line-loop-text", lambda: numpy_line_loop(text_path), 2)
    try:
        from gensim.models import KeyedVectors
    except ImportError:
        return
    timed("gensim-binary", lambda: KeyedVectors.load_word2vec_format(binary_path, binary=True), 3)
    timed("gensim-text", lambda: KeyedVectors.load_word2vec_format(text_path, binary=False), 1)


if __name__ == "__main__":
    main()
