//! `embedscape compare A B`: rotate space B onto space A (orthogonal Procrustes on shared words
//! or on dictionary pairs), then print the words that moved most and the words whose
//! neighbours changed most, and write the full ranking as TSV.

use std::path::PathBuf;

use anyhow::Context;

use embedscape::numbers::group_digits;
use embedscape::space::{
    Anchors, CompareOptions, Comparison, Excluded, compare_spaces, read_anchor_pairs,
    write_comparison_tsv,
};
use embedscape::train::{CheckpointFrame, Precision, frame_name, named_frames_timeline};

use super::load::{TableArgs, load_vectors};

/// `--top-words` by default: the frequent part of a large vocabulary, all of a small one.
const DEFAULT_TOP_WORDS: usize = 50_000;

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The reference space: word2vec text or binary, fastText .vec, GloVe text or Projector
    /// TSV, plain or gzip (detected from the content).
    pub a: PathBuf,
    /// The space aligned onto A (any format A may be).
    pub b: PathBuf,
    /// Anchor pairs instead of the shared words: one `A-word<TAB>B-word` per line (e.g. a
    /// bilingual dictionary). Only these pairs are aligned and ranked.
    #[arg(long, value_name = "FILE")]
    pub anchors: Option<PathBuf>,
    /// Neighbours per word for the neighbourhood change.
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// Neighbourhood change for the first N compared words (A's order); cost grows with N².
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub neighbor_words: usize,
    /// Compare only words within the first N rows of both files (their order, which is
    /// frequency order in word2vec and GloVe files): rare words have noisy vectors and would
    /// top the rankings by chance. 0 = every row.
    #[arg(long, default_value_t = DEFAULT_TOP_WORDS, value_name = "N")]
    pub top_words: usize,
    /// Compare only words seen at least N times, in each file that carries counts (vectors
    /// files usually do not; then this changes nothing and says so).
    #[arg(long, value_name = "N")]
    pub min_count: Option<u64>,
    /// Also fit a global scale (changes the aligned vectors, not the rankings).
    #[arg(long)]
    pub scale: bool,
    /// Words to print per ranking.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Write every compared word (most moved first) to this TSV.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a two-frame timeline (A, then B aligned onto A) to watch in the viewer.
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,
    /// Replace invalid UTF-8 in words with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let anchors = match &args.anchors {
        Some(path) => Anchors::Pairs(read_anchor_pairs(path)?),
        None => Anchors::Shared,
    };
    let a = load_vectors(&args.a, args.table.options(args.lossy))?;
    let b = load_vectors(&args.b, args.table.options(args.lossy))?;
    let options = CompareOptions {
        k: args.k,
        with_scale: args.scale,
        neighbor_words: args.neighbor_words,
        top_words: (args.top_words > 0).then_some(args.top_words),
        min_count: args.min_count,
    };
    if args.min_count.is_some() && a.vocab().counts().is_none() && b.vocab().counts().is_none() {
        eprintln!("warning: --min-count changes nothing: neither file carries word counts");
    }
    let cmp = compare_spaces(&a, &b, &anchors, &options).with_context(|| {
        format!(
            "cannot compare {} with {}",
            args.a.display(),
            args.b.display()
        )
    })?;
    print_summary(&args, &cmp, a.dim());
    print_rankings(&cmp, args.top);
    if let Some(path) = &args.output {
        write_comparison_tsv(path, &cmp)?;
        println!("\n{} words → {}", cmp.shifts.len(), path.display());
    }
    if let Some(path) = &args.timeline {
        let words = cmp
            .shifts
            .iter()
            .map(|s| {
                if s.a_word == s.b_word {
                    s.a_word.clone()
                } else {
                    format!("{}/{}", s.a_word, s.b_word)
                }
            })
            .collect();
        let frame = |p: &PathBuf| CheckpointFrame {
            name: frame_name(p),
            file: p.display().to_string(),
        };
        let timeline = named_frames_timeline(
            words,
            vec![
                (frame(&args.a), cmp.a_vectors.clone()),
                (frame(&args.b), cmp.b_aligned.clone()),
            ],
        )?;
        timeline.save(path, Precision::F32)?;
        println!("timeline: A, then B aligned → {}", path.display());
    }
    Ok(())
}

fn print_summary(args: &CompareArgs, cmp: &Comparison, dim: usize) {
    let al = &cmp.alignment;
    let kind = if args.anchors.is_some() {
        "dictionary pairs"
    } else {
        "shared words"
    };
    println!(
        "aligned {} onto {} on {} {kind} ({dim} dims{})",
        args.b.display(),
        args.a.display(),
        al.anchors,
        if args.scale {
            format!(", scale {:.4}", al.scale)
        } else {
            String::new()
        }
    );
    if cmp.skipped_pairs > 0 {
        eprintln!(
            "warning: {} anchor pairs skipped (a word missing from its space, or already paired)",
            cmp.skipped_pairs
        );
    }
    if al.anchors < dim {
        eprintln!(
            "warning: fewer anchors ({}) than dimensions ({dim}): the rotation is underdetermined",
            al.anchors
        );
    }
    if let Some(line) = excluded_line(&cmp.excluded, args) {
        println!("{line}");
    }
    let n = cmp.shifts.len().max(1) as f64;
    let mean = cmp
        .shifts
        .iter()
        .map(|s| f64::from(s.cosine_distance))
        .sum::<f64>()
        / n;
    println!("mean cosine distance after alignment: {mean:.4}");
}

/// What `--top-words` and `--min-count` left out, or `None` when nothing was.
fn excluded_line(excluded: &Excluded, args: &CompareArgs) -> Option<String> {
    let mut parts = Vec::new();
    if excluded.beyond_top_words > 0 {
        parts.push(format!(
            "{} beyond the first {} rows of A or B (--top-words)",
            group_digits(excluded.beyond_top_words),
            group_digits(args.top_words)
        ));
    }
    if excluded.below_min_count > 0 {
        parts.push(format!(
            "{} seen fewer than {} times (--min-count)",
            group_digits(excluded.below_min_count),
            args.min_count.unwrap_or(0)
        ));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "excluded as rare: {} words in both spaces ({})",
            group_digits(excluded.beyond_top_words + excluded.below_min_count),
            parts.join("; ")
        )
    })
}

fn print_rankings(cmp: &Comparison, top: usize) {
    let shifts = &cmp.shifts;
    let label = |i: usize| {
        let s = &shifts[i];
        if s.a_word == s.b_word {
            s.a_word.clone()
        } else {
            format!("{} / {}", s.a_word, s.b_word)
        }
    };
    println!("\nmoved most (cosine distance between A and aligned B):");
    for (rank, i) in cmp.ranked_by_movement().into_iter().take(top).enumerate() {
        println!(
            "{:<5} {:<28} {:.4}",
            rank + 1,
            label(i),
            shifts[i].cosine_distance
        );
    }
    let by_neighbors = cmp.ranked_by_neighbor_change();
    if by_neighbors.is_empty() {
        return;
    }
    println!("\nneighbours changed most (1 - Jaccard of the top-k neighbours):");
    for (rank, i) in by_neighbors.into_iter().take(top).enumerate() {
        let s = &shifts[i];
        println!(
            "{:<5} {:<28} {:.2}  A: {}  →  B: {}",
            rank + 1,
            label(i),
            s.neighbor_change.unwrap_or(0.0),
            cmp.words_of(&s.a_neighbors, false, 5),
            cmp.words_of(&s.b_neighbors, true, 5)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: CompareArgs,
    }

    fn parse(argv: &[&str]) -> CompareArgs {
        Cli::try_parse_from(std::iter::once("compare").chain(argv.iter().copied()))
            .unwrap()
            .args
    }

    #[test]
    fn top_words_defaults_to_the_frequent_part_and_is_reported() {
        let args = parse(&["a.txt", "b.txt"]);
        assert_eq!((args.top_words, args.min_count), (50_000, None));
        assert_eq!(excluded_line(&Excluded::default(), &args), None);
        let excluded = Excluded {
            beyond_top_words: 350_000,
            below_min_count: 0,
        };
        assert_eq!(
            excluded_line(&excluded, &args).unwrap(),
            "excluded as rare: 350,000 words in both spaces (350,000 beyond the first 50,000 \
             rows of A or B (--top-words))"
        );
        let args = parse(&["a.txt", "b.txt", "--top-words", "0", "--min-count", "5"]);
        let excluded = Excluded {
            beyond_top_words: 0,
            below_min_count: 12,
        };
        assert_eq!(
            excluded_line(&excluded, &args).unwrap(),
            "excluded as rare: 12 words in both spaces (12 seen fewer than 5 times (--min-count))"
        );
    }

    #[test]
    fn top_words_reaches_the_comparison() {
        let dir = tempfile::tempdir().unwrap();
        let rows: String = (0..6)
            .map(|i| format!("w{i} {} {} 1\n", i % 3, (i * 7) % 5))
            .collect();
        for name in ["a.txt", "b.txt"] {
            std::fs::write(dir.path().join(name), &rows).unwrap();
        }
        let out = dir.path().join("shifts.tsv");
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let args = parse(&[
            &path("a.txt"),
            &path("b.txt"),
            "--top-words",
            "4",
            "-o",
            out.to_str().unwrap(),
        ]);
        run(args).unwrap();
        let written = std::fs::read_to_string(&out).unwrap();
        // A header line and the 4 compared words.
        assert_eq!(written.lines().count(), 5, "{written}");
        assert!(
            !written.contains("w4") && !written.contains("w5"),
            "{written}"
        );
    }
}
