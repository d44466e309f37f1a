//! Display panel: colour by cluster or category, number of clusters, projection method (PCA or
//! UMAP) and mode, point size, label density, reset view; and for the frame under the
//! playhead, which PCA solver ran and how well the 3D view keeps each word's 10 nearest
//! neighbours — what PCA hides and UMAP shows.

use bevy_egui::egui;

use super::PanelContext;
use crate::space::{FrameProjection, PcaSolver, ProjectionMethod, ProjectionMode};
use crate::viewer::core::display_settings::{CloudView, ColorBy};
use crate::viewer::core::model::ModelRequest;
use crate::viewer::render::camera::ResetView;
use crate::viewer::ui::i18n::fill;

#[derive(Default)]
pub struct DisplayPanel {
    /// Semantic axes being typed (`X[,Y]`).
    axes: String,
}

impl DisplayPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) {
        let lang = cx.lang;
        ui.horizontal(|ui| {
            ui.label(lang.tr("Colour by"));
            ui.selectable_value(
                &mut cx.settings.color_by,
                ColorBy::Cluster,
                lang.tr("cluster"),
            )
            .on_hover_text(lang.tr("each snapshot's own clusters"));
            ui.selectable_value(
                &mut cx.settings.color_by,
                ColorBy::LatestCluster,
                lang.tr("final"),
            )
            .on_hover_text(lang.tr("the latest snapshot's clusters on every frame"));
            let has_categories = !cx.model.category_names.is_empty();
            ui.add_enabled_ui(has_categories, |ui| {
                ui.selectable_value(
                    &mut cx.settings.color_by,
                    ColorBy::Category,
                    lang.tr("category"),
                );
            });
        });
        let mut settings = cx.model.settings.clone();
        ui.horizontal(|ui| {
            ui.label(lang.tr("Clusters k"));
            ui.add(egui::DragValue::new(&mut settings.cluster_count).range(2..=40));
        });
        ui.horizontal(|ui| {
            ui.label(lang.tr("Method"));
            ui.selectable_value(&mut settings.method, ProjectionMethod::Pca, "PCA")
                .on_hover_text(lang.tr("Straight axes of most variance: distances stay honest"));
            ui.selectable_value(&mut settings.method, ProjectionMethod::Umap, "UMAP")
                .on_hover_text(lang.tr("Neighbourhoods side by side, each frame from the last"));
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
                cx.pressable(lang.tr("aligned"), aligned);
                let fixed = ui.selectable_value(
                    &mut settings.mode,
                    ProjectionMode::Fixed,
                    lang.tr("fixed"),
                );
                cx.pressable(lang.tr("fixed"), fixed).on_hover_text(
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
            cx.pressable(lang.tr("learned vectors"), learned);
            let one_hot =
                ui.selectable_value(&mut cx.settings.view, CloudView::OneHot, lang.tr("one-hot"));
            cx.pressable(lang.tr("one-hot"), one_hot);
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
        if cx.pressable(lang.tr("Reset view"), reset).clicked() {
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
fn projection_figures(ui: &mut egui::Ui, cx: &PanelContext) {
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
    };
    ui.weak(how);
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
        None => {
            ui.weak(lang.tr("too few words to measure the view"));
        }
    }
}

fn solver_name(lang: crate::viewer::ui::i18n::Lang, solver: PcaSolver) -> &'static str {
    match solver {
        PcaSolver::Lobpcg => "linfa LOBPCG",
        PcaSolver::Exact => lang.tr("exact"),
        PcaSolver::ExactFallback => lang.tr("exact (LOBPCG fell back)"),
    }
}
