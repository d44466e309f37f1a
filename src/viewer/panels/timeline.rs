//! The timeline bar: play/pause, a slider that scrubs over every snapshot so far (with smooth
//! interpolation between them), playback speed, and where training stood at that frame.

use bevy_egui::egui;

use super::PanelContext;

#[derive(Default)]
pub struct TimelinePanel;

impl TimelinePanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) {
        let frame_count = cx.model.frames.len();
        ui.horizontal(|ui| {
            let label = if cx.playhead.playing {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            if ui.button(label).clicked() && frame_count > 0 {
                if !cx.playhead.playing && cx.playhead.position >= (frame_count - 1) as f32 {
                    cx.playhead.position = 0.0;
                }
                cx.playhead.playing = !cx.playhead.playing;
                cx.playhead.follow_latest = false;
            }
            let last = frame_count.saturating_sub(1) as f32;
            let mut position = cx.playhead.position;
            let slider = egui::Slider::new(&mut position, 0.0..=last.max(0.0))
                .text("snapshot")
                .fixed_decimals(1);
            let width = (ui.available_width() - 420.0).max(120.0);
            ui.spacing_mut().slider_width = width;
            if ui.add_enabled(frame_count > 1, slider).changed() {
                cx.playhead.playing = false;
                cx.playhead.scrub_to(position, frame_count);
            }
            ui.checkbox(&mut cx.playhead.follow_latest, "live");
            ui.add(
                egui::DragValue::new(&mut cx.playhead.frames_per_sec)
                    .range(0.25..=60.0)
                    .speed(0.1)
                    .suffix(" frames/s"),
            );
        });
        ui.horizontal(|ui| {
            match cx.playhead.nearest_frame(frame_count) {
                Some(index) => {
                    let meta = &cx.model.frames[index].meta;
                    ui.label(format!(
                        "snapshot {} of {} · epoch {} · {} words · lr {:.5} · loss {}",
                        index,
                        frame_count - 1,
                        meta.epoch,
                        meta.words_processed,
                        meta.learning_rate,
                        meta.loss.map_or("–".to_owned(), |l| format!("{l:.4}")),
                    ));
                }
                None => {
                    ui.label("no snapshot yet");
                }
            }
            if let Some(message) = cx.errors.messages.last() {
                ui.separator();
                ui.colored_label(egui::Color32::from_rgb(255, 120, 100), message);
            }
        });
    }
}
