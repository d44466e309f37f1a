//! What the app costs, for dumps and benchmarks: the time of the app's own systems per frame
//! (from the start of `First` to the end of `Last`, so rendering is excluded), the time from
//! launch to the first frame with every point drawn, and the process's resident memory.
//! Frame time is measured here too, on the wall clock (bevy's diagnostic follows the app's
//! clock, which a scripted session fixes at 1/60 s a frame).
//!
//! The wall-clock update time includes waiting for a core: under a software renderer the
//! rasteriser's threads hold both cores of a small machine, and the app's systems wait their
//! turn. With `view --single-threaded` every system runs on the main thread, and the main
//! thread's CPU time from `First` to `Last` is the app's own work, whatever else runs.

use std::collections::VecDeque;
use std::time::Instant;

use bevy::ecs::system::NonSendMarker;
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
    /// The main thread's CPU time at the start of this frame's update, in seconds.
    frame_cpu_started_secs: Option<f64>,
    update_cpu_ms: VecDeque<f32>,
    /// Every system runs on the main thread (`view --single-threaded`), so the main thread's
    /// CPU time is the app's whole update.
    pub single_threaded: bool,
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
            frame_cpu_started_secs: None,
            update_cpu_ms: VecDeque::with_capacity(WINDOW_FRAMES),
            single_threaded: false,
            load_secs: None,
        }
    }
}

impl PerfStats {
    /// The `percent`-th percentile of the app's update time over the last 60 frames.
    pub fn update_ms_percentile(&self, percent: usize) -> Option<f32> {
        percentile(self.update_ms.iter().copied().collect(), percent)
    }

    /// The `percent`-th percentile of the app's update CPU time over the last 60 frames; only
    /// when every system runs on the main thread (otherwise the main thread's share is not the
    /// whole).
    pub fn update_cpu_ms_percentile(&self, percent: usize) -> Option<f32> {
        if !self.single_threaded {
            return None;
        }
        percentile(self.update_cpu_ms.iter().copied().collect(), percent)
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

/// CPU time this thread has used, in seconds (`None` where the clock is not available).
pub fn thread_cpu_secs() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `clock_gettime` writes one `timespec` through the pointer, which points at a
        // live local of that type; CLOCK_THREAD_CPUTIME_ID is a valid clock on every Unix we
        // build for, and a failure is reported by the return value, not by writing elsewhere.
        let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
        (status == 0).then_some(time.tv_sec as f64 + time.tv_nsec as f64 * 1e-9)
    }
    #[cfg(not(unix))]
    {
        None
    }
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

// `NonSendMarker`: both ends of the frame on the main thread, so its CPU clock is one clock.
fn start_frame(mut stats: ResMut<PerfStats>, _main_thread: NonSendMarker) {
    let stats = stats.bypass_change_detection();
    stats.frame_cpu_started_secs = thread_cpu_secs();
    let now = Instant::now();
    if let Some(last) = stats.last_frame_started.replace(now) {
        push_capped(
            &mut stats.frame_ms,
            now.duration_since(last).as_secs_f32() * 1000.0,
        );
    }
    stats.frame_started = Some(now);
}

fn end_frame(mut stats: ResMut<PerfStats>, _main_thread: NonSendMarker) {
    let stats = stats.bypass_change_detection();
    if let (Some(started), Some(now)) = (stats.frame_cpu_started_secs.take(), thread_cpu_secs()) {
        push_capped(&mut stats.update_cpu_ms, ((now - started) * 1000.0) as f32);
    }
    if let Some(started) = stats.frame_started.take() {
        push_capped(
            &mut stats.update_ms,
            started.elapsed().as_secs_f32() * 1000.0,
        );
    }
}

/// Appends `value`, keeping the last [`WINDOW_FRAMES`] values.
fn push_capped(values: &mut VecDeque<f32>, value: f32) {
    if values.len() == WINDOW_FRAMES {
        values.pop_front();
    }
    values.push_back(value);
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
    fn thread_cpu_time_counts_work_not_sleep() {
        if !cfg!(unix) {
            return;
        }
        let before = thread_cpu_secs().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let slept = thread_cpu_secs().unwrap() - before;
        let mut sum = 0u64;
        let busy_from = thread_cpu_secs().unwrap();
        while thread_cpu_secs().unwrap() - busy_from < 0.03 {
            sum = std::hint::black_box(sum.wrapping_add(1));
        }
        assert!(sum > 0);
        assert!(slept < 0.02, "sleeping used {slept} s of CPU");
    }

    #[test]
    fn cpu_figures_only_when_single_threaded() {
        let mut stats = PerfStats::default();
        stats.update_cpu_ms.push_back(1.5);
        assert_eq!(stats.update_cpu_ms_percentile(50), None);
        stats.single_threaded = true;
        assert_eq!(stats.update_cpu_ms_percentile(50), Some(1.5));
    }

    #[test]
    fn rss_is_reported_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(rss_mb().is_some_and(|mb| mb > 1.0));
        }
    }
}
