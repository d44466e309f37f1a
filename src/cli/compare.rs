//! `embedscape compare A B`: rotate space B onto space A (orthogonal Procrustes on shared words
//! or on dictionary pairs), then print the words that moved most and the words whose
//! neighbours changed most, and write the full ranking as TSV.

use std::path::PathBuf;

use anyhow::Context;

use embedscape::space::{
    Anchors, CompareOptions, Comparison, compare_spaces, read_anchor_pairs, write_comparison_tsv,
};
use embedscape::train::{CheckpointFrame, Precision, frame_name, named_frames_timeline};

use super::load::{TableArgs, load_vectors};

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// The reference space (any supported vectors format).
    pub a: PathBuf,
    /// The space aligned onto A.
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
    };
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
    let n = cmp.shifts.len().max(1) as f64;
    let mean = cmp
        .shifts
        .iter()
        .map(|s| f64::from(s.cosine_distance))
        .sum::<f64>()
        / n;
    println!("mean cosine distance after alignment: {mean:.4}");
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
