//! Playback steps: `train-until` waits for a snapshot (or the end of training or loading) and
//! takes the playhead over as a user scrubbing would.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::Progress;
use crate::viewer::core::bridge::{RunState, TrainingRun};
use crate::viewer::core::compare::{ComparePhase, Comparison};
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::Playhead;

/// What the playback steps use.
#[derive(SystemParam)]
pub(super) struct PlaybackSteps<'w> {
    playhead: ResMut<'w, Playhead>,
    model: Res<'w, SpaceModel>,
    run: Res<'w, TrainingRun>,
    comparison: Res<'w, Comparison>,
}

impl PlaybackSteps<'_> {
    /// Whether the timeline is playing (a playing view never rests).
    pub(super) fn playing(&self) -> bool {
        self.playhead.playing
    }

    pub(super) fn train_until(&mut self, target: Option<usize>) -> Progress {
        let ended = matches!(
            self.run.state,
            RunState::Finished | RunState::Cancelled | RunState::Failed
        );
        let frames = self.model.frames.len();
        // A run has ended only once every snapshot it produced is analysed and on screen, and
        // a comparison only once both of its runs have.
        let comparing = matches!(
            self.comparison.phase,
            ComparePhase::Random | ComparePhase::Pretrained
        );
        let analysed = self.model.pending() == 0 && !comparing;
        let reached = match target {
            Some(n) => frames > n,
            None => ended && analysed,
        };
        if !(reached || ended && analysed) {
            return Progress::Continue;
        }
        let last = frames.saturating_sub(1);
        let frame = target.map_or(last, |n| n.min(last));
        // The script takes the playhead over, as a user scrubbing would.
        let playhead = &mut *self.playhead;
        playhead.playing = false;
        playhead.scrub_to(frame as f32, frames);
        playhead.follow_latest = target.is_none();
        Progress::Done
    }
}
