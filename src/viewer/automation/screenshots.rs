//! Window screenshots written as PNG (atomically), and the log scripts wait on. Shared by the
//! export panel and scripted sessions, so neither depends on the other.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use image::ImageEncoder;

use crate::atomic_file::write_atomically;

/// Screenshots asked for and written so far (scripts wait on this).
#[derive(Resource, Default, Clone)]
pub struct ScreenshotLog {
    pub requested: usize,
    pub written: Arc<Mutex<Vec<Result<PathBuf, String>>>>,
}

impl ScreenshotLog {
    pub fn written_count(&self) -> usize {
        self.written.lock().map(|w| w.len()).unwrap_or(0)
    }
}

/// Registers the screenshot log.
pub struct ScreenshotsPlugin;

impl Plugin for ScreenshotsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ScreenshotLog>();
    }
}

/// Captures the window and writes it as PNG (atomically) once the frame is rendered.
pub fn request_screenshot(commands: &mut Commands, log: &mut ScreenshotLog, path: PathBuf) {
    log.requested += 1;
    let written = log.written.clone();
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>| {
            let result = save_png(&captured.image, &path).map(|()| path.clone());
            if let Err(e) = &result {
                error!("{e}");
            }
            if let Ok(mut written) = written.lock() {
                written.push(result);
            }
        },
    );
}

fn save_png(image: &Image, path: &Path) -> Result<(), String> {
    let rgb = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("cannot convert screenshot: {e}"))?
        .to_rgb8();
    let (width, height) = rgb.dimensions();
    write_atomically(path, |w| {
        image::codecs::png::PngEncoder::new(w)
            .write_image(rgb.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .map_err(std::io::Error::other)
    })
    .map_err(|e| format!("cannot write screenshot {}: {e}", path.display()))
}
