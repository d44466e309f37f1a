//! Long and restless sessions in a real window (issue #20): a short soak of the demo
//! (`examples/soak.sh`: train, then replay with orbit, scrubbing, clicks and relation toggles
//! while resident memory and frame time are sampled; memory after the warm-up must stay within
//! 10% and no error may reach the status line), and random use (`view --random-steps`: a few
//! hundred seeded random steps against the demo and against a timeline; the app must not panic,
//! every bad file's error must reach the status line, and a failure prints the seed).

#![cfg(feature = "viewer")]

use std::path::Path;
use std::process::Command;

/// Runs `command` (already given its program and arguments) under Xvfb, one window at a time,
/// and returns its output.
fn run_windowed(dir: &Path, program: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let _one = super::window::ONE_WINDOW
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let runtime_dir = dir.join("xdg");
    std::fs::create_dir_all(&runtime_dir).unwrap();
    Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1400x860x24"])
        .arg(program)
        .args(args)
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .env("EMBEDSCAPE", super::binary())
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A 2.5-minute soak of the demo with one training thread: memory after the warm-up stays within
/// 10%, no error, a clean exit (the script checks all three and says so in its summary).
#[test]
fn a_short_soak_of_the_demo_stays_flat() {
    if !super::window::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let soak = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/soak.sh");
    let out = dir.path().join("soak");
    let output = run_windowed(
        dir.path(),
        Path::new("bash"),
        &[
            soak.as_os_str(),
            out.as_os_str(),
            "150".as_ref(),
            "--threads".as_ref(),
            "1".as_ref(),
            "--lang".as_ref(),
            "en".as_ref(),
        ],
    );
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap_or_default();
    let log = std::fs::read_to_string(out.join("view.log")).unwrap_or_default();
    assert!(
        output.status.success(),
        "soak failed: {}\n{summary}\n{}\nlog tail:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        log.lines().rev().take(30).collect::<Vec<_>>().join("\n")
    );
    let samples = std::fs::read_to_string(out.join("samples.tsv")).unwrap();
    assert!(
        samples.lines().count() > 5,
        "too few samples over the soak:\n{samples}"
    );
    assert!(
        summary.contains("errors in the status line: 0"),
        "{summary}"
    );
    eprintln!("{summary}");
}

/// A timeline of the demo (written by `train --timeline`), for random use against a replay.
fn demo_timeline(dir: &Path) -> std::path::PathBuf {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus/demo.txt");
    let timeline = dir.join("demo.timeline");
    let output = Command::new(super::binary())
        .arg("train")
        .arg(&corpus)
        .args([
            "--pre-tokenized",
            "--dim",
            "20",
            "--epochs",
            "3",
            "--threads",
            "1",
        ])
        .arg("--output")
        .arg(dir.join("demo.vec"))
        .arg("--timeline")
        .arg(&timeline)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "train --timeline failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    timeline
}

/// Runs `steps` random steps with `seed` on `data` (view arguments), and fails with the seed
/// and the log's end when the app fails, panics or a bad file's error does not show.
fn random_use(dir: &Path, data: &[&std::ffi::OsStr], steps: usize, seed: u64) {
    let steps = steps.to_string();
    let seed_text = seed.to_string();
    let mut args: Vec<&std::ffi::OsStr> = vec!["view".as_ref()];
    args.extend_from_slice(data);
    for arg in [
        "--threads",
        "1",
        "--lang",
        "en",
        "--random-steps",
        &steps,
        "--random-seed",
        &seed_text,
    ] {
        args.push(std::ffi::OsStr::new(arg));
    }
    let output = run_windowed(dir, &super::binary(), &args);
    let log = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = log.lines().rev().take(40).collect();
    assert!(
        output.status.success() && !log.contains("panicked"),
        "random use failed with seed {seed} (replay: embedscape view {} --random-steps {steps} \
         --random-seed {seed}): {}\n{}",
        data.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" "),
        output.status,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
    assert!(
        log.contains(&format!("random step {steps} of {steps}")),
        "not every random step ran (seed {seed})"
    );
}

/// A few hundred random steps with a fixed seed, then with one drawn now (printed on failure),
/// against the demo and against a timeline.
#[test]
fn random_use_neither_panics_nor_hides_an_error() {
    if !super::window::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let timeline = demo_timeline(dir.path());
    let drawn_seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    eprintln!("random use: fixed seed 20, drawn seed {drawn_seed}");
    random_use(dir.path(), &[], 200, 20);
    random_use(
        dir.path(),
        &["--timeline".as_ref(), timeline.as_os_str()],
        200,
        drawn_seed,
    );
}
