//! Display panel: colour by cluster or category, number of clusters, projection mode, point
//! size, label density, reset view.

use bevy_egui::egui;

use super::PanelContext;
use crate::space::ProjectionMode;
use crate::viewer::camera::ResetView;
use crate::viewer::scene::ColorBy;

#[derive(Default)]
pub struct DisplayPanel;

impl DisplayPanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &mut PanelContext) {
        ui.horizontal(|ui| {
            ui.label("Colour by");
            ui.selectable_value(&mut cx.settings.color_by, ColorBy::Cluster, "cluster")
                .on_hover_text("each snapshot's own clusters");
            ui.selectable_value(&mut cx.settings.color_by, ColorBy::LatestCluster, "final")
                .on_hover_text("the latest snapshot's clusters on every frame");
            let has_categories = !cx.model.category_names.is_empty();
            ui.add_enabled_ui(has_categories, |ui| {
                ui.selectable_value(&mut cx.settings.color_by, ColorBy::Category, "category");
            });
        });
        let mut settings = cx.model.settings.clone();
        ui.horizontal(|ui| {
            ui.label("Clusters k");
            ui.add(egui::DragValue::new(&mut settings.cluster_count).range(2..=40));
        });
        ui.horizontal(|ui| {
            ui.label("Projection");
            ui.selectable_value(&mut settings.mode, ProjectionMode::Aligned, "aligned")
                .on_hover_text("Each frame's own PCA, rotated onto the previous frame");
            ui.selectable_value(&mut settings.mode, ProjectionMode::Fixed, "fixed")
                .on_hover_text("One PCA basis, fitted on the latest frame, for every frame");
        });
        if settings != cx.model.settings {
            cx.model.settings = settings;
            if let Err(e) = cx.model.recompute() {
                cx.user_errors
                    .write(crate::viewer::model::UserError(format!(
                        "cannot reproject: {e}"
                    )));
            }
        }
        ui.add(egui::Slider::new(&mut cx.settings.point_size, 0.2..=4.0).text("point size"));
        ui.add(egui::Slider::new(&mut cx.settings.label_density, 0.0..=1.0).text("labels"));
        if ui.button("Reset view").clicked() {
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
