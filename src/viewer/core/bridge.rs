//! The training bridge: runs the trainer (or a file load) on a background thread and turns what
//! it reports into snapshots of the [`SpaceModel`]. The window never waits for training or
//! loading: each frame drains whatever events arrived and moves on.
//!
//! Two messages drive it: [`RunCommand`] controls the run (start, pause, resume, step, cancel,
//! the pretrained init), [`OpenCommand`] opens data (a corpus, vectors, a timeline, relations
//! or categories).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;

use crate::train::{self, CorpusSource, Init, TrainConfig, TrainControl, TrainEvent};
use crate::viewer::core::model::{FrameMeta, ModelRequest, SpaceModel, UserError};
use crate::viewer::demo;
use crate::viewer::options::{DataSource, ViewerOptions};

/// What the user asks of the training run.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum RunCommand {
    /// Start (or restart) training on the current source with these parameters.
    Start(Box<TrainConfig>),
    Pause,
    Resume,
    /// Run to the next snapshot, then pause.
    Step,
    Cancel,
    /// Use these vectors (or random init when `None`) for the next start.
    SetPretrained(Option<PathBuf>),
}

/// Data the user opens.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum OpenCommand {
    /// A corpus to train on, vectors to explore, a timeline to replay (or the demo).
    Data(DataSource),
    /// A relations TSV (`head<TAB>tail<TAB>relation`).
    Relations(PathBuf),
    /// A metadata TSV (`word<TAB>category`).
    Metadata(PathBuf),
    /// A metadata table (header row; TSV, CSV, Parquet, Arrow), joined on the words of every
    /// space shown from now on (a training run's, a timeline's, a vectors file's).
    MetadataTable(PathBuf),
    /// The demo's categories compiled into the binary (no assets folder at hand).
    BundledCategories,
}

/// Where the current run stands, for the training panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum RunState {
    #[default]
    Idle,
    Loading,
    Running,
    Paused,
    Finished,
    Cancelled,
    Failed,
}

/// The current run: its control handle, its parameters, its live figures.
#[derive(Resource)]
pub struct TrainingRun {
    pub source: DataSource,
    pub config: TrainConfig,
    pub pretrained: Option<PathBuf>,
    /// How vectors files are read (labels, columns, their metadata table).
    pub load: crate::embeddings::formats::LoadOptions,
    /// Columns holding a table's own layout (`--coords-columns`; `None`: `x`, `y`, `z`).
    pub coords_columns: Option<Vec<String>>,
    pub state: RunState,
    pub progress: Option<train::Progress>,
    /// (words processed, windowed loss) for the loss curve.
    pub loss_history: Vec<[f64; 2]>,
    pub total_words: u64,
    pub vocab_size: usize,
    /// The final embeddings of the run (all words), once finished or cancelled.
    pub result: Option<Arc<crate::embeddings::Embeddings>>,
    /// How many runs or loads this session has started: tells a run that has just finished
    /// from one a caller asked for but that has not started yet.
    pub runs_started: u64,
    control: Option<TrainControl>,
    events: Option<Mutex<Receiver<BridgeEvent>>>,
}

enum BridgeEvent {
    Train(TrainEvent),
    Vectors(Result<crate::embeddings::formats::Loaded, String>),
    Timeline(Result<train::Timeline, String>),
    /// The pretrained vectors have another dimension than the run asked for: the run trains
    /// at theirs (an init can only copy rows of its own width), and later runs of this session
    /// too, so a random-versus-pretrained race compares like with like.
    AdoptedDim(usize),
}

impl TrainingRun {
    /// Whether this session trains (the demo or a corpus), as opposed to showing vectors or a
    /// timeline someone else made; a run started later from the panel counts too.
    pub fn trains(&self) -> bool {
        matches!(
            self.source,
            DataSource::Demo | DataSource::Corpus(_) | DataSource::Text(_)
        ) || self.progress.is_some()
    }

    /// The name of the file on screen (`glove.6B.50d.txt`), for sources that are files.
    pub fn file_name(&self) -> Option<String> {
        let path = match &self.source {
            DataSource::Corpus(p) | DataSource::Vectors(p) | DataSource::Timeline(p) => p,
            DataSource::VectorSeries(paths) => paths.last()?,
            DataSource::Demo | DataSource::Text(_) => return None,
        };
        Some(path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ))
    }

    fn new(options: &ViewerOptions) -> Self {
        Self {
            source: options.source.clone(),
            config: options.train.clone(),
            pretrained: options.pretrained.clone(),
            load: options.load.clone(),
            coords_columns: options.coords_columns.clone(),
            state: RunState::Idle,
            progress: None,
            loss_history: Vec::new(),
            total_words: 0,
            vocab_size: 0,
            result: None,
            runs_started: 0,
            control: None,
            events: None,
        }
    }

    pub fn is_training(&self) -> bool {
        matches!(self.state, RunState::Running | RunState::Paused)
    }
}

/// Owns [`TrainingRun`]; starts the run the options ask for.
pub struct TrainingBridgePlugin {
    options: ViewerOptions,
}

impl TrainingBridgePlugin {
    pub fn new(options: ViewerOptions) -> Self {
        Self { options }
    }
}

impl Plugin for TrainingBridgePlugin {
    fn build(&self, app: &mut App) {
        let mut options = self.options.clone();
        let mut bundled_categories = false;
        if options.source == DataSource::Demo {
            options.relations = options.relations.or_else(demo::demo_relations);
            if options.metadata.is_none() {
                options.metadata = demo::demo_categories();
                bundled_categories = options.metadata.is_none();
            }
        }
        let run = TrainingRun::new(&options);
        let mut startup = Vec::new();
        if let Some(path) = options.relations.clone() {
            startup.push(OpenCommand::Relations(path));
        }
        if let Some(path) = options.metadata.clone() {
            startup.push(OpenCommand::Metadata(path));
        }
        if bundled_categories {
            startup.push(OpenCommand::BundledCategories);
        }
        // A vectors file's loader joins its metadata itself; other spaces join it on words.
        if !matches!(options.source, DataSource::Vectors(_))
            && let Some(path) = options.load.metadata.clone()
        {
            startup.push(OpenCommand::MetadataTable(path));
        }
        if options.autostart {
            startup.push(OpenCommand::Data(options.source.clone()));
        }
        app.insert_resource(run)
            .insert_resource(StartupCommands(startup))
            .add_message::<RunCommand>()
            .add_message::<OpenCommand>()
            .add_systems(Startup, send_startup_commands)
            .add_systems(
                Update,
                (apply_run_commands, apply_open_commands, poll_training)
                    .chain()
                    .in_set(crate::viewer::sets::IngestSet::Bridge),
            );
    }
}

#[derive(Resource)]
struct StartupCommands(Vec<OpenCommand>);

fn send_startup_commands(
    mut startup: ResMut<StartupCommands>,
    mut commands: MessageWriter<OpenCommand>,
) {
    for command in startup.0.drain(..) {
        commands.write(command);
    }
}

fn apply_run_commands(
    mut commands: MessageReader<RunCommand>,
    mut run: ResMut<TrainingRun>,
    mut errors: MessageWriter<UserError>,
) {
    for command in commands.read() {
        let result = match command {
            RunCommand::Start(config) => {
                run.config = (**config).clone();
                let source = run.source.clone();
                start_source(&mut run, &source)
            }
            RunCommand::Pause => {
                if let Some(control) = &run.control {
                    control.pause();
                    run.state = RunState::Paused;
                }
                Ok(())
            }
            RunCommand::Resume => {
                if let Some(control) = &run.control {
                    control.resume();
                    run.state = RunState::Running;
                }
                Ok(())
            }
            RunCommand::Step => {
                if let Some(control) = &run.control {
                    control.step();
                    run.state = RunState::Running;
                }
                Ok(())
            }
            RunCommand::Cancel => {
                if let Some(control) = &run.control {
                    control.cancel();
                }
                Ok(())
            }
            RunCommand::SetPretrained(path) => {
                run.pretrained = path.clone();
                Ok(())
            }
        };
        if let Err(message) = result {
            errors.write(UserError(message));
        }
    }
}

fn apply_open_commands(
    mut commands: MessageReader<OpenCommand>,
    mut run: ResMut<TrainingRun>,
    mut requests: MessageWriter<ModelRequest>,
    mut errors: MessageWriter<UserError>,
) {
    for command in commands.read() {
        let result = match command {
            OpenCommand::Data(source) => {
                if *source == DataSource::Demo {
                    run.config = demo::demo_config_with(&run.config);
                }
                run.source = source.clone();
                start_source(&mut run, source)
            }
            // Read once now so a bad file is reported at once, with its line.
            OpenCommand::Relations(path) => crate::space::read_user_relations(path)
                .map(|_| {
                    requests.write(ModelRequest::AddRelationFile(path.clone()));
                })
                .map_err(|e| e.to_string()),
            OpenCommand::Metadata(path) => crate::space::read_categories_tsv(path)
                .map(|pairs| {
                    requests.write(ModelRequest::SetCategories(pairs));
                })
                .map_err(|e| e.to_string()),
            OpenCommand::MetadataTable(path) => {
                crate::embeddings::formats::read_metadata_table(path, &run.load)
                    .map(|table| {
                        requests.write(ModelRequest::SetMetadataTable(Some(Arc::new(table))));
                    })
                    .map_err(|e| e.to_string())
            }
            OpenCommand::BundledCategories => crate::space::parse_categories(
                demo::BUNDLED_CATEGORIES,
                std::path::Path::new("categories.tsv"),
            )
            .map(|pairs| {
                requests.write(ModelRequest::SetCategories(pairs));
            })
            .map_err(|e| e.to_string()),
        };
        if let Err(message) = result {
            errors.write(UserError(message));
        }
    }
}

fn start_source(run: &mut TrainingRun, source: &DataSource) -> Result<(), String> {
    if let Some(control) = run.control.take() {
        control.cancel();
    }
    run.progress = None;
    run.loss_history.clear();
    run.result = None;
    run.runs_started += 1;
    let (sender, receiver) = mpsc::channel();
    run.events = Some(Mutex::new(receiver));
    run.state = RunState::Loading;
    match source {
        DataSource::Demo | DataSource::Corpus(_) | DataSource::Text(_) => {
            let corpus = match source {
                DataSource::Corpus(path) => CorpusSource::File(path.clone()),
                DataSource::Text(text) => CorpusSource::Text(text.clone()),
                _ => demo::demo_corpus(),
            };
            // Validate now so a bad parameter is reported at once; everything slow (loading
            // pretrained vectors, reading the corpus) happens off the frame loop.
            run.config
                .validate()
                .map_err(|e| format!("cannot start training: {e}"))?;
            let control = TrainControl::new();
            run.control = Some(control.clone());
            let mut config = run.config.clone();
            let pretrained = run.pretrained.clone();
            std::thread::spawn(move || {
                let forward = |event| sender.send(BridgeEvent::Train(event)).is_ok();
                let init = match pretrained.as_deref().map(|path| {
                    load_table(path, &crate::embeddings::formats::LoadOptions::default())
                        .map(|loaded| loaded.embeddings)
                }) {
                    Some(Ok(vectors)) => {
                        if vectors.dim() != config.dim {
                            config.dim = vectors.dim();
                            let _ = sender.send(BridgeEvent::AdoptedDim(config.dim));
                        }
                        Init::Pretrained(vectors)
                    }
                    Some(Err(message)) => {
                        forward(TrainEvent::Failed(message));
                        return;
                    }
                    None => Init::Random,
                };
                match train::spawn_with_control(corpus, config, init, control) {
                    Ok(handle) => {
                        for event in handle.events {
                            if !forward(event) {
                                break;
                            }
                        }
                    }
                    Err(e) => {
                        forward(TrainEvent::Failed(format!("cannot start training: {e}")));
                    }
                }
            });
        }
        DataSource::Vectors(path) => {
            let path = path.clone();
            let options = run.load.clone();
            std::thread::spawn(move || {
                let _ = sender.send(BridgeEvent::Vectors(load_table(&path, &options)));
            });
        }
        DataSource::Timeline(path) => {
            let path = path.clone();
            std::thread::spawn(move || {
                let loaded = train::Timeline::load(&path).map_err(|e| e.to_string());
                let _ = sender.send(BridgeEvent::Timeline(loaded));
            });
        }
        DataSource::VectorSeries(paths) => {
            // Checkpoints of another trainer, played like a run of our own.
            let paths = paths.clone();
            std::thread::spawn(move || {
                let options = train::CheckpointOptions::default();
                let loaded = train::timeline_from_checkpoints(&paths, &options)
                    .map(|built| {
                        for warning in &built.warnings {
                            warn!("{warning}");
                        }
                        built.timeline
                    })
                    .map_err(|e| e.to_string());
                let _ = sender.send(BridgeEvent::Timeline(loaded));
            });
        }
    }
    Ok(())
}

/// Loads a vectors file with its labels and metadata; warnings go to the log.
fn load_table(
    path: &Path,
    options: &crate::embeddings::formats::LoadOptions,
) -> Result<crate::embeddings::formats::Loaded, String> {
    let loaded = crate::embeddings::formats::load(path, options).map_err(|e| e.to_string())?;
    for warning in &loaded.warnings {
        warn!("{warning}");
    }
    Ok(loaded)
}

pub fn poll_training(
    mut run: ResMut<TrainingRun>,
    mut model: ResMut<SpaceModel>,
    mut errors: MessageWriter<UserError>,
) {
    let mut received = Vec::new();
    if let Some(events) = &run.events {
        let Ok(events) = events.lock() else {
            return;
        };
        // Bounded so one frame never spends long ingesting a burst of snapshots.
        for _ in 0..64 {
            match events.try_recv() {
                Ok(event) => received.push(event),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
    }
    for event in received {
        if let Err(message) = ingest(event, &mut run, &mut model) {
            errors.write(UserError(message));
        }
    }
}

fn ingest(event: BridgeEvent, run: &mut TrainingRun, model: &mut SpaceModel) -> Result<(), String> {
    match event {
        BridgeEvent::Train(event) => ingest_train_event(event, run, model),
        BridgeEvent::Vectors(loaded) => {
            // One copy of the matrix: the frame's. Exports rebuild vectors from the frame.
            let loaded = loaded?;
            let (vocab, matrix) = loaded.embeddings.into_parts();
            run.vocab_size = vocab.len();
            let relations = reset_space(model, vocab.words().to_vec());
            let given = model.set_row_metadata(loaded.metadata, run.coords_columns.as_deref());
            run.result = None;
            run.state = RunState::Finished;
            model.submit(FrameMeta::default(), Arc::new(matrix));
            relations.and(given)
        }
        BridgeEvent::AdoptedDim(dim) => {
            info!(
                "the pretrained vectors have {dim} dimensions: training at {dim} instead of {}",
                run.config.dim
            );
            run.config.dim = dim;
            Ok(())
        }
        BridgeEvent::Timeline(loaded) => {
            let timeline = loaded?;
            let relations = reset_space(model, timeline.words.clone());
            run.state = RunState::Finished;
            for snapshot in timeline.snapshots {
                let (meta, vectors) = snapshot.into_parts();
                model.submit(meta, Arc::new(vectors));
            }
            relations
        }
    }
}

/// A new space: its words, and the relation sets found among them. A relation problem is
/// reported after the space is in place, so the data is shown either way.
fn reset_space(model: &mut SpaceModel, words: Vec<String>) -> Result<(), String> {
    model.reset(words);
    model
        .rematch_relations()
        .map_err(|e| format!("cannot load relation sets: {e}"))
}

fn ingest_train_event(
    event: TrainEvent,
    run: &mut TrainingRun,
    model: &mut SpaceModel,
) -> Result<(), String> {
    match event {
        TrainEvent::Started {
            vocab,
            snapshot_rows,
            total_words,
        } => {
            let relations = reset_space(model, train::snapshot_words(&vocab, &snapshot_rows));
            run.total_words = total_words;
            run.vocab_size = vocab.len();
            if run.state == RunState::Loading {
                run.state = RunState::Running;
            }
            relations?;
        }
        TrainEvent::Progress(progress) => {
            if let Some(loss) = progress.loss_window {
                run.loss_history
                    .push([progress.words_processed as f64, f64::from(loss)]);
            }
            run.progress = Some(progress);
        }
        TrainEvent::Snapshot(snapshot) => {
            // The trainer keeps no other reference once the snapshot is sent.
            let (meta, vectors) = Arc::try_unwrap(snapshot)
                .unwrap_or_else(|shared| (*shared).clone())
                .into_parts();
            model.submit(meta, Arc::new(vectors));
        }
        TrainEvent::EpochFinished { .. } => {}
        TrainEvent::Finished {
            embeddings,
            cancelled,
        } => {
            run.result = Some(embeddings);
            run.state = if cancelled {
                RunState::Cancelled
            } else {
                RunState::Finished
            };
            run.control = None;
        }
        TrainEvent::Failed(message) => {
            run.state = RunState::Failed;
            run.control = None;
            return Err(format!("training failed: {message}"));
        }
    }
    Ok(())
}
