"""Reference loaders for examples/bench_tables.rs: NumPy and pyarrow on the same files.

Usage: python3 bench_tables_reference.py VECTORS.npy LABELS.parquet
       python3 bench_tables_reference.py TABLE.parquet
Prints `seconds peak_rss_mb` for one load: the float32 matrix as one NumPy array and the labels
as a Python list of str (what embedscape builds: a matrix and a vocabulary).
"""
import resource
import sys
import time

import numpy as np
import pyarrow.parquet as pq


def load(paths):
    if paths[0].endswith(".npy"):
        matrix = np.load(paths[0])
        words = pq.read_table(paths[1]).column(0).to_pylist()
    else:
        table = pq.read_table(paths[0])
        words = table.column("word").to_pylist()
        vectors = table.column("vector").combine_chunks()
        dim = len(vectors[0])
        matrix = vectors.flatten().to_numpy().reshape(-1, dim)
    assert matrix.shape[0] == len(words)
    return matrix, words


start = time.perf_counter()
load(sys.argv[1:])
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{seconds:.4f} {peak_mb:.1f}")
