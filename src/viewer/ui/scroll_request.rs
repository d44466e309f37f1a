//! A script's request to bring a pressable widget into view: `press TEXT` on a widget that
//! its panel has scrolled away from asks for it here (egui's per-context temporary data, so no
//! panel needs a resource for it), and the panel that draws the widget scrolls to it
//! ([`egui::Response::scroll_to_me`]) the next time it records it.

use bevy_egui::egui;

fn id() -> egui::Id {
    egui::Id::new("embedscape-scroll-to-pressable")
}

/// Asks the panels to scroll the widget with this label into view.
pub fn request(ctx: &egui::Context, label: &str) {
    ctx.data_mut(|data| data.insert_temp(id(), label.to_owned()));
}

/// Whether a script is waiting for a widget to come into view (the panels then lay out every
/// section, even those scrolled out of view, so the widget can be found).
pub fn pending(ctx: &egui::Context) -> bool {
    ctx.data(|data| data.get_temp::<String>(id()).is_some())
}

/// Withdraws the request (the widget is in view).
pub fn clear(ctx: &egui::Context) {
    ctx.data_mut(|data| data.remove::<String>(id()));
}

/// Called for every pressable widget as it is drawn: scrolls to it if a script asked for it
/// and its panel does not show all of it. Returns where it can be clicked: its rectangle when
/// wholly shown, else [`egui::Rect::NOTHING`].
pub fn shown_rect(label: &str, response: &egui::Response) -> egui::Rect {
    // `interact_rect` is the widget's rectangle clipped to what its panel shows.
    let shown = response
        .interact_rect
        .contains_rect(response.rect.shrink(0.5));
    if shown {
        return response.rect;
    }
    let asked = response
        .ctx
        .data(|data| data.get_temp::<String>(id()))
        .is_some_and(|wanted| wanted == label);
    if asked {
        response.scroll_to_me(Some(egui::Align::Center));
    }
    egui::Rect::NOTHING
}
