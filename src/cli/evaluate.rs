//! `embedscape evaluate`: analogy accuracy (questions-words.txt format) and word-pair
//! similarity correlations, defined as gensim's `evaluate_word_analogies` / `evaluate_word_pairs`.

use std::path::{Path, PathBuf};

use anyhow::bail;
use embedscape::space::NeighborIndex;
use embedscape::space::evaluate::{
    AnalogyReport, EvalOptions, Malformed, PairsReport, SectionScore, evaluate_word_analogies,
    evaluate_word_pairs,
};

use super::load::{TableArgs, load_vectors};

#[derive(clap::Args, Default)]
pub struct EvaluateArgs {
    /// Vectors file (word2vec text or binary, fastText .vec, GloVe, Projector TSV; plain or
    /// gzip); rows should be sorted by frequency.
    #[arg(long)]
    pub vectors: PathBuf,
    /// Analogy questions (`: section` lines, then `a b c d`), e.g. questions-words.txt.
    #[arg(long)]
    pub analogies: Option<PathBuf>,
    /// Word pairs with gold scores (`w1<TAB>w2<TAB>score`, `#` comments), e.g. wordsim353.tsv.
    #[arg(long)]
    pub pairs: Option<PathBuf>,
    /// Only the first N words count as vocabulary (questions using others are skipped).
    #[arg(long, default_value_t = 300_000)]
    pub restrict_vocab: usize,
    /// Compare words case-insensitively (uppercased, like gensim).
    #[arg(long)]
    pub case_insensitive: bool,
    /// Replace invalid UTF-8 in the vectors file instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    if args.analogies.is_none() && args.pairs.is_none() {
        bail!("nothing to evaluate: give --analogies FILE and/or --pairs FILE");
    }
    let emb = load_vectors(&args.vectors, args.table.options(args.lossy))?;
    let index = NeighborIndex::new(&emb);
    let opts = EvalOptions {
        restrict_vocab: args.restrict_vocab,
        case_insensitive: args.case_insensitive,
    };
    if let Some(path) = &args.analogies {
        let report = evaluate_word_analogies(&index, emb.words(), path, &opts)?;
        warn_malformed(path, &report.malformed);
        print!("{}", format_analogy_report(&report));
    }
    if let Some(path) = &args.pairs {
        let report = evaluate_word_pairs(&index, emb.words(), path, &opts)?;
        warn_malformed(path, &report.malformed);
        print!("{}", format_pairs_report(&report));
    }
    Ok(())
}

/// Skipped lines go to stderr, so they are seen but do not disturb the report on stdout.
fn warn_malformed(path: &Path, malformed: &Malformed) {
    if let Some(description) = malformed.describe() {
        eprintln!("warning: {}: {description}", path.display());
    }
}

fn row(s: &SectionScore) -> String {
    let acc = s
        .accuracy()
        .map_or_else(|| "-".to_owned(), |a| format!("{:.1}%", a * 100.0));
    format!(
        "{:<36} {:>8} {:>8} {:>9}\n",
        s.name,
        s.correct,
        s.evaluated(),
        acc
    )
}

/// The analogy table: one line per section, then semantic, syntactic, total and coverage.
pub fn format_analogy_report(r: &AnalogyReport) -> String {
    let mut out = format!(
        "{:<36} {:>8} {:>8} {:>9}\n",
        "section", "correct", "asked", "accuracy"
    );
    for s in &r.sections {
        out += &row(s);
    }
    out += &"-".repeat(64);
    out.push('\n');
    out += &row(&r.semantic);
    out += &row(&r.syntactic);
    out += &row(&r.total);
    let coverage = r
        .coverage()
        .map_or_else(|| "-".to_owned(), |c| format!("{:.1}%", c * 100.0));
    out += &format!(
        "coverage: {} of {} questions in vocabulary ({coverage}); {} skipped as OOV\n",
        r.questions - r.oov,
        r.questions,
        r.oov
    );
    out
}

/// The word-pair summary.
pub fn format_pairs_report(r: &PairsReport) -> String {
    let f = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"));
    format!(
        "word pairs: {} used, {} OOV ({}); Pearson {}, Spearman {}\n",
        r.pairs_used,
        r.oov,
        r.oov_ratio()
            .map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0)),
        f(r.pearson),
        f(r.spearman)
    )
}
