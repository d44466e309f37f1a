//! The script steps on columns: `colour-by`, `filter`, `select-box`, `export-selection`,
//! `neighbours-of-selection` (the selection's centroid's neighbours, as its button does). Each
//! sends its command, then lets the app apply it for a few frames; `select-box` first waits
//! for the view to stand still (the points must be where the rectangle expects them), and
//! `export-selection` fails when the file did not appear.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::{Progress, ScriptRunner, Step, StepState, settle};
use crate::viewer::core::columns::{ColourChoice, ColumnView, ColumnsCommand};
use crate::viewer::core::selection::NeighboursOfRows;
use crate::viewer::render::box_select::SelectBox;

/// Frames a columns step lets pass after its command.
const SETTLE_FRAMES: u32 = 3;

/// What the columns steps use: the columns plugin's and box selection's messages.
#[derive(SystemParam)]
pub(super) struct ColumnSteps<'w> {
    columns: MessageWriter<'w, ColumnsCommand>,
    boxes: MessageWriter<'w, SelectBox>,
    neighbours: MessageWriter<'w, NeighboursOfRows>,
    view: Res<'w, ColumnView>,
}

impl ColumnSteps<'_> {
    pub(super) fn run(&mut self, step: &Step, runner: &mut ScriptRunner) -> Progress {
        if runner.state == StepState::Fresh {
            match step {
                Step::ColourBy(text) => {
                    self.columns
                        .write(ColumnsCommand::ColourBy(ColourChoice::parse(text)));
                }
                Step::Filter(text) => {
                    self.columns.write(ColumnsCommand::Filter(text.clone()));
                }
                Step::SelectBox(rect) => {
                    if !runner.ready_to_aim() && runner.frames_in_step <= 600 {
                        return Progress::Continue;
                    }
                    self.boxes.write(SelectBox(*rect));
                }
                Step::ExportSelection(path) => {
                    // A file left from an earlier run must not pass for this export.
                    if path.exists()
                        && let Err(e) = std::fs::remove_file(path)
                    {
                        return Progress::Failed(format!(
                            "export-selection: cannot replace {}: {e}",
                            path.display()
                        ));
                    }
                    self.columns
                        .write(ColumnsCommand::ExportSelection(path.clone()));
                }
                Step::NeighboursOfSelection => {
                    if self.view.selected.is_empty() {
                        return Progress::Failed(
                            "neighbours-of-selection: nothing is selected (select-box first)"
                                .into(),
                        );
                    }
                    self.neighbours
                        .write(NeighboursOfRows(self.view.selected.clone()));
                }
                _ => return Progress::Done,
            }
            runner.state = StepState::Settling { frames: 0 };
            return Progress::Continue;
        }
        match (settle(runner, SETTLE_FRAMES), step) {
            (Progress::Done, Step::ExportSelection(path)) if !path.exists() => Progress::Failed(
                format!("export-selection: {} was not written", path.display()),
            ),
            (progress, _) => progress,
        }
    }
}
