//! The playhead over the frames seen so far, and the cloud it shows.
//!
//! The playhead position is a fractional frame index, so playback and scrubbing interpolate
//! smoothly between snapshots. While `follow_latest` is on, it glides to the newest frame as
//! training produces them.

use bevy::prelude::*;

use super::model::SpaceModel;
use crate::space;

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

/// The points as drawn now: interpolated 3D positions (world units) and the frame they belong to.
#[derive(Resource, Debug, Default)]
pub struct DisplayedCloud {
    pub positions: Vec<Vec3>,
    /// Frame whose labels/clusters colour the cloud.
    pub frame: Option<usize>,
    /// Bumped whenever positions change, so meshes update only then.
    pub generation: u64,
    last_position: Option<f32>,
    last_frame_count: usize,
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
                (advance_playhead, interpolate_cloud)
                    .chain()
                    .in_set(super::ViewerSet::Playback),
            );
    }
}

fn advance_playhead(time: Res<Time>, model: Res<SpaceModel>, mut playhead: ResMut<Playhead>) {
    let frame_count = model.frames.len();
    if frame_count == 0 {
        playhead.position = 0.0;
        return;
    }
    let last = (frame_count - 1) as f32;
    let step = playhead.frames_per_sec * time.delta_secs();
    if playhead.playing {
        playhead.position = (playhead.position + step).min(last);
        if playhead.position >= last {
            playhead.playing = false;
            playhead.follow_latest = true;
        }
    } else if playhead.follow_latest && playhead.position < last {
        // Glide towards new frames rather than jump, so the drift stays visible even when
        // training outpaces playback; speed up gently when far behind.
        let gap = last - playhead.position;
        playhead.position = (playhead.position + step * (1.0 + gap / 25.0)).min(last);
    }
    playhead.position = playhead.position.clamp(0.0, last);
}

fn interpolate_cloud(
    model: Res<SpaceModel>,
    playhead: Res<Playhead>,
    mut cloud: ResMut<DisplayedCloud>,
) {
    let frame_count = model.frames.len();
    if frame_count == 0 {
        if !cloud.positions.is_empty() {
            cloud.positions.clear();
            cloud.frame = None;
            cloud.generation += 1;
        }
        return;
    }
    let unchanged = cloud.last_position == Some(playhead.position)
        && cloud.last_frame_count == frame_count
        && !model.is_changed();
    if unchanged {
        return;
    }
    let position = playhead.position.clamp(0.0, (frame_count - 1) as f32);
    let lower = position.floor() as usize;
    let upper = (lower + 1).min(frame_count - 1);
    let t = position - lower as f32;
    let coords = space::interpolate(
        model.frames[lower].coords_3d.view(),
        model.frames[upper].coords_3d.view(),
        t,
    );
    cloud.positions.clear();
    cloud.positions.extend(
        coords
            .outer_iter()
            .map(|row| Vec3::new(row[0], row[1], row[2]) * WORLD_SCALE),
    );
    cloud.frame = playhead.nearest_frame(frame_count);
    cloud.generation += 1;
    cloud.last_position = Some(playhead.position);
    cloud.last_frame_count = frame_count;
}
