//! What the app costs, for dumps and benchmarks: the time of the app's own systems per frame
//! (from the start of `First` to the end of `Last`, so rendering is excluded), the time from
//! launch to the first frame with every point drawn, and the process's resident memory.
//! Frame time is measured here too, on the wall clock (bevy's diagnostic follows the app's
//! clock, which a scripted session fixes at 1/60 s a frame).

use std::collections::VecDeque;
use std::time::Instant;

use bevy::prelude::*;

use crate::viewer::core::model::SpaceModel;
use crate::viewer::render::points::PointUploads;

/// Frames the update-time percentiles are taken over.
const WINDOW_FRAMES: usize = 60;

/// Timings of the app's own work.
#[derive(Resource, Debug)]
pub struct PerfStats {
    launched: Instant,
    frame_started: Option<Instant>,
    update_ms: VecDeque<f32>,
    /// Wall-clock time from one frame's start to the next (a scripted session runs the app's
    /// clock at a fixed 1/60 s a frame, so bevy's frame-time diagnostic would report that).
    frame_ms: VecDeque<f32>,
    last_frame_started: Option<Instant>,
    /// Seconds from launch to the first frame with all points on the GPU.
    pub load_secs: Option<f32>,
}

impl Default for PerfStats {
    fn default() -> Self {
        Self {
            launched: Instant::now(),
            frame_started: None,
            update_ms: VecDeque::with_capacity(WINDOW_FRAMES),
            frame_ms: VecDeque::with_capacity(WINDOW_FRAMES),
            last_frame_started: None,
            load_secs: None,
        }
    }
}

impl PerfStats {
    /// The `percent`-th percentile of the app's update time over the last 60 frames.
    pub fn update_ms_percentile(&self, percent: usize) -> Option<f32> {
        percentile(self.update_ms.iter().copied().collect(), percent)
    }

    /// The mean wall-clock frame time over the last 60 frames.
    pub fn mean_frame_ms(&self) -> Option<f32> {
        (!self.frame_ms.is_empty())
            .then(|| self.frame_ms.iter().sum::<f32>() / self.frame_ms.len() as f32)
    }
}

/// The `percent`-th percentile (nearest rank) of `values`.
pub fn percentile(mut values: Vec<f32>, percent: usize) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f32::total_cmp);
    let rank = (values.len() * percent.min(100)).div_ceil(100).max(1);
    values.get(rank - 1).copied()
}

/// Resident memory of this process in MiB (Linux; `None` elsewhere).
pub fn rss_mb() -> Option<f32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f32 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Measures [`PerfStats`].
pub struct PerfPlugin;

impl Plugin for PerfPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PerfStats>()
            .add_systems(First, start_frame)
            .add_systems(Last, (end_frame, note_loaded));
    }
}

fn start_frame(mut stats: ResMut<PerfStats>) {
    let stats = stats.bypass_change_detection();
    let now = Instant::now();
    if let Some(last) = stats.last_frame_started.replace(now) {
        if stats.frame_ms.len() == WINDOW_FRAMES {
            stats.frame_ms.pop_front();
        }
        stats
            .frame_ms
            .push_back(now.duration_since(last).as_secs_f32() * 1000.0);
    }
    stats.frame_started = Some(now);
}

fn end_frame(mut stats: ResMut<PerfStats>) {
    let stats = stats.bypass_change_detection();
    if let Some(started) = stats.frame_started.take() {
        if stats.update_ms.len() == WINDOW_FRAMES {
            stats.update_ms.pop_front();
        }
        stats
            .update_ms
            .push_back(started.elapsed().as_secs_f32() * 1000.0);
    }
}

fn note_loaded(model: Res<SpaceModel>, uploads: Res<PointUploads>, mut stats: ResMut<PerfStats>) {
    if stats.load_secs.is_none() && uploads.points > 0 && uploads.points == model.words.len() {
        let secs = stats.launched.elapsed().as_secs_f32();
        stats.bypass_change_detection().load_secs = Some(secs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f32> = (1..=100).map(|v| v as f32).collect();
        assert_eq!(percentile(values.clone(), 50), Some(50.0));
        assert_eq!(percentile(values.clone(), 95), Some(95.0));
        assert_eq!(percentile(vec![3.0, 1.0, 2.0], 50), Some(2.0));
        assert_eq!(percentile(Vec::new(), 50), None);
    }

    #[test]
    fn rss_is_reported_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(rss_mb().is_some_and(|mb| mb > 1.0));
        }
    }
}
