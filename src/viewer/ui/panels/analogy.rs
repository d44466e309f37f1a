//! Analogy panel: A : B :: C : ? solved in the full space of the frame under the playhead
//! (3CosAdd or 3CosMul, query words excluded), with the arrows A→B and C→answer drawn in the
//! scene so the parallelogram is visible.

use bevy::prelude::MessageWriter;
use bevy_egui::egui;

use super::{PressList, word_button};
use crate::space::AnalogyMethod;
use crate::viewer::core::analogy::AnalogyState;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::Playhead;
use crate::viewer::core::selection::SelectWord;
use crate::viewer::ui::i18n::Lang;

/// What the analogy panel reads, edits (a copy of the analogy shown) and sends.
pub struct AnalogyContext<'a, 'w> {
    pub model: &'a SpaceModel,
    pub playhead: &'a Playhead,
    pub lang: Lang,
    pub analogy: &'a mut AnalogyState,
    pub select: &'a mut MessageWriter<'w, SelectWord>,
    pub pressed: &'a mut PressList,
}

#[derive(Default)]
pub struct AnalogyPanel {
    words: [String; 3],
    method: AnalogyMethod,
    error: Option<String>,
    /// The words the fields were filled for, so a new space gets words of its own.
    filled_for: Option<(usize, Option<String>)>,
}

impl AnalogyPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut AnalogyContext) {
        // Start from a classic analogy the loaded vocabulary has, in its language.
        let space = (cx.model.words.len(), cx.model.words.first().cloned());
        if self.filled_for.as_ref() != Some(&space) {
            self.filled_for = Some(space);
            if let Some(words) = crate::viewer::ui::tour::analogy_words(cx.model, cx.lang) {
                self.words = [words[0], words[1], words[2]].map(str::to_owned);
            }
        }
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
            if cx.pressed.add(cx.lang.tr("Solve"), solve).clicked() {
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
