//! The columns window, over the top right of the 3D view: colour by any column (with a legend
//! whose entries show and hide their rows, or a gradient with its range), a filter, and the
//! lasso selection with its most common values, an export (TSV, or Parquet for a `.parquet`
//! path) and its neighbours (the centroid's, listed in the word panel). It draws the lasso being
//! dragged too. It has its own system and state, and talks to the core only through
//! [`ColumnsCommand`] and [`NeighboursOfRows`].

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::viewer::core::columns::{ColourChoice, ColumnLook, ColumnView, ColumnsCommand, viridis};
use crate::viewer::core::filter::{Filter, RowColumn};
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::selection::NeighboursOfRows;
use crate::viewer::render::box_select::BoxDrag;
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::ui::i18n::{Lang, fill};

/// Legend rows shown before the list scrolls.
const LEGEND_MAX_HEIGHT_PX: f32 = 220.0;

/// Text being typed in the columns window.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct ColumnsPanel {
    pub filter_text: String,
    pub filter_error: Option<String>,
    pub export_path: String,
}

impl Default for ColumnsPanel {
    fn default() -> Self {
        Self {
            filter_text: String::new(),
            filter_error: None,
            export_path: "selection.tsv".to_owned(),
        }
    }
}

/// Registers the window's state.
pub struct ColumnsPanelPlugin;

impl Plugin for ColumnsPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ColumnsPanel>();
    }
}

/// What the window reads.
#[derive(bevy::ecs::system::SystemParam)]
pub struct ColumnsSources<'w> {
    model: Res<'w, SpaceModel>,
    look: Res<'w, ColumnLook>,
    view: Res<'w, ColumnView>,
    screen: Res<'w, ScreenProjection>,
    drag: Option<Res<'w, BoxDrag>>,
    lang: Res<'w, Lang>,
    hide_panels: Option<Res<'w, crate::viewer::automation::recording::HidePanels>>,
}

pub fn columns_window_system(
    mut contexts: EguiContexts,
    sources: ColumnsSources,
    mut panel: ResMut<ColumnsPanel>,
    mut commands: MessageWriter<ColumnsCommand>,
    mut neighbours: MessageWriter<NeighboursOfRows>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if let Some(drag) = sources.drag.as_ref().filter(|d| d.path.len() >= 2) {
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::new("lasso"),
        ));
        let mut points: Vec<egui::Pos2> = drag.path.iter().map(|p| egui::pos2(p.x, p.y)).collect();
        points.extend(points.first().copied());
        painter.add(egui::Shape::line(
            points,
            egui::Stroke::new(1.5, egui::Color32::WHITE),
        ));
    }
    if sources.hide_panels.as_ref().is_some_and(|h| h.0) || sources.model.words.is_empty() {
        return Ok(());
    }
    let viewport = sources.screen.viewport;
    if viewport.width() < 300.0 {
        return Ok(());
    }
    let right_gap = ctx.viewport_rect().max.x - viewport.max.x;
    let mut state = panel.clone();
    let lang = *sources.lang;
    egui::Window::new(lang.tr("Columns"))
        .id(egui::Id::new("columns-window"))
        .anchor(
            egui::Align2::RIGHT_TOP,
            [-right_gap - 8.0, viewport.min.y + 8.0],
        )
        .default_width(250.0)
        .resizable(false)
        .collapsible(true)
        // Open for tables with columns; folded over a word space, where it holds the legend.
        .default_open(!sources.model.metadata.is_empty())
        .show(&ctx, |ui| {
            ColumnsUi {
                sources: &sources,
                state: &mut state,
                commands: &mut commands,
                neighbours: &mut neighbours,
            }
            .ui(ui);
        });
    panel.set_if_neq(state);
    Ok(())
}

struct ColumnsUi<'a, 'w, 'm, 'n> {
    sources: &'a ColumnsSources<'w>,
    state: &'a mut ColumnsPanel,
    commands: &'a mut MessageWriter<'m, ColumnsCommand>,
    neighbours: &'a mut MessageWriter<'n, NeighboursOfRows>,
}

impl ColumnsUi<'_, '_, '_, '_> {
    fn ui(&mut self, ui: &mut egui::Ui) {
        self.colour_ui(ui);
        ui.separator();
        self.filter_ui(ui);
        ui.separator();
        self.selection_ui(ui);
    }

    fn colour_ui(&mut self, ui: &mut egui::Ui) {
        let lang = *self.sources.lang;
        let look = &*self.sources.look;
        let shown = match look.colour_by.as_str() {
            "cluster" => lang.tr("clusters").to_owned(),
            "latest-cluster" => lang.tr("latest clusters").to_owned(),
            "category" if self.sources.view.colour_column.is_none() => {
                lang.tr("categories").to_owned()
            }
            column => column.to_owned(),
        };
        ui.horizontal(|ui| {
            ui.label(lang.tr("Colour by"));
            egui::ComboBox::from_id_salt("colour-by")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    let mut choices = vec![
                        (ColourChoice::Cluster, lang.tr("clusters").to_owned()),
                        (
                            ColourChoice::LatestCluster,
                            lang.tr("latest clusters").to_owned(),
                        ),
                    ];
                    if !self.sources.model.category_names.is_empty() {
                        choices.push((ColourChoice::Category, lang.tr("categories").to_owned()));
                    }
                    for name in RowColumn::names(&self.sources.model) {
                        if name != "label" && name != "category" {
                            choices.push((ColourChoice::Column(name.clone()), name));
                        }
                    }
                    for (choice, text) in choices {
                        if ui.selectable_label(false, text).clicked() {
                            self.commands.write(ColumnsCommand::ColourBy(choice));
                        }
                    }
                });
        });
        if let Some([lo, hi]) = look.range {
            gradient_ui(ui);
            ui.horizontal(|ui| {
                ui.label(format!("{lo:.4}"));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(format!("{hi:.4}"));
                });
            });
        }
        if !look.legend.is_empty() {
            ui.small(lang.tr("click an entry to show or hide it"));
            egui::ScrollArea::vertical()
                .id_salt("legend")
                .max_height(LEGEND_MAX_HEIGHT_PX)
                .show(ui, |ui| {
                    for entry in &look.legend {
                        ui.horizontal(|ui| {
                            let (rect, _) = ui
                                .allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                            let [r, g, b] = entry.srgb.map(|c| (c * 255.0).round() as u8);
                            let colour = if entry.hidden {
                                egui::Color32::from_gray(60)
                            } else {
                                egui::Color32::from_rgb(r, g, b)
                            };
                            ui.painter().rect_filled(rect, 2.0, colour);
                            let mut text =
                                egui::RichText::new(format!("{}  {}", entry.name, entry.count));
                            if entry.hidden {
                                text = text.strikethrough().weak();
                            }
                            if ui.selectable_label(false, text).clicked() {
                                self.commands
                                    .write(ColumnsCommand::ToggleLegend(entry.name.clone()));
                            }
                        });
                    }
                });
        }
        ui.horizontal(|ui| {
            ui.label(lang.tr("Labels"));
            let shown = self
                .sources
                .view
                .label_column
                .clone()
                .unwrap_or_else(|| lang.tr("label").to_owned());
            egui::ComboBox::from_id_salt("label-by")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if ui.selectable_label(false, lang.tr("label")).clicked() {
                        self.commands.write(ColumnsCommand::LabelBy(None));
                    }
                    for name in RowColumn::names(&self.sources.model) {
                        if name != "label" && ui.selectable_label(false, &name).clicked() {
                            self.commands.write(ColumnsCommand::LabelBy(Some(name)));
                        }
                    }
                });
        });
        ui.label(fill(
            lang.tr("{} of {} points shown"),
            &[&look.points_visible, &self.sources.model.words.len()],
        ));
    }

    fn filter_ui(&mut self, ui: &mut egui::Ui) {
        let lang = *self.sources.lang;
        ui.label(lang.tr("Filter"));
        let mut apply = false;
        ui.horizontal(|ui| {
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.state.filter_text)
                    .hint_text("topic=a, score>0.5")
                    .desired_width(130.0),
            );
            apply |= edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            apply |= ui.button(lang.tr("Apply")).clicked();
            if ui.button(lang.tr("Off")).clicked() {
                self.state.filter_error = None;
                self.commands.write(ColumnsCommand::Filter(None));
            }
        });
        if apply {
            let text = self.state.filter_text.trim().to_owned();
            if text.is_empty() {
                self.state.filter_error = None;
                self.commands.write(ColumnsCommand::Filter(None));
            } else {
                // Checked here too, so the error shows next to the field.
                match Filter::parse(&text).and_then(|f| f.rows(&self.sources.model)) {
                    Ok(_) => {
                        self.state.filter_error = None;
                        self.commands.write(ColumnsCommand::Filter(Some(text)));
                    }
                    Err(message) => self.state.filter_error = Some(message),
                }
            }
        }
        if let Some(error) = &self.state.filter_error {
            ui.colored_label(egui::Color32::from_rgb(255, 120, 100), error);
        } else if let Some(filter) = &self.sources.view.filter {
            ui.small(filter.to_string());
        }
    }

    fn selection_ui(&mut self, ui: &mut egui::Ui) {
        let lang = *self.sources.lang;
        let selected = self.sources.view.selected.len();
        if selected == 0 {
            ui.small(lang.tr("shift + drag in the view: draw a lasso"));
            return;
        }
        ui.label(fill(lang.tr("{} selected"), &[&selected]));
        for (column, values) in &self.sources.look.selection_summary {
            ui.small(format!("{column}: {values}"));
        }
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.state.export_path).desired_width(120.0));
            if ui
                .button(lang.tr("Export"))
                .on_hover_text(lang.tr("a path ending in .parquet writes Parquet, any other TSV"))
                .clicked()
            {
                self.commands.write(ColumnsCommand::ExportSelection(
                    self.state.export_path.trim().into(),
                ));
            }
        });
        ui.horizontal(|ui| {
            let neighbours = ui.button(lang.tr("Neighbours of selection")).on_hover_text(
                lang.tr("nearest rows (cosine, full space) to the centroid of the selection"),
            );
            if neighbours.clicked() {
                self.neighbours
                    .write(NeighboursOfRows(self.sources.view.selected.clone()));
            }
            if ui.button(lang.tr("Clear")).clicked() {
                self.commands.write(ColumnsCommand::Select(Vec::new()));
            }
        });
    }
}

/// The numeric colour scale, low values left.
fn gradient_ui(ui: &mut egui::Ui) {
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 10.0), egui::Sense::hover());
    let steps = 48;
    for i in 0..steps {
        let t0 = i as f32 / steps as f32;
        let t1 = (i + 1) as f32 / steps as f32;
        let [r, g, b] = viridis((t0 + t1) * 0.5).map(|c| (c * 255.0).round() as u8);
        let part = egui::Rect::from_min_max(
            egui::pos2(rect.left() + rect.width() * t0, rect.top()),
            egui::pos2(rect.left() + rect.width() * t1 + 0.5, rect.bottom()),
        );
        ui.painter()
            .rect_filled(part, 0.0, egui::Color32::from_rgb(r, g, b));
    }
}
