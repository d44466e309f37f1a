//! Analogy panel: A : B :: C : ? solved in the full space of the frame under the playhead
//! (3CosAdd or 3CosMul, query words excluded), with the arrows A→B and C→answer drawn in the
//! scene so the parallelogram is visible.

use bevy::prelude::*;
use bevy_egui::egui;

use super::{PanelContext, word_button};
use crate::space::AnalogyMethod;
use crate::viewer::analogy::AnalogyState;
use crate::viewer::selection::SelectWord;

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
            let solve = ui.button(cx.lang.tr("Solve"));
            if cx.pressable(cx.lang.tr("Solve"), solve).clicked() {
                let frame = cx
                    .playhead
                    .nearest_frame(cx.model.frames.len())
                    .unwrap_or(0);
                let words = [
                    self.words[0].as_str(),
                    self.words[1].as_str(),
                    self.words[2].as_str(),
                ];
                self.error = cx.analogy.solve(cx.model, frame, words, self.method).err();
            }
            if ui.button(cx.lang.tr("Clear")).clicked() {
                cx.analogy = AnalogyState::default();
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
