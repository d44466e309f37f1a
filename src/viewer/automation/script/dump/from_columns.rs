//! The dump's piece from the columns plugin: what colours the points, the legend, the filter
//! and the box selection.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::from_core::CoreSources;
use crate::viewer::core::columns::{ColumnLook, ColumnView};

/// The columns plugin's state (absent in apps without it).
#[derive(SystemParam)]
pub(super) struct ColumnSources<'w> {
    look: Option<Res<'w, ColumnLook>>,
    view: Option<Res<'w, ColumnView>>,
}

#[derive(serde::Serialize)]
pub(super) struct ColumnsDump<'a> {
    /// What colours the points: `cluster`, `latest-cluster`, `category` or a column's name.
    colour_by: &'a str,
    /// The legend, `[[value, count], ...]`, most rows first (counts of the filtered rows).
    legend: Vec<(&'a str, usize)>,
    /// A numeric colouring's range.
    colour_range: Option<[f64; 2]>,
    /// The filter (`COLUMN=VALUE` ...), if any, and the points it and the legend leave shown.
    filter: Option<String>,
    points_visible: usize,
    /// Rows in the box selection.
    selection_count: usize,
}

pub(super) fn columns<'a>(sources: &'a ColumnSources, core: &CoreSources) -> ColumnsDump<'a> {
    let look = sources.look.as_deref();
    let view = sources.view.as_deref();
    ColumnsDump {
        colour_by: look.map_or("", |l| l.colour_by.as_str()),
        legend: look.map_or_else(Vec::new, |l| {
            l.legend
                .iter()
                .map(|e| (e.name.as_str(), e.count))
                .collect()
        }),
        colour_range: look.and_then(|l| l.range),
        filter: view
            .and_then(|v| v.filter.as_ref())
            .map(ToString::to_string),
        points_visible: look.map_or(core.model.words.len(), |l| l.points_visible),
        selection_count: view.map_or(0, |v| v.selected.len()),
    }
}
