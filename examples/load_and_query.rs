//! Loading a vectors file and querying it: the file's format (word2vec text or binary, fastText
//! `.vec`, GloVe, Projector TSV, gzipped or not) is detected from its content, then the exact
//! cosine neighbours of a word and the answers of an analogy A : B :: C : ? are printed.
//!
//! Run (any vectors file; `train_and_watch --save` writes one from the demo corpus):
//! `cargo run --release --example load_and_query -- demo.vec 巴黎 法国 巴黎 日本`
//!
//! Arguments: `VECTORS [WORD [A B C]]`. WORD defaults to the first (usually most frequent) word;
//! without A B C no analogy is asked.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use embedscape::embeddings::Embeddings;
use embedscape::embeddings::formats::{LoadOptions, load};
use embedscape::space::{AnalogyMethod, Neighbor, NeighborIndex, analogy};

/// How many answers to print per query.
const ANSWERS: usize = 8;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        bail!("usage: load_and_query VECTORS [WORD [A B C]]");
    };
    let loaded = load(&path, &LoadOptions::default())
        .with_context(|| format!("loading {}", path.display()))?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    let emb = loaded.embeddings;
    println!(
        "{}: {} words x {} dimensions, read as {}",
        path.display(),
        emb.len(),
        emb.dim(),
        loaded.format
    );

    // The index keeps unit rows once, so every query after the first is one scan.
    let index = NeighborIndex::new(&emb);
    let word = match args.get(1) {
        Some(word) => word.clone(),
        None => emb.word(0).context("the file holds no words")?.to_owned(),
    };
    let row = row_of(&emb, &word)?;
    // k + 1: the word itself is its own nearest neighbour.
    let found = index.top_k(row, ANSWERS + 1)?;
    println!("nearest to {word} (cosine, full space):");
    print_ranked(&emb, found.iter().filter(|n| n.row != row));

    if let [_, _, a, b, c] = args.as_slice() {
        let rows = [row_of(&emb, a)?, row_of(&emb, b)?, row_of(&emb, c)?];
        let answers = analogy(
            &index,
            rows[0],
            rows[1],
            rows[2],
            ANSWERS,
            AnalogyMethod::CosAdd,
            None,
        )?;
        println!("{a} : {b} :: {c} : ? (3CosAdd, query words excluded):");
        print_ranked(&emb, answers.iter());
    }
    Ok(())
}

fn row_of(emb: &Embeddings, word: &str) -> Result<usize> {
    emb.index_of(word)
        .with_context(|| format!("\"{word}\" is not in the vocabulary"))
}

fn print_ranked<'a>(emb: &Embeddings, found: impl Iterator<Item = &'a Neighbor>) {
    for n in found.take(ANSWERS) {
        println!("  {:.3}  {}", n.similarity, emb.word(n.row).unwrap_or("?"));
    }
}
