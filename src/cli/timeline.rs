//! `embedscape timeline build CKPT... -o run.timeline`: turn a sequence of vector files from any
//! trainer (gensim per-epoch saves, fastText `.vec` dumps, Spark MLlib exports, ...) into a
//! timeline the viewer replays like a run of its own.

use std::path::PathBuf;

use anyhow::Context;

use embedscape::train::{CheckpointOptions, Precision, timeline_from_checkpoints};

use super::load::TableArgs;

#[derive(clap::Args, Debug)]
pub struct TimelineArgs {
    #[command(subcommand)]
    pub command: TimelineCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum TimelineCommand {
    /// Build a timeline from vector files, one per checkpoint, in play order.
    Build(BuildArgs),
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Vector files (word2vec text or binary, fastText .vec, GloVe text or Projector TSV, plain or
    /// gzip), oldest first. Frames are named by file stem.
    #[arg(required = true, value_name = "CKPT")]
    pub checkpoints: Vec<PathBuf>,
    /// Where to write the timeline.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Keep only the first N words common to all checkpoints (in the first file's order).
    #[arg(long, value_name = "N")]
    pub words: Option<usize>,
    /// Store vectors as f16 (half the size).
    #[arg(long)]
    pub f16: bool,
    /// Replace invalid UTF-8 in words with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    #[command(flatten)]
    pub table: TableArgs,
}

pub fn run(args: TimelineArgs) -> anyhow::Result<()> {
    match args.command {
        TimelineCommand::Build(build) => run_build(build),
    }
}

fn run_build(args: BuildArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.words != Some(0), "--words must be at least 1");
    let options = CheckpointOptions {
        max_words: args.words,
        load: args.table.options(args.lossy),
    };
    eprintln!("reading {} checkpoints…", args.checkpoints.len());
    let built = timeline_from_checkpoints(&args.checkpoints, &options)
        .context("cannot build the timeline")?;
    for warning in &built.warnings {
        eprintln!("warning: {warning}");
    }
    let precision = if args.f16 {
        Precision::F16
    } else {
        Precision::F32
    };
    let timeline = built.timeline;
    timeline.save(&args.output, precision)?;
    let dim = timeline.snapshots.first().map_or(0, |s| s.vectors.ncols());
    println!(
        "timeline: {} frames ({}) of {} words x {dim} dims → {}",
        timeline.snapshots.len(),
        timeline.frame_names().join(", "),
        timeline.words.len(),
        args.output.display()
    );
    Ok(())
}
