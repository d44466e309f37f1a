//! The script language: one step per line, parsed with line-numbered errors.

use std::path::{Path, PathBuf};

use bevy::input::keyboard::Key;
use bevy::prelude::*;

/// One scripted step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Wait until this snapshot exists (`None`: until training ends).
    TrainUntil(Option<usize>),
    ClickWord(String),
    Click(Vec2),
    /// Rest the cursor on the word's point (its tooltip shows), once the view stands still.
    HoverWord(String),
    /// Rest the cursor at a window position (logical pixels).
    Hover(Vec2),
    Key(KeyCode),
    Wait(u32),
    /// Orbit the camera for this many frames (exercises re-facing every point each frame).
    Orbit(u32),
    Screenshot(PathBuf),
    /// Save an animation as the "Save animation (GIF)" button does (waits until written).
    Record(PathBuf),
    Dump(PathBuf),
    /// Click the widget whose label is this text (in the current language), scrolling it into
    /// view first when its panel is scrolled away from it.
    Press(String),
    /// Type this text into the focused field, one key press per character.
    Type(String),
    /// Turn the mouse wheel at the cursor by this many lines (positive: away from the user,
    /// which zooms the 3D view in).
    Scroll(f32),
    /// View through the lens of this relation (`None`: back to PCA).
    Lens(Option<String>),
    /// Semantic axes `X[,Y]` (`None`: back to PCA).
    Axes(Option<String>),
    /// Switch the interface language.
    Lang(crate::viewer::ui::i18n::Lang),
    /// Switch the projection method and wait until every snapshot is re-analysed with it.
    Method(crate::space::ProjectionMethod),
    /// Save what is on screen as a view file (as the files panel's *Save view* does).
    SaveView(PathBuf),
    /// Colour by a column, or `cluster`, `latest-cluster`, `category`.
    ColourBy(String),
    /// Filter the rows by `COLUMN=VALUE` etc. (`None`: `filter off`).
    Filter(Option<String>),
    /// Select the points drawn inside a window rectangle (logical pixels), once the view
    /// stands still.
    SelectBox(Rect),
    /// Write the box selection (label and every column): Parquet for a `.parquet` path, TSV
    /// otherwise.
    ExportSelection(PathBuf),
    /// List the nearest neighbours of the box selection's centroid.
    NeighboursOfSelection,
    /// Drop this file on the window, as dragging it from a file manager does.
    Open(PathBuf),
    /// Wait until the status line shows an error that appeared since the step before began;
    /// fail when none comes.
    ExpectError,
    /// Where a `loop-until` goes back to.
    Loop,
    /// Go back to the last `loop` until this many wall-clock seconds have passed since that
    /// `loop` was first reached (long sessions: the soak).
    LoopUntil(f64),
    Quit,
}

/// Every step's keyword, in the order `view --help` lists them; an unknown step's error names
/// them all.
pub const STEP_NAMES: [&str; 29] = [
    "train-until",
    "click-word",
    "click",
    "hover-word",
    "hover",
    "key",
    "wait",
    "orbit",
    "screenshot",
    "record",
    "dump",
    "press",
    "type",
    "scroll",
    "lens",
    "axes",
    "lang",
    "method",
    "save-view",
    "colour-by",
    "filter",
    "select-box",
    "export-selection",
    "neighbours-of-selection",
    "open",
    "expect-error",
    "loop",
    "loop-until",
    "quit",
];

/// A script that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
}

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    pub steps: Vec<Step>,
}

impl Script {
    pub fn read(path: &Path) -> Result<Self, ScriptError> {
        Self::parse(&std::fs::read_to_string(path)?)
    }

    pub fn parse(text: &str) -> Result<Self, ScriptError> {
        let mut steps = Vec::new();
        for (number, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let syntax = |message: String| ScriptError::Syntax {
                line: number + 1,
                message,
            };
            let (command, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            let step = match command {
                "train-until" => match rest {
                    "end" => Step::TrainUntil(None),
                    n => Step::TrainUntil(Some(n.parse().map_err(|_| {
                        syntax(format!(
                            "train-until needs a snapshot number or `end`, got {n:?}"
                        ))
                    })?)),
                },
                "click-word" if !rest.is_empty() => Step::ClickWord(rest.to_owned()),
                "hover-word" if !rest.is_empty() => Step::HoverWord(rest.to_owned()),
                "click" => {
                    Step::Click(window_position(rest).map_err(|m| syntax(format!("click {m}")))?)
                }
                "hover" => {
                    Step::Hover(window_position(rest).map_err(|m| syntax(format!("hover {m}")))?)
                }
                "key" => Step::Key(
                    key_code(rest).ok_or_else(|| syntax(format!("unknown key {rest:?}")))?,
                ),
                "wait" => Step::Wait(
                    rest.parse()
                        .map_err(|_| syntax(format!("wait needs a frame count, got {rest:?}")))?,
                ),
                "orbit" => Step::Orbit(
                    rest.parse()
                        .map_err(|_| syntax(format!("orbit needs a frame count, got {rest:?}")))?,
                ),
                "screenshot" if !rest.is_empty() => Step::Screenshot(rest.into()),
                "record" if !rest.is_empty() => Step::Record(rest.into()),
                "dump" if !rest.is_empty() => Step::Dump(rest.into()),
                "press" if !rest.is_empty() => Step::Press(rest.to_owned()),
                "type" if !rest.is_empty() => Step::Type(rest.to_owned()),
                "scroll" => Step::Scroll(
                    rest.parse()
                        .ok()
                        .filter(|lines: &f32| lines.is_finite())
                        .ok_or_else(|| {
                            syntax(format!("scroll needs a number of lines, got {rest:?}"))
                        })?,
                ),
                "save-view" if !rest.is_empty() => Step::SaveView(rest.into()),
                "lens" if !rest.is_empty() => Step::Lens((rest != "off").then(|| rest.to_owned())),
                "axes" if !rest.is_empty() => Step::Axes((rest != "off").then(|| rest.to_owned())),
                "lang" => Step::Lang(
                    crate::viewer::ui::i18n::Lang::parse(rest)
                        .ok_or_else(|| syntax(format!("lang needs zh or en, got {rest:?}")))?,
                ),
                "method" => Step::Method(match rest {
                    "pca" => crate::space::ProjectionMethod::Pca,
                    "umap" => crate::space::ProjectionMethod::Umap,
                    "given" => crate::space::ProjectionMethod::Given,
                    _ => {
                        return Err(syntax(format!(
                            "method needs pca, umap or given, got {rest:?}"
                        )));
                    }
                }),
                "colour-by" if !rest.is_empty() => Step::ColourBy(rest.to_owned()),
                "filter" if rest == "off" => Step::Filter(None),
                "filter" => Step::Filter(Some(
                    crate::viewer::core::filter::Filter::parse(rest)
                        .map_err(syntax)?
                        .to_string(),
                )),
                "select-box" => {
                    let coords: Result<Vec<f32>, _> =
                        rest.split_whitespace().map(str::parse).collect();
                    match coords.as_deref() {
                        Ok([x0, y0, x1, y1]) => Step::SelectBox(Rect::new(*x0, *y0, *x1, *y1)),
                        _ => {
                            return Err(syntax(format!(
                                "select-box needs X0 Y0 X1 Y1, got {rest:?}"
                            )));
                        }
                    }
                }
                "export-selection" if !rest.is_empty() => Step::ExportSelection(rest.into()),
                "neighbours-of-selection" if rest.is_empty() => Step::NeighboursOfSelection,
                "open" if !rest.is_empty() => Step::Open(rest.into()),
                "expect-error" if rest.is_empty() => Step::ExpectError,
                "loop" if rest.is_empty() => Step::Loop,
                "loop-until" => {
                    if !steps.contains(&Step::Loop) {
                        return Err(syntax("loop-until without a `loop` before it".into()));
                    }
                    Step::LoopUntil(
                        rest.parse()
                            .ok()
                            .filter(|secs: &f64| secs.is_finite() && *secs >= 0.0)
                            .ok_or_else(|| {
                                syntax(format!(
                                    "loop-until needs a number of seconds, got {rest:?}"
                                ))
                            })?,
                    )
                }
                "quit" => Step::Quit,
                _ => {
                    return Err(syntax(format!(
                        "unknown or incomplete step {line:?} (steps: {})",
                        STEP_NAMES.join(", ")
                    )));
                }
            };
            steps.push(step);
        }
        Ok(Self { steps })
    }
}

/// `X Y` in logical pixels, or what is wrong with it.
fn window_position(rest: &str) -> Result<Vec2, String> {
    let coords: Result<Vec<f32>, _> = rest.split_whitespace().map(str::parse).collect();
    match coords.as_deref() {
        Ok([x, y]) => Ok(Vec2::new(*x, *y)),
        _ => Err(format!("needs X Y, got {rest:?}")),
    }
}

pub fn key_code(name: &str) -> Option<KeyCode> {
    Some(match name {
        "Escape" | "Esc" => KeyCode::Escape,
        "Space" => KeyCode::Space,
        "Enter" | "Return" => KeyCode::Enter,
        "Tab" => KeyCode::Tab,
        "Left" => KeyCode::ArrowLeft,
        "Right" => KeyCode::ArrowRight,
        _ => return None,
    })
}

pub fn logical_key(code: KeyCode) -> Key {
    match code {
        KeyCode::Escape => Key::Escape,
        KeyCode::Space => Key::Space,
        KeyCode::Enter => Key::Enter,
        KeyCode::Tab => Key::Tab,
        KeyCode::ArrowLeft => Key::ArrowLeft,
        KeyCode::ArrowRight => Key::ArrowRight,
        _ => Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_step() {
        let script = Script::parse(
            "# demo\ntrain-until 3\ntrain-until end\nclick-word 法国\nclick 10 20.5\nkey Escape\n\
             wait 5 # frames\norbit 2\nscreenshot a.png\nrecord a.gif\ndump s.json\npress 1 One-hot\n\
             lens 国家→首都\nlens off\nlang zh\nmethod umap\ntype 法国\nscroll -2.5\n\
             save-view v.json\nquit\n",
        )
        .unwrap();
        assert_eq!(
            script.steps,
            vec![
                Step::TrainUntil(Some(3)),
                Step::TrainUntil(None),
                Step::ClickWord("法国".into()),
                Step::Click(Vec2::new(10.0, 20.5)),
                Step::Key(KeyCode::Escape),
                Step::Wait(5),
                Step::Orbit(2),
                Step::Screenshot("a.png".into()),
                Step::Record("a.gif".into()),
                Step::Dump("s.json".into()),
                Step::Press("1 One-hot".into()),
                Step::Lens(Some("国家→首都".into())),
                Step::Lens(None),
                Step::Lang(crate::viewer::ui::i18n::Lang::Zh),
                Step::Method(crate::space::ProjectionMethod::Umap),
                Step::Type("法国".into()),
                Step::Scroll(-2.5),
                Step::SaveView("v.json".into()),
                Step::Quit,
            ]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = Script::parse("wait 1\nclick 1\n").unwrap_err();
        assert!(err.to_string().starts_with("line 2:"), "{err}");
        assert!(Script::parse("fly away").is_err());
        assert!(Script::parse("key NoSuchKey").is_err());
        assert!(Script::parse("method tsne").is_err());
        assert!(Script::parse("type").is_err());
        assert!(Script::parse("scroll up").is_err());
        assert!(Script::parse("scroll NaN").is_err());
        assert!(Script::parse("save-view").is_err());
        assert!(Script::parse("filter topic").is_err());
        assert!(Script::parse("select-box 1 2 3").is_err());
        assert!(Script::parse("neighbours-of-selection 3").is_err());
        assert!(Script::parse("loop-until 5").is_err());
        assert!(Script::parse("loop\nloop-until soon").is_err());
    }

    #[test]
    fn parses_a_loop_and_opening_files() {
        let script =
            Script::parse("loop\nopen a b.vec\nexpect-error\nloop-until 1800\nquit\n").unwrap();
        assert_eq!(
            script.steps,
            vec![
                Step::Loop,
                Step::Open("a b.vec".into()),
                Step::ExpectError,
                Step::LoopUntil(1800.0),
                Step::Quit
            ]
        );
        assert!(Script::parse("open").is_err());
    }

    #[test]
    fn parses_the_column_steps() {
        let script = Script::parse(
            "colour-by topic\nfilter score > 0.5\nfilter off\nselect-box 10 20 30 40\n\
             export-selection sel.tsv\nneighbours-of-selection\nmethod given\n",
        )
        .unwrap();
        assert_eq!(
            script.steps,
            vec![
                Step::ColourBy("topic".into()),
                Step::Filter(Some("score>0.5".into())),
                Step::Filter(None),
                Step::SelectBox(Rect::new(10.0, 20.0, 30.0, 40.0)),
                Step::ExportSelection("sel.tsv".into()),
                Step::NeighboursOfSelection,
                Step::Method(crate::space::ProjectionMethod::Given),
            ]
        );
    }
}
