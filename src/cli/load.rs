//! Loading a vectors file from the command line: a progress bar on stderr for slow loads,
//! warnings printed to stderr, errors with context. Every subcommand that reads vectors
//! (info, convert, neighbors, analogy, evaluate, project, compare, timeline, train) goes
//! through here, and [`TableArgs`] gives them all the same flags for tables of embeddings
//! (`.npy`, `.npz`, Parquet, Arrow), labels and metadata.

use anyhow::Context;
use embedscape::embeddings::formats::{LoadOptions, Loaded, load};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Files at least this big get a progress bar straight away...
const BAR_NOW_BYTES: u64 = 50 << 20;
/// ...smaller ones only once loading has taken this long (so quick loads stay quiet).
const BAR_AFTER: Duration = Duration::from_millis(500);

/// Labels, metadata and column choices for tables of embeddings; flattened into every
/// subcommand that reads vectors.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct TableArgs {
    /// Labels for .npy, .npz, Parquet or Arrow vectors, one per row: a text file (one label a
    /// line), a TSV/CSV with a header row, or Parquet; its other columns become metadata.
    /// Without it rows are named by number ("0", "1", ...).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// The label column of the table, --labels or --metadata (default: the first text column).
    #[arg(long, value_name = "NAME")]
    pub label_column: Option<String>,
    /// Parquet/Arrow: the vector column (default: the first list of floats).
    #[arg(long, value_name = "NAME")]
    pub vector_column: Option<String>,
    /// .npz: the array holding the vectors (default: the first 2-D float array).
    #[arg(long, value_name = "NAME")]
    pub array: Option<String>,
    /// Metadata for the rows (TSV/CSV with a header row, or Parquet): in the same order when
    /// it has as many rows as the vectors, otherwise joined on its label column. For
    /// Projector TSV vectors: the labels file. In `view` and `render`, a TSV of two columns
    /// (`word<TAB>category`, no header) colours by category instead.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
}

impl TableArgs {
    /// These choices as load options (`lossy`: replace invalid UTF-8 with U+FFFD).
    pub fn options(&self, lossy: bool) -> LoadOptions {
        LoadOptions {
            lossy,
            labels: self.labels.clone(),
            label_column: self.label_column.clone(),
            vector_column: self.vector_column.clone(),
            array: self.array.clone(),
            metadata: self.metadata.clone(),
            ..LoadOptions::default()
        }
    }

    /// Whether any flag beyond `--metadata` is set.
    pub fn any_table_flag(&self) -> bool {
        self.labels.is_some()
            || self.label_column.is_some()
            || self.vector_column.is_some()
            || self.array.is_some()
    }
}

/// Loads `path` (format detected from its content, or a table by extension), with a progress
/// bar for slow loads and warnings printed to stderr; `opts.progress` is replaced by the bar.
pub fn load_with_options(path: &Path, mut opts: LoadOptions) -> anyhow::Result<Loaded> {
    let bytes_total = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let bar = ProgressBar::with_draw_target(Some(bytes_total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("loading {}", path.display()));
    if bytes_total >= BAR_NOW_BYTES {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    let started = Instant::now();
    let callback_bar = bar.clone();
    opts.progress = Some(Arc::new(move |bytes_done, _bytes_total| {
        if callback_bar.is_hidden() && started.elapsed() >= BAR_AFTER {
            callback_bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        callback_bar.set_position(bytes_done);
    }));
    let result = load(path, &opts);
    bar.finish_and_clear();
    let loaded = result.context("cannot load vectors")?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(loaded)
}

/// Loads just the embeddings of `path` (see [`load_with_options`]).
pub fn load_vectors(
    path: &Path,
    opts: LoadOptions,
) -> anyhow::Result<embedscape::embeddings::Embeddings> {
    Ok(load_with_options(path, opts)?.embeddings)
}
