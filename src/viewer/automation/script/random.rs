//! Random use: `view --random-steps N --random-seed S` runs N script steps drawn by a seeded
//! generator after the script (if any), then quits. Each step is drawn when the one before has
//! finished, from what is on screen then: clicks anywhere in the window, keys, presses of every
//! widget the panels show (`Pressables`), typing, the wheel, orbiting, lens, axes, method,
//! colouring and language switches, and opening good and bad files (written to a temporary
//! folder at the start). A bad file is followed by `expect-error`: its error must reach the
//! status line. Every step is logged as the script line it is (`random step 12 of 500 (seed
//! 7): press Reset view`), so a failure is replayed with the same seed, or by pasting the lines
//! into a script.
//!
//! The generator ([`next_lines`]) is a pure function of the generator's state and a [`Scene`]
//! (what is on screen); the runner in `mod.rs` builds the scene and parses the lines.

use std::path::PathBuf;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::viewer::core::model::SpaceModel;
use crate::viewer::options::RandomUse;
use crate::viewer::ui::panels::Pressables;

/// The generator's state in the runner.
pub(super) struct RandomSteps {
    rng: ChaCha8Rng,
    pub(super) seed: u64,
    pub(super) total: usize,
    pub(super) made: usize,
    files: Option<SampleFiles>,
}

impl RandomSteps {
    pub(super) fn new(random: RandomUse) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(random.seed),
            seed: random.seed,
            total: random.steps,
            made: 0,
            files: None,
        }
    }

    /// The next steps as script lines (`quit` once all are made); `None` after that.
    pub(super) fn next(&mut self, scene: &Scene) -> Option<Vec<String>> {
        if self.made > self.total {
            return None;
        }
        self.made += 1;
        if self.made > self.total {
            if let Some(files) = self.files.take() {
                files.remove();
            }
            return Some(vec!["quit".to_owned()]);
        }
        if self.files.is_none() {
            match SampleFiles::create(self.seed) {
                Ok(files) => self.files = Some(files),
                Err(e) => error!("random steps: cannot write the sample files: {e}"),
            }
        }
        let files = self.files.as_ref();
        Some(next_lines(
            &mut self.rng,
            scene,
            files.map_or(&[][..], |f| &f.good),
            files.map_or(&[][..], |f| &f.bad),
        ))
    }
}

/// What the generator draws from: what is on screen now.
pub(super) struct Scene<'a> {
    /// Labels of the widgets a `press` can click now (wholly or partly shown).
    pub pressable: Vec<&'a str>,
    /// The window's size in logical pixels.
    pub window_size: Vec2,
    /// Words of the space (a few are typed, clicked through axes).
    pub words: &'a [String],
    /// Relations the space has (for the lens).
    pub relations: Vec<&'a str>,
}

/// What the runner reads to build a [`Scene`].
#[derive(SystemParam)]
pub(super) struct SceneSources<'w> {
    pressables: Option<Res<'w, Pressables>>,
    model: Res<'w, SpaceModel>,
}

impl SceneSources<'_> {
    /// The scene in a window of this size (logical pixels; the input steps own the window).
    pub(super) fn scene(&self, window_size: Vec2) -> Scene<'_> {
        Scene {
            pressable: self.pressables.as_ref().map_or_else(Vec::new, |p| {
                p.0.iter()
                    .filter(|(_, rect)| rect.is_positive())
                    .map(|(label, _)| label.as_str())
                    .collect()
            }),
            window_size,
            words: &self.model.words,
            relations: self.model.relation_sets.iter().map(|s| &*s.name).collect(),
        }
    }
}

/// Whether a text can stand in a script line as it is (no comment sign, no line break).
fn fits_a_line(text: &str) -> bool {
    !text.is_empty() && !text.contains(['#', '\n', '\r']) && text.trim() == text
}

/// A word of the space that fits in a step (`None` when there are none, or by chance).
fn some_word<'a>(rng: &mut ChaCha8Rng, words: &'a [String]) -> Option<&'a str> {
    let word = words.get(rng.gen_range(0..words.len().max(1)))?;
    (fits_a_line(word) && !word.contains([',', '>', ' ', '\t'])).then_some(word.as_str())
}

/// One random action as script lines (most are one line; opening a bad file adds
/// `expect-error`, turning the wheel first rests the cursor).
pub(super) fn next_lines(
    rng: &mut ChaCha8Rng,
    scene: &Scene,
    good_files: &[PathBuf],
    bad_files: &[PathBuf],
) -> Vec<String> {
    let (width, height) = (scene.window_size.x.max(1.0), scene.window_size.y.max(1.0));
    let anywhere = |rng: &mut ChaCha8Rng| {
        format!(
            "{:.0} {:.0}",
            rng.gen_range(0.0..width),
            rng.gen_range(0.0..height)
        )
    };
    // Weights: what a restless user does most (click, press) comes up most.
    let choice = rng.gen_range(0..100);
    let line = match choice {
        0..=19 => format!("click {}", anywhere(rng)),
        20..=44 => match scene.pressable.choose(rng) {
            Some(label) if fits_a_line(label) => format!("press {label}"),
            _ => format!("click {}", anywhere(rng)),
        },
        45..=52 => {
            let keys = ["Escape", "Space", "Enter", "Tab", "Left", "Right"];
            format!("key {}", keys.choose(rng).unwrap_or(&"Escape"))
        }
        53..=57 => {
            let junk = [
                "abc",
                "法国",
                "king",
                "zzz-no-such-word",
                "1e9",
                "<>",
                "  x",
            ];
            let text = match some_word(rng, scene.words) {
                Some(word) if rng.gen_bool(0.5) => word,
                _ => junk.choose(rng).unwrap_or(&"abc"),
            };
            format!("type {}", text.trim())
        }
        58..=62 => {
            let at = anywhere(rng);
            let lines = rng.gen_range(-5.0f32..5.0);
            return vec![format!("hover {at}"), format!("scroll {lines:.1}")];
        }
        63..=66 => format!("orbit {}", rng.gen_range(1..40)),
        67..=69 => match scene.relations.choose(rng) {
            Some(relation) if fits_a_line(relation) && rng.gen_bool(0.7) => {
                format!("lens {relation}")
            }
            _ => "lens off".to_owned(),
        },
        70..=72 => match (some_word(rng, scene.words), some_word(rng, scene.words)) {
            (Some(a), Some(b)) if a != b && rng.gen_bool(0.7) => format!("axes {a}>{b}"),
            _ => "axes off".to_owned(),
        },
        73..=74 => format!("method {}", ["pca", "umap"].choose(rng).unwrap_or(&"pca")),
        75..=78 => format!("lang {}", ["zh", "en"].choose(rng).unwrap_or(&"en")),
        79..=81 => {
            let colours = ["cluster", "latest-cluster", "category", "no-such-column"];
            format!("colour-by {}", colours.choose(rng).unwrap_or(&"cluster"))
        }
        82..=85 => format!("wait {}", rng.gen_range(1..30)),
        86..=88 => {
            let (x0, y0) = (rng.gen_range(0.0..width), rng.gen_range(0.0..height));
            let (x1, y1) = (rng.gen_range(0.0..width), rng.gen_range(0.0..height));
            format!("select-box {x0:.0} {y0:.0} {x1:.0} {y1:.0}")
        }
        89..=93 => match good_files.choose(rng) {
            Some(path) => format!("open {}", path.display()),
            None => "wait 1".to_owned(),
        },
        _ => match bad_files.choose(rng) {
            Some(path) => return vec![format!("open {}", path.display()), "expect-error".into()],
            None => "wait 1".to_owned(),
        },
    };
    vec![line]
}

/// Good and bad files to open, written to a temporary folder of their own.
struct SampleFiles {
    folder: PathBuf,
    good: Vec<PathBuf>,
    bad: Vec<PathBuf>,
}

/// Files the app opens without complaint: name and content.
const GOOD_FILES: [(&str, &[u8]); 3] = [
    (
        "five-words.vec",
        b"5 3\nking 0.5 0.1 0.2\nqueen 0.4 0.2 0.3\nman 0.3 -0.1 0.1\nwoman 0.2 0.0 0.2\n\
          \xe6\xb3\x95\xe5\x9b\xbd 0.1 0.9 -0.3\n",
    ),
    (
        "relations.tsv",
        "head\ttail\trelation\nman\twoman\t男→女\n国王\t女王\t男→女\n".as_bytes(),
    ),
    (
        "categories.tsv",
        "king\troyal\nqueen\troyal\n法国\tplace\n".as_bytes(),
    ),
];

/// Files whose problem must reach the status line: name and content.
const BAD_FILES: [(&str, &[u8]); 6] = [
    ("empty.vec", b""),
    ("negative-header.vec", b"2 -3\na 1 2 3\nb 4 5 6\n"),
    ("wrong-width.vec", b"2 3\na 1 2 3\nb 4 5\n"),
    ("latin1-corpus.txt", b"caf\xe9 au lait\nna\xefve text\n"),
    ("garbage.timeline", b"not a timeline at all"),
    (
        "bad-relations.tsv",
        b"head\ttail\trelation\nonly-one-column\n",
    ),
];

impl SampleFiles {
    fn create(seed: u64) -> std::io::Result<Self> {
        let folder =
            std::env::temp_dir().join(format!("embedscape-random-{}-{seed}", std::process::id()));
        std::fs::create_dir_all(&folder)?;
        let write = |(name, bytes): &(&str, &[u8])| -> std::io::Result<PathBuf> {
            let path = folder.join(name);
            crate::atomic_file::write_atomically(&path, |w| {
                use std::io::Write;
                w.write_all(bytes)
            })?;
            Ok(path)
        };
        let good = GOOD_FILES.iter().map(write).collect::<Result<_, _>>()?;
        let mut bad: Vec<PathBuf> = BAD_FILES.iter().map(write).collect::<Result<_, _>>()?;
        // A file that is not there, and a folder where a file is expected.
        bad.push(folder.join("no-such-file.vec"));
        let sub_folder = folder.join("a-folder.vec");
        std::fs::create_dir_all(&sub_folder)?;
        bad.push(sub_folder);
        Ok(Self { folder, good, bad })
    }

    fn remove(self) {
        if let Err(e) = std::fs::remove_dir_all(&self.folder) {
            warn!("random steps: cannot remove {}: {e}", self.folder.display());
        }
    }
}

/// The folder's files, for tests.
#[cfg(test)]
fn names(paths: &[PathBuf]) -> Vec<&str> {
    paths
        .iter()
        .filter_map(|p| p.file_name()?.to_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::automation::script::Script;

    fn scene(words: &[String]) -> Scene<'_> {
        Scene {
            pressable: vec!["Reset view", "aligned", "国家→首都"],
            window_size: Vec2::new(1400.0, 860.0),
            words,
            relations: vec!["国家→首都", "男→女"],
        }
    }

    #[test]
    fn every_drawn_line_parses_and_the_seed_replays_them() {
        let words: Vec<String> = ["king", "queen", "法国", "a#b", "x>y"]
            .map(String::from)
            .into();
        let good = vec![PathBuf::from("/tmp/good.vec")];
        let bad = vec![PathBuf::from("/tmp/bad.vec")];
        let draw = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..2000)
                .flat_map(|_| next_lines(&mut rng, &scene(&words), &good, &bad))
                .collect::<Vec<_>>()
        };
        let lines = draw(7);
        assert_eq!(lines, draw(7), "the same seed draws the same steps");
        assert_ne!(lines, draw(8));
        let script = Script::parse(&lines.join("\n")).unwrap();
        assert_eq!(script.steps.len(), lines.len());
        for kind in [
            "click ",
            "press ",
            "key ",
            "type ",
            "scroll ",
            "lens ",
            "axes ",
            "method ",
            "lang ",
            "colour-by ",
            "select-box ",
            "open ",
            "expect-error",
        ] {
            assert!(
                lines.iter().any(|l| l.starts_with(kind)),
                "no {kind:?} drawn"
            );
        }
        // A bad file is always followed by its check.
        for (i, line) in lines.iter().enumerate() {
            if line == "open /tmp/bad.vec" {
                assert_eq!(lines[i + 1], "expect-error");
            }
        }
    }

    #[test]
    fn sample_files_are_written_and_removed() {
        let files = SampleFiles::create(u64::MAX).unwrap();
        assert_eq!(names(&files.good).len(), GOOD_FILES.len());
        assert!(names(&files.bad).contains(&"no-such-file.vec"));
        assert!(files.good.iter().all(|p| p.is_file()));
        let folder = files.folder.clone();
        files.remove();
        assert!(!folder.exists());
    }

    #[test]
    fn steps_end_with_quit() {
        let words = Vec::new();
        let mut steps = RandomSteps::new(RandomUse { steps: 2, seed: 1 });
        let scene = scene(&words);
        assert!(steps.next(&scene).is_some());
        assert!(steps.next(&scene).is_some());
        assert_eq!(steps.next(&scene), Some(vec!["quit".to_owned()]));
        assert_eq!(steps.next(&scene), None);
    }
}
