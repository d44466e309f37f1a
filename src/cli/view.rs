//! `embedscape view` (and `embedscape` with no subcommand): open the viewer.

use std::path::PathBuf;

/// `view --help` for `--script`: every step, one line each (a test checks that every step the
/// script parser knows is listed here).
const SCRIPT_HELP: &str =
    "Run a scripted session and exit when it quits. One step per line; `#` starts a comment.
  train-until N|end      wait until snapshot N exists (or training has ended), then show it
  click-word WORD        click the word's point once it stands still on screen
  click X Y              click at a window position (logical pixels)
  hover-word WORD        rest the cursor on the word's point (its tooltip shows)
  hover X Y              rest the cursor at a window position (logical pixels)
  key KEY                press and release Escape, Space, Enter, Tab, Left or Right
  wait FRAMES            let FRAMES frames pass
  orbit FRAMES           turn the camera a little every frame for FRAMES frames
  screenshot PATH        save the window as PNG (waits until it is written)
  record PATH            save an animation (.gif, or a folder of PNGs) as the export button does
  dump PATH              write the app's state as JSON
  press LABEL            click the widget with this label (in the current language), scrolling
                         its panel to it first; fails if it does not come into view
  type TEXT              type TEXT into the focused field (press the field first)
  scroll LINES           turn the mouse wheel at the cursor (positive zooms in; hover first)
  lens RELATION|off      view through a relation's lens (waits until every frame is redone)
  axes 'X[,Y]'|off       semantic axes, each WORD>WORD or a relation's name (waits likewise)
  lang zh|en             switch the interface language
  method pca|umap|given  choose the projection method (waits until every frame is redone);
                         given: the table's own x, y (z) or --coords-columns
  save-view PATH         save what is on screen as a view file (open it with --view PATH)
  colour-by COLUMN       colour by a metadata column, or cluster|latest-cluster|category
  filter EXPR|off        show only rows with COLUMN=VALUE, COLUMN!=VALUE, COLUMN<N or COLUMN>N
  select-box X0 Y0 X1 Y1 box-select the points drawn in this window rectangle (logical pixels)
  export-selection PATH  write the box selection, label and every metadata column: Parquet
                         for a .parquet path, TSV otherwise
  neighbours-of-selection  list the nearest neighbours of the box selection's centroid
  open PATH              drop this file on the window (as from a file manager)
  expect-error           wait until the status line shows an error that appeared since the
                         step before began; fails if none comes
  loop                   where `loop-until` goes back to
  loop-until SECS        go back to the last `loop` until SECS seconds (wall clock) have
                         passed since it was first reached (long sessions, soak tests)
  quit                   close the window";

use super::load::TableArgs;

#[derive(clap::Args, Debug, Default)]
#[command(group = clap::ArgGroup::new("data").multiple(false))]
pub struct ViewArgs {
    /// Train on this text corpus (one sentence or paragraph per line) and watch the space form.
    /// Without --corpus, --vectors or --timeline the bundled Chinese/English demo is used.
    #[arg(long, group = "data", value_name = "FILE")]
    pub corpus: Option<PathBuf>,
    /// Explore these vectors (word2vec text or binary, fastText .vec, GloVe text or Projector TSV,
    /// plain or gzip; .npy, .npz, Parquet, Arrow) without training. Given several times (another
    /// trainer's checkpoints, in order), the files play as a timeline over the words they share.
    #[arg(long, group = "data", value_name = "FILE")]
    pub vectors: Vec<PathBuf>,
    /// Replay a training timeline saved by `embedscape train --timeline`.
    #[arg(long, group = "data", value_name = "FILE")]
    pub timeline: Option<PathBuf>,
    /// Relation pairs to draw as arrows and score: TSV of head, tail, relation.
    #[arg(long, value_name = "FILE")]
    pub relations: Option<PathBuf>,
    // `--metadata FILE`: a `word<TAB>category` TSV colours by category; a table with a header
    // row (three or more columns, CSV, Parquet, Arrow, or any metadata of a table of vectors)
    // gives the rows columns to colour, filter and export by.
    #[command(flatten)]
    pub table: TableArgs,
    /// The table's own layout: 2 or 3 numeric columns (`x,y` or `x,y,z`) of the --vectors
    /// table or its --metadata, shown "as given" (a 2-D layout flat, facing the camera) from
    /// the start. Without it, columns named x and y (and z) are offered as the projection
    /// method "as given" next to PCA and UMAP.
    #[arg(long, value_name = "X,Y[,Z]", value_parser = parse_coords_columns)]
    pub coords_columns: Option<CoordsColumns>,
    /// Initialise training from these pretrained vectors instead of random ones.
    #[arg(long, value_name = "FILE")]
    pub pretrained: Option<PathBuf>,
    #[command(flatten)]
    pub training: super::window_training::WindowTrainingArgs,
    /// Run a scripted session (one step per line; see --help for the steps) and exit when it
    /// quits.
    #[arg(long, value_name = "FILE", long_help = SCRIPT_HELP)]
    pub script: Option<PathBuf>,
    /// After the script (or alone), run this many random steps, then quit: clicks anywhere,
    /// keys, presses of the widgets on screen, typing, the wheel, lens, axes, method, colouring
    /// and language switches, opening good and bad files (a bad file's error must reach the
    /// status line). Each step is logged as its script line; a failure fails the command.
    #[arg(long, value_name = "N")]
    pub random_steps: Option<usize>,
    /// The seed of --random-steps (default: from the clock; it is logged, and a failure
    /// repeats it, so any run can be replayed).
    #[arg(long, value_name = "SEED", requires = "random_steps")]
    pub random_seed: Option<u64>,
    /// Restore a saved view (camera, playhead, selection, lens or axes, projection, colouring,
    /// language: the files panel's "Save view", or the script step `save-view`) once the data
    /// is loaded. A word or relation the data lacks is a warning in the status line.
    #[arg(long, value_name = "FILE")]
    pub view: Option<PathBuf>,
    /// Interface language (default: from the system locale).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,
    /// Your own assets folder (corpus/, fonts/, relations/, categories.tsv), read before the
    /// copies built into the binary; also EMBEDSCAPE_ASSETS.
    #[arg(long, value_name = "DIR")]
    pub assets: Option<PathBuf>,
    /// Window size in logical pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1400x860", value_parser = parse_size)]
    pub size: Option<(u32, u32)>,
    /// Run the app's systems one after another on the main thread, so a script's `dump` reports
    /// the app's own CPU time a frame (app_update_cpu_ms_p50), not counting waits for a core.
    /// For benchmarks; the app is otherwise the same.
    #[arg(long)]
    pub single_threaded: bool,
}

/// The interface languages.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangArg {
    /// 中文
    Zh,
    /// English
    En,
}

#[cfg(feature = "viewer")]
impl LangArg {
    pub fn to_lang(self) -> embedscape::viewer::ui::i18n::Lang {
        match self {
            Self::Zh => embedscape::viewer::ui::i18n::Lang::Zh,
            Self::En => embedscape::viewer::ui::i18n::Lang::En,
        }
    }
}

/// The columns named by `--coords-columns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoordsColumns(pub Vec<String>);

/// `a,b` or `a,b,c`: two or three column names.
pub fn parse_coords_columns(text: &str) -> Result<CoordsColumns, String> {
    let names: Vec<String> = text.split(',').map(|n| n.trim().to_owned()).collect();
    if !(2..=3).contains(&names.len()) || names.iter().any(String::is_empty) {
        return Err(format!(
            "expected two or three column names, X,Y or X,Y,Z, got {text:?}"
        ));
    }
    Ok(CoordsColumns(names))
}

/// `--coords-columns` needs one file of vectors: training runs and timelines have no layout.
pub fn check_coords_columns(
    coords: Option<&CoordsColumns>,
    vectors: &[PathBuf],
) -> anyhow::Result<Option<Vec<String>>> {
    let Some(CoordsColumns(names)) = coords else {
        return Ok(None);
    };
    anyhow::ensure!(
        vectors.len() == 1,
        "--coords-columns needs one table given with --vectors (training runs, timelines and \
         series of checkpoints have no coordinates of their own)"
    );
    Ok(Some(names.clone()))
}

pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, got {text:?}"))?;
    let parse = |v: &str| {
        v.parse::<u32>()
            .ok()
            .filter(|v| (200..=10_000).contains(v))
            .ok_or_else(|| format!("window size {v:?} is not a number between 200 and 10000"))
    };
    Ok((parse(w)?, parse(h)?))
}

#[cfg(feature = "viewer")]
pub fn run(args: ViewArgs) -> anyhow::Result<()> {
    use embedscape::viewer::{self, DataSource, ViewerOptions};
    viewer::options::check_assets_override(args.assets.as_deref()).map_err(anyhow::Error::msg)?;
    let source = match (&args.corpus, args.vectors.as_slice(), &args.timeline) {
        (Some(path), _, _) => DataSource::Corpus(path.clone()),
        (_, [path], _) => DataSource::Vectors(path.clone()),
        (_, [_, _, ..], _) => DataSource::VectorSeries(args.vectors.clone()),
        (_, _, Some(path)) => DataSource::Timeline(path.clone()),
        _ => DataSource::Demo,
    };
    // Training runs and timelines open on their random start and play the drift.
    let play_from_start = !matches!(source, DataSource::Vectors(_));
    let train = args.training.apply_to(if source == DataSource::Demo {
        viewer::demo::demo_config()
    } else {
        embedscape::train::TrainConfig::default()
    })?;
    let (categories, load) = table_options(&args.table, &args.vectors)?;
    let coords_columns = check_coords_columns(args.coords_columns.as_ref(), &args.vectors)?;
    for path in [
        &args.corpus,
        &args.timeline,
        &args.relations,
        &args.table.metadata,
    ]
    .into_iter()
    .flatten()
    .chain(&args.vectors)
    {
        anyhow::ensure!(path.exists(), "{} does not exist", path.display());
    }
    let (window_width, window_height) = args.size.unwrap_or((1400, 860));
    viewer::run(ViewerOptions {
        source,
        relations: args.relations,
        metadata: categories,
        load,
        coords_columns,
        script: args.script,
        random: args.random_steps.map(|steps| viewer::options::RandomUse {
            steps,
            seed: args.random_seed.unwrap_or_else(seed_from_clock),
        }),
        view: args.view,
        lang: args.lang.map(LangArg::to_lang),
        pretrained: args.pretrained,
        train,
        window_width,
        window_height,
        play_from_start,
        single_threaded: args.single_threaded,
        ..ViewerOptions::default()
    })?;
    Ok(())
}

/// A seed for random steps when none is given: the clock's nanoseconds.
#[cfg(feature = "viewer")]
fn seed_from_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// What the viewer makes of the table flags: the categories TSV (`word<TAB>category`, the
/// colouring the demo uses) and the load options for tables of vectors and metadata tables.
/// `--metadata` is a metadata table when it is CSV, Parquet or Arrow, when the vectors are a
/// table (`.npy`, `.npz`, Parquet, Arrow), or when its first line has three or more fields.
pub fn table_options(
    table: &TableArgs,
    vectors: &[PathBuf],
) -> anyhow::Result<(
    Option<PathBuf>,
    embedscape::embeddings::formats::LoadOptions,
)> {
    use embedscape::embeddings::formats::Format;
    let mut load = table.options(false);
    if table.any_table_flag() {
        let table_vectors =
            matches!(vectors, [path] if Format::table_from_extension(path).is_some());
        anyhow::ensure!(
            table_vectors,
            "--labels, --vector-column and --array apply to one .npy, .npz, Parquet or Arrow \
             file given with --vectors"
        );
    }
    let Some(metadata) = table.metadata.clone() else {
        return Ok((None, load));
    };
    let is_table = Format::table_from_extension(&metadata).is_some()
        || metadata
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || vectors
            .iter()
            .any(|path| Format::table_from_extension(path).is_some())
        || first_line_fields(&metadata) >= 3;
    if is_table {
        load.metadata = Some(metadata);
        Ok((None, load))
    } else {
        load.metadata = None;
        Ok((Some(metadata), load))
    }
}

/// Tab-separated fields on the first line of a text file (0 when unreadable).
fn first_line_fields(path: &std::path::Path) -> usize {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut line = String::new();
    if std::io::BufReader::new(file).read_line(&mut line).is_err() {
        return 0;
    }
    line.trim_end().split('\t').count()
}

#[cfg(not(feature = "viewer"))]
pub fn run(args: ViewArgs) -> anyhow::Result<()> {
    table_options(&args.table, &args.vectors)?;
    check_coords_columns(args.coords_columns.as_ref(), &args.vectors)?;
    anyhow::bail!(
        "this embedscape was built without the viewer (the `viewer` cargo feature); \
         rebuild with default features to open the window"
    )
}
