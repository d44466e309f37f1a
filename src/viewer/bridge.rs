//! The training bridge: runs the trainer (or a file load) on a background thread and turns what
//! it reports into frames of the [`SpaceModel`]. The window never waits for training: each frame
//! drains whatever events arrived and moves on.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;

use super::model::{FrameMeta, SpaceModel, UserError};
use super::options::{DataSource, ViewerOptions, assets_dir};
use crate::train::{self, CorpusSource, Init, TrainConfig, TrainControl, TrainEvent};

/// What the user asks of training.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum TrainCommand {
    /// Start (or restart) training with these parameters.
    Start(Box<TrainConfig>),
    Pause,
    Resume,
    /// Run to the next snapshot, then pause.
    Step,
    Cancel,
    /// Open a file: corpus to train on, vectors, timeline.
    Open(DataSource),
    /// Use these vectors (or random init when `None`) for the next start.
    SetPretrained(Option<PathBuf>),
    /// Load a relations TSV.
    OpenRelations(PathBuf),
    /// Load a metadata TSV (word, category).
    OpenMetadata(PathBuf),
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
    pub state: RunState,
    pub progress: Option<train::Progress>,
    /// (words processed, windowed loss) for the loss curve.
    pub loss_history: Vec<[f64; 2]>,
    pub total_words: u64,
    pub vocab_size: usize,
    /// The final embeddings of the run (all words), once finished or cancelled.
    pub result: Option<Arc<crate::embeddings::Embeddings>>,
    control: Option<TrainControl>,
    events: Option<Mutex<Receiver<BridgeEvent>>>,
}

enum BridgeEvent {
    Train(TrainEvent),
    Vectors(Result<crate::embeddings::Embeddings, String>),
    Timeline(Result<train::Timeline, String>),
}

impl TrainingRun {
    fn new(options: &ViewerOptions) -> Self {
        Self {
            source: options.source.clone(),
            config: options.train.clone(),
            pretrained: options.pretrained.clone(),
            state: RunState::Idle,
            progress: None,
            loss_history: Vec::new(),
            total_words: 0,
            vocab_size: 0,
            result: None,
            control: None,
            events: None,
        }
    }

    pub fn is_training(&self) -> bool {
        matches!(self.state, RunState::Running | RunState::Paused)
    }
}

/// The demo's training parameters: small vectors and several epochs, so the map forms in
/// about a minute on two cores. The demo corpus is pre-tokenised (Chinese already segmented).
pub fn demo_config() -> TrainConfig {
    TrainConfig {
        dim: 50,
        epochs: 8,
        min_count: 5,
        pre_tokenized: true,
        seed: 1,
        ..TrainConfig::default()
    }
}

pub fn demo_corpus() -> PathBuf {
    assets_dir().join("corpus").join("demo.txt")
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
        if options.source == DataSource::Demo {
            options.relations = options
                .relations
                .or_else(|| Some(assets_dir().join("relations.tsv")));
            options.metadata = options
                .metadata
                .or_else(|| Some(assets_dir().join("categories.tsv")));
        }
        let run = TrainingRun::new(&options);
        let mut startup = Vec::new();
        if let Some(path) = options.relations.clone() {
            startup.push(TrainCommand::OpenRelations(path));
        }
        if let Some(path) = options.metadata.clone() {
            startup.push(TrainCommand::OpenMetadata(path));
        }
        if options.autostart {
            startup.push(TrainCommand::Open(options.source.clone()));
        }
        app.insert_resource(run)
            .insert_resource(StartupCommands(startup))
            .add_message::<TrainCommand>()
            .add_systems(Startup, send_startup_commands)
            .add_systems(
                Update,
                (apply_train_commands, poll_training)
                    .chain()
                    .in_set(super::ViewerSet::Ingest),
            );
    }
}

#[derive(Resource)]
struct StartupCommands(Vec<TrainCommand>);

fn send_startup_commands(
    mut startup: ResMut<StartupCommands>,
    mut commands: MessageWriter<TrainCommand>,
) {
    for command in startup.0.drain(..) {
        commands.write(command);
    }
}

fn apply_train_commands(
    mut commands: MessageReader<TrainCommand>,
    mut run: ResMut<TrainingRun>,
    mut model: ResMut<SpaceModel>,
    mut errors: MessageWriter<UserError>,
) {
    for command in commands.read() {
        let result = match command {
            TrainCommand::Start(config) => {
                run.config = (**config).clone();
                let source = run.source.clone();
                start_source(&mut run, &source)
            }
            TrainCommand::Open(source) => {
                if *source == DataSource::Demo {
                    run.config = demo_config_with(&run.config);
                }
                run.source = source.clone();
                start_source(&mut run, source)
            }
            TrainCommand::Pause => {
                if let Some(control) = &run.control {
                    control.pause();
                    run.state = RunState::Paused;
                }
                Ok(())
            }
            TrainCommand::Resume => {
                if let Some(control) = &run.control {
                    control.resume();
                    run.state = RunState::Running;
                }
                Ok(())
            }
            TrainCommand::Step => {
                if let Some(control) = &run.control {
                    control.step();
                    run.state = RunState::Running;
                }
                Ok(())
            }
            TrainCommand::Cancel => {
                if let Some(control) = &run.control {
                    control.cancel();
                }
                Ok(())
            }
            TrainCommand::SetPretrained(path) => {
                run.pretrained = path.clone();
                Ok(())
            }
            TrainCommand::OpenRelations(path) => load_relations(path, &mut model),
            TrainCommand::OpenMetadata(path) => load_metadata(path, &mut model),
        };
        if let Err(message) = result {
            errors.write(UserError(message));
        }
    }
}

/// The demo keeps its tuned corpus settings whatever the panel's defaults say.
fn demo_config_with(current: &TrainConfig) -> TrainConfig {
    if *current == TrainConfig::default() {
        demo_config()
    } else {
        TrainConfig {
            pre_tokenized: true,
            ..current.clone()
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
    let (sender, receiver) = mpsc::channel();
    run.events = Some(Mutex::new(receiver));
    run.state = RunState::Loading;
    match source {
        DataSource::Demo | DataSource::Corpus(_) | DataSource::Text(_) => {
            let corpus = match source {
                DataSource::Corpus(path) => CorpusSource::File(path.clone()),
                DataSource::Text(text) => CorpusSource::Text(text.clone()),
                _ => CorpusSource::File(demo_corpus()),
            };
            // Validate now so a bad parameter is reported at once; everything slow (loading
            // pretrained vectors, reading the corpus) happens off the frame loop.
            run.config
                .validate()
                .map_err(|e| format!("cannot start training: {e}"))?;
            let control = TrainControl::new();
            run.control = Some(control.clone());
            let config = run.config.clone();
            let pretrained = run.pretrained.clone();
            std::thread::spawn(move || {
                let forward = |event| sender.send(BridgeEvent::Train(event)).is_ok();
                let init = match pretrained.as_deref().map(load_vectors) {
                    Some(Ok(vectors)) => Init::Pretrained(vectors),
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
            std::thread::spawn(move || {
                let _ = sender.send(BridgeEvent::Vectors(load_vectors(&path)));
            });
        }
        DataSource::Timeline(path) => {
            let path = path.clone();
            std::thread::spawn(move || {
                let loaded = train::Timeline::load(&path).map_err(|e| e.to_string());
                let _ = sender.send(BridgeEvent::Timeline(loaded));
            });
        }
    }
    Ok(())
}

fn load_vectors(path: &Path) -> Result<crate::embeddings::Embeddings, String> {
    let options = crate::embeddings::formats::LoadOptions::default();
    crate::embeddings::formats::load(path, &options)
        .map(|loaded| loaded.embeddings)
        .map_err(|e| e.to_string())
}

fn load_relations(path: &Path, model: &mut SpaceModel) -> Result<(), String> {
    model.relations = crate::space::read_relations_tsv(path).map_err(|e| e.to_string())?;
    model.rescore_relations().map_err(|e| e.to_string())
}

fn load_metadata(path: &Path, model: &mut SpaceModel) -> Result<(), String> {
    model.set_categories(read_categories_tsv(path)?);
    Ok(())
}

/// Reads `word<TAB>category` lines; a first line `word<TAB>category` is a header.
pub fn read_categories_tsv(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read metadata {}: {e}", path.display()))?;
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') || (number == 0 && line.starts_with("word\t")) {
            continue;
        }
        let mut fields = line.split('\t');
        match (fields.next(), fields.next()) {
            (Some(word), Some(category)) if !word.is_empty() => {
                pairs.push((word.to_owned(), category.to_owned()));
            }
            _ => {
                return Err(format!(
                    "{}:{}: expected `word<TAB>category`, found {line:?}",
                    path.display(),
                    number + 1
                ));
            }
        }
    }
    Ok(pairs)
}

fn poll_training(
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
            let embeddings = loaded?;
            model.reset(embeddings.words().to_vec());
            let vectors = Arc::new(embeddings.matrix().clone());
            run.vocab_size = embeddings.len();
            run.result = Some(Arc::new(embeddings));
            run.state = RunState::Finished;
            model
                .push_frame(FrameMeta::default(), vectors)
                .map_err(|e| e.to_string())
        }
        BridgeEvent::Timeline(loaded) => {
            let timeline = loaded?;
            model.reset(timeline.words.clone());
            run.state = RunState::Finished;
            for snapshot in timeline.snapshots {
                model
                    .push_frame(meta_of(&snapshot), Arc::new(snapshot.vectors))
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        }
    }
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
            let words = snapshot_rows
                .iter()
                .filter_map(|&row| vocab.word(row).map(str::to_owned))
                .collect();
            model.reset(words);
            run.total_words = total_words;
            run.vocab_size = vocab.len();
            if run.state == RunState::Loading {
                run.state = RunState::Running;
            }
        }
        TrainEvent::Progress(progress) => {
            if let Some(loss) = progress.loss_window {
                run.loss_history
                    .push([progress.words_processed as f64, f64::from(loss)]);
            }
            run.progress = Some(progress);
        }
        TrainEvent::Snapshot(snapshot) => {
            model
                .push_frame(meta_of(&snapshot), Arc::new(snapshot.vectors.clone()))
                .map_err(|e| e.to_string())?;
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

fn meta_of(snapshot: &train::Snapshot) -> FrameMeta {
    FrameMeta {
        index: snapshot.index,
        epoch: snapshot.epoch,
        words_processed: snapshot.words_processed,
        learning_rate: snapshot.learning_rate,
        loss: snapshot.loss,
    }
}
