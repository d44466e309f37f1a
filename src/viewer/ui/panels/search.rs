//! Word panel: a search box with completion that selects any word, the selected word's nearest
//! neighbours (cosine, full space) with their similarity (click one to select it), and the
//! nearest neighbours in the 3D projection for comparison; or the neighbours of a lasso
//! selection's centroid, asked for in the Columns window.

use bevy_egui::egui;

use bevy::ecs::change_detection::Tick;
use bevy::prelude::MessageWriter;

use super::word_button;
use crate::viewer::core::columns::ColumnLook;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::selection::{SelectWord, Selection};
use crate::viewer::ui::i18n::{Lang, fill};

/// What the word panel reads, edits (a copy of the selection, for its neighbour count) and
/// sends.
pub struct SearchContext<'a, 'w> {
    pub model: &'a SpaceModel,
    /// Rows the filter or legend hides are not offered (they cannot be selected).
    pub look: Option<&'a ColumnLook>,
    /// The change ticks of the model and the look: completions are recomputed only when these
    /// or the query change (a query that matches little walks all 400,000 words of GloVe).
    pub data_ticks: [Tick; 2],
    pub lang: Lang,
    pub selection: &'a mut Selection,
    pub select: &'a mut MessageWriter<'w, SelectWord>,
    pub pressed: &'a mut super::PressList,
}

#[derive(Default)]
pub struct SearchPanel {
    query: String,
    /// The completions shown and the query and data ticks they were found for.
    matches: Vec<(usize, String)>,
    matches_for: Option<(String, [Tick; 2])>,
}

/// Up to `limit` shown words starting with `query`, then containing it (case-insensitive).
pub fn completions<'a>(
    words: &'a [String],
    query: &str,
    limit: usize,
    shown: &dyn Fn(usize) -> bool,
) -> Vec<(usize, &'a str)> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let mut prefix = Vec::new();
    let mut inner = Vec::new();
    for (row, word) in words.iter().enumerate() {
        if !shown(row) {
            continue;
        }
        let lower = word.to_lowercase();
        if lower.starts_with(&query) {
            prefix.push((row, word.as_str()));
            if prefix.len() >= limit {
                break;
            }
        } else if inner.len() < limit && lower.contains(&query) {
            inner.push((row, word.as_str()));
        }
    }
    prefix.extend(inner);
    prefix.truncate(limit);
    prefix
}

/// Search completions: labels first (as [`completions`]), then shown rows with
/// a text column value containing the query, written `label · column: value`.
pub fn completions_with_columns(
    model: &SpaceModel,
    query: &str,
    limit: usize,
    shown: &dyn Fn(usize) -> bool,
) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = completions(&model.words, query, limit, shown)
        .into_iter()
        .map(|(row, word)| (row, word.to_owned()))
        .collect();
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return found;
    }
    for column in model.metadata.columns() {
        let crate::embeddings::Values::Strings(values) = &column.values else {
            continue;
        };
        for (row, value) in values.iter().enumerate() {
            if found.len() >= limit {
                return found;
            }
            if let (Some(value), Some(word)) = (value, model.words.get(row))
                && shown(row)
                && value.to_lowercase().contains(&query)
                && !found.iter().any(|(r, _)| *r == row)
            {
                found.push((row, format!("{word} · {}: {value}", column.name)));
            }
        }
    }
    found
}

impl SearchPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut SearchContext) {
        let lang = cx.lang;
        let hint = lang.tr("search a word (中文 or English)");
        let field = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        );
        // A script presses the field by its hint, then types (`press`, `type`).
        let response = cx.pressed.add(hint, field);
        let fresh = matches!(&self.matches_for,
            Some((query, ticks)) if *query == self.query && *ticks == cx.data_ticks);
        if !fresh {
            let look = cx.look;
            let shown = |row: usize| look.is_none_or(|look| look.is_visible(row));
            self.matches = completions_with_columns(cx.model, &self.query, 8, &shown);
            self.matches_for = Some((self.query.clone(), cx.data_ticks));
        }
        let matches = &self.matches;
        // Enter takes the word typed when it is one (a hidden one too: the selection refuses it
        // and the status line says why), else the first completion.
        if response.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(row) = cx
                .model
                .row_of(self.query.trim())
                .or(matches.first().map(|&(row, _)| row))
        {
            cx.select.write(SelectWord(Some(row)));
            self.query.clear();
        }
        ui.horizontal_wrapped(|ui| {
            for (row, word) in matches {
                if word_button(ui, word, false) {
                    cx.select.write(SelectWord(Some(*row)));
                    self.query.clear();
                }
            }
        });
        let title = match cx.selection.row {
            Some(row) => cx.model.words.get(row).cloned().unwrap_or_default(),
            None if !cx.selection.group.is_empty() => fill(
                lang.tr("neighbours of the selection ({} rows)"),
                &[&cx.selection.group.len()],
            ),
            None => {
                ui.weak(lang.tr("Click a point, or search, to see its neighbours. Esc clears."));
                return;
            }
        };
        ui.horizontal(|ui| {
            ui.heading(&title);
            if ui
                .small_button("✕")
                .on_hover_text(lang.tr("clear (Esc)"))
                .clicked()
            {
                cx.select.write(SelectWord(None));
            }
        });
        ui.horizontal(|ui| {
            ui.label(lang.tr("neighbours"));
            ui.add(egui::DragValue::new(&mut cx.selection.k).range(1..=100));
        });
        let neighbors = cx.selection.neighbors.clone();
        egui::Grid::new("neighbors").striped(true).show(ui, |ui| {
            for neighbor in &neighbors {
                neighbor_button(ui, cx, neighbor.row);
                ui.add(
                    egui::ProgressBar::new(neighbor.similarity.max(0.0))
                        .desired_width(90.0)
                        .text(format!("{:.3}", neighbor.similarity)),
                );
                ui.end_row();
            }
        });
        if cx.selection.row.is_none() {
            return;
        }
        egui::CollapsingHeader::new(lang.tr("nearest in 3D"))
            .default_open(false)
            .show(ui, |ui| {
                let in_both = cx
                    .selection
                    .neighbors_3d
                    .iter()
                    .filter(|n| cx.selection.is_neighbor(n.row))
                    .count();
                ui.weak(fill(
                    lang.tr("{} of {} are also cosine neighbours"),
                    &[&in_both, &cx.selection.neighbors_3d.len()],
                ));
                for neighbor in cx.selection.neighbors_3d.clone() {
                    neighbor_button(ui, cx, neighbor.row);
                }
            });
    }
}

/// A word that selects itself when clicked.
fn neighbor_button(ui: &mut egui::Ui, cx: &mut SearchContext, row: usize) {
    let name = cx.model.words.get(row).cloned().unwrap_or_default();
    if word_button(ui, &name, false) {
        cx.select.write(SelectWord(Some(row)));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_finds_labels_then_text_column_values() {
        let mut model = crate::viewer::core::model::SpaceModel::default();
        model.reset(vec!["apple".into(), "pear".into(), "grape".into()]);
        let kind = vec![Some("fruit".into()), Some("apple tree".into()), None];
        model.metadata = std::sync::Arc::new(
            crate::embeddings::Metadata::from_columns(
                3,
                vec![crate::embeddings::Column::from_text("kind", kind)],
            )
            .unwrap(),
        );
        let all = |_: usize| true;
        let found = completions_with_columns(&model, "APPLE", 8, &all);
        assert_eq!(
            found,
            [
                (0, "apple".to_owned()),
                (1, "pear · kind: apple tree".to_owned())
            ]
        );
        assert!(completions_with_columns(&model, " ", 8, &all).is_empty());
        // A row the filter hides is not offered, by its label or by its column.
        let not_pear = |row: usize| row != 1;
        assert_eq!(
            completions_with_columns(&model, "APPLE", 8, &not_pear),
            [(0, "apple".to_owned())]
        );
    }

    use super::*;

    #[test]
    fn completion_prefers_prefix_matches() {
        let words: Vec<String> = ["巴黎", "paris", "compare", "parish", "法国"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let all = |_: usize| true;
        let found: Vec<&str> = completions(&words, "Par", 8, &all)
            .into_iter()
            .map(|m| m.1)
            .collect();
        assert_eq!(found, vec!["paris", "parish", "compare"]);
        assert_eq!(completions(&words, "巴", 8, &all)[0].1, "巴黎");
        assert!(completions(&words, "  ", 8, &all).is_empty());
        let not_paris = |row: usize| row != 1;
        assert_eq!(completions(&words, "Par", 8, &not_paris)[0].1, "parish");
    }
}
