#!/usr/bin/env python3
"""Train Spark MLlib's Word2Vec for 1..N iterations and write one vectors file per run, so that
`embedscape timeline build` (or `embedscape view --vectors iter_*.txt`) plays how the space forms.

Spark's Word2Vec has no per-epoch callback, so each checkpoint is its own run with the same seed
and `maxIter = 1, 2, ..., N`: run k is what k passes over the corpus give. Local mode, all cores.

Install (Debian; any JRE 8/11/17 works):
    apt-get install -y default-jre-headless
    python3 -m venv spark-venv && spark-venv/bin/pip install pyspark==3.5.3 numpy

Run:
    spark-venv/bin/python examples/spark/word2vec_timeline.py CORPUS OUTDIR --iterations 5
    embedscape timeline build OUTDIR/iter_*.txt -o spark.timeline
    embedscape view --timeline spark.timeline

CORPUS: UTF-8 text, one sentence per line, words separated by spaces (Chinese text segmented
first, e.g. `embedscape train --pre-tokenized`'s input). Each OUTDIR/iter_NN.txt is word2vec text:
a `count dim` header, then `word v1 ... vD` per line (most frequent first), written to a temporary
name and renamed.
"""

import argparse
import os
import sys
import tempfile
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="UTF-8 text, one sentence per line, space-separated words")
    parser.add_argument("outdir", help="folder for iter_01.txt, iter_02.txt, ...")
    parser.add_argument("--iterations", type=int, default=5, help="checkpoints 1..N (default 5)")
    parser.add_argument("--vector-size", type=int, default=100, help="dimensions (default 100)")
    parser.add_argument("--min-count", type=int, default=5, help="rarer words are dropped (default 5)")
    parser.add_argument("--window", type=int, default=5, help="context window (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed for every run (default 1)")
    parser.add_argument("--partitions", type=int, default=1,
                        help="Word2Vec numPartitions (1 is Spark's default and the most accurate)")
    args = parser.parse_args()
    if args.iterations < 1 or args.vector_size < 1:
        parser.error("--iterations and --vector-size must be at least 1")
    return args


def write_vectors(rows, dim, path):
    """word2vec text, atomically: a temporary file in the same folder, then a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".iter-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"{len(rows)} {dim}\n")
            for word, vector in rows:
                out.write(word + " " + " ".join(f"{v:.6f}" for v in vector) + "\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main():
    args = parse_args()
    from pyspark.ml.feature import Word2Vec
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import col, explode, split, trim

    os.makedirs(args.outdir, exist_ok=True)
    spark = (SparkSession.builder.master("local[*]").appName("embedscape-word2vec-timeline")
             .config("spark.driver.memory", "4g").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    sentences = (spark.read.text(args.corpus)
                 .select(split(trim(col("value")), r"\s+").alias("words"))
                 .cache())
    print(f"{sentences.count():,} sentences in {args.corpus}", file=sys.stderr)
    # Most frequent words first, as word2vec and gensim write them (Spark's own order is a hash's).
    counts = {r["word"]: r["count"] for r in
              sentences.select(explode("words").alias("word")).groupBy("word").count().collect()}
    for iterations in range(1, args.iterations + 1):
        started = time.time()
        model = Word2Vec(vectorSize=args.vector_size, minCount=args.min_count,
                         windowSize=args.window, maxIter=iterations, seed=args.seed,
                         numPartitions=args.partitions, inputCol="words").fit(sentences)
        rows = [(r.word, r.vector.toArray()) for r in model.getVectors().collect()
                if r.word and not any(c.isspace() for c in r.word)]
        rows.sort(key=lambda r: (-counts.get(r[0], 0), r[0]))
        path = os.path.join(args.outdir, f"iter_{iterations:02d}.txt")
        write_vectors(rows, args.vector_size, path)
        print(f"maxIter={iterations}: {len(rows):,} words in {time.time() - started:.1f} s -> {path}",
              file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
