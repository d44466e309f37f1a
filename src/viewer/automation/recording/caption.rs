//! The caption of an animated export (`render --caption`, the files panel's *caption the
//! animation*): which snapshot and epoch each frame shows, written into a corner of the 3D view
//! while the frames are posed and captured, so a GIF says how far training had come. Drawn with
//! egui's painter on top of everything, so the window capture holds it like the labels.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::{Recorder, Stage};
use crate::viewer::core::bridge::TrainingRun;
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::Playhead;
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::ui::i18n::{Lang, fill};

/// Text size of the caption (logical pixels).
const CAPTION_FONT_PX: f32 = 15.0;
/// Gap between the caption box and the view's top left corner (logical pixels).
const CAPTION_MARGIN_PX: f32 = 8.0;

/// What the caption is made of.
#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct CaptionSources<'w> {
    recorder: Res<'w, Recorder>,
    model: Res<'w, SpaceModel>,
    run: Res<'w, TrainingRun>,
    playhead: Res<'w, Playhead>,
    screen: Option<Res<'w, ScreenProjection>>,
    lang: Res<'w, Lang>,
}

/// Draws the caption while a captioned recording poses and captures its frames.
pub(super) fn caption_system(mut contexts: EguiContexts, sources: CaptionSources) -> Result {
    let Some(job) = sources.recorder.job.as_ref() else {
        return Ok(());
    };
    if !job.settings.caption || !matches!(job.stage, Stage::Posing { .. } | Stage::Capturing { .. })
    {
        return Ok(());
    }
    let Some(text) = caption_text(
        &sources.model,
        &sources.run,
        sources.playhead.position,
        *sources.lang,
    ) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let corner = sources.screen.as_ref().map_or(egui::Pos2::ZERO, |s| {
        egui::pos2(s.viewport.min.x, s.viewport.min.y)
    });
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::new("recording-caption"),
    ));
    let galley = painter.layout_no_wrap(
        text,
        egui::FontId::proportional(CAPTION_FONT_PX),
        egui::Color32::WHITE,
    );
    let min = corner + egui::vec2(CAPTION_MARGIN_PX, CAPTION_MARGIN_PX);
    let rect = egui::Rect::from_min_size(min, galley.size() + egui::vec2(12.0, 8.0));
    painter.rect_filled(rect, 4.0, egui::Color32::from_black_alpha(200));
    painter.galley(min + egui::vec2(6.0, 4.0), galley, egui::Color32::WHITE);
    Ok(())
}

/// "snapshot 12.5 of 50 · epoch 2 · 1,200,000 words" for the playhead's position (the epoch
/// and words of the nearest snapshot); `None` before the first snapshot.
pub fn caption_text(
    model: &SpaceModel,
    run: &TrainingRun,
    position: f32,
    lang: Lang,
) -> Option<String> {
    let frame_count = model.frames.len();
    let last = model.frames.last()?;
    let nearest = (position.round().max(0.0) as usize).min(frame_count - 1);
    let meta = &model.frames.get(nearest)?.meta;
    // A run trained here knows its epochs; a file's last snapshot ends its last epoch.
    let epochs = if run.trains() {
        run.config.epochs
    } else {
        last.meta.epoch.max(1)
    };
    Some(fill(
        lang.tr("snapshot {} of {} · epoch {} · {} words"),
        &[
            &format!("{position:.1}"),
            &(frame_count - 1),
            &crate::train::epoch_number(meta.epoch, epochs),
            &crate::numbers::group_digits(meta.words_processed as usize),
        ],
    ))
}
