//! `embedscape evaluate`: analogy accuracy (questions-words.txt format) and word-pair
//! similarity correlations, defined as gensim's `evaluate_word_analogies` / `evaluate_word_pairs`.

use std::path::{Path, PathBuf};

use anyhow::bail;
use embedscape::numbers::group_digits;
use embedscape::space::NeighborIndex;
use embedscape::space::meaning::evaluate::{
    AnalogyReport, EvalOptions, Malformed, PairsReport, SectionScore, evaluate_word_analogies,
    evaluate_word_pairs,
};

use super::load::{TableArgs, load_vectors};

#[derive(clap::Args, Default)]
pub struct EvaluateArgs {
    /// Vectors file: word2vec text or binary, fastText .vec, GloVe text or Projector TSV, plain or
    /// gzip (detected from the content); rows should be sorted by frequency.
    #[arg(long)]
    pub vectors: PathBuf,
    /// Analogy questions (`: section` lines, then `a b c d`), e.g. questions-words.txt; UTF-8.
    #[arg(long)]
    pub analogies: Option<PathBuf>,
    /// Word pairs with gold scores (`w1<TAB>w2<TAB>score`, `#` comments), e.g. wordsim353.tsv;
    /// UTF-8.
    #[arg(long)]
    pub pairs: Option<PathBuf>,
    /// Only the first N words count as vocabulary (questions using others are skipped).
    #[arg(long, default_value_t = 300_000)]
    pub restrict_vocab: usize,
    /// Compare words with their exact case. By default words are compared case-insensitively
    /// (uppercased, a word's most frequent casing standing for it), as gensim's
    /// evaluate_word_analogies and evaluate_word_pairs do.
    #[arg(long)]
    pub case_sensitive: bool,
    /// The default now; accepted so that older command lines keep working.
    #[arg(long, hide = true, conflicts_with = "case_sensitive")]
    pub case_insensitive: bool,
    /// Replace invalid UTF-8 in the vectors, analogies and pairs files with U+FFFD instead of
    /// failing (words so decoded match nothing and count as out of vocabulary).
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
        case_insensitive: !args.case_sensitive,
        lossy: args.lossy,
    };
    let vocabulary = opts.describe_vocabulary(emb.len());
    if let Some(path) = &args.analogies {
        let report = evaluate_word_analogies(&index, emb.words(), path, &opts)?;
        warn_malformed(path, &report.malformed);
        print!("{}", format_analogy_report(&report, &vocabulary));
    }
    if let Some(path) = &args.pairs {
        let report = evaluate_word_pairs(&index, emb.words(), path, &opts)?;
        warn_malformed(path, &report.malformed);
        print!("{}", format_pairs_report(&report, &vocabulary));
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

/// The analogy table: one line per section, then semantic, syntactic, total, coverage and
/// what was skipped; `vocabulary` says what counted as the vocabulary
/// ([`EvalOptions::describe_vocabulary`]).
pub fn format_analogy_report(r: &AnalogyReport, vocabulary: &str) -> String {
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
        "coverage: {} of {} questions in vocabulary ({coverage})\n",
        group_digits(r.questions - r.oov),
        group_digits(r.questions),
    );
    out += &skipped_line(r.oov, r.questions, "questions", vocabulary);
    out
}

/// "9,962 of 19,544 questions skipped: a word not in the vocabulary (case-insensitive, first
/// 300,000 words)", or nothing when none was.
fn skipped_line(skipped: usize, of: usize, what: &str, vocabulary: &str) -> String {
    if skipped == 0 {
        return String::new();
    }
    format!(
        "{} of {} {what} skipped: a word not in the vocabulary ({vocabulary})\n",
        group_digits(skipped),
        group_digits(of)
    )
}

/// The word-pair summary, then what was skipped (see [`format_analogy_report`]).
pub fn format_pairs_report(r: &PairsReport, vocabulary: &str) -> String {
    let f = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"));
    let summary = format!(
        "word pairs: {} used, {} OOV ({}); Pearson {}, Spearman {}\n",
        r.pairs_used,
        r.oov,
        r.oov_ratio()
            .map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0)),
        f(r.pearson),
        f(r.spearman)
    );
    summary + &skipped_line(r.oov, r.pairs_used + r.oov, "pairs", vocabulary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: EvaluateArgs,
    }

    fn parse(argv: &[&str]) -> Result<EvaluateArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("evaluate").chain(argv.iter().copied())).map(|c| c.args)
    }

    #[test]
    fn skipped_questions_are_counted_with_the_reason() {
        let args = parse(&["--vectors", "v.txt"]).unwrap();
        assert!(!args.case_sensitive);
        assert!(parse(&["--vectors", "v.txt", "--case-insensitive"]).is_ok());
        assert!(parse(&["--vectors", "v", "--case-sensitive", "--case-insensitive"]).is_err());
        let section = SectionScore {
            name: "capital-common-countries".into(),
            correct: 9_000,
            incorrect: 582,
        };
        let report = AnalogyReport {
            sections: vec![section.clone()],
            semantic: section.clone(),
            syntactic: SectionScore::default(),
            total: section,
            questions: 19_544,
            oov: 9_962,
            malformed: Malformed::default(),
        };
        let vocabulary = EvalOptions::default().describe_vocabulary(400_000);
        let text = format_analogy_report(&report, &vocabulary);
        assert!(
            text.contains(
                "9,962 of 19,544 questions skipped: a word not in the vocabulary \
                 (case-insensitive, first 300,000 words)"
            ),
            "{text}"
        );
        let pairs = PairsReport {
            pearson: None,
            spearman: None,
            pairs_used: 350,
            oov: 3,
            malformed: Malformed::default(),
        };
        let text = format_pairs_report(&pairs, "case-sensitive, all 1,000 words");
        assert!(
            text.contains(
                "3 of 353 pairs skipped: a word not in the vocabulary (case-sensitive, all \
                 1,000 words)"
            ),
            "{text}"
        );
        let none_skipped = PairsReport { oov: 0, ..pairs };
        assert!(!format_pairs_report(&none_skipped, "").contains("skipped"));
    }
}
