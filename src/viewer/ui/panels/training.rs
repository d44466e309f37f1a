//! Training panel: start, pause, resume, step one snapshot, cancel; restart with other
//! parameters or another initialisation; live progress and the loss curve.

use bevy_egui::egui;
use egui_plot::{Line, Plot, PlotPoints};

use bevy::prelude::MessageWriter;

use super::PressList;
use crate::train::TrainConfig;
use crate::viewer::core::bridge::{RunCommand, RunState, TrainingRun};
use crate::viewer::core::compare::{Comparison, RaceStage};
use crate::viewer::core::model::SpaceModel;
use crate::viewer::ui::i18n::{Lang, fill};

/// What the training panel reads and sends.
pub struct TrainingContext<'a, 'w> {
    pub run: &'a TrainingRun,
    pub model: &'a SpaceModel,
    pub comparison: &'a Comparison,
    pub lang: Lang,
    pub run_commands: &'a mut MessageWriter<'w, RunCommand>,
    pub pressed: &'a mut PressList,
}

#[derive(Default)]
pub struct TrainingPanel {
    /// Parameters being edited for the next (re)start.
    draft: Option<TrainConfig>,
    /// Pretrained vectors path typed by the user (empty = random init).
    pretrained: String,
}

impl TrainingPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut TrainingContext) {
        let run = cx.run;
        let lang = cx.lang;
        // Vectors or a timeline made elsewhere: nothing trains, so no run controls.
        if !run.trains() {
            let file = run.file_name().unwrap_or_default();
            ui.label(fill(
                lang.tr("Nothing is training: {} was made by another program."),
                &[&file],
            ));
            ui.weak(lang.tr("Open a corpus (Open / export) to train and watch a space form."));
            return;
        }
        // During the race the bridge still reports the run before for one frame: say what
        // the race is doing, as the tour and the status line do.
        let race = cx.comparison.stage(run, cx.model);
        let state = match race {
            Some(RaceStage::Starting { .. }) => lang.tr("starting…"),
            _ => lang.tr(state_name(run.state)),
        };
        ui.label(fill(lang.tr("state: {}"), &[&state]));
        if let Some(race) = race {
            ui.label(race_line(race, lang));
        }
        ui.horizontal_wrapped(|ui| {
            let training = run.is_training();
            let pause = ui.add_enabled(
                run.state == RunState::Running,
                egui::Button::new(lang.tr("Pause")),
            );
            if cx.pressed.add(lang.tr("Pause"), pause).clicked() {
                cx.run_commands.write(RunCommand::Pause);
            }
            let resume = ui.add_enabled(
                run.state == RunState::Paused,
                egui::Button::new(lang.tr("Resume")),
            );
            if cx.pressed.add(lang.tr("Resume"), resume).clicked() {
                cx.run_commands.write(RunCommand::Resume);
            }
            let step = ui
                .add_enabled(training, egui::Button::new(lang.tr("Step")))
                .on_hover_text(lang.tr("Run to the next snapshot, then pause"));
            if cx.pressed.add(lang.tr("Step"), step).clicked() {
                cx.run_commands.write(RunCommand::Step);
            }
            let cancel = ui.add_enabled(training, egui::Button::new(lang.tr("Cancel")));
            if cx.pressed.add(lang.tr("Cancel"), cancel).clicked() {
                cx.run_commands.write(RunCommand::Cancel);
            }
        });
        if let Some(progress) = &run.progress {
            let share = if progress.total_words > 0 {
                progress.words_processed as f32 / progress.total_words as f32
            } else {
                0.0
            };
            ui.add(egui::ProgressBar::new(share).show_percentage());
            let eta = progress
                .eta_secs
                .map_or("–".to_owned(), |s| format!("{s:.0} s"));
            ui.label(fill(
                lang.tr("epoch {} · {}k words/s · ETA {}"),
                &[
                    &crate::train::epoch_number(progress.epoch, run.config.epochs),
                    &format!("{:.0}", progress.words_per_sec / 1000.0),
                    &eta,
                ],
            ));
            // One loss everywhere: the snapshots' (each the mean over the words since the
            // previous snapshot), as on the status line and in the curve below.
            let latest = cx
                .model
                .snapshots
                .iter()
                .rev()
                .find_map(|(meta, _)| meta.loss);
            let window_words = match run.config.snapshot_every_words {
                0 => run.total_words / 50,
                every => every,
            };
            ui.label(fill(
                lang.tr("loss {} (mean over the last ~{} words) · lr {}"),
                &[
                    &latest.map_or("–".to_owned(), |l| format!("{l:.4}")),
                    &crate::numbers::group_digits(window_words as usize),
                    &format!("{:.5}", progress.learning_rate),
                ],
            ));
        }
        ui.label(fill(
            lang.tr("vocabulary {} words · {} on screen"),
            &[&run.vocab_size, &cx.model.words.len()],
        ));
        let curve: Vec<[f64; 2]> = cx
            .model
            .snapshots
            .iter()
            .filter_map(|(meta, _)| Some([meta.words_processed as f64, f64::from(meta.loss?)]))
            .collect();
        if curve.len() > 1 {
            let points: PlotPoints = curve.into_iter().collect();
            Plot::new("loss-curve")
                .height(110.0)
                .allow_scroll(false)
                .allow_drag(false)
                .x_axis_label(lang.tr("words"))
                .y_axis_label(lang.tr("loss"))
                .show(ui, |plot| plot.line(Line::new("SGNS loss", points)));
        }
        egui::CollapsingHeader::new(lang.tr("Parameters / restart"))
            .default_open(false)
            .show(ui, |ui| self.parameters_ui(ui, cx));
    }

    fn parameters_ui(&mut self, ui: &mut egui::Ui, cx: &mut TrainingContext) {
        let lang = cx.lang;
        let draft = self.draft.get_or_insert_with(|| cx.run.config.clone());
        egui::Grid::new("train-params")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label(lang.tr("dimensions"));
                ui.add(egui::DragValue::new(&mut draft.dim).range(2..=1000));
                ui.end_row();
                ui.label(lang.tr("window"));
                ui.add(egui::DragValue::new(&mut draft.window).range(1..=50));
                ui.end_row();
                ui.label(lang.tr("epochs"));
                ui.add(egui::DragValue::new(&mut draft.epochs).range(1..=1000));
                ui.end_row();
                ui.label(lang.tr("negative"));
                ui.add(egui::DragValue::new(&mut draft.negative).range(1..=50));
                ui.end_row();
                ui.label(lang.tr("alpha"));
                ui.add(
                    egui::DragValue::new(&mut draft.alpha)
                        .range(0.0001..=1.0)
                        .speed(0.001),
                );
                ui.end_row();
                ui.label(lang.tr("seed"));
                ui.add(egui::DragValue::new(&mut draft.seed));
                ui.end_row();
                ui.label(lang.tr("snapshot words"));
                ui.add(
                    egui::DragValue::new(&mut draft.snapshot_max_words)
                        .range(100..=1_000_000)
                        .speed(100),
                );
                ui.end_row();
                ui.label(lang.tr("pretrained"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.pretrained)
                        .hint_text(lang.tr("vectors file (empty: random)")),
                );
                ui.end_row();
            });
        if ui.button(lang.tr("Restart training")).clicked() {
            let pretrained = self.pretrained.trim();
            let config = draft.clone();
            cx.run_commands.write(RunCommand::SetPretrained(
                (!pretrained.is_empty()).then(|| pretrained.into()),
            ));
            cx.run_commands.write(RunCommand::Start(Box::new(config)));
        }
    }
}

/// The race in one line: which run, and what it is doing (shared with the status line).
pub fn race_line(race: RaceStage, lang: Lang) -> String {
    let (run, doing) = match race {
        RaceStage::Starting { run } => (run, lang.tr("starting")),
        RaceStage::Training { run } => (run, lang.tr("training")),
        RaceStage::Analysing { run, .. } => (run, lang.tr("analysing its snapshots")),
    };
    let init = if run == 0 {
        lang.tr("random init")
    } else {
        lang.tr("pretrained init")
    };
    fill(
        lang.tr("random vs pretrained: run {} of 2 ({}), {}"),
        &[&(run + 1), &init, &doing],
    )
}

fn state_name(state: RunState) -> &'static str {
    match state {
        RunState::Idle => "idle",
        RunState::Loading => "loading…",
        RunState::Running => "training",
        RunState::Paused => "paused",
        RunState::Finished => "finished",
        RunState::Cancelled => "cancelled",
        RunState::Failed => "failed",
    }
}
