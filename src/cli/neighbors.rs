//! `embedscape neighbors`: the cosine nearest neighbours of a word, computed exactly in the
//! original space (not in the 3D picture).

use std::path::PathBuf;

use anyhow::{Context, bail};
use embedscape::embeddings::Embeddings;
use embedscape::space::NeighborIndex;

use super::load::{TableArgs, load_vectors};

#[derive(clap::Args, Default)]
pub struct NeighborsArgs {
    /// Vectors file: word2vec text or binary, fastText .vec, GloVe text or Projector TSV, plain or
    /// gzip (detected from the content); pipes such as /dev/stdin work too.
    #[arg(long)]
    pub vectors: PathBuf,
    /// The word whose neighbours to list.
    pub word: String,
    /// How many neighbours to show (at most the vocabulary size).
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// Replace invalid UTF-8 in the file instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(args: NeighborsArgs) -> anyhow::Result<()> {
    let emb = load_vectors(&args.vectors, args.table.options(args.lossy))?;
    let row = word_row(&emb, &args.word)?;
    let index = NeighborIndex::new(&emb);
    // More than the vocabulary cannot be shown; clamping keeps `-k 1e18` from allocating.
    let k = clamp_k(args.k, emb.len());
    let found = index.top_k(row, k).context("neighbour search")?;
    print_ranked(&emb, &found, "similarity");
    Ok(())
}

/// `k` limited to the number of rows (a request for more cannot be met, and must not size an
/// allocation).
pub fn clamp_k(k: usize, rows: usize) -> usize {
    k.min(rows)
}

/// Prints a ranked table of words with their score.
pub fn print_ranked(emb: &Embeddings, found: &[embedscape::space::Neighbor], score: &str) {
    println!("{:<6} {:<24} {score}", "rank", "word");
    for (rank, n) in found.iter().enumerate() {
        println!(
            "{:<6} {:<24} {:.4}",
            rank + 1,
            emb.word(n.row).unwrap_or("?"),
            n.similarity
        );
    }
}

/// The row of `word`, or an error that suggests close spellings.
pub fn word_row(emb: &Embeddings, word: &str) -> anyhow::Result<usize> {
    if let Some(row) = emb.index_of(word) {
        return Ok(row);
    }
    let suggestions = embedscape::space::close_spellings(emb.words(), word, 5);
    if suggestions.is_empty() {
        bail!("{word:?} is not in the vocabulary");
    }
    bail!(
        "{word:?} is not in the vocabulary; did you mean {}?",
        suggestions.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_k_is_clamped_and_runs() {
        assert_eq!(clamp_k(usize::MAX, 3), 3);
        assert_eq!(clamp_k(2, 3), 2);
        let dir = tempfile::tempdir().unwrap();
        let vectors = dir.path().join("v.txt");
        std::fs::write(&vectors, "a 1 0\nb 0 1\nc 1 1\n").unwrap();
        for k in [usize::MAX, 1_000_000_000] {
            run(NeighborsArgs {
                vectors: vectors.clone(),
                word: "a".into(),
                k,
                lossy: false,
                table: TableArgs::default(),
            })
            .unwrap();
        }
    }

    #[test]
    fn reads_a_npy_with_labels_through_the_shared_flags() {
        let dir = tempfile::tempdir().unwrap();
        let mut dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }".to_owned();
        while !(10 + dict.len() + 1).is_multiple_of(64) {
            dict.push(' ');
        }
        dict.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((dict.len() as u16).to_le_bytes());
        bytes.extend(dict.as_bytes());
        for v in [1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0] {
            bytes.extend(v.to_le_bytes());
        }
        let vectors = dir.path().join("v.npy");
        std::fs::write(&vectors, bytes).unwrap();
        let labels = dir.path().join("words.txt");
        std::fs::write(&labels, "a\nb\nc\n").unwrap();
        let table = TableArgs {
            labels: Some(labels),
            ..TableArgs::default()
        };
        let emb = load_vectors(&vectors, table.options(false)).unwrap();
        assert_eq!(emb.words(), ["a", "b", "c"]);
        run(NeighborsArgs {
            vectors,
            word: "c".into(),
            k: 2,
            lossy: false,
            table,
        })
        .unwrap();
    }
}
