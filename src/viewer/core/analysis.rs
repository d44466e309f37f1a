//! Snapshot analysis off the frame loop: one worker thread runs [`space::FrameAnalyzer`] on
//! every snapshot the model receives (projection, alignment, clustering, relation scores, the
//! neighbour index) and sends frames back; each frame the app only drains what is ready.
//!
//! A change of settings or relations bumps the model's generation: the worker starts over
//! from the first snapshot with a fresh analyzer and results of older generations are dropped,
//! while the old frames stay on screen until replaced.
//!
//! UMAP takes seconds per frame, so each generation has a cancel flag: a new generation (new
//! settings, a new space) sets the old one's, the running layout stops at its next check and
//! the worker moves on to the new work. UMAP's progress (neighbours, then epochs) goes to the
//! status line.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use bevy::prelude::*;
use ndarray::Array2;

use crate::space;
use crate::viewer::core::model::{Frame, FrameMeta, ModelSettings, SpaceModel, UserError};

/// Snapshots of at least this many words are drawn as soon as they are projected (clusters,
/// scores and the index take seconds there); smaller ones arrive complete in a blink.
const PREVIEW_MIN_ROWS: usize = 20_000;

/// What the worker is asked to do.
enum Job {
    /// Forget the previous analyzer: a new space, new settings or new relations.
    Restart {
        generation: u64,
        settings: ModelSettings,
        word_rows: Arc<std::collections::HashMap<String, usize>>,
        relations: Arc<Vec<space::RelationPair>>,
        /// The table's own layout, for the method "as given".
        given: Option<Arc<Array2<f32>>>,
        /// Set when this generation is superseded.
        cancel: Arc<AtomicBool>,
    },
    /// Analyse the snapshot at `position`, after all earlier ones.
    Analyse {
        generation: u64,
        position: usize,
        total: usize,
        meta: FrameMeta,
        vectors: Arc<Array2<f32>>,
    },
    /// Analyse every snapshot with one basis (fixed projection).
    AnalyseAll {
        generation: u64,
        snapshots: Vec<(FrameMeta, Arc<Array2<f32>>)>,
    },
}

/// What the worker reports.
enum Outcome {
    Started {
        generation: u64,
        position: usize,
        total: usize,
    },
    /// UMAP's progress on the snapshot at `position`.
    Progress {
        generation: u64,
        position: usize,
        total: usize,
        progress: space::UmapProgress,
    },
    /// The snapshot's projection alone, drawn until its complete frame arrives.
    Preview {
        generation: u64,
        position: usize,
        frame: Box<Frame>,
    },
    Frame {
        generation: u64,
        position: usize,
        frame: Box<Frame>,
    },
    Failed {
        generation: u64,
        message: String,
    },
}

/// What is being prepared, for the status line.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct AnalysisStatus {
    /// (snapshot position, snapshots known) being analysed now.
    pub analysing: Option<(usize, usize)>,
    /// Where UMAP stands on that snapshot, when the frames are UMAP's.
    pub umap: Option<space::UmapProgress>,
}

impl AnalysisStatus {
    /// "analysing snapshot 12 of 50", "UMAP of snapshot 3 of 12: epoch 120 of 200", or `None`
    /// when idle.
    pub fn line(&self) -> Option<String> {
        let (at, total) = self.analysing?;
        let at = at + 1;
        Some(match self.umap {
            Some(p) if p.stage == space::UmapStage::Layout => {
                format!(
                    "UMAP of snapshot {at} of {total}: epoch {} of {}",
                    p.done, p.total
                )
            }
            Some(p) => format!(
                "UMAP of snapshot {at} of {total}: neighbours of {} of {} words",
                p.done, p.total
            ),
            None => format!("analysing snapshot {at} of {total}"),
        })
    }
}

#[derive(Resource)]
struct Worker {
    jobs: Sender<Job>,
    outcomes: Mutex<Receiver<Outcome>>,
    /// Generation the worker was last restarted for, and how many snapshots it was sent.
    sent_generation: u64,
    sent: usize,
    /// The cancel flag of the generation last sent.
    cancel: Arc<AtomicBool>,
}

/// Runs the analysis worker and moves its frames into the model.
pub struct AnalysisPlugin;

impl Plugin for AnalysisPlugin {
    fn build(&self, app: &mut App) {
        let (jobs, job_receiver) = mpsc::channel();
        let (outcome_sender, outcomes) = mpsc::channel();
        std::thread::Builder::new()
            .name("embedscape-analysis".into())
            .spawn(move || run_worker(job_receiver, outcome_sender))
            .map(|_| ())
            .unwrap_or_else(|e| error!("cannot start the analysis thread: {e}"));
        app.insert_resource(Worker {
            jobs,
            outcomes: Mutex::new(outcomes),
            sent_generation: 0,
            sent: 0,
            cancel: Arc::default(),
        })
        .init_resource::<AnalysisStatus>()
        .add_systems(
            Update,
            (send_jobs, receive_frames)
                .chain()
                .in_set(crate::viewer::sets::IngestSet::Analysis),
        );
    }
}

fn send_jobs(model: Res<SpaceModel>, mut worker: ResMut<Worker>) {
    // Read-only checks first, so an idle frame does not mark the worker as changed.
    let restart = worker.sent_generation != model.generation;
    if !restart && worker.sent >= model.snapshots.len() {
        return;
    }
    let worker = &mut *worker;
    if restart && model.analysed_generation == model.generation {
        // A complete model swapped back in: nothing to compute.
        worker.sent_generation = model.generation;
        worker.sent = model.snapshots.len();
        return;
    }
    if restart {
        worker.sent_generation = model.generation;
        worker.sent = 0;
        // Stop the superseded generation's running layout, if any.
        worker.cancel.store(true, Ordering::Relaxed);
        worker.cancel = Arc::new(AtomicBool::new(false));
        let _ = worker.jobs.send(Job::Restart {
            generation: model.generation,
            settings: model.settings.clone(),
            word_rows: model.word_rows.clone(),
            relations: model.relations.clone(),
            given: model.given_coords_3d(),
            cancel: worker.cancel.clone(),
        });
        // A fixed basis is fitted on the latest snapshot: analyse what is there in one go.
        // (UMAP ignores the PCA mode and goes frame by frame, cancellable.)
        if model.settings.mode == space::ProjectionMode::Fixed
            && model.settings.method == space::ProjectionMethod::Pca
            && model.snapshots.len() > 1
        {
            let _ = worker.jobs.send(Job::AnalyseAll {
                generation: model.generation,
                snapshots: model.snapshots.clone(),
            });
            worker.sent = model.snapshots.len();
            return;
        }
    }
    let total = model.snapshots.len();
    for (position, (meta, vectors)) in model.snapshots.iter().enumerate().skip(worker.sent) {
        let _ = worker.jobs.send(Job::Analyse {
            generation: model.generation,
            position,
            total,
            meta: meta.clone(),
            vectors: vectors.clone(),
        });
    }
    worker.sent = total;
}

fn receive_frames(
    worker: Res<Worker>,
    mut model: ResMut<SpaceModel>,
    mut status: ResMut<AnalysisStatus>,
    mut errors: MessageWriter<UserError>,
) {
    let Ok(outcomes) = worker.outcomes.lock() else {
        return;
    };
    let current = model.generation;
    let mut new_status = status.clone();
    loop {
        match outcomes.try_recv() {
            Ok(Outcome::Started {
                generation,
                position,
                total,
            }) if generation == current => {
                new_status = AnalysisStatus {
                    analysing: Some((position, total)),
                    umap: None,
                }
            }
            Ok(Outcome::Progress {
                generation,
                position,
                total,
                progress,
            }) if generation == current => {
                new_status = AnalysisStatus {
                    analysing: Some((position, total)),
                    umap: Some(progress),
                }
            }
            Ok(Outcome::Preview {
                generation,
                position,
                mut frame,
            }) if generation == current => {
                frame.generation = generation;
                model.place_preview(position, *frame);
            }
            Ok(Outcome::Frame {
                generation,
                position,
                mut frame,
            }) if generation == current => {
                frame.generation = generation;
                model.place_frame(position, *frame);
                if model.fully_analysed() {
                    new_status = AnalysisStatus::default();
                    model.analysed_generation = current;
                }
            }
            Ok(Outcome::Failed {
                generation,
                message,
            }) if generation == current => {
                new_status = AnalysisStatus::default();
                errors.write(UserError(format!("cannot analyse a snapshot: {message}")));
            }
            Ok(_) => {} // an older generation's result
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
        }
    }
    status.set_if_neq(new_status);
}

fn run_worker(jobs: Receiver<Job>, outcomes: Sender<Outcome>) {
    let mut analyzer: Option<(u64, space::FrameAnalyzer, Arc<AtomicBool>)> = None;
    let mut queue: std::collections::VecDeque<Job> = std::collections::VecDeque::new();
    loop {
        if queue.is_empty() {
            match jobs.recv() {
                Ok(job) => queue.push_back(job),
                Err(_) => return,
            }
        }
        // Take everything queued, so a restart can drop the stale work behind it.
        queue.extend(jobs.try_iter());
        if let Some(last_restart) = queue
            .iter()
            .rposition(|job| matches!(job, Job::Restart { .. }))
        {
            queue.drain(..last_restart);
        }
        let Some(job) = queue.pop_front() else {
            continue;
        };
        let sent = match job {
            Job::Restart {
                generation,
                settings,
                word_rows,
                relations,
                given,
                cancel,
            } => {
                analyzer = Some((
                    generation,
                    space::FrameAnalyzer::new(settings, word_rows, relations)
                        .with_given_coords(given),
                    cancel,
                ));
                true
            }
            Job::Analyse {
                generation,
                position,
                total,
                meta,
                vectors,
            } => match analyzer.as_mut() {
                Some((current, analyzer, cancel))
                    if *current == generation && !cancel.load(Ordering::Relaxed) =>
                {
                    let _ = outcomes.send(Outcome::Started {
                        generation,
                        position,
                        total,
                    });
                    let mut reporter = ProgressReporter::default();
                    let mut report = |progress: space::UmapProgress| {
                        if reporter.worth_sending(progress) {
                            let _ = outcomes.send(Outcome::Progress {
                                generation,
                                position,
                                total,
                                progress,
                            });
                        }
                    };
                    // A large space is drawn as soon as it is projected; the rest follows.
                    let mut preview = |preview: space::FramePreview| {
                        if vectors.nrows() >= PREVIEW_MIN_ROWS {
                            let _ = outcomes.send(Outcome::Preview {
                                generation,
                                position,
                                frame: Box::new(Frame::preview(
                                    meta.clone(),
                                    vectors.clone(),
                                    preview,
                                )),
                            });
                        }
                    };
                    let outcome = match analyse_guarded(
                        analyzer,
                        &vectors,
                        cancel,
                        &mut report,
                        &mut preview,
                    ) {
                        // Cancelled: a new generation is queued behind this job.
                        Ok(None) => None,
                        Ok(Some(analysis)) => Some(Outcome::Frame {
                            generation,
                            position,
                            frame: Box::new(Frame::new(meta, vectors, analysis)),
                        }),
                        Err(message) => Some(Outcome::Failed {
                            generation,
                            message,
                        }),
                    };
                    outcome.is_none_or(|outcome| outcomes.send(outcome).is_ok())
                }
                _ => true,
            },
            Job::AnalyseAll {
                generation,
                snapshots,
            } => match analyzer.as_mut() {
                Some((current, analyzer, _)) if *current == generation => {
                    let total = snapshots.len();
                    let _ = outcomes.send(Outcome::Started {
                        generation,
                        position: 0,
                        total,
                    });
                    let views: Vec<_> = snapshots.iter().map(|(_, v)| v.view()).collect();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        analyzer.analyze_all(&views)
                    }));
                    match flatten_panic(result) {
                        Ok(frames) => {
                            for (position, ((meta, vectors), analysis)) in
                                snapshots.into_iter().zip(frames).enumerate()
                            {
                                let _ = outcomes.send(Outcome::Frame {
                                    generation,
                                    position,
                                    frame: Box::new(Frame::new(meta, vectors, analysis)),
                                });
                            }
                            true
                        }
                        Err(message) => outcomes
                            .send(Outcome::Failed {
                                generation,
                                message,
                            })
                            .is_ok(),
                    }
                }
                _ => true,
            },
        };
        if !sent {
            return;
        }
    }
}

/// Sends UMAP's progress at most once per percent (and at every stage change): a report per
/// epoch or per block of rows would flood the channel for nothing the status line can show.
#[derive(Default)]
struct ProgressReporter {
    last: Option<(space::UmapStage, usize)>,
}

impl ProgressReporter {
    fn worth_sending(&mut self, progress: space::UmapProgress) -> bool {
        let percent = progress.done * 100 / progress.total.max(1);
        let now = Some((progress.stage, percent));
        let changed = now != self.last;
        self.last = now;
        changed
    }
}

/// A panic in a dependency (a solver) must not take the worker down: it becomes an error.
/// `Ok(None)`: cancelled.
fn analyse_guarded(
    analyzer: &mut space::FrameAnalyzer,
    vectors: &Array2<f32>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(space::UmapProgress),
    preview: &mut dyn FnMut(space::FramePreview),
) -> Result<Option<space::AnalyzedFrame>, String> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyzer.analyze_with_preview(vectors.view(), cancel, progress, preview)
    }));
    flatten_panic(result)
}

fn flatten_panic<T>(
    result: std::thread::Result<Result<T, space::SpaceError>>,
) -> Result<T, String> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the analysis panicked".to_owned())),
    }
}
