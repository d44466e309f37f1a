//! End-to-end tests that run the real `embedscape` binary: the viewer in a real window under
//! Xvfb (a scripted session that trains the demo, clicks 法国 and saves a screenshot), and the
//! command line on files these tests write (including the bridge subcommands `timeline build`
//! and `compare`). One test binary: each one links the whole app.

use std::path::PathBuf;
use std::process::Command;

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_embedscape"))
}

/// Real windows under Xvfb, one at a time: two `xvfb-run -a` started together can pick the same
/// display, and two software-rendered windows on two cores starve each other's frames.
#[cfg(feature = "viewer")]
mod window {
    use std::path::Path;
    use std::process::{Command, Output};
    use std::sync::Mutex;

    pub static ONE_WINDOW: Mutex<()> = Mutex::new(());

    /// Whether Xvfb is here (in CI it must be).
    pub fn available() -> bool {
        let found = std::env::var_os("PATH")
            .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join("xvfb-run").is_file()))
            .unwrap_or(false);
        if !found {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have Xvfb (apt-get install xvfb mesa-vulkan-drivers)"
            );
            eprintln!("SKIPPED: xvfb-run not found; install xvfb and mesa-vulkan-drivers");
        }
        found
    }

    /// Copies `names` from `dir` into the folder EMBEDSCAPE_KEEP_SCREENSHOTS names, each
    /// prefixed with `prefix` (to look at a window test's pictures after it ran).
    pub fn keep(dir: &Path, names: &[&str], prefix: &str) {
        if let Some(keep) = std::env::var_os("EMBEDSCAPE_KEEP_SCREENSHOTS") {
            for name in names {
                std::fs::copy(
                    dir.join(name),
                    Path::new(&keep).join(format!("{prefix}{name}")),
                )
                .unwrap();
            }
        }
    }

    /// A JSON file a window session wrote (a dump, a saved view).
    pub fn read_json(path: &Path) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Runs the session a test wrote to `dir/session.txt` on a table of embeddings,
    /// `embedscape view --lang en --vectors TABLE --script session.txt`.
    pub fn run_table_session(dir: &Path, table: &Path) -> Output {
        run(
            dir,
            &[
                "view".as_ref(),
                "--lang".as_ref(),
                "en".as_ref(),
                "--vectors".as_ref(),
                table.as_os_str(),
                "--script".as_ref(),
                "session.txt".as_ref(),
            ],
        )
    }

    /// Runs `embedscape ARGS` in a 1400x860 virtual screen with `dir` as working directory,
    /// and asserts that it succeeded.
    pub fn run(dir: &Path, args: &[&std::ffi::OsStr]) -> Output {
        let _one = ONE_WINDOW
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let runtime_dir = dir.join("xdg");
        std::fs::create_dir_all(&runtime_dir).unwrap();
        let output = Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1400x860x24"])
            .arg(super::binary())
            .args(args)
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "embedscape {args:?} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }
}

#[cfg(feature = "viewer")]
mod viewer {
    use super::window::read_json;
    use super::*;
    use std::path::Path;

    /// Words of a category in the bundled categories.tsv.
    fn words_in_category(category: &str) -> Vec<String> {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/categories.tsv"),
        )
        .unwrap();
        text.lines()
            .filter_map(|line| line.split_once('\t'))
            .filter(|(_, c)| *c == category)
            .map(|(w, _)| w.to_owned())
            .collect()
    }

    /// Share of pixels that differ from the most common colour, and the number of distinct colours.
    fn image_variety(path: &Path) -> (f64, usize) {
        let image = image::open(path).unwrap().to_rgb8();
        let mut counts = std::collections::HashMap::new();
        for pixel in image.pixels() {
            *counts.entry(pixel.0).or_insert(0usize) += 1;
        }
        let total = image.pixels().len();
        let background = counts.values().copied().max().unwrap_or(0);
        (1.0 - background as f64 / total as f64, counts.len())
    }

    #[test]
    fn scripted_session_trains_the_demo_and_selects_france() {
        let dir = tempfile::tempdir().unwrap();
        let out = |name: &str| dir.path().join(name);
        let script = format!(
            "wait 30\nscreenshot {play_a}\ndump {play_a_json}\nwait 10\nscreenshot {play_b}\n\
             dump {play_b_json}\nwait 10\nscreenshot {play_c}\ndump {play_c_json}\n\
             train-until 1\nscreenshot {start}\ntrain-until end\nclick-word 法国\nwait 10\n\
             hover-word 巴黎\n\
             dump {dump}\nscreenshot {end}\nkey Escape\nwait 10\ndump {esc_dump}\n\
             screenshot {esc}\nquit\n",
            play_a = out("playing-a.png").display(),
            play_a_json = out("playing-a.json").display(),
            play_b = out("playing-b.png").display(),
            play_b_json = out("playing-b.json").display(),
            play_c = out("playing-c.png").display(),
            play_c_json = out("playing-c.json").display(),
            start = out("start.png").display(),
            dump = out("state.json").display(),
            end = out("selected.png").display(),
            esc_dump = out("after-esc.json").display(),
            esc = out("after-esc.png").display(),
        );
        // One training thread: the run, and so every word's place, repeats exactly.
        if run_session(dir.path(), &["--threads", "1"], &script).is_none() {
            return;
        }
        super::window::keep(
            dir.path(),
            &[
                "start.png",
                "selected.png",
                "after-esc.png",
                "state.json",
                "after-esc.json",
            ],
            "",
        );
        let dump = read_json(&out("state.json"));
        assert_eq!(dump["selected_word"], "法国", "{dump:#}");
        assert_eq!(dump["hovered_word"], "巴黎", "the tooltip's word");
        let neighbors: Vec<&str> = dump["neighbors"]
            .as_array()
            .unwrap()
            .iter()
            .take(5)
            .map(|n| n[0].as_str().unwrap())
            .collect();
        let countries = words_in_category("国家/country");
        assert!(
            neighbors
                .iter()
                .any(|w| *w == "巴黎" || (countries.iter().any(|c| c == w) && *w != "法国")),
            "法国's top neighbours {neighbors:?} hold no country and not 巴黎"
        );
        let relation = dump["relation_scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["relation"] == "国家→首都")
            .expect("国家→首都 scored");
        let series = relation["consistency"].as_array().unwrap();
        let first = series.first().unwrap().as_f64().unwrap();
        let last = series.last().unwrap().as_f64().unwrap();
        assert!(series.len() >= 3, "{series:?}");
        assert!(
            last > first + 0.2,
            "consistency {first} -> {last} did not rise"
        );

        // The demo opens playing its drift from the random start: three moments, three views.
        let moments = ["a", "b", "c"];
        let dumps: Vec<serde_json::Value> = moments
            .iter()
            .map(|m| read_json(&out(&format!("playing-{m}.json"))))
            .collect();
        assert_eq!(
            dumps[0]["playing"], true,
            "not playing at launch: {:#}",
            dumps[0]
        );
        let positions: Vec<f64> = dumps
            .iter()
            .map(|d| d["playhead_position"].as_f64().unwrap())
            .collect();
        assert!(
            positions.windows(2).all(|w| w[1] > w[0]),
            "the playhead did not move on: {positions:?}"
        );
        let shots: Vec<image::RgbImage> = moments
            .iter()
            .map(|m| {
                image::open(out(&format!("playing-{m}.png")))
                    .unwrap()
                    .to_rgb8()
            })
            .collect();
        assert!(
            shots[0] != shots[1] && shots[1] != shots[2],
            "the cloud did not move while playing"
        );
        let (varied, colours) = image_variety(&out("start.png"));
        assert!(
            varied > 0.05 && colours > 50,
            "start.png looks blank: {varied} {colours}"
        );
        // The cloud survives the click and the Escape: the points are drawn where the dump
        // says they are.
        assert_points_drawn(&out("selected.png"), &dump, &["selected", "neighbor"]);
        let after_esc = read_json(&out("after-esc.json"));
        assert_eq!(after_esc["selected_word"], serde_json::Value::Null);
        assert_points_drawn(&out("after-esc.png"), &after_esc, &["relation"]);
    }

    /// Runs the viewer with a script under Xvfb; `None` when Xvfb is missing outside CI (the
    /// test is then skipped).
    fn run_session(dir: &Path, args: &[&str], script: &str) -> Option<()> {
        if !window::available() {
            return None;
        }
        std::fs::write(dir.join("session.txt"), script).unwrap();
        let mut all: Vec<&std::ffi::OsStr> = vec!["view".as_ref()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        all.push("--script".as_ref());
        let script_path = dir.join("session.txt");
        all.push(script_path.as_os_str());
        window::run(dir, &all);
        Some(())
    }

    /// Whether a point's disc is drawn at (x, y): of the pixels whose centres lie within 0.8 of
    /// its radius (at least the one under its centre), at least 80% differ from the
    /// background. An arrow or a label beside the point covers well under that share; only the
    /// disc covers it all.
    fn drawn_at(
        image: &image::RgbImage,
        background: [u8; 3],
        x: f32,
        y: f32,
        radius_px: f32,
    ) -> bool {
        let reach = radius_px * 0.8;
        let mut pixels = Vec::new();
        let span = reach.ceil() as i64 + 1;
        for j in (y.floor() as i64 - span)..=(y.floor() as i64 + span) {
            for i in (x.floor() as i64 - span)..=(x.floor() as i64 + span) {
                let distance = ((i as f32 + 0.5 - x).powi(2) + (j as f32 + 0.5 - y).powi(2)).sqrt();
                if distance <= reach || (i == x.floor() as i64 && j == y.floor() as i64) {
                    pixels.push((i, j));
                }
            }
        }
        let differs = pixels
            .iter()
            .filter(|(i, j)| {
                if *i < 0
                    || *j < 0
                    || *i >= i64::from(image.width())
                    || *j >= i64::from(image.height())
                {
                    return false;
                }
                let pixel = image.get_pixel(*i as u32, *j as u32).0;
                pixel
                    .iter()
                    .zip(background)
                    .any(|(p, b)| (i16::from(*p) - i16::from(b)).abs() > 10)
            })
            .count();
        differs * 5 >= pixels.len() * 4
    }

    /// The most common colour inside the 3D viewport: the background.
    fn background_of(image: &image::RgbImage, viewport: [f32; 4]) -> [u8; 3] {
        let mut counts = std::collections::HashMap::new();
        for y in (viewport[1] as u32..viewport[3] as u32).step_by(3) {
            for x in (viewport[0] as u32..viewport[2] as u32).step_by(3) {
                if x < image.width() && y < image.height() {
                    *counts.entry(image.get_pixel(x, y).0).or_insert(0usize) += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map_or([0; 3], |(c, _)| c)
    }

    /// The dump's words of these roles that lie in the 3D view: (word, x, y, radius).
    fn screen_points(dump: &serde_json::Value, roles: &[&str]) -> Vec<(String, f32, f32, f32)> {
        dump["screen_points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| roles.iter().any(|r| p["role"] == *r))
            .filter_map(|p| {
                Some((
                    p["word"].as_str()?.to_owned(),
                    p["x"].as_f64()? as f32,
                    p["y"].as_f64()? as f32,
                    p["radius_px"].as_f64()? as f32,
                ))
            })
            .collect()
    }

    /// Asserts that the screenshot shows a point at every position the dump gives for the
    /// words of these roles (the window's scale factor is 1 under Xvfb).
    fn assert_points_drawn(png: &Path, dump: &serde_json::Value, roles: &[&str]) {
        let image = image::open(png).unwrap().to_rgb8();
        let viewport: Vec<f32> = dump["viewport"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let background =
            background_of(&image, [viewport[0], viewport[1], viewport[2], viewport[3]]);
        let points = screen_points(dump, roles);
        assert!(!points.is_empty(), "no {roles:?} point in view: {dump:#}");
        let missing: Vec<&String> = points
            .iter()
            .filter(|(_, x, y, r)| !drawn_at(&image, background, *x, *y, *r))
            .map(|(w, ..)| w)
            .collect();
        assert!(
            missing.is_empty(),
            "{}: no point drawn for {missing:?} (of {} {roles:?} words; background {background:?})",
            png.display(),
            points.len()
        );
    }

    /// The relation's (full-space consistency, on-screen parallelism) at the playhead.
    fn relation_now(dump: &serde_json::Value, relation: &str) -> (f64, f64) {
        let found = dump["relation_scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["relation"] == relation)
            .unwrap_or_else(|| panic!("{relation} not scored: {dump:#}"));
        (
            found["consistency_now"].as_f64().unwrap(),
            found["on_screen_now"].as_f64().unwrap(),
        )
    }

    /// A GloVe-like file (heavy-tailed norms: the frequent relation words lie far out): at open
    /// every relation word is inside the 3D view, a click on one of them selects it straight
    /// away, and the cloud stays drawn around it.
    #[test]
    fn a_heavy_tailed_file_opens_framed_and_keeps_its_points_after_a_click() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let vectors = embedscape::embeddings::synthetic::glove_like(100_000, 50, 3).unwrap();
        embedscape::embeddings::formats::save(
            &vectors,
            &d.join("glove-like.txt"),
            embedscape::embeddings::formats::Format::GloveText,
        )
        .unwrap();
        let out = |name: &str| d.join(name).display().to_string();
        let script = format!(
            "train-until end\ndump {}\nscreenshot {}\nclick-word paris\nwait 10\ndump {}\n\
             screenshot {}\nquit\n",
            out("open.json"),
            out("open.png"),
            out("clicked.json"),
            out("clicked.png"),
        );
        if run_session(d, &["--vectors", "glove-like.txt", "--lang", "en"], &script).is_none() {
            return;
        }
        super::window::keep(
            d,
            &["open.png", "clicked.png", "open.json", "clicked.json"],
            "heavy-",
        );
        let open = read_json(&d.join("open.json"));
        let relation_words: Vec<&serde_json::Value> = open["screen_points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["role"] == "relation")
            .collect();
        assert!(relation_words.len() >= 20, "{open:#}");
        let off_screen: Vec<&str> = relation_words
            .iter()
            .filter(|p| p["x"].is_null())
            .map(|p| p["word"].as_str().unwrap())
            .collect();
        assert!(off_screen.is_empty(), "off screen at open: {off_screen:?}");
        assert_points_drawn(&d.join("open.png"), &open, &["relation"]);
        let clicked = read_json(&d.join("clicked.json"));
        assert_eq!(clicked["selected_word"], "paris");
        assert_points_drawn(&d.join("clicked.png"), &clicked, &["selected", "neighbor"]);
        assert!(
            clicked["errors"].as_array().unwrap().is_empty(),
            "{clicked:#}"
        );
    }

    /// The demo runs with nothing but the binary: no assets folder near it and the source
    /// tree's path switched off, from a directory outside the repository. The corpus, the
    /// categories and the CJK font come from the copies compiled in; the built-in relation sets
    /// load; no error reaches the window.
    #[test]
    fn the_demo_runs_from_the_binary_alone() {
        if !window::available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("session.txt"),
            format!(
                "train-until end\ndump {}\nquit\n",
                d.join("alone.json").display()
            ),
        )
        .unwrap();
        let _one = window::ONE_WINDOW
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::fs::create_dir_all(d.join("xdg")).unwrap();
        let output = Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1400x860x24"])
            .arg(binary())
            .args([
                "view",
                "--lang",
                "zh",
                "--threads",
                "1",
                "--script",
                "session.txt",
            ])
            .env("XDG_RUNTIME_DIR", d.join("xdg"))
            .env("EMBEDSCAPE_NO_SOURCE_ASSETS", "1")
            .env_remove("EMBEDSCAPE_ASSETS")
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let dump = read_json(&d.join("alone.json"));
        assert!(dump["errors"].as_array().unwrap().is_empty(), "{dump:#}");
        assert!(dump["snapshot_count"].as_u64().unwrap() > 10, "{dump:#}");
        let sets = dump["relation_sets"].as_array().unwrap();
        assert!(
            sets.iter()
                .any(|s| s["name"] == "国家→首都" && s["builtin"] == true),
            "{sets:?}"
        );
    }

    #[test]
    fn the_tour_presses_through_the_essay() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = |name: &str| d.join(name).display().to_string();
        let mut script = String::from("train-until end\n");
        let steps = [
            "1 One-hot",
            "2 Random start",
            "3 Training pulls together",
            "4 king − man + woman",
        ];
        for (i, step) in steps.iter().enumerate() {
            script += &format!(
                "press {step}\nwait 20\nscreenshot {}\ndump {}\n",
                out(&format!("tour{}.png", i + 1)),
                out(&format!("tour{}.json", i + 1))
            );
        }
        // The race, paused while its first run trains (the view then rests, so the dump is
        // of that moment): what the panels say and what is drawn, mid-race.
        script += &format!(
            "press 5 Parallel arrows\nwait 40\nscreenshot {}\ndump {}\n\
             press 6 Random vs pretrained\nwait 5\npress Pause\nwait 5\ndump {}\npress Resume\n\
             wait 5\ntrain-until end\nwait 10\nscreenshot {}\ndump {}\nquit\n",
            out("tour5.png"),
            out("tour5.json"),
            out("tour6_race.json"),
            out("tour6.png"),
            out("tour6.json"),
        );
        if run_session(d, &["--lang", "en", "--threads", "1"], &script).is_none() {
            return;
        }
        assert_eq!(read_json(&d.join("tour1.json"))["view"], "OneHot");
        assert_eq!(read_json(&d.join("tour2.json"))["snapshot_index"], 0);
        let analogy = read_json(&d.join("tour4.json"));
        assert_eq!(analogy["view"], "Frames");
        assert_eq!(analogy["selected_word"], serde_json::Value::Null);
        assert_eq!(
            analogy["analogy"]["expected"], "queen",
            "{:#}",
            analogy["analogy"]
        );
        assert_eq!(
            analogy["analogy"]["expected_rank"], 1,
            "{:#}",
            analogy["analogy"]
        );
        // Built-in relation sets the demo's own file lacks were found in its vocabulary.
        let sets = analogy["relation_sets"].as_array().unwrap();
        assert!(
            sets.iter().any(|s| s["name"] == "国家→语言"
                && s["builtin"] == true
                && s["pairs_found"].as_u64().unwrap() >= 3),
            "{sets:?}"
        );
        // The window says how much of the space each PCA axis shows (as `project` prints).
        let shares: Vec<f64> = analogy["explained_variance"]
            .as_array()
            .unwrap_or_else(|| panic!("{analogy:#}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(shares.len(), 3);
        assert!(
            shares[0] >= shares[1] && shares[1] >= shares[2] && shares[2] > 0.0,
            "{shares:?}"
        );
        assert!(shares.iter().sum::<f64>() <= 1.0, "{shares:?}");
        let (_, in_pca) = relation_now(&analogy, "国家→首都");
        let lens = read_json(&d.join("tour5.json"));
        assert_eq!(lens["lens"], "国家→首都");
        let (consistency, in_lens) = relation_now(&lens, "国家→首都");
        assert!(consistency > 0.8, "trained consistency {consistency}");
        assert!(
            in_lens >= 0.9 && in_lens > in_pca,
            "on screen: lens {in_lens}, PCA {in_pca}"
        );
        // Mid-race, the race stage, the bridge's run and the cloud agree: a run of the race is
        // training (paused here) or analysing, never "finished" while the tour says training,
        // and every word of the run on screen has its point.
        let race = read_json(&d.join("tour6_race.json"));
        match race["comparison_phase"].as_str().unwrap() {
            "Random" | "Pretrained" => {
                let stage = race["race"]["stage"].as_str().unwrap();
                let state = race["run_state"].as_str().unwrap();
                match stage {
                    "training" => assert!(
                        ["Paused", "Running", "Loading"].contains(&state),
                        "{race:#}"
                    ),
                    "analysing" => assert_eq!(state, "Finished", "{race:#}"),
                    _ => assert_eq!(stage, "starting", "{race:#}"),
                }
            }
            _ => assert!(race["race"].is_null(), "{race:#}"),
        }
        if race["snapshot_count"].as_u64().unwrap() > 0 {
            assert_eq!(race["points_drawn"], race["words_on_screen"], "{race:#}");
        }
        let compare = read_json(&d.join("tour6.json"));
        assert_eq!(compare["comparison_phase"], "Done", "{compare:#}");
        let runs = compare["comparison_runs"].as_array().unwrap();
        let start = |run: &serde_json::Value| run["consistency"][0][1].as_f64().unwrap();
        let first_loss = |run: &serde_json::Value| run["loss"][0][1].as_f64().unwrap();
        assert_eq!(runs.len(), 2);
        assert!(
            start(&runs[1]) > start(&runs[0]) + 0.5,
            "pretrained init starts in order"
        );
        assert!(first_loss(&runs[1]) < first_loss(&runs[0]));
        for i in 1..=6 {
            let (varied, colours) = image_variety(&d.join(format!("tour{i}.png")));
            assert!(varied > 0.05 && colours > 50, "tour{i}.png looks blank");
        }
        super::window::keep(
            d,
            &[
                "tour1.png",
                "tour2.png",
                "tour3.png",
                "tour4.png",
                "tour5.png",
                "tour6.png",
            ],
            "",
        );
    }

    /// `press` scrolls a panel to a widget out of view, `type` types into the focused search
    /// field, and `scroll` turns the mouse wheel over the 3D view (the camera comes nearer) and
    /// over a side panel (the camera stays).
    #[test]
    fn scripted_typing_scrolling_and_pressing_a_widget_out_of_view() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = |name: &str| d.join(name).display().to_string();
        let script = format!(
            "train-until end\npress search a word (中文 or English)\ntype queen\nkey Enter\n\
             wait 10\ndump {typed}\nhover-word queen\ndump {before}\nscroll 3\nwait 5\n\
             dump {after}\nhover 150 300\nscroll -5\nwait 5\ndump {over_panel}\n\
             press one-hot\nwait 10\ndump {one_hot}\nscreenshot {shot}\nquit\n",
            typed = out("typed.json"),
            before = out("before-scroll.json"),
            after = out("after-scroll.json"),
            over_panel = out("over-panel.json"),
            one_hot = out("one-hot.json"),
            shot = out("one-hot.png"),
        );
        // A short window: the display panel's "one-hot" lies below the fold of its panel.
        let args = ["--lang", "en", "--threads", "1", "--size", "1100x520"];
        if run_session(d, &args, &script).is_none() {
            return;
        }
        let typed = read_json(&d.join("typed.json"));
        assert_eq!(typed["selected_word"], "queen", "{typed:#}");
        let distance = |name: &str| {
            read_json(&d.join(name))["camera"]["distance"]
                .as_f64()
                .unwrap()
        };
        let (before, after) = (
            distance("before-scroll.json"),
            distance("after-scroll.json"),
        );
        // Three lines of wheel: 0.9^3 of the distance.
        assert!(
            (after / before - 0.729).abs() < 0.01,
            "camera distance {before} -> {after}"
        );
        // The wheel over a side panel scrolls the panel, not the 3D view.
        assert_eq!(distance("over-panel.json"), after);
        assert_eq!(read_json(&d.join("one-hot.json"))["view"], "OneHot");
        super::window::keep(d, &["one-hot.png"], "");
    }

    /// A view saved in one session (snapshot 30, 法国 selected by typing, the capital lens, an
    /// orbited camera, 中文) is what the next session opens with `view --view FILE`.
    #[test]
    fn a_saved_view_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = |name: &str| d.join(name).display().to_string();
        let first = format!(
            "train-until end\ntrain-until 30\nlens 国家→首都\n\
             press search a word (中文 or English)\ntype 法国\nkey Enter\nwait 10\norbit 40\n\
             lang zh\nsave-view {view}\ndump {dump}\nscreenshot {shot}\nquit\n",
            view = out("lesson.view.json"),
            dump = out("saved.json"),
            shot = out("saved.png"),
        );
        if run_session(d, &["--lang", "en", "--threads", "1"], &first).is_none() {
            return;
        }
        let second = format!(
            "dump {dump}\nscreenshot {shot}\nquit\n",
            dump = out("restored.json"),
            shot = out("restored.png"),
        );
        let view = out("lesson.view.json");
        let args = ["--lang", "en", "--threads", "1", "--view", view.as_str()];
        run_session(d, &args, &second).unwrap();
        let saved = read_json(&d.join("saved.json"));
        let restored = read_json(&d.join("restored.json"));
        assert_eq!(saved["selected_word"], "法国", "{saved:#}");
        assert_eq!(saved["lens"], "国家→首都");
        assert_eq!(saved["lang"], "Zh");
        for field in [
            "selected_word",
            "lens",
            "axes",
            "projection_method",
            "playhead_position",
            "snapshot_index",
            "lang",
            "view",
        ] {
            assert_eq!(restored[field], saved[field], "{field}: {restored:#}");
        }
        assert_eq!(restored["playhead_position"], 30.0);
        let camera = |dump: &serde_json::Value, key: &str| -> Vec<f64> {
            match &dump["camera"][key] {
                serde_json::Value::Array(values) => {
                    values.iter().map(|v| v.as_f64().unwrap()).collect()
                }
                value => vec![value.as_f64().unwrap()],
            }
        };
        for key in ["focus", "distance", "yaw", "pitch"] {
            let (a, b) = (camera(&saved, key), camera(&restored, key));
            let close = a
                .iter()
                .zip(&b)
                .all(|(a, b)| (a - b).abs() <= 1e-3 * a.abs().max(1.0));
            assert!(close, "camera {key}: saved {a:?}, restored {b:?}");
        }
        // The selected word is drawn where it was.
        let spot = |dump: &serde_json::Value| screen_points(dump, &["selected"]);
        let (was, is) = (spot(&saved), spot(&restored));
        assert_eq!(was.len(), 1, "{saved:#}");
        assert!(
            (was[0].1 - is[0].1).abs() < 2.0 && (was[0].2 - is[0].2).abs() < 2.0,
            "法国 drawn at {was:?}, then at {is:?}"
        );
        assert_points_drawn(&d.join("restored.png"), &restored, &["selected"]);
        assert!(
            restored["errors"].as_array().unwrap().is_empty(),
            "{:#}",
            restored["errors"]
        );
        super::window::keep(d, &["saved.png", "restored.png"], "");
    }

    /// A view saved on other data is restored as far as it fits: a word or relation the data
    /// lacks is a warning in the status line, and the camera is still restored.
    #[test]
    fn a_view_that_does_not_fit_the_data_warns_and_restores_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let view = serde_json::json!({
            "embedscape_view": 1,
            "data": "vectors other.txt",
            "camera": {"focus": [0.5, 0.0, -0.5], "distance": 40.0, "yaw": 1.2, "pitch": 0.3},
            "playhead_position": 20.0,
            "selected_word": "zzzz",
            "lens": "nope→nothing",
            "axes": null,
            "method": "pca",
            "color_by": "category",
            "lang": "zh"
        });
        std::fs::write(d.join("other.json"), view.to_string()).unwrap();
        let script = format!("dump {}\nquit\n", d.join("state.json").display());
        let view_path = d.join("other.json").display().to_string();
        let args = ["--threads", "1", "--view", view_path.as_str()];
        if run_session(d, &args, &script).is_none() {
            return;
        }
        let state = read_json(&d.join("state.json"));
        let errors: Vec<&str> = state["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e.as_str())
            .collect();
        for expected in [
            "was saved on vectors other.txt",
            "\"nope→nothing\"",
            "\"zzzz\"",
        ] {
            assert!(
                errors.iter().any(|e| e.contains(expected)),
                "no warning with {expected}: {errors:?}"
            );
        }
        assert_eq!(state["selected_word"], serde_json::Value::Null);
        assert_eq!(state["lens"], serde_json::Value::Null);
        assert_eq!(state["playhead_position"], 20.0);
        assert_eq!(state["lang"], "Zh");
        assert_eq!(state["camera"]["yaw"], 1.2);
        assert_eq!(state["camera"]["distance"], 40.0);
    }

    /// A view file that is not one stops `view` with an error naming the file.
    #[test]
    fn a_malformed_view_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let view = dir.path().join("broken.json");
        std::fs::write(&view, "{\"camera\": 1}").unwrap();
        let output = Command::new(binary())
            .args(["view", "--view"])
            .arg(&view)
            .env("DISPLAY", "")
            .output()
            .unwrap();
        assert!(!output.status.success());
        let error = String::from_utf8_lossy(&output.stderr);
        assert!(error.contains("broken.json is not a view file"), "{error}");
        assert!(!error.contains("panicked"), "{error}");
    }
}

#[test]
fn help_lists_every_subcommand() {
    let output = Command::new(binary()).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in [
        "view",
        "train",
        "neighbors",
        "analogy",
        "convert",
        "info",
        "evaluate",
        "project",
        "timeline",
        "compare",
        "render",
    ] {
        assert!(help.contains(command), "--help lacks {command}:\n{help}");
    }
}

#[cfg(feature = "viewer")]
/// A wrong `EMBEDSCAPE_ASSETS` or `--assets` is an error naming it, before any window opens (it fell back to
/// the built-in files without a word, so a user's own font or demo was never read).
#[cfg(feature = "viewer")]
#[test]
fn a_wrong_assets_override_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    for (value, expected) in [
        (dir.path().join("missing"), "no such folder"),
        (
            dir.path().to_path_buf(),
            "not a folder of embedscape assets",
        ),
    ] {
        let output = Command::new(binary())
            .arg("view")
            .env("EMBEDSCAPE_ASSETS", &value)
            .env("DISPLAY", "")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains("EMBEDSCAPE_ASSETS") && stderr.contains(expected),
            "{stderr}"
        );
    }
    // The same through the flag, which also wins over the variable.
    let output = Command::new(binary())
        .args(["view", "--assets"])
        .arg(dir.path().join("missing"))
        .env("EMBEDSCAPE_ASSETS", dir.path())
        .env("DISPLAY", "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("--assets") && stderr.contains("no such folder"),
        "{stderr}"
    );
}

/// `view --help` lists every step the script parser knows (an unknown step's error names
/// them all), one line each.
#[test]
fn view_help_lists_every_script_step() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("bad.txt");
    std::fs::write(&script, "no-such-step\n").unwrap();
    let output = Command::new(binary())
        .args(["view", "--script"])
        .arg(&script)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    let steps: Vec<String> = error
        .split_once("(steps: ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(list, _)| list.split(", ").map(str::to_owned).collect())
        .unwrap_or_default();
    assert!(steps.len() >= 15, "the error names no steps: {error}");
    let output = Command::new(binary())
        .args(["view", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for step in steps {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{step} "))),
            "view --help lacks the script step {step}:\n{help}"
        );
    }
}

#[test]
fn bad_vectors_file_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.txt");
    std::fs::write(&path, "2 3\nparis 0.1 0.2 0.3\nberlin 0.1 zz 0.3\n").unwrap();
    let output = Command::new(binary())
        .args(["info"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("broken.txt") && stderr.contains('3'),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn train_then_query_neighbors_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.txt");
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!("the cat sat on the mat number {i}\n"));
        text.push_str("a dog sat on the rug\n");
    }
    std::fs::write(&corpus, text).unwrap();
    let vectors = dir.path().join("vectors.txt");
    let output = Command::new(binary())
        .arg("train")
        .arg(&corpus)
        .arg("-o")
        .arg(&vectors)
        .args([
            "--dim",
            "16",
            "--epochs",
            "2",
            "--min-count",
            "5",
            "--threads",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = Command::new(binary())
        .args(["neighbors", "--vectors"])
        .arg(&vectors)
        .args(["cat", "-k", "3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.lines().count() >= 3, "{stdout}");
    assert!(
        !stdout
            .lines()
            .any(|l| l.split_whitespace().next() == Some("cat"))
    );
}

#[test]
fn project_with_pca_and_umap_prints_quality() {
    // 30 well-separated groups of 12 words in 20 dimensions.
    let dir = tempfile::tempdir().unwrap();
    let vectors = dir.path().join("groups.txt");
    let mut text = String::from("360 20\n");
    for word in 0..360 {
        let group = word % 30;
        text.push_str(&format!("w{word}"));
        for dim in 0..20 {
            // Group centre (a pseudo-random ±1 pattern) plus a small per-word offset.
            let centre = if (group * 7 + dim * 13) % 5 < 2 {
                1.0
            } else {
                -1.0
            };
            let offset = (((word * 31 + dim * 17) % 11) as f32 - 5.0) * 0.02;
            text.push_str(&format!(" {}", centre + offset));
        }
        text.push('\n');
    }
    std::fs::write(&vectors, text).unwrap();
    for method in ["pca", "umap"] {
        let output_tsv = dir.path().join(format!("{method}.tsv"));
        let output = Command::new(binary())
            .args([
                "project",
                "--method",
                method,
                "--epochs",
                "100",
                "--vectors",
            ])
            .arg(&vectors)
            .arg("-o")
            .arg(&output_tsv)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{method}: {stderr}");
        assert!(stderr.contains("trustworthiness@10"), "{method}: {stderr}");
        let tsv = std::fs::read_to_string(&output_tsv).unwrap();
        assert_eq!(tsv.lines().count(), 361, "{method}");
        assert!(
            tsv.lines().skip(1).all(|l| l
                .split('\t')
                .skip(1)
                .take(3)
                .all(|v| v.parse::<f32>().is_ok_and(f32::is_finite))),
            "{method}"
        );
    }
}

#[test]
fn project_with_semantic_axes_puts_the_axis_words_apart() {
    // x along w0 → w1; every other word between them.
    let dir = tempfile::tempdir().unwrap();
    let vectors = dir.path().join("axes.txt");
    let mut text = String::from("40 6\n");
    for word in 0..40 {
        let values: Vec<String> = (0..6)
            .map(|d| format!("{}", ((word * 7 + d * 3) % 13) as f32 / 13.0 - 0.5))
            .collect();
        text.push_str(&format!("w{word} {}\n", values.join(" ")));
    }
    std::fs::write(&vectors, text).unwrap();
    let out = dir.path().join("axes.tsv");
    let run = |spec: &str| {
        Command::new(binary())
            .args(["project", "--axes", spec, "--no-quality", "--vectors"])
            .arg(&vectors)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap()
    };
    let output = run("w0>w1");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tsv = std::fs::read_to_string(&out).unwrap();
    let x_of = |word: &str| -> f32 {
        let line = tsv
            .lines()
            .find(|l| l.split('\t').next() == Some(word))
            .unwrap();
        line.split('\t').nth(1).unwrap().parse().unwrap()
    };
    assert!(x_of("w1") > x_of("w0"), "the axis runs from w0 to w1");
    let bad = run("nosuch");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nosuch"));
}

/// The bridge subcommands on files these tests write: `timeline build` (checkpoints of several
/// formats, a bad one in the middle) and `compare` (a rotated copy with one word moved, a
/// broken anchors file).
mod bridge {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    fn run(args: &[&str], dir: &Path) -> Output {
        Command::new(PathBuf::from(env!("CARGO_BIN_EXE_embedscape")))
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    #[test]
    fn timeline_build_from_checkpoints_of_several_formats() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // word2vec text with header, GloVe (no header, other order, lacks "c"), fastText .vec.
        std::fs::write(d.join("e1.txt"), "3 2\na 1 0\nb 0 1\nc 1 1\n").unwrap();
        std::fs::write(d.join("e2.glove"), "b 0 2\na 2 0\nz 5 5\n").unwrap();
        std::fs::write(d.join("e3.vec"), "3 2\nc 3 3\nb 0 3\na 3 0\n").unwrap();
        let out = run(
            &[
                "timeline",
                "build",
                "e1.txt",
                "e2.glove",
                "e3.vec",
                "-o",
                "run.timeline",
            ],
            d,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("3 frames (e1, e2, e3) of 2 words"),
            "{}",
            text(&out.stdout)
        );
        let timeline = embedscape::train::Timeline::load(&d.join("run.timeline")).unwrap();
        assert_eq!(timeline.words, vec!["a", "b"]);
        assert_eq!(timeline.frame_names(), vec!["e1", "e2", "e3"]);
        assert_eq!(
            timeline.snapshots[1].vectors.row(1).to_vec(),
            vec![0.0, 2.0]
        );

        std::fs::write(d.join("e2.glove"), "b 0 2\na 2\n").unwrap();
        let out = run(
            &[
                "timeline",
                "build",
                "e1.txt",
                "e2.glove",
                "e3.vec",
                "-o",
                "bad.timeline",
            ],
            d,
        );
        let stderr = text(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains("checkpoint 2 of 3") && stderr.contains("e2.glove"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!d.join("bad.timeline").exists());
    }

    /// What `examples/spark/word2vec_timeline.py` writes (word2vec text: a `count dim` header,
    /// most frequent word first, six decimals, Chinese words and punctuation as words), and a
    /// fastText `.vec` series (whose lines end in a space), each played as a timeline.
    #[test]
    fn timeline_build_reads_spark_and_fasttext_series() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let words = ["，", "的", "中国", "北京", "巴黎"];
        for iteration in 1..=3 {
            let mut spark = format!("{} 4\n", words.len());
            let mut fasttext = format!("{} 4\n", words.len());
            for (i, word) in words.iter().enumerate() {
                let values: Vec<String> = (0..4)
                    .map(|j| format!("{:.6}", ((i * 4 + j) as f32 * 0.1 - 0.7) * iteration as f32))
                    .collect();
                spark.push_str(&format!("{word} {}\n", values.join(" ")));
                fasttext.push_str(&format!("{word} {} \n", values.join(" ")));
            }
            std::fs::create_dir_all(d.join("spark")).unwrap();
            std::fs::create_dir_all(d.join("fasttext")).unwrap();
            std::fs::write(d.join(format!("spark/iter_{iteration:02}.txt")), spark).unwrap();
            std::fs::write(d.join(format!("fasttext/epoch{iteration}.vec")), fasttext).unwrap();
        }
        for (folder, files, names) in [
            (
                "spark",
                ["iter_01.txt", "iter_02.txt", "iter_03.txt"],
                ["iter_01", "iter_02", "iter_03"],
            ),
            (
                "fasttext",
                ["epoch1.vec", "epoch2.vec", "epoch3.vec"],
                ["epoch1", "epoch2", "epoch3"],
            ),
        ] {
            let mut args = vec!["timeline", "build"];
            args.extend(files);
            args.extend(["-o", "run.timeline"]);
            let out = run(&args, &d.join(folder));
            assert!(out.status.success(), "{folder}: {}", text(&out.stderr));
            let timeline =
                embedscape::train::Timeline::load(&d.join(folder).join("run.timeline")).unwrap();
            assert_eq!(timeline.words, words, "{folder}");
            assert_eq!(timeline.frame_names(), names, "{folder}");
            // Row 2 (中国) of the third checkpoint: ((8 + j) * 0.1 - 0.7) * 3.
            let row = timeline.snapshots[2].vectors.row(2).to_vec();
            for (j, value) in row.iter().enumerate() {
                let expected = ((8 + j) as f32 * 0.1 - 0.7) * 3.0;
                // Timelines may keep half-precision values.
                assert!((value - expected).abs() < 0.01, "{folder}: {row:?}");
            }
        }
    }

    #[test]
    fn compare_ranks_the_moved_word_first() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let words = [
            "north", "south", "east", "west", "up", "down", "left", "right",
        ];
        let vector = |i: usize| {
            let t = i as f32 * 0.7;
            [t.cos(), t.sin(), 0.3 * (i as f32 - 3.5)]
        };
        let mut a = format!("{} 3\n", words.len());
        let mut b = format!("{} 3\n", words.len());
        for (i, w) in words.iter().enumerate() {
            let v = vector(i);
            // B = A rotated 90° about the third axis; "east" moves onto "right".
            let u = if *w == "east" { vector(7) } else { v };
            a.push_str(&format!("{w} {} {} {}\n", v[0], v[1], v[2]));
            b.push_str(&format!("{w} {} {} {}\n", -u[1], u[0], u[2]));
        }
        std::fs::write(d.join("a.txt"), a).unwrap();
        std::fs::write(d.join("b.txt"), b).unwrap();
        let out = run(
            &["compare", "a.txt", "b.txt", "-k", "2", "-o", "moved.tsv"],
            d,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let tsv = std::fs::read_to_string(d.join("moved.tsv")).unwrap();
        let first = tsv.lines().nth(1).unwrap();
        assert!(first.starts_with("east\teast\t"), "{tsv}");
        assert_eq!(tsv.lines().count(), words.len() + 1);

        std::fs::write(d.join("pairs.tsv"), "north\tnorth\nsouth\n").unwrap();
        let out = run(&["compare", "a.txt", "b.txt", "--anchors", "pairs.tsv"], d);
        let stderr = text(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains("pairs.tsv:2:"), "{stderr}");
    }
}

/// `embedscape render`: a timeline trained here becomes an animated GIF and a PNG sequence
/// under Xvfb; both are decoded and checked (size, frame count, timing, motion).
#[cfg(feature = "viewer")]
mod render {
    use super::*;
    use std::path::Path;
    use std::process::Output;

    fn render_under_xvfb(dir: &Path, args: &[&str]) -> Output {
        let mut all: Vec<&std::ffi::OsStr> = vec!["render".as_ref()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        window::run(dir, &all)
    }

    /// Every frame composed onto the canvas (RGBA), and each frame's delay.
    fn decode_gif(path: &Path) -> ((u16, u16), Vec<Vec<u8>>, Vec<u16>) {
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options
            .read_info(std::fs::File::open(path).unwrap())
            .unwrap();
        let (width, height) = (decoder.width() as usize, decoder.height() as usize);
        let mut canvas = vec![0u8; width * height * 4];
        let (mut frames, mut delays) = (Vec::new(), Vec::new());
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            let (left, top) = (frame.left as usize, frame.top as usize);
            for y in 0..frame.height as usize {
                for x in 0..frame.width as usize {
                    let from = (y * frame.width as usize + x) * 4;
                    if frame.buffer[from + 3] == 0 {
                        continue;
                    }
                    let to = ((top + y) * width + left + x) * 4;
                    canvas[to..to + 4].copy_from_slice(&frame.buffer[from..from + 4]);
                }
            }
            frames.push(canvas.clone());
            delays.push(frame.delay);
        }
        ((width as u16, height as u16), frames, delays)
    }

    #[test]
    fn render_writes_a_gif_and_a_png_sequence_of_a_trained_timeline() {
        if !window::available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus/demo.txt");
        let trained = Command::new(binary())
            .arg("train")
            .arg(&corpus)
            .args([
                "--dim",
                "30",
                "--epochs",
                "2",
                "--pre-tokenized",
                "--threads",
                "1",
            ])
            .args(["--timeline", "run.timeline", "-o", "vectors.txt"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            trained.status.success(),
            "{}",
            String::from_utf8_lossy(&trained.stderr)
        );

        render_under_xvfb(
            dir.path(),
            &[
                "--timeline",
                "run.timeline",
                "-o",
                "drift.gif",
                "--size",
                "400x250",
                "--frames",
                "12",
                "--fps",
                "10",
                "--orbit",
                "--lang",
                "en",
            ],
        );
        let ((width, height), frames, delays) = decode_gif(&dir.path().join("drift.gif"));
        assert_eq!((width, height), (400, 250));
        assert_eq!(frames.len(), 12);
        assert_eq!(delays, vec![10; 12]);
        let distinct: std::collections::HashSet<&Vec<u8>> = frames.iter().collect();
        assert!(
            distinct.len() >= 10,
            "only {} distinct frames",
            distinct.len()
        );
        // Not a blank window: the last frame holds points and labels in many colours.
        let colours: std::collections::HashSet<&[u8]> = frames[11].chunks_exact(4).collect();
        assert!(colours.len() > 30, "{} colours", colours.len());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        render_under_xvfb(
            dir.path(),
            &[
                "--timeline",
                "run.timeline",
                "-o",
                "frames/f_%03d.png",
                "--size",
                "400x250",
                "--frames",
                "3",
                "--from",
                "1",
                "--to",
                "4",
                "--panels",
            ],
        );
        let names: Vec<_> = (1..=3).map(|n| format!("frames/f_{n:03}.png")).collect();
        let images: Vec<_> = names
            .iter()
            .map(|name| image::open(dir.path().join(name)).unwrap().to_rgb8())
            .collect();
        for image in &images {
            assert_eq!(image.dimensions(), (400, 250));
        }
        assert_ne!(images[0], images[2]);
        assert!(!dir.path().join("frames/f_004.png").exists());
    }

    /// Trains the demo corpus into `run.timeline` in `dir` (a few seconds, one thread).
    fn train_demo_timeline(dir: &Path) {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus/demo.txt");
        let trained = Command::new(binary())
            .arg("train")
            .arg(&corpus)
            .args(["--dim", "30", "--epochs", "2", "--pre-tokenized"])
            .args([
                "--threads",
                "1",
                "--timeline",
                "run.timeline",
                "-o",
                "vectors.txt",
            ])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            trained.status.success(),
            "{}",
            String::from_utf8_lossy(&trained.stderr)
        );
    }

    #[test]
    fn render_captions_each_frame_with_its_snapshot() {
        if !window::available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        train_demo_timeline(dir.path());
        let args = |output: &'static str| {
            vec![
                "--timeline",
                "run.timeline",
                "-o",
                output,
                "--size",
                "400x250",
                "--frames",
                "2",
                "--lang",
                "en",
            ]
        };
        render_under_xvfb(dir.path(), &args("plain.gif"));
        let mut captioned = args("captioned.gif");
        captioned.push("--caption");
        render_under_xvfb(dir.path(), &captioned);
        let (_, plain, _) = decode_gif(&dir.path().join("plain.gif"));
        let (_, with_caption, _) = decode_gif(&dir.path().join("captioned.gif"));
        // The caption sits in the top left corner: there the frames differ, with light text
        // on a dark box.
        let region = |frame: &[u8], x0: usize, x1: usize, y0: usize, y1: usize| {
            let mut pixels = Vec::new();
            for y in y0..y1 {
                for x in x0..x1 {
                    let at = (y * 400 + x) * 4;
                    pixels.push([frame[at], frame[at + 1], frame[at + 2]]);
                }
            }
            pixels
        };
        for (index, (plain, captioned)) in plain.iter().zip(&with_caption).enumerate() {
            let corner_plain = region(plain, 8, 200, 8, 30);
            let corner_captioned = region(captioned, 8, 200, 8, 30);
            let changed = corner_plain
                .iter()
                .zip(&corner_captioned)
                .filter(|(a, b)| a != b)
                .count();
            assert!(
                changed > 300,
                "frame {index}: only {changed} caption pixels differ"
            );
            let light =
                |corner: &[[u8; 3]]| corner.iter().filter(|p| p.iter().all(|&c| c > 180)).count();
            assert!(
                light(&corner_captioned) > light(&corner_plain) + 40,
                "frame {index}: {} light pixels with the caption, {} without",
                light(&corner_captioned),
                light(&corner_plain)
            );
        }
    }

    #[test]
    fn render_refuses_an_output_it_cannot_write_before_opening_a_window() {
        let dir = tempfile::tempdir().unwrap();
        let output = Command::new(binary())
            .args(["render", "-o", "drift.mp4"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("drift.mp4") && stderr.contains(".gif"),
            "{stderr}"
        );
    }
}

/// A table of embeddings with metadata in the window: a generated Parquet table (30,000 rows,
/// five topic blobs, text and number columns) coloured by a column, filtered, box-selected and
/// exported; the dump, the exported file and the table agree.
#[cfg(feature = "viewer")]
mod columns {
    use std::collections::HashMap;
    use std::path::Path;

    use embedscape::embeddings::synthetic::{TopicTable, topic_table};

    use super::window::read_json;

    fn write_parquet(path: &Path, table: &TopicTable) {
        table.write_parquet(path).unwrap();
    }

    fn legend(dump: &serde_json::Value) -> Vec<(String, u64)> {
        dump["legend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_str().unwrap().to_owned(), e[1].as_u64().unwrap()))
            .collect()
    }

    /// Pixels of the 3D view (outside the columns window) in the palette's first colour, blue.
    fn blue_pixels(png: &Path, dump: &serde_json::Value) -> usize {
        let image = image::open(png).unwrap().to_rgb8();
        let v: Vec<u32> = dump["viewport"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as u32)
            .collect();
        let mut count = 0;
        for y in v[1]..v[3].min(image.height()) {
            // The columns window sits in the top right; its legend swatches are not points.
            for x in v[0]..v[2].min(image.width()) {
                if x + 300 > v[2] && y < 400 {
                    continue;
                }
                let [r, g, b] = image.get_pixel(x, y).0.map(f32::from);
                if b > 40.0 && b > 1.4 * r && b > 1.2 * g {
                    count += 1;
                }
            }
        }
        count
    }

    #[test]
    fn a_parquet_table_is_coloured_filtered_selected_and_exported() {
        if !super::window::available() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let table = topic_table(30_000, 16, 7);
        write_parquet(&d.join("docs.parquet"), &table);
        let out = |name: &str| d.join(name).display().to_string();
        std::fs::write(
            d.join("session.txt"),
            format!(
                "wait 30\ncolour-by topic\nscreenshot {}\ndump {}\nfilter topic!=sports\n\
                 screenshot {}\ndump {}\nselect-box 450 150 950 650\nexport-selection {}\n\
                 screenshot {}\ndump {}\ncolour-by score\ndump {}\nquit\n",
                out("topic.png"),
                out("topic.json"),
                out("filtered.png"),
                out("filtered.json"),
                out("selection.tsv"),
                out("selected.png"),
                out("selected.json"),
                out("score.json"),
            ),
        )
        .unwrap();
        super::window::run_table_session(d, &d.join("docs.parquet"));
        super::window::keep(d, &["topic.png", "filtered.png", "selected.png"], "");
        // The legend counts the table's topics, most rows first.
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for topic in &table.topics {
            *counts.entry(topic.as_str()).or_default() += 1;
        }
        let mut expected: Vec<(String, u64)> =
            counts.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let topic = read_json(&d.join("topic.json"));
        assert_eq!(topic["colour_by"], "topic", "{topic:#}");
        assert_eq!(legend(&topic), expected);
        assert_eq!(topic["points_visible"], 30_000);
        assert!(topic["errors"].as_array().unwrap().is_empty(), "{topic:#}");
        // The filter hides the sports rows: not counted, not drawn.
        let filtered = read_json(&d.join("filtered.json"));
        let sports = counts["sports"];
        assert_eq!(filtered["filter"], "topic!=sports");
        assert_eq!(filtered["points_visible"], 30_000 - sports);
        assert!(legend(&filtered).iter().all(|(t, _)| t != "sports"));
        let blue_before = blue_pixels(&d.join("topic.png"), &topic);
        let blue_after = blue_pixels(&d.join("filtered.png"), &filtered);
        assert!(
            blue_before > 2_000 && blue_after < blue_before / 20,
            "sports (blue) pixels: {blue_before} before the filter, {blue_after} after"
        );
        // The selection: as many rows as exported, none hidden, each as in the table.
        let selected = read_json(&d.join("selected.json"));
        let count = selected["selection_count"].as_u64().unwrap();
        assert!(count > 100, "{selected:#}");
        let tsv = std::fs::read_to_string(d.join("selection.tsv")).unwrap();
        let mut lines = tsv.lines();
        assert_eq!(lines.next(), Some("label\ttopic\tscore\tsource\tx\ty"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len() as u64, count);
        let row_of: HashMap<&str, usize> = table
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i))
            .collect();
        for fields in &rows {
            let i = row_of[fields[0]];
            assert_eq!(fields[1], table.topics[i]);
            assert_ne!(fields[1], "sports", "a hidden row was selected");
            assert_eq!(fields[2].parse::<f64>().unwrap(), table.scores[i]);
            assert_eq!(fields[3], table.sources[i]);
        }
        // A numeric column: a gradient over the column's range, no legend.
        let score = read_json(&d.join("score.json"));
        let lo = table.scores.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = table
            .scores
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(score["colour_range"], serde_json::json!([lo, hi]));
        assert!(legend(&score).is_empty());
        assert_eq!(score["selection_count"].as_u64(), Some(count));
    }
}
#[path = "end_to_end/columns2.rs"]
mod columns2;
#[path = "end_to_end/killsafe.rs"]
mod killsafe;
#[path = "end_to_end/soak.rs"]
mod soak;
