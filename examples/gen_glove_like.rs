//! Writes a GloVe-like vectors file (headerless GloVe text, rows in frequency order, heavy-tailed
//! norms, English country → capital and male → female pairs among the frequent rows): a stand-in
//! for Stanford's `glove.6B.50d.txt` when the real file is not at hand. See
//! `embedscape::embeddings::synthetic` for what it keeps of real GloVe.
//!
//! ```sh
//! cargo run --release --example gen_glove_like -- OUT.txt [ROWS] [DIM] [SEED]
//! ```
//! Defaults: 400,000 rows of 50 dimensions, seed 6.

use anyhow::Context;
use embedscape::embeddings::{formats, synthetic};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .context("usage: gen_glove_like OUT.txt [ROWS] [DIM] [SEED]")?;
    let mut number = |default: u64| -> anyhow::Result<u64> {
        args.next()
            .map_or(Ok(default), |a| a.parse().context("not a number"))
    };
    let rows = number(400_000)? as usize;
    let dim = number(50)? as usize;
    let seed = number(6)?;
    let vectors = synthetic::glove_like(rows, dim, seed)?;
    formats::save(&vectors, out.as_ref(), formats::Format::GloveText)?;
    println!("wrote {out}: {} x {}", vectors.len(), vectors.dim());
    Ok(())
}
