//! The playhead over the frames seen so far, and the cloud it shows.
//!
//! The playhead position is a fractional frame index, so playback and scrubbing interpolate
//! smoothly between snapshots. While `follow_latest` is on, it glides to the newest frame as
//! training produces them.

use bevy::prelude::*;

use ndarray::ArrayView2;

use crate::viewer::core::display_settings::{CloudView, DisplaySettings};
use crate::viewer::core::model::SpaceModel;

/// Where in the timeline the view is.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Playhead {
    /// Fractional frame index in `0..=frames-1`.
    pub position: f32,
    pub playing: bool,
    /// Track the newest frame while training runs.
    pub follow_latest: bool,
    pub frames_per_sec: f32,
}

impl Default for Playhead {
    fn default() -> Self {
        Self {
            position: 0.0,
            playing: false,
            follow_latest: true,
            frames_per_sec: 4.0,
        }
    }
}

impl Playhead {
    /// The frame whose data (neighbours, clusters, scores) describe the view: the nearest one.
    pub fn nearest_frame(&self, frame_count: usize) -> Option<usize> {
        if frame_count == 0 {
            return None;
        }
        Some((self.position.round().max(0.0) as usize).min(frame_count - 1))
    }

    /// Jumps to a frame (and stops following the latest unless it is the latest).
    pub fn scrub_to(&mut self, position: f32, frame_count: usize) {
        let last = frame_count.saturating_sub(1) as f32;
        self.position = position.clamp(0.0, last);
        self.follow_latest = self.position >= last;
    }
}

/// The cloud as drawn now: the two frames the playhead lies between and how far between them.
/// Positions are not stored per point: the GPU interpolates every point, and the CPU
/// interpolates only the points it needs (labels, arrows, a click) with [`Self::position`].
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct DisplayedCloud {
    /// The frames around the playhead (`lower <= upper`) and the weight of `upper`.
    pub lower: usize,
    pub upper: usize,
    pub t: f32,
    /// Number of points drawn (0 until the first frame is analysed).
    pub len: usize,
    /// The one-hot arrangement instead of the frames.
    pub one_hot: bool,
    /// Frame whose labels/clusters colour the cloud (the nearest to the playhead).
    pub frame: Option<usize>,
    /// Bumped whenever the frame pair or the frames' contents change: point positions must be
    /// uploaded again. A change of `t` alone needs no upload.
    pub generation: u64,
    /// The model's frame version this cloud was built from.
    frames_version: u64,
}

impl DisplayedCloud {
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The coordinates (unit RMS radius) the points move between: the two frames, or the
    /// one-hot arrangement twice.
    pub fn coords<'a>(
        &self,
        model: &'a SpaceModel,
    ) -> Option<(ArrayView2<'a, f32>, ArrayView2<'a, f32>)> {
        if self.one_hot {
            let coords = model.one_hot_coords.view();
            return Some((coords, coords));
        }
        let lower = model.frames.get(self.lower)?.coords_3d.view();
        let upper = model.frames.get(self.upper)?.coords_3d.view();
        Some((lower, upper))
    }

    /// World position of one point, interpolated exactly as the point shader does.
    pub fn position(&self, model: &SpaceModel, row: usize) -> Option<Vec3> {
        if row >= self.len {
            return None;
        }
        let (lower, upper) = self.coords(model)?;
        let (a, b) = (lower.row(row), upper.row(row));
        let a = Vec3::new(a[0], a[1], a[2]) * WORLD_SCALE;
        let b = Vec3::new(b[0], b[1], b[2]) * WORLD_SCALE;
        Some(shader_position(a, b, self.t))
    }

    /// Centre and robust radius of the cloud (world units), interpolated like the points.
    pub fn bounds(&self, model: &SpaceModel) -> Option<(Vec3, f32)> {
        if self.one_hot {
            return (self.len > 0).then_some((Vec3::ZERO, WORLD_SCALE));
        }
        let a = model.frames.get(self.lower)?.bounds;
        let b = model.frames.get(self.upper)?.bounds;
        let centre = Vec3::from(a.0).lerp(Vec3::from(b.0), self.t) * WORLD_SCALE;
        let radius = (a.1 + (b.1 - a.1) * self.t) * WORLD_SCALE;
        Some((centre, radius))
    }
}

/// Where the point shader (`assets/shaders/points.wgsl`) puts a point between its two frames:
/// `mix(a, b, t)`. The CPU uses the same formula for labels, arrows and clicks.
pub fn shader_position(a: Vec3, b: Vec3, t: f32) -> Vec3 {
    a * (1.0 - t) + b * t
}

/// World units per unit of RMS radius of the projected cloud.
pub const WORLD_SCALE: f32 = 10.0;

/// Moves the playhead and interpolates the displayed cloud.
pub struct PlaybackPlugin;

impl Plugin for PlaybackPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Playhead>()
            .init_resource::<DisplayedCloud>()
            .add_systems(
                Update,
                (advance_playhead, place_cloud)
                    .chain()
                    .in_set(crate::viewer::sets::ViewerSet::Playback),
            );
    }
}

fn advance_playhead(time: Res<Time>, model: Res<SpaceModel>, mut playhead: ResMut<Playhead>) {
    let frame_count = model.frames.len();
    let mut next = playhead.clone();
    if frame_count == 0 {
        next.position = 0.0;
    } else {
        let last = (frame_count - 1) as f32;
        let step = next.frames_per_sec * time.delta_secs();
        if next.playing {
            next.position = (next.position + step).min(last);
            // Caught up with the frames analysed so far: wait for the rest (they are coming),
            // and only then stop, following training live from there.
            if next.position >= last && model.pending() == 0 {
                next.playing = false;
                next.follow_latest = true;
            }
        } else if next.follow_latest && next.position < last {
            // Glide towards new frames rather than jump, so the drift stays visible even when
            // training outpaces playback; speed up gently when far behind.
            let gap = last - next.position;
            next.position = (next.position + step * (1.0 + gap / 25.0)).min(last);
        }
        next.position = next.position.clamp(0.0, last);
    }
    // Written only on change, so an idle frame triggers nothing downstream.
    playhead.set_if_neq(next);
}

fn place_cloud(
    model: Res<SpaceModel>,
    playhead: Res<Playhead>,
    settings: Res<DisplaySettings>,
    mut cloud: ResMut<DisplayedCloud>,
) {
    let frame_count = model.frames.len();
    let mut next = cloud.clone();
    next.one_hot = settings.view == CloudView::OneHot;
    if frame_count == 0 {
        next.len = 0;
        next.frame = None;
    } else {
        let position = playhead.position.clamp(0.0, (frame_count - 1) as f32);
        let lower = position.floor() as usize;
        next.lower = lower;
        next.upper = (lower + 1).min(frame_count - 1);
        next.t = if next.upper == lower {
            0.0
        } else {
            position - lower as f32
        };
        next.len = model.frames[lower].coords_3d.nrows();
        next.frame = playhead.nearest_frame(frame_count);
    }
    let moved = (next.lower, next.upper, next.len, next.one_hot)
        != (cloud.lower, cloud.upper, cloud.len, cloud.one_hot)
        || next.frames_version != model.frames_version;
    if moved {
        next.frames_version = model.frames_version;
        next.generation += 1;
    }
    cloud.set_if_neq(next);
}
