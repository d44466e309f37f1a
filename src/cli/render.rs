//! `embedscape render`: the drift as an animated GIF or a numbered PNG sequence, without user
//! interaction. The viewer opens (a normal window; Xvfb in tests and on servers), plays the
//! timeline from one snapshot to another over the asked number of frames, captures each frame
//! and quits once the file is written.

use std::path::PathBuf;

use super::view::LangArg;

#[derive(clap::Args, Debug)]
#[command(group = clap::ArgGroup::new("data").multiple(false))]
pub struct RenderArgs {
    /// A training timeline saved by `embedscape train --timeline` (or `timeline build`).
    #[arg(long, group = "data", value_name = "FILE")]
    pub timeline: Option<PathBuf>,
    /// Train on this corpus first and record its run. Without --timeline, --corpus or
    /// --vectors the bundled demo is trained and recorded.
    #[arg(long, group = "data", value_name = "FILE")]
    pub corpus: Option<PathBuf>,
    /// Vector files played as a timeline, in order (another trainer's checkpoints): word2vec text
    /// or binary, fastText .vec, GloVe text or Projector TSV, plain or gzip.
    #[arg(long, group = "data", value_name = "FILE")]
    pub vectors: Vec<PathBuf>,
    /// Output: a .gif, or numbered PNGs for ffmpeg with a pattern such as frames/%04d.png (or
    /// a folder: frame_0001.png...).
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
    /// Frame size in pixels, WIDTHxHEIGHT (the window's size, whatever the screen's scaling).
    #[arg(long, default_value = "960x600", value_parser = super::view::parse_size)]
    pub size: (u32, u32),
    /// Frames per second of the animation.
    #[arg(long, default_value_t = 12.0)]
    pub fps: f32,
    /// Number of frames.
    #[arg(long, default_value_t = 48)]
    pub frames: usize,
    /// Snapshot shown by the first frame (index from 0; fractions allowed).
    #[arg(long, value_name = "S")]
    pub from: Option<f32>,
    /// Snapshot shown by the last frame (default: the last).
    #[arg(long, value_name = "E")]
    pub to: Option<f32>,
    /// Turn the camera slowly (a quarter turn over the animation).
    #[arg(long)]
    pub orbit: bool,
    /// Relation pairs to draw as arrows: TSV of head, tail, relation.
    #[arg(long, value_name = "FILE")]
    pub relations: Option<PathBuf>,
    /// Labels, columns and metadata of tables of vectors (as for `view`).
    #[command(flatten)]
    pub table: super::load::TableArgs,
    /// The table's own layout: 2 or 3 numeric columns (`x,y` or `x,y,z`), recorded "as
    /// given" instead of PCA (as for `view`).
    #[arg(long, value_name = "X,Y[,Z]", value_parser = super::view::parse_coords_columns)]
    pub coords_columns: Option<super::view::CoordsColumns>,
    /// Language of labels and panels.
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,
    /// Your own assets folder (corpus/, fonts/, relations/, categories.tsv), read before the
    /// copies built into the binary; also EMBEDSCAPE_ASSETS.
    #[arg(long, value_name = "DIR")]
    pub assets: Option<PathBuf>,
    /// Keep the side panels and the timeline bar (default: a clean 3D view with labels).
    #[arg(long)]
    pub panels: bool,
    /// Write the snapshot, epoch and words trained so far into the top left corner of every
    /// frame, so the animation says how far training had come.
    #[arg(long)]
    pub caption: bool,
    /// Record through a saved view (`view`'s "Save view"): its camera, selection, lens or
    /// axes, projection, colouring and language; --from and --to still set the snapshots.
    #[arg(long, value_name = "FILE")]
    pub view: Option<PathBuf>,
    /// Training settings (with --corpus or the demo).
    #[command(flatten)]
    pub training: super::window_training::WindowTrainingArgs,
}

#[cfg(feature = "viewer")]
pub fn run(args: RenderArgs) -> anyhow::Result<()> {
    use embedscape::viewer::automation::recording::{OutputKind, RecordingSettings};
    use embedscape::viewer::{self, DataSource, ViewerOptions};
    viewer::options::check_assets_override(args.assets.as_deref()).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        args.fps > 0.0 && args.fps <= 50.0,
        "--fps {} is not between 0 and 50 (GIF delays are in hundredths of a second)",
        args.fps
    );
    anyhow::ensure!(
        (1..=10_000).contains(&args.frames),
        "--frames {} is not between 1 and 10000",
        args.frames
    );
    for (name, value) in [("--from", args.from), ("--to", args.to)] {
        if let Some(value) = value {
            anyhow::ensure!(value >= 0.0, "{name} {value} is negative");
        }
    }
    // Refuse a bad output before the window opens.
    OutputKind::from_path(&args.output)?;
    let source = match (&args.timeline, &args.corpus, args.vectors.as_slice()) {
        (Some(path), _, _) => DataSource::Timeline(path.clone()),
        (_, Some(path), _) => DataSource::Corpus(path.clone()),
        (_, _, [path]) => DataSource::Vectors(path.clone()),
        (_, _, [_, _, ..]) => DataSource::VectorSeries(args.vectors.clone()),
        _ => DataSource::Demo,
    };
    for path in [
        &args.timeline,
        &args.corpus,
        &args.relations,
        &args.table.metadata,
    ]
    .into_iter()
    .flatten()
    .chain(&args.vectors)
    {
        anyhow::ensure!(path.exists(), "{} does not exist", path.display());
    }
    let train = args.training.apply_to(if source == DataSource::Demo {
        viewer::demo::demo_config()
    } else {
        embedscape::train::TrainConfig::default()
    })?;
    let (categories, load) = super::view::table_options(&args.table, &args.vectors)?;
    let coords_columns =
        super::view::check_coords_columns(args.coords_columns.as_ref(), &args.vectors)?;
    let (window_width, window_height) = args.size;
    viewer::run(ViewerOptions {
        source,
        relations: args.relations,
        metadata: categories,
        load,
        coords_columns,
        lang: args.lang.map(LangArg::to_lang),
        train,
        window_width,
        window_height,
        hide_panels: !args.panels,
        view: args.view,
        recording: Some(RecordingSettings {
            output: args.output.clone(),
            frame_count: args.frames,
            frames_per_sec: args.fps,
            from_snapshot: args.from,
            to_snapshot: args.to,
            orbit: args.orbit,
            quit_when_done: true,
            caption: args.caption,
        }),
        ..ViewerOptions::default()
    })?;
    Ok(())
}

#[cfg(not(feature = "viewer"))]
pub fn run(_args: RenderArgs) -> anyhow::Result<()> {
    anyhow::bail!(
        "this embedscape was built without the viewer (the `viewer` cargo feature); \
         rebuild with default features to render animations"
    )
}
