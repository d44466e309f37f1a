//! Kill safety: the real binary is killed with SIGKILL at seeded random moments in the middle of
//! `train --timeline`, `convert`, `timeline build` and `render` (the window's GIF export), and
//! the directory it wrote into is checked after every kill: each input is byte-identical, each
//! output the old file or the whole new one (never a part, never missing), and nothing else
//! exists but temporaries under the temporary naming scheme (`.NAME.XXXXXX.tmp`). A last,
//! complete run must then succeed, write what an unkilled run writes, and leave no temporary
//! behind (the killed runs' litter is cleaned).
//!
//! Half of the kill moments are uniform over an unkilled run's duration; the other half fall
//! while a write is under way: a random few milliseconds after a temporary appears (or an output
//! changes size, as it would if a writer bypassed `atomic_file` and wrote in place).
//! The moments follow from the seed, printed when a test fails: replay a failure with
//! `EMBEDSCAPE_KILL_SEED=N`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Killed runs per command line command: the moments alternate between "anywhere" and "while
/// writing".
const KILLS_PER_COMMAND: usize = 4;
/// Killed runs of `render`: each run opens a window (seconds under software rendering).
const KILLS_PER_WINDOW: usize = 3;
/// The longest wait after a temporary appears before the kill.
const MID_WRITE_MAX_MS: u64 = 40;
/// How often the directory is looked at for a temporary.
const POLL_INTERVAL: Duration = Duration::from_millis(1);

/// splitmix64: a few lines, and the same moments from the same seed on every machine.
struct Moments(u64);

impl Moments {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration in `[0, max)`.
    fn below(&mut self, max: Duration) -> Duration {
        let max_us = max.as_micros().max(1) as u64;
        Duration::from_micros(self.next_u64() % max_us)
    }
}

/// The seed of this run: `EMBEDSCAPE_KILL_SEED`, or the clock (so CI tries new moments each
/// time, and a failure says which ones).
fn seed() -> u64 {
    match std::env::var("EMBEDSCAPE_KILL_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .expect("EMBEDSCAPE_KILL_SEED is a number"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |t| t.as_nanos() as u64),
    }
}

/// Prints the seed when the test it guards fails.
struct SeedOnFailure {
    test: &'static str,
    seed: u64,
}

impl Drop for SeedOnFailure {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "{}: replay with EMBEDSCAPE_KILL_SEED={}",
                self.test, self.seed
            );
        }
    }
}

/// A started command: the child we wait for, the process to kill (the same, except under
/// `xvfb-run`, where it is the embedscape process inside), and its standard error, kept in a
/// file (a pipe nobody reads would block a chatty process).
struct Running {
    child: Child,
    victim: u32,
    stderr: std::fs::File,
}

impl Running {
    fn spawn(command: &mut Command) -> Self {
        let stderr = tempfile::tempfile().unwrap();
        let child = command
            .stdout(Stdio::null())
            .stderr(stderr.try_clone().unwrap())
            .spawn()
            .expect("start the command");
        let victim = child.id();
        Self {
            child,
            victim,
            stderr,
        }
    }

    fn kill(&mut self) {
        // Only a process still running as embedscape: once it has ended (and xvfb-run reaped
        // it), its pid may belong to someone else.
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        let comm = std::fs::read_to_string(format!("/proc/{}/comm", self.victim));
        if comm.is_ok_and(|name| name.trim() != "embedscape") {
            return;
        }
        // SIGKILL: no handler, no destructor, no temporary removed.
        let _ = Command::new("kill")
            .args(["-KILL", &self.victim.to_string()])
            .stderr(Stdio::null())
            .status();
    }

    fn wait(mut self) -> (ExitStatus, String) {
        use std::io::{Read, Seek};
        let status = self.child.wait().expect("wait for the command");
        let mut stderr = String::new();
        let _ = self.stderr.rewind();
        let _ = self.stderr.read_to_string(&mut stderr);
        (status, stderr)
    }
}

/// Whether bytes are a whole new file of that output name.
type WholeCheck<'a> = &'a dyn Fn(&str, &[u8]) -> bool;

/// One command to kill, and what it writes.
struct Scenario<'a> {
    test: &'static str,
    dir: &'a Path,
    /// Files the command writes (directly in `dir`); each exists with old content before a run.
    outputs: &'a [&'a str],
    kills: usize,
    start: &'a dyn Fn() -> Running,
    /// Whether bytes are a whole new `output` when runs do not repeat byte for byte (a GIF
    /// rendered twice); `None`: the new file must equal the unkilled run's.
    whole: Option<WholeCheck<'a>>,
}

fn old_content(output: &str) -> Vec<u8> {
    format!("the old {output}, from before the killed run\n").into_bytes()
}

/// Every regular file directly in `dir`, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_file())
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// Whether `name` is a temporary of one of `outputs`: `.OUTPUT.` + six letters/digits + `.tmp`.
fn temporary_of<'a>(name: &str, outputs: &[&'a str]) -> Option<&'a str> {
    outputs.iter().copied().find(|output| {
        name.strip_prefix(&format!(".{output}."))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|random| {
                random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
            })
    })
}

fn restore_old_outputs(s: &Scenario<'_>) {
    for output in s.outputs {
        std::fs::write(s.dir.join(output), old_content(output)).unwrap();
    }
}

/// Kills `s` at moments drawn from `seed` and checks the directory after each kill, then runs it
/// to the end once more. Returns how many kills landed while a write was under way.
fn kill_at_random_moments(s: &Scenario<'_>, seed: u64) -> usize {
    let _guard = SeedOnFailure { test: s.test, seed };
    let mut moments = Moments(
        seed ^ s
            .test
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31) ^ u64::from(b)),
    );

    // An unkilled run: how long a run takes, and what it writes.
    restore_old_outputs(s);
    let inputs: BTreeMap<String, Vec<u8>> = files(s.dir)
        .into_iter()
        .filter(|(name, _)| !s.outputs.contains(&name.as_str()))
        .collect();
    let started = Instant::now();
    let (status, stderr) = (s.start)().wait();
    let full_run = started.elapsed();
    assert!(
        status.success(),
        "{}: unkilled run failed: {stderr}",
        s.test
    );
    let reference = files(s.dir);
    for output in s.outputs {
        assert_ne!(
            reference[*output],
            old_content(output),
            "{output} not written"
        );
    }

    let mut mid_write = 0;
    let mut temporaries_left = 0;
    for kill in 0..s.kills {
        restore_old_outputs(s);
        let mut running = (s.start)();
        let started = Instant::now();
        let while_writing = kill % 2 == 1;
        let moment = if while_writing {
            // Wait for a temporary of an output (or for the end), then a few milliseconds.
            let delay = moments.below(Duration::from_millis(MID_WRITE_MAX_MS));
            let deadline = started + full_run * 3 + Duration::from_secs(5);
            loop {
                // A temporary appeared, or an output changed size: a writer that bypassed the
                // temporaries would be writing it in place.
                let writing = std::fs::read_dir(s.dir).unwrap().any(|entry| {
                    let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                    temporary_of(&name, s.outputs).is_some()
                }) || s.outputs.iter().any(|output| {
                    std::fs::metadata(s.dir.join(output))
                        .is_ok_and(|m| m.len() != old_content(output).len() as u64)
                });
                if writing {
                    mid_write += 1;
                    break;
                }
                if Instant::now() > deadline {
                    break;
                }
                std::thread::sleep(POLL_INTERVAL);
            }
            std::thread::sleep(delay);
            format!("{delay:?} after a write began")
        } else {
            let delay = moments.below(full_run);
            std::thread::sleep(delay);
            format!("{delay:?} after the start")
        };
        running.kill();
        let (status, _) = running.wait();
        let what = format!("{}: kill {kill} at {moment} ({status})", s.test);

        let after = files(s.dir);
        for (name, bytes) in &inputs {
            assert_eq!(after.get(name), Some(bytes), "{what}: input {name} changed");
        }
        for output in s.outputs {
            let bytes = after
                .get(*output)
                .unwrap_or_else(|| panic!("{what}: {output} is missing"));
            let whole = match s.whole {
                Some(whole) => whole(output, bytes),
                None => *bytes == reference[*output],
            };
            assert!(
                *bytes == old_content(output) || whole,
                "{what}: {output} is neither the old file nor a whole new one ({} bytes)",
                bytes.len()
            );
        }
        for name in after.keys() {
            let known = inputs.contains_key(name) || s.outputs.contains(&name.as_str());
            assert!(
                known || temporary_of(name, s.outputs).is_some(),
                "{what}: unexpected file {name}"
            );
        }
        temporaries_left = after
            .keys()
            .filter(|name| temporary_of(name, s.outputs).is_some())
            .count();
    }

    // A complete run after the kills: it ignores or removes their temporaries and writes what
    // the unkilled run wrote.
    restore_old_outputs(s);
    let (status, stderr) = (s.start)().wait();
    assert!(
        status.success(),
        "{}: the run after the kills failed ({temporaries_left} temporaries were left): {stderr}",
        s.test
    );
    let last = files(s.dir);
    for output in s.outputs {
        match s.whole {
            Some(whole) => assert!(whole(output, &last[*output]), "{}: {output}", s.test),
            None => assert_eq!(last[*output], reference[*output], "{}: {output}", s.test),
        }
    }
    let litter: Vec<&String> = last
        .keys()
        .filter(|name| temporary_of(name, s.outputs).is_some())
        .collect();
    assert!(
        litter.is_empty(),
        "{}: temporaries of killed runs survive a complete run: {litter:?}",
        s.test
    );
    eprintln!(
        "{}: a run takes {full_run:.2?}; {} kills, {mid_write} while writing, \
         {temporaries_left} temporaries left by the last, none after a complete run (seed {seed})",
        s.test, s.kills
    );
    mid_write
}

fn embedscape(dir: &Path) -> Command {
    let mut command = Command::new(super::binary());
    command.current_dir(dir);
    command
}

fn demo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus/demo.txt")
}

/// `words` rows of `dim` values in word2vec text, varied by `salt`.
fn vectors_text(words: usize, dim: usize, salt: u64) -> String {
    let mut values = Moments(salt);
    let mut text = format!("{words} {dim}\n");
    for row in 0..words {
        text.push_str(&format!("w{row}"));
        for _ in 0..dim {
            let value = (values.next_u64() % 20_000) as f32 / 10_000.0 - 1.0;
            text.push_str(&format!(" {value}"));
        }
        text.push('\n');
    }
    text
}

#[test]
fn a_killed_train_leaves_the_old_vectors_and_timeline_or_whole_new_ones() {
    let seed = seed();
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        Running::spawn(
            embedscape(dir.path())
                .arg("train")
                .arg(demo_corpus())
                .args(["--dim", "30", "--epochs", "2", "--pre-tokenized"])
                .args(["--threads", "1", "--timeline", "run.timeline"])
                .args(["-o", "vectors.txt"]),
        )
    };
    kill_at_random_moments(
        &Scenario {
            test: "train --timeline",
            dir: dir.path(),
            outputs: &["vectors.txt", "run.timeline"],
            kills: KILLS_PER_COMMAND,
            start: &start,
            whole: None,
        },
        seed,
    );
}

#[test]
fn a_killed_convert_leaves_the_old_files_or_whole_new_ones() {
    let seed = seed();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.txt"), vectors_text(20_000, 32, 1)).unwrap();
    // Projector TSV: two files (vectors and labels) in one batch.
    let start = || Running::spawn(embedscape(dir.path()).args(["convert", "in.txt", "out.tsv"]));
    let mid_write = kill_at_random_moments(
        &Scenario {
            test: "convert",
            dir: dir.path(),
            outputs: &["out.tsv", "out_metadata.tsv"],
            kills: KILLS_PER_COMMAND,
            start: &start,
            whole: None,
        },
        seed,
    );
    assert!(mid_write > 0, "no kill landed while convert was writing");
}

#[test]
fn a_killed_timeline_build_leaves_the_old_timeline_or_a_whole_new_one() {
    let seed = seed();
    let dir = tempfile::tempdir().unwrap();
    for epoch in 1..=3 {
        let text = vectors_text(6_000, 32, epoch);
        std::fs::write(dir.path().join(format!("e{epoch}.txt")), text).unwrap();
    }
    let start = || {
        Running::spawn(embedscape(dir.path()).args([
            "timeline",
            "build",
            "e1.txt",
            "e2.txt",
            "e3.txt",
            "-o",
            "run.timeline",
        ]))
    };
    let mid_write = kill_at_random_moments(
        &Scenario {
            test: "timeline build",
            dir: dir.path(),
            outputs: &["run.timeline"],
            kills: KILLS_PER_COMMAND,
            start: &start,
            whole: None,
        },
        seed,
    );
    assert!(
        mid_write > 0,
        "no kill landed while timeline build was writing"
    );
}

/// The window's export: `render` records a timeline into a GIF (the file stays a temporary for
/// the whole recording), killed under Xvfb.
#[cfg(feature = "viewer")]
#[test]
fn a_killed_render_leaves_the_old_gif_or_a_whole_new_one() {
    if !super::window::available() {
        return;
    }
    let seed = seed();
    let dir = tempfile::tempdir().unwrap();
    let trained = embedscape(dir.path())
        .arg("train")
        .arg(demo_corpus())
        .args(["--dim", "16", "--epochs", "1", "--pre-tokenized"])
        .args([
            "--threads",
            "1",
            "--timeline",
            "run.timeline",
            "-o",
            "vectors.txt",
        ])
        .output()
        .unwrap();
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    let runtime_dir = dir.path().join("xdg");
    std::fs::create_dir_all(&runtime_dir).unwrap();
    let pid_dir = tempfile::tempdir().unwrap();
    let pid_file = pid_dir.path().join("pid");
    const FRAMES: usize = 4;
    let start = || {
        let _ = std::fs::remove_file(&pid_file);
        // The shell writes its pid and becomes embedscape: that is the process to kill
        // (killing xvfb-run would leave embedscape running).
        let mut running = Running::spawn(
            Command::new("xvfb-run")
                .args(["-a", "-s", "-screen 0 1400x860x24", "sh", "-c"])
                .arg(r#"echo $$ > "$0"; exec "$@""#)
                .arg(&pid_file)
                .arg(super::binary())
                .args(["render", "--timeline", "run.timeline", "-o", "drift.gif"])
                .args(["--size", "320x200", "--frames", &FRAMES.to_string()])
                .args(["--lang", "en"])
                .env("XDG_RUNTIME_DIR", &runtime_dir)
                .current_dir(dir.path()),
        );
        let waited = Instant::now();
        running.victim = loop {
            let pid = std::fs::read_to_string(&pid_file).ok();
            if let Some(pid) = pid.and_then(|text| text.trim().parse().ok()) {
                break pid;
            }
            assert!(
                waited.elapsed() < Duration::from_secs(30),
                "xvfb-run started nothing"
            );
            std::thread::sleep(POLL_INTERVAL);
        };
        running
    };
    let whole_gif = |_: &str, bytes: &[u8]| -> bool {
        let Ok(mut decoder) = gif::DecodeOptions::new().read_info(bytes) else {
            return false;
        };
        let mut frames = 0;
        loop {
            match decoder.read_next_frame() {
                Ok(Some(_)) => frames += 1,
                Ok(None) => return frames == FRAMES,
                Err(_) => return false,
            }
        }
    };
    let _one = super::window::ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mid_write = kill_at_random_moments(
        &Scenario {
            test: "render",
            dir: dir.path(),
            outputs: &["drift.gif"],
            kills: KILLS_PER_WINDOW,
            start: &start,
            whole: Some(&whole_gif),
        },
        seed,
    );
    assert!(mid_write > 0, "no kill landed while render was writing");
}
