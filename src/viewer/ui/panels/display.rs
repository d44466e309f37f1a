//! Display panel: colour by cluster or category (showing a column colouring chosen in the
//! Columns window as such), number of clusters, projection method (PCA, UMAP, or a table's own
//! layout "as given" when it has one) and mode, point size, label density, reset view; and for the frame under the
//! playhead, which PCA solver ran and how well the 3D view keeps each word's 10 nearest
//! neighbours — what PCA hides and UMAP shows.

use bevy_egui::egui;

use bevy::prelude::MessageWriter;

use super::PressList;
use crate::space::{FrameProjection, PcaSolver, ProjectionMethod, ProjectionMode};
use crate::viewer::core::bridge::TrainingRun;
use crate::viewer::core::columns::{ColourChoice, ColumnsCommand};
use crate::viewer::core::display_settings::{CloudView, ColorBy, DisplaySettings};
use crate::viewer::core::model::{ModelRequest, SpaceModel};
use crate::viewer::core::playback::Playhead;
use crate::viewer::render::camera::ResetView;
use crate::viewer::ui::i18n::{Lang, fill};

/// What the display panel reads, edits (a copy of the settings) and sends.
pub struct DisplayContext<'a, 'w> {
    pub model: &'a SpaceModel,
    pub run: &'a TrainingRun,
    pub playhead: &'a Playhead,
    pub lang: Lang,
    /// The column colouring the points, if any (it replaces `settings.color_by`).
    pub colour_column: Option<&'a str>,
    pub settings: &'a mut DisplaySettings,
    pub model_requests: &'a mut MessageWriter<'w, ModelRequest>,
    pub reset_view: &'a mut MessageWriter<'w, ResetView>,
    /// Colourings go through the columns plugin, which also clears a column colouring.
    pub columns: &'a mut MessageWriter<'w, ColumnsCommand>,
    pub pressed: &'a mut PressList,
}

#[derive(Default)]
pub struct DisplayPanel {
    /// Semantic axes being typed (`X[,Y]`).
    axes: String,
}

impl DisplayPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut DisplayContext) {
        let lang = cx.lang;
        self.colour_ui(ui, cx);
        let mut settings = cx.model.settings.clone();
        ui.horizontal(|ui| {
            ui.label(lang.tr("Clusters k"));
            ui.add(egui::DragValue::new(&mut settings.cluster_count).range(2..=40));
        });
        ui.horizontal(|ui| {
            ui.label(lang.tr("Method"));
            // Pressable by a script (`press UMAP`), which, unlike the `method` step, does not
            // wait for the layout: screenshots can show it refining.
            let pca = ui.selectable_value(&mut settings.method, ProjectionMethod::Pca, "PCA");
            cx.pressed
                .add("PCA", pca)
                .on_hover_text(lang.tr("Straight axes of most variance: distances stay honest"));
            let umap = ui.selectable_value(&mut settings.method, ProjectionMethod::Umap, "UMAP");
            cx.pressed
                .add("UMAP", umap)
                .on_hover_text(lang.tr("Neighbourhoods side by side, each frame from the last"));
            // Only a table with its own layout has coordinates to show.
            if cx.model.given.is_some() || settings.method == ProjectionMethod::Given {
                let given = ui
                    .selectable_value(
                        &mut settings.method,
                        ProjectionMethod::Given,
                        lang.tr("as given"),
                    )
                    .on_hover_text(lang.tr("The table's own x, y (and z) columns"));
                cx.pressed.add(lang.tr("as given"), given);
            }
        });
        ui.add_enabled_ui(settings.method == ProjectionMethod::Pca, |ui| {
            ui.horizontal(|ui| {
                ui.label(lang.tr("Projection"));
                let aligned = ui
                    .selectable_value(
                        &mut settings.mode,
                        ProjectionMode::Aligned,
                        lang.tr("aligned"),
                    )
                    .on_hover_text(
                        lang.tr("Each frame's own PCA, rotated onto the previous frame"),
                    );
                cx.pressed.add(lang.tr("aligned"), aligned);
                let fixed = ui.selectable_value(
                    &mut settings.mode,
                    ProjectionMode::Fixed,
                    lang.tr("fixed"),
                );
                cx.pressed.add(lang.tr("fixed"), fixed).on_hover_text(
                    lang.tr("One PCA basis, fitted on the latest frame, for every frame"),
                );
            });
        });
        ui.horizontal(|ui| {
            ui.label(lang.tr("lens"));
            let none = lang.tr("none (PCA)");
            egui::ComboBox::from_id_salt("lens")
                .selected_text(settings.lens.clone().unwrap_or_else(|| none.to_owned()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut settings.lens, None, none);
                    for set in &cx.model.relation_sets {
                        ui.selectable_value(&mut settings.lens, Some(set.name.clone()), &set.name);
                    }
                })
                .response
                .on_hover_text(
                    lang.tr("One axis along the relation's mean offset, two from PCA of its words"),
                );
        });
        // A lens and semantic axes are two ways to choose the axes: the newer choice wins.
        if settings.lens.is_some() && settings.lens != cx.model.settings.lens {
            settings.axes = None;
        }
        ui.horizontal(|ui| {
            ui.label(lang.tr("axes"));
            ui.add(
                egui::TextEdit::singleline(&mut self.axes)
                    .hint_text("man>woman,国家→首都")
                    .desired_width(150.0),
            )
            .on_hover_text(
                lang.tr("X[,Y]: WORD>WORD or a relation's name; the other axes from PCA"),
            );
            let spec = self.axes.trim();
            if ui.button(lang.tr("Apply")).clicked() {
                settings.axes = (!spec.is_empty()).then(|| spec.to_owned());
                if settings.axes.is_some() {
                    settings.lens = None;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label(lang.tr("View"));
            let learned = ui.selectable_value(
                &mut cx.settings.view,
                CloudView::Frames,
                lang.tr("learned vectors"),
            );
            cx.pressed.add(lang.tr("learned vectors"), learned);
            let one_hot =
                ui.selectable_value(&mut cx.settings.view, CloudView::OneHot, lang.tr("one-hot"));
            cx.pressed.add(lang.tr("one-hot"), one_hot);
        });
        if settings != cx.model.settings {
            cx.model_requests.write(ModelRequest::SetSettings(settings));
        }
        projection_figures(ui, cx);
        ui.add(
            egui::Slider::new(&mut cx.settings.point_size, 0.2..=4.0).text(lang.tr("point size")),
        );
        ui.checkbox(&mut cx.settings.depth_fade, lang.tr("fade far points"));
        ui.add(
            egui::Slider::new(&mut cx.settings.label_density, 0.0..=1.0).text(lang.tr("labels")),
        );
        ui.weak(fill(
            lang.tr("snapshots keep {} words each"),
            &[&cx.run.config.snapshot_max_words],
        ));
        let reset = ui.button(lang.tr("Reset view"));
        if cx.pressed.add(lang.tr("Reset view"), reset).clicked() {
            cx.reset_view.write(ResetView);
        }
        if cx.settings.color_by == ColorBy::Category {
            ui.horizontal_wrapped(|ui| {
                for (id, name) in cx.model.category_names.iter().enumerate() {
                    let [r, g, b] = crate::space::palette_color(id);
                    let color = egui::Color32::from_rgb(
                        (r * 255.0) as u8,
                        (g * 255.0) as u8,
                        (b * 255.0) as u8,
                    );
                    ui.colored_label(color, format!("● {name}"));
                }
            });
        }
    }
}

/// The frame under the playhead: how it was projected and how well its view keeps
/// neighbourhoods.
/// Which colouring button shows as chosen: none of the three while a column colours the
/// points (the column's own entry does).
pub fn colour_button_on(color_by: ColorBy, colour_column: Option<&str>, button: ColorBy) -> bool {
    colour_column.is_none() && color_by == button
}

impl DisplayPanel {
    /// Cluster, final clusters, category, and the column colouring when one is active; a click
    /// goes through the columns plugin, so it also replaces a column colouring.
    fn colour_ui(&mut self, ui: &mut egui::Ui, cx: &mut DisplayContext) {
        let lang = cx.lang;
        let has_categories = !cx.model.category_names.is_empty();
        let buttons = [
            (
                ColorBy::Cluster,
                ColourChoice::Cluster,
                "cluster",
                Some("each snapshot's own clusters"),
                true,
            ),
            (
                ColorBy::LatestCluster,
                ColourChoice::LatestCluster,
                "final",
                Some("the latest snapshot's clusters on every frame"),
                true,
            ),
            (
                ColorBy::Category,
                ColourChoice::Category,
                "category",
                None,
                has_categories,
            ),
        ];
        ui.horizontal_wrapped(|ui| {
            ui.label(lang.tr("Colour by"));
            for (color_by, choice, text, hover, enabled) in buttons {
                let on = colour_button_on(cx.settings.color_by, cx.colour_column, color_by);
                let response = ui.add_enabled(enabled, egui::Button::selectable(on, lang.tr(text)));
                let response = match hover {
                    Some(hover) => response.on_hover_text(lang.tr(hover)),
                    None => response,
                };
                if cx.pressed.add(lang.tr(text), response).clicked() && !on {
                    cx.columns.write(ColumnsCommand::ColourBy(choice));
                }
            }
            if let Some(column) = cx.colour_column {
                ui.add(egui::Button::selectable(
                    true,
                    fill(lang.tr("column {}"), &[&column]),
                ))
                .on_hover_text(lang.tr("chosen in the Columns window"));
            }
        });
    }
}

fn projection_figures(ui: &mut egui::Ui, cx: &DisplayContext) {
    let lang = cx.lang;
    let Some(frame) = cx
        .playhead
        .nearest_frame(cx.model.frames.len())
        .and_then(|i| cx.model.frames.get(i))
    else {
        return;
    };
    let how = match frame.projection {
        FrameProjection::Pca(solver) => {
            fill(lang.tr("PCA, solver: {}"), &[&solver_name(lang, solver)])
        }
        FrameProjection::Umap => lang.tr("UMAP from the previous frame's layout").to_owned(),
        FrameProjection::Lens => lang.tr("relation lens").to_owned(),
        FrameProjection::Given => lang.tr("the table's own coordinates").to_owned(),
    };
    ui.weak(how);
    axes_meaning_ui(ui, cx, frame);
    match frame.quality {
        Some(q) => {
            ui.label(fill(
                lang.tr("neighbours kept at {}: {}%   trustworthiness: {}"),
                &[
                    &q.k,
                    &format!("{:.0}", q.neighbor_preservation * 100.0),
                    &format!("{:.2}", q.trustworthiness),
                ],
            ))
            .on_hover_text(fill(
                lang.tr("Share of each word's {} nearest neighbours kept on screen, over {} words"),
                &[&q.k, &q.sampled_rows],
            ));
        }
        // A layout on the way (UMAP refining, or a preview): its figures come with the frame.
        None if !frame.complete || frame.generation != cx.model.generation => {
            ui.weak(lang.tr("measured once the layout is done"));
        }
        None => {
            ui.weak(lang.tr("too few words to measure the view"));
        }
    }
}

/// What the three screen axes mean: PCA's explained variance per axis, the lens's axes by
/// name, or (UMAP) that the axes carry no variance meaning.
fn axes_meaning_ui(
    ui: &mut egui::Ui,
    cx: &DisplayContext,
    frame: &crate::viewer::core::model::Frame,
) {
    let lang = cx.lang;
    match (frame.projection, frame.explained_variance) {
        (FrameProjection::Umap, _) => {
            ui.label(lang.tr("UMAP axes have no variance meaning: only who sits near whom counts"));
        }
        (FrameProjection::Pca(_), Some(shares)) => {
            ui.label(variance_line(shares, ["PC1", "PC2", "PC3"]))
                .on_hover_text(fill(
                    lang.tr("Each axis's share of the snapshot's total variance; the three together show {}% of it. Aligned frames are turned to match the previous one, so the screen axes mix the three."),
                    &[&format!("{:.1}", shares.iter().sum::<f32>() * 100.0)],
                ));
        }
        (FrameProjection::Lens, shares) => {
            let names = lens_axis_names(&cx.model.settings, lang);
            ui.label(fill(
                lang.tr("x: {} · y: {} · z: {}"),
                &[&names[0], &names[1], &names[2]],
            ));
            if let Some(shares) = shares {
                ui.label(variance_line(shares, ["x", "y", "z"]))
                    .on_hover_text(lang.tr(
                        "Each axis's share of the variance of the words the axes were fitted on",
                    ));
            }
        }
        (FrameProjection::Given, _) => {
            ui.label(lang.tr(
                "Axes as the table gives them: the quality figures say how well they keep neighbours",
            ));
        }
        (FrameProjection::Pca(_), None) => {}
    }
}

/// "PC1 12.3% · PC2 8.1% · PC3 6.0%".
pub fn variance_line(shares: [f32; 3], names: [&str; 3]) -> String {
    names
        .iter()
        .zip(shares)
        .map(|(name, share)| format!("{name} {:.1}%", share * 100.0))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What each axis of the lens or of semantic axes is: the relation's offset or the typed
/// word pairs first, then principal components of what is left.
fn lens_axis_names(settings: &crate::space::AnalysisSettings, lang: Lang) -> [String; 3] {
    let rest = lang.tr("PCA of the rest").to_owned();
    if let Some(spec) = &settings.axes {
        let mut parts = spec.split(',').map(|p| p.trim().to_owned());
        let x = parts.next().unwrap_or_default();
        return match parts.next() {
            Some(y) => [x, y, rest],
            None => [x, rest.clone(), rest],
        };
    }
    let relation = settings.lens.clone().unwrap_or_default();
    [fill(lang.tr("{} offset"), &[&relation]), rest.clone(), rest]
}

fn solver_name(lang: crate::viewer::ui::i18n::Lang, solver: PcaSolver) -> &'static str {
    match solver {
        PcaSolver::Lobpcg => "linfa LOBPCG",
        PcaSolver::Exact => lang.tr("exact"),
        PcaSolver::ExactFallback => lang.tr("exact (LOBPCG fell back)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_buttons_show_a_column_colouring_as_none_of_theirs() {
        // No column: the chosen built-in colouring's button is on, and only it.
        assert!(colour_button_on(ColorBy::Cluster, None, ColorBy::Cluster));
        assert!(!colour_button_on(
            ColorBy::Cluster,
            None,
            ColorBy::LatestCluster
        ));
        // A column colours the points: the cluster button (still `color_by` underneath) is off,
        // so a click on it is a change, and the column's own entry shows instead.
        for button in [ColorBy::Cluster, ColorBy::LatestCluster, ColorBy::Category] {
            assert!(!colour_button_on(ColorBy::Cluster, Some("topic"), button));
        }
    }
}
