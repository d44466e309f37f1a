//! Analogy panel: A : B :: C : ? solved in the full space of the frame under the playhead
//! (3CosAdd or 3CosMul, query words excluded), with the arrows A→B and C→answer drawn in the
//! scene so the parallelogram is visible.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{PanelContext, word_button};
use crate::space::{self, AnalogyMethod};
use crate::viewer::model::SpaceModel;
use crate::viewer::selection::SelectWord;

/// The last solved analogy, shared with the scene (arrows) and labels.
#[derive(Resource, Debug, Default, Clone)]
pub struct AnalogyState {
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub c: Option<usize>,
    pub results: Vec<space::Neighbor>,
}

impl AnalogyState {
    /// Arrows to draw: A→B and C→best answer.
    pub fn arrows(&self, model: &SpaceModel) -> Vec<(usize, usize)> {
        let valid = |r: usize| r < model.words.len();
        let mut arrows = Vec::new();
        if let (Some(a), Some(b)) = (self.a, self.b)
            && valid(a)
            && valid(b)
        {
            arrows.push((a, b));
        }
        if let (Some(c), Some(best)) = (self.c, self.results.first())
            && valid(c)
            && valid(best.row)
        {
            arrows.push((c, best.row));
        }
        arrows
    }

    /// Solves `a : b :: c : ?` on one frame's vectors.
    pub fn solve(
        &mut self,
        model: &SpaceModel,
        frame: usize,
        words: [&str; 3],
        method: AnalogyMethod,
    ) -> Result<(), String> {
        let rows: Vec<usize> = words
            .iter()
            .map(|w| {
                model
                    .row_of(w.trim())
                    .ok_or_else(|| format!("unknown word {:?}", w.trim()))
            })
            .collect::<Result<_, _>>()?;
        let frame = model.frames.get(frame).ok_or("no snapshot yet")?;
        let index = space::NeighborIndex::from_matrix(frame.vectors.view());
        self.results = space::analogy(&index, rows[0], rows[1], rows[2], 10, method, None)
            .map_err(|e| e.to_string())?;
        self.a = Some(rows[0]);
        self.b = Some(rows[1]);
        self.c = Some(rows[2]);
        Ok(())
    }
}

pub struct AnalogyPanel {
    words: [String; 3],
    method: AnalogyMethod,
    error: Option<String>,
}

impl Default for AnalogyPanel {
    fn default() -> Self {
        Self {
            words: ["男人".into(), "国王".into(), "女人".into()],
            method: AnalogyMethod::CosAdd,
            error: None,
        }
    }
}

impl AnalogyPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) {
        ui.horizontal(|ui| {
            for (i, word) in self.words.iter_mut().enumerate() {
                ui.add(egui::TextEdit::singleline(word).desired_width(56.0));
                ui.label(["∶", "∷", "∶ ?"][i]);
            }
        });
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.method, AnalogyMethod::CosAdd, "3CosAdd");
            ui.selectable_value(&mut self.method, AnalogyMethod::CosMul, "3CosMul");
            if ui.button("Solve").clicked() {
                let frame = cx
                    .playhead
                    .nearest_frame(cx.model.frames.len())
                    .unwrap_or(0);
                let words = [
                    self.words[0].as_str(),
                    self.words[1].as_str(),
                    self.words[2].as_str(),
                ];
                self.error = cx.analogy.solve(&cx.model, frame, words, self.method).err();
            }
            if ui.button("Clear").clicked() {
                *cx.analogy = AnalogyState::default();
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(egui::Color32::from_rgb(255, 120, 100), error);
        }
        for result in cx.analogy.results.clone() {
            ui.horizontal(|ui| {
                let word = cx.model.words.get(result.row).cloned().unwrap_or_default();
                if word_button(ui, &word, false) {
                    cx.select.write(SelectWord(Some(result.row)));
                }
                ui.weak(format!("{:.3}", result.similarity));
            });
        }
    }
}
