//! What the camera must keep in view, and the sphere that holds it.
//!
//! Real embeddings have long tails (in a PCA of GloVe the frequent words sit far out from the
//! dense bulk of rare words), so neither an RMS radius nor a percentile alone frames them: the
//! relation words a user came to see are exactly the far-out frequent ones. The framing sphere
//! is the robust extent of the cloud (a high percentile of distances from a robust centre,
//! computed with each frame) grown to hold every word that is labelled as a cluster name, has
//! a relation arrow shown, or is selected with its neighbours.

use bevy::prelude::*;

use crate::viewer::core::display_settings::DisplaySettings;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::core::selection::Selection;

/// Rows that must be on screen: shown relations' words, cluster-name words, the selection and
/// its neighbours (a few hundred at most, whatever the size of the cloud).
pub fn must_see_rows(
    model: &SpaceModel,
    cloud: &DisplayedCloud,
    settings: &DisplaySettings,
    selection: &Selection,
) -> Vec<usize> {
    let mut rows: Vec<usize> = Vec::new();
    for pair in model
        .relations
        .iter()
        .filter(|p| settings.shows_relation(&p.relation))
    {
        rows.extend(model.row_of(&pair.head));
        rows.extend(model.row_of(&pair.tail));
    }
    if let Some(frame) = cloud.frame.and_then(|f| model.frames.get(f)) {
        rows.extend(frame.cluster_label_rows.iter().flatten());
    }
    rows.extend(selection.row);
    rows.extend(selection.neighbors.iter().map(|n| n.row));
    rows.sort_unstable();
    rows.dedup();
    rows.retain(|&r| r < cloud.len);
    rows
}

/// The smallest sphere around the box that holds the core sphere and every point: its centre
/// is the box's centre, its radius reaches the farthest of them.
pub fn fit_sphere(core: (Vec3, f32), points: &[Vec3]) -> (Vec3, f32) {
    let (core_centre, core_radius) = core;
    let mut min = core_centre - Vec3::splat(core_radius);
    let mut max = core_centre + Vec3::splat(core_radius);
    for p in points.iter().filter(|p| p.is_finite()) {
        min = min.min(*p);
        max = max.max(*p);
    }
    let centre = (min + max) * 0.5;
    let radius = points
        .iter()
        .filter(|p| p.is_finite())
        .map(|p| p.distance(centre))
        .fold(core_centre.distance(centre) + core_radius, f32::max);
    (centre, radius.max(1e-3))
}

/// The sphere to frame now: the cloud's robust extent and every must-see word, as drawn at the
/// playhead (world units). `None` before the first frame.
pub fn framing_sphere(
    model: &SpaceModel,
    cloud: &DisplayedCloud,
    settings: &DisplaySettings,
    selection: &Selection,
) -> Option<(Vec3, f32)> {
    let core = cloud.bounds(model)?;
    let points: Vec<Vec3> = must_see_rows(model, cloud, settings, selection)
        .into_iter()
        .filter_map(|row| cloud.position(model, row))
        .collect();
    Some(fit_sphere(core, &points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_alone_is_kept() {
        let (centre, radius) = fit_sphere((Vec3::new(1.0, 2.0, 3.0), 2.0), &[]);
        assert!(centre.distance(Vec3::new(1.0, 2.0, 3.0)) < 1e-6);
        assert!((radius - 2.0).abs() < 1e-6);
    }

    #[test]
    fn far_words_pull_the_sphere_out_to_hold_them() {
        let core = (Vec3::ZERO, 1.0);
        let far = [Vec3::new(10.0, 0.0, 0.0), Vec3::new(9.0, 1.0, 0.0)];
        let (centre, radius) = fit_sphere(core, &far);
        for p in far {
            assert!(p.distance(centre) <= radius + 1e-4);
        }
        // The core's far side is held too.
        assert!(Vec3::new(-1.0, 0.0, 0.0).distance(centre) <= radius + 1e-4);
        // And the sphere is not needlessly large: centred between the core and the far words.
        assert!(centre.x > 4.0 && centre.x < 5.0, "{centre}");
        assert!(radius < 6.0, "{radius}");
    }

    #[test]
    fn non_finite_points_are_ignored() {
        let (centre, radius) = fit_sphere((Vec3::ZERO, 1.0), &[Vec3::NAN]);
        assert!(centre.is_finite() && (radius - 1.0).abs() < 1e-6);
    }
}
