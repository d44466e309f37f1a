//! Chinese text everywhere: the bundled CJK font (WenQuanYi Micro Hei, which also has arrows
//! such as →) is added to egui as a fallback after egui's own fonts, for panels and 3D labels.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::viewer::core::model::UserError;
use crate::viewer::options::assets_dir;

pub const CJK_FONT_FILE: &str = "wqy-microhei.ttc";
/// The same font compiled into the binary (5 MB), so a copied binary shows Chinese too.
const BUNDLED_CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/wqy-microhei.ttc");

pub struct FontsPlugin;

impl Plugin for FontsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(EguiPrimaryContextPass, install_cjk_font);
    }
}

fn install_cjk_font(
    mut contexts: EguiContexts,
    mut installed: Local<bool>,
    mut errors: MessageWriter<UserError>,
) {
    if *installed {
        return;
    }
    let Ok(ctx) = contexts.ctx_mut() else {
        return;
    };
    *installed = true;
    // The assets folder's font (a user may swap it), else the copy in the binary.
    let path = assets_dir().join("fonts").join(CJK_FONT_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BUNDLED_CJK_FONT.to_vec(),
        Err(e) => {
            errors.write(UserError(format!(
                "cannot read the CJK font {}: {e}; Chinese text will show as boxes",
                path.display()
            )));
            return;
        }
    };
    let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
        .into_iter()
        .map(|family| egui::epaint::text::InsertFontFamily {
            family,
            priority: egui::epaint::text::FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(egui::epaint::text::FontInsert::new(
        "wqy-microhei",
        egui::FontData::from_owned(bytes),
        families,
    ));
}
