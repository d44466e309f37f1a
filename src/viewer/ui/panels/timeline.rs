//! The timeline bar: play/pause, a slider that scrubs over every snapshot so far (with smooth
//! interpolation between them), playback speed, and where training stood at that frame.

use bevy_egui::egui;

use super::PressList;
use crate::viewer::core::analysis::AnalysisStatus;
use crate::viewer::core::bridge::TrainingRun;
use crate::viewer::core::compare::Comparison;
use crate::viewer::core::model::{ErrorLog, SpaceModel};
use crate::viewer::core::playback::Playhead;
use crate::viewer::ui::i18n::{Lang, fill};

/// What the timeline bar reads and edits (a copy of the playhead).
pub struct TimelineContext<'a> {
    pub model: &'a SpaceModel,
    pub run: &'a TrainingRun,
    pub analysis: &'a AnalysisStatus,
    pub errors: &'a ErrorLog,
    pub comparison: &'a Comparison,
    pub lang: Lang,
    pub playhead: &'a mut Playhead,
    pub pressed: &'a mut PressList,
}

#[derive(Default)]
pub struct TimelinePanel;

impl TimelinePanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut TimelineContext) {
        let lang = cx.lang;
        let frame_count = cx.model.frames.len();
        // One snapshot (a vectors file) has nothing to play.
        if frame_count > 1 {
            ui.horizontal(|ui| {
                let label = if cx.playhead.playing {
                    lang.tr("⏸ Pause")
                } else {
                    lang.tr("▶ Play")
                };
                let play = ui.button(label);
                if cx.pressed.add(label, play).clicked() && frame_count > 0 {
                    if !cx.playhead.playing && cx.playhead.position >= (frame_count - 1) as f32 {
                        cx.playhead.position = 0.0;
                    }
                    cx.playhead.playing = !cx.playhead.playing;
                    cx.playhead.follow_latest = false;
                }
                let last = frame_count.saturating_sub(1) as f32;
                let mut position = cx.playhead.position;
                // Shown with one decimal but never rounded: a rounded value reads as a
                // scrub, which paused the launch playback a frame after it began.
                let slider = egui::Slider::new(&mut position, 0.0..=last.max(0.0))
                    .text(lang.tr("snapshot"))
                    .custom_formatter(|v, _| format!("{v:.1}"));
                let width = (ui.available_width() - 420.0).max(120.0);
                ui.spacing_mut().slider_width = width;
                if ui.add_enabled(frame_count > 1, slider).changed() {
                    cx.playhead.playing = false;
                    cx.playhead.scrub_to(position, frame_count);
                }
                ui.checkbox(&mut cx.playhead.follow_latest, lang.tr("live"));
                ui.add(
                    egui::DragValue::new(&mut cx.playhead.frames_per_sec)
                        .range(0.25..=60.0)
                        .speed(0.1)
                        .suffix(lang.tr(" frames/s")),
                );
                // Say why the cloud moves: a replay, or the run going on right now.
                if cx.playhead.playing {
                    ui.weak(lang.tr("playing the snapshots"));
                } else if cx.playhead.follow_latest && cx.run.is_training() {
                    ui.weak(lang.tr("live: following training"));
                }
            });
        }
        ui.horizontal(|ui| {
            match cx.playhead.nearest_frame(frame_count) {
                // A vectors file: say what it is, not how a run that never happened stands.
                Some(index) if !cx.run.trains() && frame_count == 1 => {
                    let vectors = &cx.model.frames[index].vectors;
                    ui.label(format!(
                        "{} · {} × {}",
                        cx.run.file_name().unwrap_or_default(),
                        crate::numbers::group_digits(vectors.nrows()),
                        vectors.ncols()
                    ));
                }
                // Checkpoints of another trainer (`timeline build`): no words, rate or loss
                // were recorded, so say only which checkpoint this is.
                Some(index)
                    if !cx.run.trains()
                        && cx.model.frames[index].meta.words_processed == 0
                        && cx.model.frames[index].meta.learning_rate == 0.0 =>
                {
                    ui.label(fill(
                        lang.tr("snapshot {} of {} · checkpoint {}"),
                        &[
                            &index,
                            &(frame_count - 1),
                            &cx.model.frames[index].meta.epoch,
                        ],
                    ));
                }
                Some(index) => {
                    let meta = &cx.model.frames[index].meta;
                    let loss = meta.loss.map_or("–".to_owned(), |l| format!("{l:.4}"));
                    ui.label(fill(
                        lang.tr("snapshot {} of {} · epoch {} · {} words · lr {} · loss {}"),
                        &[
                            &index,
                            &(frame_count - 1),
                            &crate::train::epoch_number(meta.epoch, cx.run.config.epochs),
                            &meta.words_processed,
                            &format!("{:.5}", meta.learning_rate),
                            &loss,
                        ],
                    ));
                }
                None => {
                    ui.label(lang.tr("no snapshot yet"));
                }
            }
            if let Some(race) = cx.comparison.stage(cx.run, cx.model) {
                ui.separator();
                ui.label(super::training::race_line(race, lang));
            }
            if let Some((at, total)) = cx.analysis.analysing {
                ui.separator();
                ui.spinner();
                let text = match cx.analysis.umap {
                    Some(p) if p.stage == crate::space::UmapStage::Sample => fill(
                        lang.tr(
                            "UMAP of snapshot {} of {}: first layout of a sample, epoch {} of {}",
                        ),
                        &[&(at + 1), &total, &p.done, &p.total],
                    ),
                    Some(p) if p.stage == crate::space::UmapStage::Layout => fill(
                        lang.tr("UMAP of snapshot {} of {}: epoch {} of {}"),
                        &[&(at + 1), &total, &p.done, &p.total],
                    ),
                    Some(p) => fill(
                        lang.tr("UMAP of snapshot {} of {}: neighbour graph, {} of {}"),
                        &[&(at + 1), &total, &p.done, &p.total],
                    ),
                    None => fill(lang.tr("analysing snapshot {} of {}"), &[&(at + 1), &total]),
                };
                ui.label(text);
            }
            if let Some(message) = cx.errors.messages.last() {
                ui.separator();
                ui.colored_label(egui::Color32::from_rgb(255, 120, 100), message);
            }
        });
    }
}

#[cfg(test)]
mod tests {}
