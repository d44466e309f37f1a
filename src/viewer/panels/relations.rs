//! Relations panel: each relation's consistency (mean pairwise cosine of its tail − head
//! offsets; 1 = the arrows are parallel) now and how it changed over the timeline, its analogy
//! accuracy, its pairs, and a toggle for its arrows.

use bevy_egui::egui;
use egui_plot::{Line, Plot, PlotPoints};

use super::PanelContext;

#[derive(Default)]
pub struct RelationsPanel;

impl RelationsPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) {
        if cx.model.relations.is_empty() {
            ui.weak("No relations loaded (open a relations TSV: head, tail, relation).");
            return;
        }
        let frame_count = cx.model.frames.len();
        let Some(current) = cx.playhead.nearest_frame(frame_count) else {
            ui.weak("waiting for the first snapshot");
            return;
        };
        let scores = cx.model.frames[current].relation_scores.clone();
        for (i, score) in scores.iter().enumerate() {
            let mut shown = cx.settings.shows_relation(&score.relation);
            ui.horizontal(|ui| {
                if ui.checkbox(&mut shown, &score.relation).changed() {
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
                ui.label(format!(
                    "consistency {} (start {})",
                    fmt(score.consistency),
                    fmt(first)
                ));
            });
            ui.weak(format!(
                "{} pairs found, {} missing · analogy top-1 {}",
                score.pairs_found,
                score.pairs_missing,
                score
                    .analogy_accuracy
                    .map_or("–".to_owned(), |a| format!("{:.0}%", a * 100.0)),
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
            egui::CollapsingHeader::new(format!("pairs of {}", score.relation))
                .id_salt(("pairs", i))
                .show(ui, |ui| {
                    for pair in cx
                        .model
                        .relations
                        .iter()
                        .filter(|p| p.relation == score.relation)
                    {
                        ui.label(format!("{} → {}", pair.head, pair.tail));
                    }
                });
        }
    }
}

fn fmt(value: Option<f32>) -> String {
    value.map_or("–".to_owned(), |v| format!("{v:.3}"))
}
