//! What the viewer is asked to show, from the command line or a test.

use std::path::PathBuf;

/// The data the viewer opens with.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// Train on the bundled demo corpus (the default).
    Demo,
    /// Train on a corpus file.
    Corpus(PathBuf),
    /// Explore a vectors file without training.
    Vectors(PathBuf),
    /// Replay a saved training timeline.
    Timeline(PathBuf),
    /// Play a series of vector files (another trainer's checkpoints) as a timeline.
    VectorSeries(Vec<PathBuf>),
    /// Train on text held in memory (tests).
    Text(String),
}

/// Random use (`view --random-steps N --random-seed S`): how many steps, and the seed that
/// replays them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomUse {
    pub steps: usize,
    pub seed: u64,
}

/// Everything the viewer needs to start.
#[derive(Debug, Clone)]
pub struct ViewerOptions {
    pub source: DataSource,
    pub relations: Option<PathBuf>,
    /// A `word<TAB>category` TSV (colour by category).
    pub metadata: Option<PathBuf>,
    /// How to read tables of embeddings and their metadata (`--labels`, `--label-column`,
    /// `--vector-column`, `--array`, and `--metadata` when it is a table with a header row).
    /// For a training run or a timeline, `load.metadata` is joined on the words.
    pub load: crate::embeddings::formats::LoadOptions,
    /// Columns of a table of vectors holding its own layout, 2 or 3 of them
    /// (`--coords-columns`); the projection starts "as given". `None`: `x`, `y` and `z` when
    /// the table has them, offered next to PCA and UMAP.
    pub coords_columns: Option<Vec<String>>,
    pub script: Option<PathBuf>,
    /// Random steps to run after the script (or alone), then quit.
    pub random: Option<RandomUse>,
    /// A saved view to restore once the data is loaded (`view --view FILE`).
    pub view: Option<PathBuf>,
    /// Interface language; `None`: from the system locale.
    pub lang: Option<Lang>,
    /// Initialise training from these vectors instead of random ones.
    pub pretrained: Option<PathBuf>,
    /// Training parameters for corpus sources (dim, window, epochs...).
    pub train: crate::train::TrainConfig,
    /// Start training immediately (otherwise wait for the Start button).
    pub autostart: bool,
    pub window_width: u32,
    pub window_height: u32,
    /// Add the rendering plugins (off in headless tests).
    pub with_rendering: bool,
    /// Record an animation as soon as the data is ready, then quit (`embedscape render`).
    pub recording: Option<RecordingSettings>,
    /// Leave the side panels out: a clean 3D view with labels.
    pub hide_panels: bool,
    /// Play the snapshots from the first (the random start) as they come, at a watchable
    /// pace, instead of gliding to the newest: the drift is what the app is for.
    pub play_from_start: bool,
    /// Run every system on the main thread, so the dump's CPU figures are the app's whole
    /// update (`view --single-threaded`, for benchmarks).
    pub single_threaded: bool,
}

impl Default for ViewerOptions {
    fn default() -> Self {
        Self {
            source: DataSource::Demo,
            relations: None,
            metadata: None,
            load: crate::embeddings::formats::LoadOptions::default(),
            coords_columns: None,
            script: None,
            random: None,
            view: None,
            lang: None,
            pretrained: None,
            train: crate::train::TrainConfig::default(),
            autostart: true,
            window_width: 1400,
            window_height: 860,
            with_rendering: true,
            recording: None,
            hide_panels: false,
            play_from_start: false,
            single_threaded: false,
        }
    }
}

/// The folder of bundled assets: `EMBEDSCAPE_ASSETS` if set, else `assets/` next to the
/// executable or in one of its parents (covers `target/release/embedscape`), else the source
/// tree's `assets/` known at compile time (unless `EMBEDSCAPE_NO_SOURCE_ASSETS` is set, as for a
/// binary copied to another machine). What is missing there comes from the copies compiled
/// into the binary ([`crate::viewer::demo`], [`crate::viewer::ui::fonts`]).
pub fn assets_dir() -> PathBuf {
    if let Some(dir) = assets_override() {
        return dir;
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            let candidate = dir.join("assets");
            if candidate.join("corpus").is_dir() {
                return candidate;
            }
        }
    }
    if std::env::var_os("EMBEDSCAPE_NO_SOURCE_ASSETS").is_some() {
        return PathBuf::from("assets");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets")
}

/// The `--assets DIR` given on the command line, set once before the window opens.
static ASSETS_FLAG: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The user's own assets folder: `--assets DIR`, else `EMBEDSCAPE_ASSETS`.
fn assets_override() -> Option<PathBuf> {
    ASSETS_FLAG
        .get()
        .cloned()
        .or_else(|| std::env::var_os("EMBEDSCAPE_ASSETS").map(PathBuf::from))
}

/// Takes `--assets DIR` (when given) and checks the override, flag or `EMBEDSCAPE_ASSETS`: it
/// must name a folder holding at least one of `corpus/`, `fonts/` or `relations/`, or every
/// bundled file would silently fall back to the copies in the binary and the user's own would
/// never be read.
pub fn check_assets_override(flag: Option<&std::path::Path>) -> Result<(), String> {
    if let Some(dir) = flag {
        let _ = ASSETS_FLAG.set(dir.to_path_buf());
    }
    let name = if flag.is_some() {
        "--assets"
    } else {
        "EMBEDSCAPE_ASSETS"
    };
    let Some(dir) = assets_override() else {
        return Ok(());
    };
    if !dir.is_dir() {
        return Err(format!(
            "{name} {}: no such folder (leave it out to use the files built into embedscape)",
            dir.display()
        ));
    }
    if ["corpus", "fonts", "relations"]
        .iter()
        .any(|sub| dir.join(sub).is_dir())
    {
        Ok(())
    } else {
        Err(format!(
            "{name} {}: not a folder of embedscape assets (expected corpus/, fonts/ \
             or relations/ inside, as in the source tree's assets/)",
            dir.display()
        ))
    }
}

/// What to record and where.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingSettings {
    /// A `.gif`, a folder, or a numbered pattern such as `frames/%04d.png`.
    pub output: PathBuf,
    pub frame_count: usize,
    pub frames_per_sec: f32,
    /// Snapshot (fractional index) at the first frame; `None`: the first snapshot.
    pub from_snapshot: Option<f32>,
    /// Snapshot at the last frame; `None`: the last snapshot.
    pub to_snapshot: Option<f32>,
    /// Turn the camera slowly while the playhead moves.
    pub orbit: bool,
    /// Wait for training (or loading) to end before recording, and quit when written
    /// (`embedscape render`).
    pub quit_when_done: bool,
    /// Write the snapshot and epoch shown into a corner of every frame (`render --caption`,
    /// the files panel's *caption the animation*).
    pub caption: bool,
}

impl Default for RecordingSettings {
    fn default() -> Self {
        Self {
            output: PathBuf::from("drift.gif"),
            frame_count: 48,
            frames_per_sec: 12.0,
            from_snapshot: None,
            to_snapshot: None,
            orbit: false,
            quit_when_done: false,
            caption: false,
        }
    }
}

/// The interface language.
#[derive(bevy::prelude::Resource, Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `zh`/`en` (also `zh_CN.UTF-8`, `en-US` ...).
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower.starts_with("en") || lower == "c" || lower.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From the system locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), English when unknown.
    pub fn from_locale() -> Self {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::parse(&value))
            .unwrap_or_default()
    }
}
