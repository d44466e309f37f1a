"""Same-run comparison of embedscape and gensim Word2Vec (speed and quality).

Usage: python3 examples/bench_train_gensim.py CORPUS [THREADS]
Runs `target/release/examples/bench_train` (embedscape, gensim's defaults; or $BENCH_EXE) on
CORPUS twice (noise words shared per center word, the default; then per pair, exactly as
gensim), trains gensim Word2Vec (defaults, workers=THREADS) on the same file (one
pre-tokenised sentence per line, read with LineSentence), and scores all three with
gensim's evaluate_word_analogies
(questions-words.txt, restrict_vocab=30000) and evaluate_word_pairs (wordsim353.tsv).
"""
import os
import re
import subprocess
import sys
import time

import gensim
from gensim.models import KeyedVectors, Word2Vec
from gensim.models.word2vec import LineSentence
from gensim.test.utils import datapath

corpus = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
exe = os.environ.get("BENCH_EXE", "target/release/examples/bench_train")
raw_words = sum(len(line.split()) for line in open(corpus, encoding="utf-8"))
epochs = 5


def evaluate(kv):
    analogy, _ = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=30000)
    pearson, spearman, oov = kv.evaluate_word_pairs(datapath("wordsim353.tsv"))
    return analogy, spearman.statistic if hasattr(spearman, "statistic") else spearman[0], oov


def run_embedscape(per_pair):
    env = dict(os.environ, EMBEDSCAPE_PER_PAIR_NEGATIVES="1" if per_pair else "0")
    out = subprocess.run([exe, corpus, "/tmp/embedscape_bench.vec", str(threads)],
                         check=True, capture_output=True, text=True, env=env).stdout
    print(out.strip())
    secs = float(re.search(r"EMBEDSCAPE_TRAIN_SECS=([0-9.]+)", out).group(1))
    read = float(re.search(r"EMBEDSCAPE_READ_SECS=([0-9.]+)", out).group(1))
    return secs, read, evaluate(KeyedVectors.load_word2vec_format("/tmp/embedscape_bench.vec"))


# Default (noise words shared per center word), then exact per-pair noise words.
es_secs, es_read, es = run_embedscape(False)
pp_secs, pp_read, pp = run_embedscape(True)

model = Word2Vec(vector_size=100, window=5, min_count=5, workers=threads, epochs=epochs, seed=1)
model.build_vocab(LineSentence(corpus))
t = time.time()
model.train(LineSentence(corpus), total_examples=model.corpus_count, epochs=epochs)
gs_secs = time.time() - t
gs = evaluate(model.wv)

print(f"corpus: {corpus} | {raw_words} raw words x {epochs} epochs | threads {threads} | gensim {gensim.__version__}")
print("| trainer | train s | raw words/s | analogy acc | wordsim353 Spearman | pairs OOV % |")
print("|---|---|---|---|---|---|")
rows = [("embedscape", es_secs, es), ("embedscape, per-pair negatives", pp_secs, pp),
        ("gensim", gs_secs, gs)]
for name, secs, (acc, rho, oov) in rows:
    print(f"| {name} | {secs:.1f} | {raw_words * epochs / secs:,.0f} | {acc:.3f} | {rho:.3f} | {oov:.1f} |")
print(f"speed ratio embedscape/gensim: {gs_secs / es_secs:.2f}x "
      f"(per-pair negatives: {gs_secs / pp_secs:.2f}x; "
      f"counting embedscape's corpus read + vocabulary too: {gs_secs / (es_secs + es_read):.2f}x)")
