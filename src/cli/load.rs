//! Loading a vectors file from the command line: a progress bar on stderr for slow loads,
//! warnings printed to stderr, errors with context. Every subcommand that reads vectors
//! (info, convert, neighbors, analogy, evaluate, train) goes through here.

use anyhow::Context;
use embedscape::embeddings::formats::{LoadOptions, Loaded, load};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Files at least this big get a progress bar straight away...
const BAR_NOW_BYTES: u64 = 50 << 20;
/// ...smaller ones only once loading has taken this long (so quick loads stay quiet).
const BAR_AFTER: Duration = Duration::from_millis(500);

/// Loads `path` (format detected from its content), with a progress bar for slow loads and
/// warnings printed to stderr. `lossy` replaces invalid UTF-8 in words with U+FFFD.
pub fn load_with_progress(path: &Path, lossy: bool) -> anyhow::Result<Loaded> {
    load_with_options(
        path,
        LoadOptions {
            lossy,
            ..LoadOptions::default()
        },
    )
}

/// [`load_with_progress`] with full [`LoadOptions`] (its `progress` is replaced by the bar).
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

/// Loads just the embeddings of `path` (see [`load_with_progress`]).
pub fn load_vectors(
    path: &Path,
    lossy: bool,
) -> anyhow::Result<embedscape::embeddings::Embeddings> {
    Ok(load_with_progress(path, lossy)?.embeddings)
}
