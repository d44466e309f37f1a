//! The embedscape command line. With no subcommand it opens the viewer on the bundled demo.
//!
//! Each subcommand lives in its own file under `cli/` with its clap arguments and a `run`
//! function; errors are `anyhow` here at the edge and exit non-zero with a readable message.

mod cli;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "embedscape",
    version,
    about = "Watch a word-embedding space form: train skip-gram embeddings, explore vectors in 3D.",
    long_about = "Watch a word-embedding space form.\n\nWith no subcommand, opens the viewer on the \
                  bundled Chinese/English demo corpus and starts training from random vectors."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the viewer (default) on a corpus, vectors or a saved training timeline.
    View(cli::view::ViewArgs),
    /// Train skip-gram (or CBOW) embeddings on a text corpus.
    Train(cli::train::TrainArgs),
    /// Cosine nearest neighbours of a word.
    #[command(alias = "neighbours")]
    Neighbors(cli::neighbors::NeighborsArgs),
    /// Solve an analogy A : B :: C : ? (the words closest to B - A + C).
    Analogy(cli::analogy::AnalogyArgs),
    /// Convert vectors between file formats.
    Convert(cli::convert::ConvertArgs),
    /// Summarise a vectors file: rows, dimension, format, norms.
    Info(cli::info::InfoArgs),
    /// Score vectors on an analogy set and on word-pair similarities.
    Evaluate(cli::evaluate::EvaluateArgs),
    /// Project vectors to 3D (PCA) and write coordinates (and clusters) as TSV.
    Project(cli::project::ProjectArgs),
    /// Build timelines from other trainers' checkpoints (one vector file per epoch).
    Timeline(cli::timeline::TimelineArgs),
    /// Align space B onto space A (orthogonal Procrustes) and rank the words that moved most.
    Compare(cli::compare::CompareArgs),
    /// Record the drift as an animated GIF or numbered PNGs (opens a window, then quits).
    Render(cli::render::RenderArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => cli::view::run(cli::view::ViewArgs::default()),
        Some(Command::View(args)) => cli::view::run(args),
        Some(Command::Train(args)) => cli::train::run(args),
        Some(Command::Neighbors(args)) => cli::neighbors::run(args),
        Some(Command::Analogy(args)) => cli::analogy::run(args),
        Some(Command::Convert(args)) => cli::convert::run(args),
        Some(Command::Info(args)) => cli::info::run(args),
        Some(Command::Evaluate(args)) => cli::evaluate::run(args),
        Some(Command::Project(args)) => cli::project::run(args),
        Some(Command::Timeline(args)) => cli::timeline::run(args),
        Some(Command::Compare(args)) => cli::compare::run(args),
        Some(Command::Render(args)) => cli::render::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", cli::error_message(&err));
            std::process::ExitCode::FAILURE
        }
    }
}
