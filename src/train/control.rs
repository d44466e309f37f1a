//! Pausing, stepping and cancelling a run from another thread (the viewer's buttons).
//!
//! [`TrainControl`] is a cheap clone around shared atomics. Workers check it between sentences
//! (so pause and cancel take effect within milliseconds); the coordinator turns a `step` into a
//! pause right after the next snapshot.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Default)]
struct Flags {
    paused: AtomicBool,
    step_pending: AtomicBool,
    cancelled: AtomicBool,
}

/// Handle to steer a running training; clone it freely.
#[derive(Debug, Clone, Default)]
pub struct TrainControl {
    flags: Arc<Flags>,
}

impl TrainControl {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stop updating as soon as possible; what was learnt so far is kept.
    pub fn pause(&self) {
        self.flags.step_pending.store(false, Ordering::SeqCst);
        self.flags.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.flags.step_pending.store(false, Ordering::SeqCst);
        self.flags.paused.store(false, Ordering::SeqCst);
    }

    /// Run until the next snapshot has been emitted, then pause.
    pub fn step(&self) {
        self.flags.step_pending.store(true, Ordering::SeqCst);
        self.flags.paused.store(false, Ordering::SeqCst);
    }

    /// Stop the run; `train` returns the embeddings learnt so far (`Finished { cancelled: true }`).
    pub fn cancel(&self) {
        self.flags.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_paused(&self) -> bool {
        self.flags.paused.load(Ordering::SeqCst)
    }

    pub fn is_cancelled(&self) -> bool {
        self.flags.cancelled.load(Ordering::SeqCst)
    }

    /// Called by the trainer after each snapshot: completes a pending `step` by pausing.
    pub(crate) fn snapshot_taken(&self) {
        if self.flags.step_pending.swap(false, Ordering::SeqCst) {
            self.flags.paused.store(true, Ordering::SeqCst);
        }
    }

    /// Blocks while paused (polling, so cancel still wakes it); returns false when cancelled.
    pub(crate) fn wait_while_paused(&self) -> bool {
        while self.is_paused() && !self.is_cancelled() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        !self.is_cancelled()
    }
}
