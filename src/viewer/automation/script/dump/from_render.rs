//! The dump's pieces from the render plugins: the camera, the 3D viewport, the points on the
//! GPU, the word under the resting cursor, and where the words that matter are drawn (tests
//! read the screenshot's pixels there).

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::from_core::CoreSources;
use crate::viewer::render::camera::OrbitCamera;
use crate::viewer::render::picking::Hovered;
use crate::viewer::render::points::{PointStyles, PointUploads, STYLE_SCALE_MAX, radius_px_for};
use crate::viewer::render::screen::ScreenProjection;

/// Everything the render pieces read (each may be missing in a headless app).
#[derive(SystemParam)]
pub(super) struct RenderSources<'w, 's> {
    pub uploads: Option<Res<'w, PointUploads>>,
    pub screen: Option<Res<'w, ScreenProjection>>,
    pub styles: Option<Res<'w, PointStyles>>,
    pub hovered: Option<Res<'w, Hovered>>,
    pub cameras: Query<'w, 's, &'static OrbitCamera>,
}

/// What the render plugins show.
#[derive(serde::Serialize)]
pub(super) struct RenderDump<'a> {
    /// Points on the GPU now.
    points_drawn: usize,
    /// The word under the resting cursor (its tooltip), if any.
    hovered_word: Option<&'a str>,
    /// The 3D view's rectangle in the window, logical pixels: `[x0, y0, x1, y1]`.
    viewport: Option<[f32; 4]>,
    /// The orbit camera: the point it turns around, its distance and angles (radians).
    camera: Option<CameraDump>,
    /// Where the words that matter are drawn now: the selection, its neighbours and the words
    /// of every shown relation (tests read the screenshot's pixels there).
    screen_points: Vec<ScreenPointDump<'a>>,
}

#[derive(serde::Serialize)]
struct CameraDump {
    focus: [f32; 3],
    distance: f32,
    yaw: f32,
    pitch: f32,
    auto_fit: bool,
}

/// One word's point as drawn: window position (logical pixels), disc radius and colour.
#[derive(serde::Serialize)]
struct ScreenPointDump<'a> {
    word: &'a str,
    /// `selected`, `neighbor` or `relation`.
    role: &'static str,
    /// `None` when the point is outside the 3D view or behind the camera.
    x: Option<f32>,
    y: Option<f32>,
    radius_px: f32,
    /// The point's sRGB colour before depth shading.
    color: [u8; 3],
}

pub(super) fn render<'a>(sources: &'a RenderSources, core: &'a CoreSources) -> RenderDump<'a> {
    RenderDump {
        points_drawn: sources.uploads.as_ref().map_or(0, |u| u.points),
        hovered_word: sources
            .hovered
            .as_ref()
            .and_then(|h| h.row)
            .and_then(|r| core.model.words.get(r))
            .map(String::as_str),
        viewport: sources.screen.as_ref().map(|s| {
            [
                s.viewport.min.x,
                s.viewport.min.y,
                s.viewport.max.x,
                s.viewport.max.y,
            ]
        }),
        camera: sources.cameras.iter().next().map(|orbit| CameraDump {
            focus: orbit.focus.to_array(),
            distance: orbit.radius,
            yaw: orbit.yaw,
            pitch: orbit.pitch,
            auto_fit: orbit.auto_fit,
        }),
        screen_points: screen_points(sources, core),
    }
}

/// The selection, its neighbours and the shown relations' words, where they are drawn.
fn screen_points<'a>(
    sources: &'a RenderSources,
    core: &'a CoreSources,
) -> Vec<ScreenPointDump<'a>> {
    let model = &*core.model;
    let cloud = &*core.cloud;
    let mut rows: Vec<(usize, &'static str)> = Vec::new();
    rows.extend(core.selection.row.map(|r| (r, "selected")));
    rows.extend(core.selection.neighbors.iter().map(|n| (n.row, "neighbor")));
    for pair in model
        .relations
        .iter()
        .filter(|p| core.settings.shows_relation(&p.relation))
    {
        for word in [&pair.head, &pair.tail] {
            if let Some(row) = model.row_of(word)
                && !rows.iter().any(|(r, _)| *r == row)
            {
                rows.push((row, "relation"));
            }
        }
    }
    let base_radius_px = radius_px_for(cloud.len, core.settings.point_size);
    rows.into_iter()
        .filter(|(row, _)| *row < cloud.len)
        .map(|(row, role)| {
            let at = cloud
                .position(model, row)
                .zip(sources.screen.as_ref())
                .and_then(|(world, screen)| screen.project(world))
                .map(|(at, _)| at);
            let style = sources
                .styles
                .as_ref()
                .and_then(|s| s.styles.get(row).copied())
                .unwrap_or([0; 4]);
            ScreenPointDump {
                word: core.word(row),
                role,
                x: at.map(|a| a.x),
                y: at.map(|a| a.y),
                radius_px: base_radius_px * f32::from(style[3]) / 255.0 * STYLE_SCALE_MAX,
                color: [style[0], style[1], style[2]],
            }
        })
        .collect()
}
