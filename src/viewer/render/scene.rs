//! Relation and analogy arrows over the cloud (the points themselves are drawn by
//! [`crate::viewer::render::points`]). Arrows go head → tail, one colour per relation, so parallel arrows show
//! a learned relation at a glance.

use bevy::prelude::*;

use crate::space;
use crate::viewer::core::analogy::AnalogyState;
use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::{RelationSetInfo, SpaceModel};
use crate::viewer::core::playback::DisplayedCloud;

/// Draws the arrows.
pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, thicker_arrows).add_systems(
            Update,
            (default_arrow_visibility, draw_arrows)
                .chain()
                .in_set(crate::viewer::sets::ViewerSet::Draw),
        );
    }
}

/// Arrows are the point of the relation view: make them visible at a glance.
fn thicker_arrows(mut store: ResMut<GizmoConfigStore>) {
    let (config, _) = store.config_mut::<DefaultGizmoConfigGroup>();
    config.line.width = 2.5;
}

/// The colour of a relation's arrows (by its order of first appearance).
pub fn relation_color(relation_id: usize) -> Color {
    let [r, g, b] = space::palette_color(relation_id + 3);
    Color::srgb(r, g, b)
}

/// Built-in sets whose arrows are shown when a space loads: the essay's country → capital.
/// The other sets are listed (and scored) with their arrows off, so the view stays readable.
fn shown_by_default(set: &RelationSetInfo) -> bool {
    !set.builtin || set.name.contains("capital") || set.name.contains("首都")
}

/// When a new space brings its relation sets, hides the arrows of all but the user's files and
/// the country → capital sets (the relations panel switches any of them on).
fn default_arrow_visibility(
    model: Res<SpaceModel>,
    mut settings: ResMut<DisplaySettings>,
    mut last_sets: Local<Vec<String>>,
) {
    let names: Vec<String> = model.relation_sets.iter().map(|s| s.name.clone()).collect();
    if *last_sets == names {
        return;
    }
    let hidden: Vec<String> = model
        .relation_sets
        .iter()
        .filter(|set| !shown_by_default(set))
        .map(|set| set.name.clone())
        .collect();
    settings.set_if_neq(DisplaySettings {
        hidden_relations: hidden,
        ..settings.clone()
    });
    *last_sets = names;
}

/// Relation arrows head → tail, coloured per relation, and the analogy's arrows.
fn draw_arrows(
    mut gizmos: Gizmos,
    cloud: Res<DisplayedCloud>,
    model: Res<SpaceModel>,
    settings: Res<DisplaySettings>,
    analogy: Res<AnalogyState>,
    look: Option<Res<crate::viewer::core::columns::ColumnLook>>,
) {
    // Rows hidden by a filter or the legend have no arrows either.
    let position = |word: &str| {
        model
            .row_of(word)
            .filter(|r| look.as_ref().is_none_or(|l| l.is_visible(*r)))
            .and_then(|r| cloud.position(&model, r))
    };
    let mut relation_ids: Vec<&str> = Vec::new();
    for pair in model.relations.iter() {
        let id = match relation_ids.iter().position(|r| *r == pair.relation) {
            Some(id) => id,
            None => {
                relation_ids.push(&pair.relation);
                relation_ids.len() - 1
            }
        };
        if !settings.shows_relation(&pair.relation) {
            continue;
        }
        if let (Some(head), Some(tail)) = (position(&pair.head), position(&pair.tail)) {
            gizmos.arrow(head, tail, relation_color(id));
        }
    }
    for (from, to) in analogy.arrows(&model) {
        if let (Some(from), Some(to)) = (cloud.position(&model, from), cloud.position(&model, to)) {
            gizmos.arrow(from, to, Color::srgb(1.0, 0.95, 0.4));
        }
    }
}
