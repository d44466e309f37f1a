//! File steps: `screenshot`, `record`, `dump` and `save-view`. Each asks the plugin that writes
//! such files (screenshots, recording, the dump writer, saved views) and waits until it is
//! written. Captures wait for the view to rest, and for a saved view given with `--view` to be
//! restored.

use std::path::Path;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::dump::{DumpLog, DumpRequest};
use super::{Progress, SCENE_READY_FRAMES, ScriptRunner, StepState, done_if};
use crate::viewer::automation::recording::RecordingStatus;
use crate::viewer::automation::saved_view::{ViewFileLog, ViewRestore};
use crate::viewer::automation::screenshots::{ScreenshotLog, request_screenshot};
use crate::viewer::core::export_request::ExportRequest;

/// What the file steps use.
#[derive(SystemParam)]
pub(super) struct FileSteps<'w, 's> {
    commands: Commands<'w, 's>,
    screenshots: ResMut<'w, ScreenshotLog>,
    exports: MessageWriter<'w, ExportRequest>,
    recording: Res<'w, RecordingStatus>,
    dumps: MessageWriter<'w, DumpRequest>,
    dump_log: Res<'w, DumpLog>,
    view_log: Option<Res<'w, ViewFileLog>>,
    restore: Option<Res<'w, ViewRestore>>,
}

impl FileSteps<'_, '_> {
    /// Whether the view can be captured: at rest, and any saved view restored.
    fn ready(&self, runner: &ScriptRunner, playing: bool) -> bool {
        runner.view_at_rest(playing) && !self.restore.as_ref().is_some_and(|r| r.pending())
    }

    /// A screenshot, like a dump, waits for the view to rest (the camera easing onto a
    /// scrubbed-to frame), unless a timeline is playing.
    pub(super) fn screenshot(
        &mut self,
        runner: &mut ScriptRunner,
        playing: bool,
        path: &Path,
    ) -> Progress {
        match runner.state {
            StepState::Fresh
                if runner.frames_total >= SCENE_READY_FRAMES && self.ready(runner, playing) =>
            {
                request_screenshot(&mut self.commands, &mut self.screenshots, path.to_owned());
                runner.state = StepState::Capturing;
                Progress::Continue
            }
            StepState::Capturing => {
                done_if(self.screenshots.written_count() >= self.screenshots.requested)
            }
            _ => Progress::Continue,
        }
    }

    pub(super) fn record(&mut self, runner: &mut ScriptRunner, path: &Path) -> Progress {
        match (runner.state.clone(), &*self.recording) {
            (StepState::Fresh, _) if runner.frames_total >= SCENE_READY_FRAMES => {
                self.exports
                    .write(ExportRequest::Animation(path.to_owned()));
                runner.state = StepState::Recording { frames: 0 };
                Progress::Continue
            }
            // The status of an earlier recording lingers until this one has started.
            (StepState::Recording { frames }, status) if frames > 2 => match status {
                RecordingStatus::Saved { .. } => Progress::Done,
                RecordingStatus::Failed(message) => Progress::Failed(message.clone()),
                _ => Progress::Continue,
            },
            (StepState::Recording { frames }, _) => {
                runner.state = StepState::Recording { frames: frames + 1 };
                Progress::Continue
            }
            _ => Progress::Continue,
        }
    }

    /// Like a click, a dump waits for the view to rest, so the positions it reports are where
    /// a screenshot taken next finds the points. (A playing timeline never rests: then the
    /// dump is of the moment.) The dump writer writes it later in the same frame.
    pub(super) fn dump(
        &mut self,
        runner: &mut ScriptRunner,
        playing: bool,
        path: &Path,
    ) -> Progress {
        match runner.state {
            StepState::Fresh if self.ready(runner, playing) => {
                self.dumps.write(DumpRequest(path.to_owned()));
                runner.state = StepState::Writing {
                    written_before: self.dump_log.finished,
                };
                Progress::Continue
            }
            StepState::Writing { written_before } if self.dump_log.finished > written_before => {
                match &self.dump_log.last_error {
                    Some(message) => Progress::Failed(message.clone()),
                    None => Progress::Done,
                }
            }
            _ => Progress::Continue,
        }
    }

    /// Saves the view as the files panel's *Save view* button does, once the view rests.
    pub(super) fn save_view(&mut self, runner: &mut ScriptRunner, path: &Path) -> Progress {
        let Some(log) = &self.view_log else {
            return Progress::Failed("save-view: this window cannot save views".into());
        };
        match runner.state {
            StepState::Fresh if self.ready(runner, false) => {
                runner.state = StepState::Writing {
                    written_before: log.finished,
                };
                self.exports.write(ExportRequest::View(path.to_owned()));
                Progress::Continue
            }
            StepState::Writing { written_before } if log.finished > written_before => {
                match &log.last_error {
                    Some(message) => Progress::Failed(message.clone()),
                    None => Progress::Done,
                }
            }
            _ => Progress::Continue,
        }
    }
}
