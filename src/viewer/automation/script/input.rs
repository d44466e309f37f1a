//! Input steps: `click-word`, `click`, `hover-word`, `hover`, `press`, `key`, `type`,
//! `scroll` and `open` (a file dropped on the window). Each goes through bevy's input messages and the window-event stream, as winit
//! delivers a user's input, so picking and egui see exactly what a hand on the mouse and keyboard
//! would give them.

use bevy::ecs::system::SystemParam;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput, NativeKeyCode};
use bevy::input::mouse::{MouseButtonInput, MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::window::{CursorMoved, FileDragAndDrop, PrimaryWindow, WindowEvent};
use bevy_egui::{EguiContext, PrimaryEguiContext};

use super::parse::logical_key;
use super::{Progress, ScriptRunner, StepState, settle};
use crate::viewer::core::model::SpaceModel;
use crate::viewer::core::playback::DisplayedCloud;
use crate::viewer::core::selection::Selection;
use crate::viewer::render::picking::spot_that_picks;
use crate::viewer::render::points::PointStyles;
use crate::viewer::render::screen::ScreenProjection;
use crate::viewer::ui::panels::Pressables;
use crate::viewer::ui::scroll_request;

/// Frames a `press` waits for its widget to appear (or scroll into view) before failing.
const PRESS_PATIENCE_FRAMES: u32 = 120;
/// Frames a widget must stay put before a `press` clicks it (a panel scrolling to it glides).
const PRESS_STEADY_FRAMES: u32 = 3;

/// The messages a script writes as if a user had acted.
#[derive(SystemParam)]
struct InputInjector<'w> {
    cursor_moves: MessageWriter<'w, CursorMoved>,
    buttons: MessageWriter<'w, MouseButtonInput>,
    keys: MessageWriter<'w, KeyboardInput>,
    wheels: MessageWriter<'w, MouseWheel>,
    drops: MessageWriter<'w, FileDragAndDrop>,
    /// egui reads the combined window-event stream for the cursor and buttons rather than the
    /// per-kind messages, so every injected input is written to both, as winit does.
    window_events: MessageWriter<'w, WindowEvent>,
}

impl InputInjector<'_> {
    fn move_cursor(&mut self, window: Entity, at: Vec2) {
        let moved = CursorMoved {
            window,
            position: at,
            delta: None,
        };
        self.window_events
            .write(WindowEvent::CursorMoved(moved.clone()));
        self.cursor_moves.write(moved);
    }

    fn left_button(&mut self, window: Entity, state: ButtonState) {
        let button = MouseButtonInput {
            button: MouseButton::Left,
            state,
            window,
        };
        self.window_events
            .write(WindowEvent::MouseButtonInput(button));
        self.buttons.write(button);
    }

    fn keyboard(&mut self, key: KeyboardInput) {
        self.window_events
            .write(WindowEvent::KeyboardInput(key.clone()));
        self.keys.write(key);
    }

    fn key(&mut self, window: Entity, code: KeyCode, state: ButtonState) {
        self.keyboard(KeyboardInput {
            key_code: code,
            logical_key: logical_key(code),
            state,
            text: None,
            repeat: false,
            window,
        });
    }

    /// One character typed: its key pressed (carrying the text) and released.
    fn character(&mut self, window: Entity, character: char) {
        let text: bevy::platform::prelude::String = character.to_string();
        for state in [ButtonState::Pressed, ButtonState::Released] {
            self.keyboard(KeyboardInput {
                key_code: KeyCode::Unidentified(NativeKeyCode::Unidentified),
                logical_key: Key::Character(text.as_str().into()),
                state,
                text: state.is_pressed().then(|| text.as_str().into()),
                repeat: false,
                window,
            });
        }
    }

    fn wheel(&mut self, window: Entity, lines: f32) {
        let wheel = MouseWheel {
            unit: MouseScrollUnit::Line,
            x: 0.0,
            y: lines,
            window,
            phase: bevy::input::touch::TouchPhase::Moved,
        };
        self.window_events.write(WindowEvent::MouseWheel(wheel));
        self.wheels.write(wheel);
    }

    fn drop_file(&mut self, window: Entity, path: &std::path::Path) {
        let drop = FileDragAndDrop::DroppedFile {
            window,
            path_buf: path.to_owned(),
        };
        self.window_events
            .write(WindowEvent::FileDragAndDrop(drop.clone()));
        self.drops.write(drop);
    }
}

/// What the input steps use: the window and its cursor, the injected input, the widgets a
/// script can press, and where words are drawn.
#[derive(SystemParam)]
pub(super) struct InputSteps<'w, 's> {
    window: Single<'w, 's, (Entity, &'static mut Window), With<PrimaryWindow>>,
    inject: InputInjector<'w>,
    pressables: Option<Res<'w, Pressables>>,
    egui: Query<'w, 's, &'static mut EguiContext, With<PrimaryEguiContext>>,
    model: Res<'w, SpaceModel>,
    selection: Res<'w, Selection>,
    cloud: Res<'w, DisplayedCloud>,
    screen: Res<'w, ScreenProjection>,
    styles: Option<Res<'w, PointStyles>>,
    /// Where the widget a `press` aims at was last frame, and for how many frames it has been
    /// there.
    press_target: Local<'s, (Option<bevy_egui::egui::Rect>, u32)>,
}

impl InputSteps<'_, '_> {
    /// Clicks a word's point and checks that it is the word that got selected.
    pub(super) fn click_word(&mut self, runner: &mut ScriptRunner, word: &str) -> Progress {
        let Some(row) = self.model.row_of(word) else {
            return Progress::Failed(format!("click-word: {word:?} is not a word of this space"));
        };
        let target = self.window_position_of(row);
        match self.click(runner, target, true) {
            // A person sees what the click picked: name the word that was hit instead.
            Progress::Done if self.selection.row != Some(row) => {
                let picked = self
                    .selection
                    .row
                    .and_then(|r| self.model.words.get(r))
                    .map_or("nothing".to_owned(), |w| format!("{w:?}"));
                Progress::Failed(format!(
                    "click-word {word:?} at {target:?} picked {picked} (another point is drawn over it)"
                ))
            }
            progress => progress,
        }
    }

    pub(super) fn click_at(&mut self, runner: &mut ScriptRunner, at: Vec2) -> Progress {
        self.click(runner, Some(at), true)
    }

    pub(super) fn hover_word(&mut self, runner: &mut ScriptRunner, word: &str) -> Progress {
        let Some(row) = self.model.row_of(word) else {
            return Progress::Failed(format!("hover-word: {word:?} is not a word of this space"));
        };
        let target = self.window_position_of(row);
        self.hover(runner, target)
    }

    pub(super) fn hover_at(&mut self, runner: &mut ScriptRunner, at: Vec2) -> Progress {
        self.hover(runner, Some(at))
    }

    /// Asks the panels to bring the widget with this label into view (`ui::scroll_request`);
    /// false when there is no egui context to ask.
    fn ask_for_scroll(&mut self, label: &str) -> bool {
        match self.egui.single_mut() {
            Ok(mut egui) => {
                scroll_request::request(egui.get_mut(), label);
                true
            }
            Err(_) => false,
        }
    }

    /// Withdraws a request to bring a widget into view.
    fn withdraw_scroll_request(&mut self) {
        if let Ok(mut egui) = self.egui.single_mut() {
            scroll_request::clear(egui.get_mut());
        }
    }

    /// Clicks the widget with this label; one its panel has scrolled away from is scrolled into
    /// view first (by the panel, at the script's request), and one that does not come into view
    /// fails the step rather than clicking elsewhere.
    pub(super) fn press(&mut self, runner: &mut ScriptRunner, label: &str) -> Progress {
        let found = self.pressables.as_ref().and_then(|p| {
            p.0.iter()
                .find(|(known, _)| known == label)
                .map(|(_, shown)| *shown)
        });
        let target = match found {
            // Recorded clipped to its panel: a positive rectangle is on screen. It is clicked
            // once it stands still (a panel scrolling to it glides: a press on a moving
            // widget would drag).
            Some(shown) if shown.is_positive() && !self.steady(shown) => None,
            Some(shown) if shown.is_positive() => {
                if runner.state == StepState::Fresh {
                    self.withdraw_scroll_request();
                }
                Some(Vec2::new(shown.center().x, shown.center().y))
            }
            Some(_) if runner.state == StepState::Fresh => {
                if runner.frames_in_step > PRESS_PATIENCE_FRAMES {
                    self.withdraw_scroll_request();
                    return Progress::Failed(format!(
                        "press: the widget labelled {label:?} is out of view and did not scroll \
                         into view"
                    ));
                }
                if !self.ask_for_scroll(label) {
                    return Progress::Failed(format!(
                        "press: the widget labelled {label:?} is out of view"
                    ));
                }
                None
            }
            Some(_) => None,
            None if runner.frames_in_step > PRESS_PATIENCE_FRAMES => {
                self.withdraw_scroll_request();
                let known: Vec<&str> = self
                    .pressables
                    .as_ref()
                    .map(|p| p.0.iter().map(|(l, _)| l.as_str()).collect())
                    .unwrap_or_default();
                return Progress::Failed(format!(
                    "press: no widget labelled {label:?} (visible: {known:?})"
                ));
            }
            // Not drawn last frame: it may sit in a section scrolled out of view, which the
            // panels skip until a script asks for one of its widgets.
            None => {
                self.ask_for_scroll(label);
                None
            }
        };
        // Widgets wait in `Fresh` until on screen: a press never reports a click it did not make.
        if target.is_none() && runner.state == StepState::Fresh {
            return Progress::Continue;
        }
        self.click(runner, target, false)
    }

    pub(super) fn key(&mut self, runner: &mut ScriptRunner, code: KeyCode) -> Progress {
        let window = self.window.0;
        match runner.state {
            StepState::Fresh => {
                self.inject.key(window, code, ButtonState::Pressed);
                runner.state = StepState::KeyDown;
                Progress::Continue
            }
            StepState::KeyDown => {
                self.inject.key(window, code, ButtonState::Released);
                runner.state = StepState::Settling { frames: 0 };
                Progress::Continue
            }
            _ => settle(runner, 3),
        }
    }

    /// Types the text into whatever has keyboard focus (`press` a field first).
    pub(super) fn type_text(&mut self, runner: &mut ScriptRunner, text: &str) -> Progress {
        let window = self.window.0;
        if runner.state == StepState::Fresh {
            for character in text.chars() {
                self.inject.character(window, character);
            }
            runner.state = StepState::Settling { frames: 0 };
            return Progress::Continue;
        }
        settle(runner, 3)
    }

    /// Turns the wheel where the cursor is (move it with `hover` first).
    pub(super) fn scroll(&mut self, runner: &mut ScriptRunner, lines: f32) -> Progress {
        let window = self.window.0;
        if runner.state == StepState::Fresh {
            self.inject.wheel(window, lines);
            runner.state = StepState::Settling { frames: 0 };
            return Progress::Continue;
        }
        settle(runner, 3)
    }

    /// The window's size in logical pixels.
    pub(super) fn window_size(&self) -> Vec2 {
        self.window.1.size()
    }

    /// Drops the file on the window, then lets the app start opening it.
    pub(super) fn open(&mut self, runner: &mut ScriptRunner, path: &std::path::Path) -> Progress {
        let window = self.window.0;
        if runner.state == StepState::Fresh {
            self.inject.drop_file(window, path);
            runner.state = StepState::Settling { frames: 0 };
            return Progress::Continue;
        }
        settle(runner, 3)
    }

    /// Whether the widget has been at `rect` for a few frames (counting this one).
    fn steady(&mut self, rect: bevy_egui::egui::Rect) -> bool {
        let (last, frames) = &mut *self.press_target;
        if *last == Some(rect) {
            *frames += 1;
        } else {
            *last = Some(rect);
            *frames = 0;
        }
        *frames >= PRESS_STEADY_FRAMES
    }

    /// Where to aim at a word's point (logical pixels): a spot of its disc that a click and a
    /// hover pick, as a person would aim; `None` when it is off screen or wholly covered.
    fn window_position_of(&self, row: usize) -> Option<Vec2> {
        let styles = self.styles.as_ref().map_or(&[][..], |s| &s.styles[..]);
        spot_that_picks(&self.model, &self.cloud, &self.screen, styles, row)
    }

    /// Rests the cursor on the target once the view stands still, then lets the app notice.
    fn hover(&mut self, runner: &mut ScriptRunner, target: Option<Vec2>) -> Progress {
        let (window_entity, window) = &mut *self.window;
        match (runner.state.clone(), target) {
            (StepState::Fresh, Some(at)) if runner.ready_to_aim() => {
                window.set_cursor_position(Some(at));
                self.inject.move_cursor(*window_entity, at);
                runner.state = StepState::Settling { frames: 0 };
                Progress::Continue
            }
            (StepState::Fresh, None) if runner.frames_in_step > 300 => {
                Progress::Failed("the hover target never appeared on screen".into())
            }
            (StepState::Fresh, _) => Progress::Continue,
            _ => settle(runner, 3),
        }
    }

    /// Aims at the target until it stands still (the camera eases onto the cloud and the
    /// playhead glides: a click on a moving point would land on another), then presses and
    /// releases.
    fn click(
        &mut self,
        runner: &mut ScriptRunner,
        target: Option<Vec2>,
        in_3d_view: bool,
    ) -> Progress {
        let (window_entity, window) = &mut *self.window;
        let window_entity = *window_entity;
        match runner.state.clone() {
            StepState::Fresh => {
                runner.state = StepState::Aiming;
                Progress::Continue
            }
            StepState::Aiming => {
                // The view must have stood still (camera, frame pair, playhead) for a few
                // frames, so the point under the cursor at release is the one aimed at now.
                // (Widgets do not move with the view.)
                let steady = !in_3d_view || runner.ready_to_aim();
                match target {
                    Some(at) if steady || runner.frames_in_step > 600 => {
                        window.set_cursor_position(Some(at));
                        self.inject.move_cursor(window_entity, at);
                        self.inject.left_button(window_entity, ButtonState::Pressed);
                        runner.state = StepState::Pressed;
                        Progress::Continue
                    }
                    None if runner.frames_in_step > 300 => {
                        Progress::Failed("the click target never appeared on screen".into())
                    }
                    _ => Progress::Continue,
                }
            }
            StepState::Pressed => {
                self.inject
                    .left_button(window_entity, ButtonState::Released);
                runner.state = StepState::Settling { frames: 0 };
                Progress::Continue
            }
            _ => settle(runner, 4),
        }
    }
}
