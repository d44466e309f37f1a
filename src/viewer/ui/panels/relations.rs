//! Relations panel: the relation sets loaded for these words (built-in ones found in the
//! vocabulary, and the user's files) with how many pairs were found; for each, its consistency
//! (mean pairwise cosine of its tail − head offsets; 1 = parallel) in the full space and on
//! screen, how it changed over the timeline, its analogy accuracy, its pairs, a toggle for its
//! arrows and a button that shows it through the relation lens.

use bevy_egui::egui;
use egui_plot::{Line, Plot, PlotPoints};

use bevy::prelude::MessageWriter;

use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::{ModelRequest, SpaceModel};
use crate::viewer::core::playback::Playhead;
use crate::viewer::ui::i18n::{Lang, fill};

/// What the relations panel reads, edits (a copy of the settings, for shown arrows) and sends.
pub struct RelationsContext<'a, 'w> {
    pub model: &'a SpaceModel,
    pub playhead: &'a Playhead,
    pub lang: Lang,
    pub settings: &'a mut DisplaySettings,
    pub model_requests: &'a mut MessageWriter<'w, ModelRequest>,
    pub pressed: &'a mut super::PressList,
}

#[derive(Default)]
pub struct RelationsPanel;

impl RelationsPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut RelationsContext) {
        let lang = cx.lang;
        if cx.model.relations.is_empty() {
            ui.weak(lang.tr("No relations loaded (open a relations TSV: head, tail, relation)."));
            return;
        }
        let frame_count = cx.model.frames.len();
        let Some(current) = cx.playhead.nearest_frame(frame_count) else {
            ui.weak(lang.tr("waiting for the first snapshot"));
            return;
        };
        egui::CollapsingHeader::new(fill(
            lang.tr("{} relation sets loaded"),
            &[&cx.model.relation_sets.len()],
        ))
        .id_salt("relation-sets")
        .show(ui, |ui| {
            for set in &cx.model.relation_sets {
                let origin = if set.builtin {
                    lang.tr("built-in")
                } else {
                    lang.tr("your file")
                };
                ui.label(fill(
                    lang.tr("{}: {} of the set's pairs in this vocabulary, {} not ({})"),
                    &[&set.name, &set.pairs_found, &set.pairs_missing, &origin],
                ));
            }
        });
        let scores = cx.model.frames[current].relation_scores.clone();
        let parallelism = cx.model.frames[current].relation_parallelism.clone();
        for (i, score) in scores.iter().enumerate() {
            let mut shown = cx.settings.shows_relation(&score.relation);
            ui.horizontal(|ui| {
                let checkbox = ui.checkbox(&mut shown, &score.relation);
                if cx.pressed.add(&score.relation, checkbox).changed() {
                    if shown {
                        cx.settings
                            .hidden_relations
                            .retain(|r| *r != score.relation);
                    } else {
                        cx.settings.hidden_relations.push(score.relation.clone());
                    }
                }
                let first = cx.model.frames[0]
                    .relation_scores
                    .get(i)
                    .and_then(|s| s.consistency);
                ui.label(fill(
                    lang.tr("consistency {} (start {})"),
                    &[&fmt(score.consistency), &fmt(first)],
                ));
            });
            ui.horizontal(|ui| {
                let on_screen = parallelism.get(i).copied().flatten();
                ui.label(fill(lang.tr("on screen {}"), &[&fmt(on_screen)]))
                    .on_hover_text(
                        lang.tr("How parallel the arrows are in this 3D view (1 = parallel)"),
                    );
                let lensed = cx.model.settings.lens.as_deref() == Some(score.relation.as_str());
                if ui
                    .selectable_label(lensed, lang.tr("Show with the lens"))
                    .clicked()
                {
                    let mut settings = cx.model.settings.clone();
                    settings.lens = (!lensed).then(|| score.relation.clone());
                    settings.axes = None;
                    cx.model_requests.write(ModelRequest::SetSettings(settings));
                }
            });
            // Details folded: eleven relation sets must not push the analogy panel out of reach.
            egui::CollapsingHeader::new(lang.tr("details"))
                .id_salt(("relation-details", i))
                .default_open(false)
                .show(ui, |ui| {
                    let accuracy = score
                        .analogy_accuracy
                        .map_or("–".to_owned(), |a| format!("{:.0}%", a * 100.0));
                    ui.weak(fill(
                        lang.tr("{} pairs scored, {} without both words among the snapshot's · analogy top-1 {}"),
                        &[&score.pairs_found, &score.pairs_missing, &accuracy],
                    ));
                    let series: PlotPoints = cx
                        .model
                        .frames
                        .iter()
                        .enumerate()
                        .filter_map(|(f, frame)| {
                            let c = frame.relation_scores.get(i)?.consistency?;
                            Some([f as f64, f64::from(c)])
                        })
                        .collect();
                    // One snapshot has no history to chart: its figures are the numbers above.
                    if frame_count < 2 {
                        pairs_ui(ui, cx, &score.relation, i);
                        return;
                    }
                    Plot::new(("relation-curve", i))
                        .height(60.0)
                        .allow_drag(false)
                        .allow_scroll(false)
                        .allow_zoom(false)
                        .show_axes([false, true])
                        .include_y(0.0)
                        .include_y(1.0)
                        .show(ui, |plot| {
                            plot.line(Line::new(score.relation.clone(), series))
                        });
                    pairs_ui(ui, cx, &score.relation, i);
                });
        }
    }
}

/// The relation's pairs, folded.
fn pairs_ui(ui: &mut egui::Ui, cx: &RelationsContext, relation: &str, i: usize) {
    egui::CollapsingHeader::new(fill(cx.lang.tr("pairs of {}"), &[&relation]))
        .id_salt(("pairs", i))
        .show(ui, |ui| {
            for pair in cx.model.relations.iter().filter(|p| p.relation == relation) {
                ui.label(format!("{} → {}", pair.head, pair.tail));
            }
        });
}

fn fmt(value: Option<f32>) -> String {
    value.map_or("–".to_owned(), |v| format!("{v:.3}"))
}
