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
//! the worker moves on to the new work. UMAP's progress (sample, neighbours, then epochs) goes
//! to the status line.
//!
//! UMAP is drawn while it refines: the worker hands over its layouts on the way (a large
//! space's coarse layout within seconds, then one at most every [`LAYOUT_INTERVAL`]) through a
//! one-place [`LayoutSlot`], not the channel: a newer layout overwrites an unread one in the
//! same buffer, and the frame loop hands the coordinates it replaced back as the next buffer,
//! so at most one layout waits and a 400,000-word run allocates no new ones. The frame loop
//! only `try_lock`s the slot: it never waits for the worker.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use ndarray::Array2;

use crate::space;
use crate::viewer::core::model::{Frame, FrameMeta, ModelSettings, SpaceModel, UserError};

/// Snapshots of at least this many words are drawn as soon as they are projected (clusters,
/// scores and the index take seconds there); smaller ones arrive complete in a blink.
const PREVIEW_MIN_ROWS: usize = 20_000;

/// Least time between two UMAP layouts on the way (the coarse start is sent at once): each
/// one re-uploads every point, and a layout a second reads as motion.
const LAYOUT_INTERVAL: Duration = Duration::from_secs(1);

/// The newest UMAP layout on the way, waiting for the frame loop (see the module docs).
#[derive(Default)]
struct LayoutSlot {
    pending: Option<PendingLayout>,
    /// A buffer to fill next: the coordinates a placed layout replaced.
    spare: Option<Array2<f32>>,
}

struct PendingLayout {
    generation: u64,
    position: usize,
    meta: FrameMeta,
    /// Settled like a finished frame's (centred, unit RMS radius).
    coords_3d: Array2<f32>,
    bounds: ([f32; 3], f32),
    /// Where the run was (for the log).
    progress: space::UmapProgress,
}

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
            Some(p) if p.stage == space::UmapStage::Sample => format!(
                "UMAP of snapshot {at} of {total}: first layout of a sample, epoch {} of {}",
                p.done, p.total
            ),
            Some(p) if p.stage == space::UmapStage::Layout => {
                format!(
                    "UMAP of snapshot {at} of {total}: epoch {} of {}",
                    p.done, p.total
                )
            }
            Some(p) => format!(
                "UMAP of snapshot {at} of {total}: neighbour graph, {} of {}",
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
    layouts: Arc<Mutex<LayoutSlot>>,
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
        let layouts = Arc::new(Mutex::new(LayoutSlot::default()));
        let worker_layouts = layouts.clone();
        std::thread::Builder::new()
            .name("embedscape-analysis".into())
            .spawn(move || run_worker(job_receiver, outcome_sender, &worker_layouts))
            .map(|_| ())
            .unwrap_or_else(|e| error!("cannot start the analysis thread: {e}"));
        app.insert_resource(Worker {
            jobs,
            outcomes: Mutex::new(outcomes),
            layouts,
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
    // The newest layout on the way first: a complete frame sent after it must land after it.
    receive_layout(&worker.layouts, &mut model);
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

/// Places the waiting UMAP layout, if any, and hands back the buffer it replaced. Skips the
/// frame when the worker holds the slot (it is copying a layout in).
fn receive_layout(slot: &Mutex<LayoutSlot>, model: &mut ResMut<SpaceModel>) {
    let pending = match slot.try_lock() {
        Ok(mut slot) => slot.pending.take(),
        Err(_) => None,
    };
    let Some(layout) = pending else {
        return;
    };
    let spare = if layout.generation == model.generation {
        debug!(
            "UMAP layout on screen: {:?} {} of {}",
            layout.progress.stage, layout.progress.done, layout.progress.total
        );
        model.place_layout(
            layout.position,
            layout.meta,
            layout.coords_3d,
            layout.bounds,
        )
    } else {
        Some(layout.coords_3d)
    };
    if let (Some(spare), Ok(mut slot)) = (spare, slot.try_lock()) {
        slot.spare.get_or_insert(spare);
    }
}

/// Copies a UMAP layout on the way into the slot's buffer (the unread layout's, or the spare
/// one), settled like a finished frame.
fn publish_layout(
    slot: &Mutex<LayoutSlot>,
    generation: u64,
    position: usize,
    meta: &FrameMeta,
    update: space::UmapIntermediate<'_>,
) {
    let buffer = match slot.lock() {
        Ok(mut slot) => slot
            .pending
            .take()
            .map(|p| p.coords_3d)
            .or_else(|| slot.spare.take()),
        Err(_) => return,
    };
    let coords_3d = match buffer {
        Some(mut buffer) if buffer.dim() == update.coords.dim() => {
            buffer.assign(&update.coords);
            buffer
        }
        _ => update.coords.to_owned(),
    };
    let mut coords_3d = coords_3d;
    space::settle_umap_layout(&mut coords_3d);
    let bounds = space::robust_bounds(&coords_3d);
    if let Ok(mut slot) = slot.lock() {
        slot.pending = Some(PendingLayout {
            generation,
            position,
            meta: meta.clone(),
            coords_3d,
            bounds,
            progress: update.progress,
        });
    }
}

/// Drops the layout waiting in the slot (keeping its buffer): the complete frame sent next
/// replaces it, and must not be overwritten by it.
fn clear_pending_layout(slot: &Mutex<LayoutSlot>) {
    if let Ok(mut slot) = slot.lock()
        && let Some(pending) = slot.pending.take()
    {
        slot.spare.get_or_insert(pending.coords_3d);
    }
}

/// Whether a layout on the way is worth sending: the coarse start always; an epoch's when
/// [`LAYOUT_INTERVAL`] has passed since the run started or the last one was sent (so quick
/// frames send none) and it is not the last epoch (the complete frame follows).
struct LayoutThrottle {
    since: Instant,
}

impl LayoutThrottle {
    fn new() -> Self {
        Self {
            since: Instant::now(),
        }
    }

    fn due(&mut self, progress: space::UmapProgress) -> bool {
        let due = match progress.stage {
            space::UmapStage::Sample => true,
            space::UmapStage::Layout => {
                progress.done < progress.total && self.since.elapsed() >= LAYOUT_INTERVAL
            }
            space::UmapStage::Neighbors => false,
        };
        if due {
            self.since = Instant::now();
        }
        due
    }
}

fn run_worker(jobs: Receiver<Job>, outcomes: Sender<Outcome>, layouts: &Mutex<LayoutSlot>) {
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
                    let mut throttle = LayoutThrottle::new();
                    let mut layout = |update: space::UmapIntermediate<'_>| {
                        if throttle.due(update.progress) {
                            publish_layout(layouts, generation, position, &meta, update);
                        }
                    };
                    let result = analyse_guarded(
                        analyzer,
                        &vectors,
                        cancel,
                        &mut report,
                        &mut preview,
                        &mut layout,
                    );
                    clear_pending_layout(layouts);
                    let outcome = match result {
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
    layout: &mut dyn FnMut(space::UmapIntermediate<'_>),
) -> Result<Option<space::AnalyzedFrame>, String> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyzer.analyze_progressive(vectors.view(), cancel, progress, preview, layout)
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
