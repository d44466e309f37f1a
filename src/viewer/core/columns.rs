//! Looking at the rows through their metadata: colour by any column (categorical with a
//! stable palette, or numeric with a perceptual gradient), a legend with counts whose entries
//! show and hide their rows (also for the cluster and category colourings), a filter, and a
//! lasso selection with a summary and an export (TSV or Parquet).
//!
//! [`ColumnView`] holds what the user chose; [`ColumnsCommand`] changes it (the columns panel,
//! box selection, scripts). [`ColumnLook`] is derived from it, the model and the frame on screen
//! only when one of them changes: a colour and a visibility per row, which the point styles
//! send to the GPU with the rest of each point's style, the legend, and the numeric range.

use std::collections::HashMap;
use std::path::PathBuf;

use bevy::prelude::*;

use crate::space;
use crate::viewer::core::display_settings::{ColorBy, DisplaySettings};
use crate::viewer::core::filter::{Filter, RowColumn};
use crate::viewer::core::model::{SpaceModel, UserError};
use crate::viewer::core::playback::DisplayedCloud;

/// Distinct values of a text column that get their own colour; the rest share grey.
pub const MAX_LEGEND_VALUES: usize = 20;
/// The colour of rows with a missing value (or a value beyond the legend).
pub const MISSING_SRGB: [f32; 3] = [0.55, 0.57, 0.6];
/// The legend name of rows with no value.
pub const MISSING_NAME: &str = "(none)";
/// The legend name of the values beyond [`MAX_LEGEND_VALUES`].
pub const OTHER_NAME: &str = "(other)";

/// What colours the points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColourChoice {
    Cluster,
    LatestCluster,
    Category,
    Column(String),
}

impl ColourChoice {
    /// `cluster`, `latest-cluster`, `category`, else a column name.
    pub fn parse(text: &str) -> ColourChoice {
        match text {
            "cluster" => ColourChoice::Cluster,
            "latest-cluster" => ColourChoice::LatestCluster,
            "category" => ColourChoice::Category,
            column => ColourChoice::Column(column.to_owned()),
        }
    }
}

/// What the user chose to see of the columns.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct ColumnView {
    /// A column colouring the points instead of `DisplaySettings::color_by`.
    pub colour_column: Option<String>,
    /// Legend entries hidden by a click (their names).
    pub hidden: Vec<String>,
    pub filter: Option<Filter>,
    /// Rows picked by a box selection, ascending.
    pub selected: Vec<usize>,
    /// A column whose values label the points instead of the row labels.
    pub label_column: Option<String>,
}

/// A change to the [`ColumnView`], or an export of the selection.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum ColumnsCommand {
    ColourBy(ColourChoice),
    /// A filter expression (`None`: no filter). A bad one is reported and changes nothing.
    Filter(Option<String>),
    /// Show or hide the rows of a legend entry.
    ToggleLegend(String),
    /// Select these rows (a box selection); empty clears it.
    Select(Vec<usize>),
    /// Write the selected rows, label and every column: Parquet for a `.parquet` path, TSV
    /// otherwise.
    ExportSelection(PathBuf),
    /// Label the points by this column (`None`: by their labels).
    LabelBy(Option<String>),
}

/// One legend entry: a value (or cluster or category), its colour and how many rows have it
/// among the rows the filter lets through.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub name: String,
    pub count: usize,
    pub srgb: [f32; 3],
    pub hidden: bool,
}

/// What the [`ColumnView`] makes of the rows: derived, rebuilt only when its inputs change.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct ColumnLook {
    /// `cluster`, `latest-cluster`, `category` or the column's name.
    pub colour_by: String,
    /// One sRGB colour per row.
    pub colours: Vec<[f32; 3]>,
    /// Per row, whether it is shown; empty when every row is.
    pub visible: Vec<bool>,
    pub points_visible: usize,
    /// Categorical colourings: the entries, most rows first.
    pub legend: Vec<LegendEntry>,
    /// Numeric colourings: the values at the two ends of the gradient.
    pub range: Option<[f64; 2]>,
    /// The selection's most common values, per text column (value, count), and its range per
    /// numeric column.
    pub selection_summary: Vec<(String, String)>,
    /// Per row, the label text when labelling by a column (empty: the row labels).
    pub label_texts: Vec<Option<String>>,
}

impl ColumnLook {
    pub fn is_visible(&self, row: usize) -> bool {
        self.visible.get(row).copied().unwrap_or(true)
    }

    /// The label of `row` when labelling by a column; `None`: use the row's own label.
    pub fn label_text(&self, row: usize) -> Option<&str> {
        self.label_texts.get(row)?.as_deref()
    }
}

/// Owns [`ColumnView`] and [`ColumnLook`].
pub struct ColumnsPlugin;

impl Plugin for ColumnsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ColumnView>()
            .init_resource::<ColumnLook>()
            .add_message::<ColumnsCommand>()
            .add_systems(
                Update,
                (
                    apply_columns_commands.in_set(crate::viewer::sets::ViewerSet::Playback),
                    derive_look.in_set(crate::viewer::sets::ViewerSet::Derive),
                ),
            );
    }
}

fn apply_columns_commands(
    mut commands: MessageReader<ColumnsCommand>,
    mut view: ResMut<ColumnView>,
    mut settings: ResMut<DisplaySettings>,
    model: Res<SpaceModel>,
    mut errors: MessageWriter<UserError>,
) {
    for command in commands.read() {
        let mut next = view.clone();
        match command {
            ColumnsCommand::ColourBy(choice) => {
                let color_by = match choice {
                    ColourChoice::Cluster => Some(ColorBy::Cluster),
                    ColourChoice::LatestCluster => Some(ColorBy::LatestCluster),
                    ColourChoice::Category => Some(ColorBy::Category),
                    ColourChoice::Column(name) => {
                        if RowColumn::find(&model, name).is_none() {
                            errors.write(UserError(format!(
                                "colour by: no column {name:?} (columns: {})",
                                RowColumn::names(&model).join(", ")
                            )));
                            continue;
                        }
                        None
                    }
                };
                if let Some(color_by) = color_by {
                    let mut changed = settings.clone();
                    changed.color_by = color_by;
                    settings.set_if_neq(changed);
                    next.colour_column = None;
                } else if let ColourChoice::Column(name) = choice {
                    next.colour_column = Some(name.clone());
                }
                if next.colour_column != view.colour_column || color_by.is_some() {
                    next.hidden.clear();
                }
            }
            ColumnsCommand::Filter(None) => next.filter = None,
            ColumnsCommand::Filter(Some(text)) => {
                match Filter::parse(text).and_then(|f| f.rows(&model).map(|_| f)) {
                    Ok(filter) => next.filter = Some(filter),
                    Err(message) => {
                        errors.write(UserError(message));
                        continue;
                    }
                }
            }
            ColumnsCommand::ToggleLegend(name) => {
                if let Some(at) = next.hidden.iter().position(|h| h == name) {
                    next.hidden.remove(at);
                } else {
                    next.hidden.push(name.clone());
                }
            }
            ColumnsCommand::LabelBy(column) => {
                if let Some(name) = column
                    && RowColumn::find(&model, name).is_none()
                {
                    errors.write(UserError(format!("label by: no column {name:?}")));
                    continue;
                }
                next.label_column = column.clone();
            }
            ColumnsCommand::Select(rows) => {
                let mut rows = rows.clone();
                rows.sort_unstable();
                rows.dedup();
                next.selected = rows;
            }
            ColumnsCommand::ExportSelection(path) => {
                match crate::viewer::core::columns_export::write_rows(&model, &view.selected, path)
                {
                    Ok(()) => info!(
                        "exported {} selected rows to {}",
                        view.selected.len(),
                        path.display()
                    ),
                    Err(e) => {
                        errors.write(UserError(format!("cannot write {}: {e}", path.display())));
                    }
                }
            }
        }
        view.set_if_neq(next);
    }
}

/// The inputs the look depends on besides change-detected resources.
#[derive(Debug, Clone, PartialEq)]
struct LookKey {
    frame: Option<usize>,
    frames: usize,
    frames_version: u64,
    words: usize,
}

fn derive_look(
    model: Res<SpaceModel>,
    cloud: Res<DisplayedCloud>,
    settings: Res<DisplaySettings>,
    mut view: ResMut<ColumnView>,
    mut look: ResMut<ColumnLook>,
    mut last: Local<Option<(LookKey, ColorBy)>>,
) {
    // A colouring chosen elsewhere (the display panel) replaces a column colouring.
    if let Some((_, color_by)) = &*last
        && *color_by != settings.color_by
        && view.colour_column.is_some()
    {
        let mut next = view.clone();
        next.colour_column = None;
        next.hidden.clear();
        view.set_if_neq(next);
    }
    let key = LookKey {
        frame: cloud.frame,
        frames: model.frames.len(),
        frames_version: model.frames_version,
        words: model.words.len(),
    };
    // Another space: the box selection's rows meant other words.
    if last.as_ref().is_some_and(|(k, _)| k.words != key.words) && !view.selected.is_empty() {
        let mut next = view.clone();
        next.selected.clear();
        view.set_if_neq(next);
    }
    let stale = last.as_ref().map(|(k, _)| k) != Some(&key)
        || view.is_changed()
        || settings.is_changed()
        || model.is_changed();
    if !stale {
        return;
    }
    *last = Some((key, settings.color_by));
    let next = compute_look(&model, cloud.frame, &settings, &view);
    if *look != next {
        *look = next;
    }
}

/// The colours, visibility, legend and range for these choices.
pub fn compute_look(
    model: &SpaceModel,
    frame: Option<usize>,
    settings: &DisplaySettings,
    view: &ColumnView,
) -> ColumnLook {
    let rows = model.words.len();
    let passes = view
        .filter
        .as_ref()
        .and_then(|f| f.rows(model).ok())
        .filter(|p| p.len() == rows);
    let passes_filter = |row: usize| passes.as_ref().is_none_or(|p| p[row]);
    // Each row's class (a legend entry) or value (numeric).
    let (colour_by, classes, names, range, colours) = match &view.colour_column {
        Some(name) => match RowColumn::find(model, name) {
            Some(column) if column.is_numeric() => {
                let values: Vec<Option<f64>> = (0..rows).map(|r| column.number(r)).collect();
                let range = numeric_range(&values);
                let colours = values
                    .iter()
                    .map(|v| match (v, range) {
                        (Some(v), Some([lo, hi])) => {
                            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                            viridis(t as f32)
                        }
                        _ => MISSING_SRGB,
                    })
                    .collect();
                (name.clone(), Vec::new(), Vec::new(), range, Some(colours))
            }
            Some(column) => {
                let (classes, names) = text_classes(&column, rows);
                (name.clone(), classes, names, None, None)
            }
            None => (name.clone(), vec![None; rows], Vec::new(), None, None),
        },
        None => {
            let (colour_by, classes, names) = builtin_classes(model, frame, settings.color_by);
            (colour_by.to_owned(), classes, names, None, None)
        }
    };
    let colours = colours.unwrap_or_else(|| {
        classes
            .iter()
            .map(|class| match class {
                Some(id) if names.get(*id).is_some_and(|n| n != OTHER_NAME) => {
                    space::palette_color(*id)
                }
                _ => MISSING_SRGB,
            })
            .collect()
    });
    let class_name = |class: Option<usize>| match class {
        Some(id) => names.get(id).map_or(MISSING_NAME, String::as_str),
        None => MISSING_NAME,
    };
    // The legend counts the rows the filter lets through.
    let mut legend: Vec<LegendEntry> = Vec::new();
    if !classes.is_empty() {
        let mut counts: HashMap<Option<usize>, usize> = HashMap::new();
        for (row, class) in classes.iter().enumerate() {
            if passes_filter(row) {
                *counts.entry(*class).or_default() += 1;
            }
        }
        let mut order: Vec<(Option<usize>, usize)> = counts.into_iter().collect();
        order.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| class_name(a.0).cmp(class_name(b.0)))
        });
        legend = order
            .into_iter()
            .map(|(class, count)| {
                let name = class_name(class).to_owned();
                LegendEntry {
                    hidden: view.hidden.contains(&name),
                    srgb: match class {
                        Some(id) if name != OTHER_NAME => space::palette_color(id),
                        _ => MISSING_SRGB,
                    },
                    name,
                    count,
                }
            })
            .collect();
    }
    let hides = !view.hidden.is_empty() && !classes.is_empty();
    let visible: Vec<bool> = if passes.is_some() || hides {
        (0..rows)
            .map(|row| {
                passes_filter(row)
                    && !(hides
                        && view
                            .hidden
                            .iter()
                            .any(|h| h == class_name(classes.get(row).copied().flatten())))
            })
            .collect()
    } else {
        Vec::new()
    };
    let points_visible = if visible.is_empty() {
        rows
    } else {
        visible.iter().filter(|v| **v).count()
    };
    ColumnLook {
        colour_by,
        colours,
        points_visible,
        visible,
        legend,
        range,
        selection_summary: selection_summary(model, &view.selected),
        label_texts: view
            .label_column
            .as_deref()
            .and_then(|name| RowColumn::find(model, name))
            .map_or_else(Vec::new, |column| {
                (0..rows)
                    .map(|row| column.text(row).map(|t| t.into_owned()))
                    .collect()
            }),
    }
}

/// A text column's rows as classes: the [`MAX_LEGEND_VALUES`] most common values get a class
/// each (most rows first, ties by value, so a value keeps its colour whatever is filtered),
/// the rest share [`OTHER_NAME`].
fn text_classes(column: &RowColumn, rows: usize) -> (Vec<Option<usize>>, Vec<String>) {
    let texts: Vec<Option<String>> = (0..rows)
        .map(|r| column.text(r).map(|t| t.into_owned()))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for text in texts.iter().flatten() {
        *counts.entry(text.as_str()).or_default() += 1;
    }
    let mut order: Vec<(&str, usize)> = counts.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut names: Vec<String> = order
        .iter()
        .take(MAX_LEGEND_VALUES)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let other = (order.len() > MAX_LEGEND_VALUES).then(|| {
        names.push(OTHER_NAME.to_owned());
        names.len() - 1
    });
    let ids: HashMap<&str, usize> = order
        .iter()
        .take(MAX_LEGEND_VALUES)
        .enumerate()
        .map(|(id, (name, _))| (*name, id))
        .collect();
    let classes = texts
        .iter()
        .map(|text| {
            let text = text.as_deref()?;
            ids.get(text).copied().or(other)
        })
        .collect();
    (classes, names)
}

/// Clusters (of the frame on screen or the latest) or categories as classes.
fn builtin_classes(
    model: &SpaceModel,
    frame: Option<usize>,
    color_by: ColorBy,
) -> (&'static str, Vec<Option<usize>>, Vec<String>) {
    let rows = model.words.len();
    match color_by {
        ColorBy::Cluster | ColorBy::LatestCluster => {
            let frame = match color_by {
                ColorBy::LatestCluster => model.frames.last(),
                _ => frame.and_then(|f| model.frames.get(f)),
            };
            let name = if color_by == ColorBy::Cluster {
                "cluster"
            } else {
                "latest-cluster"
            };
            let Some(frame) = frame.filter(|f| f.clusters.len() == rows) else {
                return (name, vec![None; rows], Vec::new());
            };
            let count = frame.clusters.iter().max().map_or(0, |m| m + 1);
            let names = (0..count)
                .map(|label| {
                    frame
                        .cluster_label_rows
                        .get(label)
                        .copied()
                        .flatten()
                        .and_then(|row| model.words.get(row))
                        .map_or_else(|| format!("cluster {}", label + 1), Clone::clone)
                })
                .collect::<Vec<_>>();
            // Two clusters named by the same word stay two entries.
            let names = disambiguate(names);
            (
                name,
                frame.clusters.iter().map(|c| Some(*c)).collect(),
                names,
            )
        }
        ColorBy::Category => {
            let mut classes = model.categories.clone();
            classes.resize(rows, None);
            ("category", classes, model.category_names.clone())
        }
    }
}

fn disambiguate(names: Vec<String>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    names
        .into_iter()
        .map(|name| {
            let n = seen.entry(name.clone()).or_default();
            *n += 1;
            if *n == 1 {
                name
            } else {
                format!("{name} ({n})")
            }
        })
        .collect()
}

fn numeric_range(values: &[Option<f64>]) -> Option<[f64; 2]> {
    let mut range: Option<[f64; 2]> = None;
    for v in values.iter().flatten() {
        range = Some(match range {
            None => [*v, *v],
            Some([lo, hi]) => [lo.min(*v), hi.max(*v)],
        });
    }
    range
}

/// The viridis colour map (perceptually uniform, readable in grey and by colour-blind eyes),
/// sRGB, at `t` in 0..=1: nine stops of matplotlib's table, interpolated.
pub fn viridis(t: f32) -> [f32; 3] {
    const STOPS: [[f32; 3]; 9] = [
        [0.267, 0.005, 0.329],
        [0.283, 0.141, 0.458],
        [0.254, 0.265, 0.530],
        [0.207, 0.372, 0.553],
        [0.164, 0.471, 0.558],
        [0.128, 0.567, 0.551],
        [0.135, 0.659, 0.518],
        [0.478, 0.821, 0.319],
        [0.993, 0.906, 0.144],
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f32;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f32;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    [0, 1, 2].map(|c| a[c] + (b[c] - a[c]) * f)
}

/// Per column: the selection's three most common values with counts, or its numeric range.
fn selection_summary(model: &SpaceModel, rows: &[usize]) -> Vec<(String, String)> {
    if rows.is_empty() {
        return Vec::new();
    }
    RowColumn::names(model)
        .into_iter()
        .filter(|name| name != "label")
        .filter_map(|name| {
            let column = RowColumn::find(model, &name)?;
            let text = if column.is_numeric() {
                let values: Vec<Option<f64>> = rows.iter().map(|r| column.number(*r)).collect();
                let [lo, hi] = numeric_range(&values)?;
                let present: Vec<f64> = values.iter().flatten().copied().collect();
                let mean = present.iter().sum::<f64>() / present.len() as f64;
                format!("{lo:.3} … {hi:.3} (mean {mean:.3})")
            } else {
                let mut counts: HashMap<String, usize> = HashMap::new();
                for row in rows {
                    if let Some(text) = column.text(*row) {
                        *counts.entry(text.into_owned()).or_default() += 1;
                    }
                }
                let mut order: Vec<(String, usize)> = counts.into_iter().collect();
                order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                if order.is_empty() {
                    return None;
                }
                order
                    .iter()
                    .take(3)
                    .map(|(value, count)| format!("{value} ({count})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Some((name, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::{Column, Metadata};
    use std::sync::Arc;

    fn model() -> SpaceModel {
        let mut model = SpaceModel::default();
        model.reset((0..6).map(|i| format!("w{i}")).collect());
        let topic = ["a", "b", "a", "c", "a", "b"]
            .map(|t| Some(t.to_owned()))
            .to_vec();
        let size = (0..6).map(|i| Some(i.to_string())).collect();
        model.metadata = Arc::new(
            Metadata::from_columns(
                6,
                vec![
                    Column::from_text("topic", topic),
                    Column::from_text("size", size),
                ],
            )
            .unwrap(),
        );
        model
    }

    #[test]
    fn text_column_gives_a_legend_with_counts_and_stable_colours() {
        let model = model();
        let mut view = ColumnView {
            colour_column: Some("topic".into()),
            ..ColumnView::default()
        };
        let look = compute_look(&model, None, &DisplaySettings::default(), &view);
        let legend: Vec<(&str, usize)> = look
            .legend
            .iter()
            .map(|e| (e.name.as_str(), e.count))
            .collect();
        assert_eq!(legend, [("a", 3), ("b", 2), ("c", 1)]);
        assert_eq!(look.colours[0], look.colours[2]);
        assert_ne!(look.colours[0], look.colours[1]);
        assert_eq!(look.points_visible, 6);
        // A filter changes counts, not colours.
        view.filter = Some(Filter::parse("size>1").unwrap());
        let filtered = compute_look(&model, None, &DisplaySettings::default(), &view);
        assert_eq!(filtered.colours, look.colours);
        let legend: Vec<(&str, usize)> = filtered
            .legend
            .iter()
            .map(|e| (e.name.as_str(), e.count))
            .collect();
        assert_eq!(legend, [("a", 2), ("b", 1), ("c", 1)]);
        assert_eq!(filtered.points_visible, 4);
        // A hidden legend entry hides its rows.
        view.hidden = vec!["a".into()];
        let hidden = compute_look(&model, None, &DisplaySettings::default(), &view);
        assert_eq!(hidden.visible, [false, false, false, true, false, true]);
        assert!(hidden.legend[0].hidden);
    }

    #[test]
    fn numeric_column_gives_a_gradient_and_its_range() {
        let model = model();
        let view = ColumnView {
            colour_column: Some("size".into()),
            ..ColumnView::default()
        };
        let look = compute_look(&model, None, &DisplaySettings::default(), &view);
        assert_eq!(look.range, Some([0.0, 5.0]));
        assert!(look.legend.is_empty());
        assert_eq!(look.colours[0], viridis(0.0));
        assert_eq!(look.colours[5], viridis(1.0));
    }

    #[test]
    fn a_metadata_table_is_joined_on_every_new_space() {
        let mut model = SpaceModel::default();
        let topic = vec![Some("x".to_owned()), Some("y".to_owned())];
        model.metadata_table = Some(Arc::new(crate::embeddings::formats::MetadataTable {
            keys: vec![Some("b".into()), Some("a".into())],
            key_name: "word".into(),
            metadata: Metadata::from_columns(2, vec![Column::from_text("topic", topic)]).unwrap(),
        }));
        model.reset(vec!["a".into(), "b".into(), "c".into()]);
        assert_eq!(
            model.metadata.strings("topic").unwrap(),
            [Some("y".to_owned()), Some("x".to_owned()), None]
        );
        model.reset(vec!["b".into()]);
        assert_eq!(model.metadata.rows(), 1);
    }

    #[test]
    fn selection_summary_lists_common_values() {
        let model = model();
        let summary = selection_summary(&model, &[0, 1, 2]);
        assert_eq!(summary[0], ("topic".into(), "a (2), b (1)".into()));
        assert!(summary[1].1.starts_with("0.000 … 2.000"), "{summary:?}");
    }
}
