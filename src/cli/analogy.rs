//! `embedscape analogy A B C`: the words completing A : B :: C : ?, query words excluded.

use std::path::PathBuf;

use embedscape::space::{AnalogyMethod, NeighborIndex, analogy};

use super::load::{TableArgs, load_vectors};
use super::neighbors::word_row;

/// Scoring method on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum MethodArg {
    /// 3CosAdd: closest to B − A + C (unit vectors).
    #[default]
    Cosadd,
    /// 3CosMul (Levy & Goldberg): cos(x,B)·cos(x,C) / (cos(x,A) + 0.001), cosines in [0, 1].
    Cosmul,
}

#[derive(clap::Args, Default)]
pub struct AnalogyArgs {
    /// Vectors file: word2vec text or binary, fastText .vec, GloVe text or Projector TSV, plain or
    /// gzip (detected from the content).
    #[arg(long)]
    pub vectors: PathBuf,
    /// A in A : B :: C : ?
    pub a: String,
    /// B in A : B :: C : ?
    pub b: String,
    /// C in A : B :: C : ?
    pub c: String,
    /// How many answers to show (at most the vocabulary size).
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// Scoring method.
    #[arg(long, value_enum, default_value_t = MethodArg::Cosadd)]
    pub method: MethodArg,
    /// Only consider the first N words of the file as answers (usually the most frequent).
    #[arg(long)]
    pub restrict: Option<usize>,
    /// Replace invalid UTF-8 in the file instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(args: AnalogyArgs) -> anyhow::Result<()> {
    let emb = load_vectors(&args.vectors, args.table.options(args.lossy))?;
    let (a, b, c) = (
        word_row(&emb, &args.a)?,
        word_row(&emb, &args.b)?,
        word_row(&emb, &args.c)?,
    );
    let method = match args.method {
        MethodArg::Cosadd => AnalogyMethod::CosAdd,
        MethodArg::Cosmul => AnalogyMethod::CosMul,
    };
    let index = NeighborIndex::new(&emb);
    let k = super::neighbors::clamp_k(args.k, emb.len());
    let found = analogy(&index, a, b, c, k, method, args.restrict)?;
    let score = match method {
        AnalogyMethod::CosAdd => "similarity",
        AnalogyMethod::CosMul => "3CosMul score",
    };
    println!("{} : {} :: {} : ?", args.a, args.b, args.c);
    super::neighbors::print_ranked(&emb, &found, score);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_k_is_clamped_to_the_vocabulary() {
        let dir = tempfile::tempdir().unwrap();
        let vectors = dir.path().join("v.txt");
        std::fs::write(&vectors, "a 1 0\nb 0 1\nc 1 1\nd 2 1\n").unwrap();
        run(AnalogyArgs {
            vectors,
            a: "a".into(),
            b: "b".into(),
            c: "c".into(),
            k: usize::MAX,
            ..AnalogyArgs::default()
        })
        .unwrap();
    }
}
