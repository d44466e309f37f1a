//! Viewer benchmark at 10k, 100k and 400k words of 300 dimensions: launch to a complete first
//! frame, 60 orbit frames, a selection to the neighbour list, the app's own CPU time a frame, and
//! peak memory.
//!
//! Writes clustered random vectors as word2vec binary files, then runs the real viewer on each
//! with two scripts: one that loads and quits, one that loads, orbits the camera for 60 frames
//! and quits; the orbit's cost is the difference of the two wall times. A third script selects a
//! word and dumps the state (the neighbour search time, RSS). A fourth run, with
//! `--single-threaded`, orbits 120 frames, dumps, selects a word, orbits 120 more and dumps
//! again: the app's own CPU time a frame (the dump's `app_update_cpu_ms_p50` / `_p95`, the main
//! thread's clock while every system runs on it), orbiting and orbiting with a word and its
//! neighbours labelled.
//! With `--baseline OTHER_BINARY` the same runs are made with another build of embedscape (for
//! before/after ratios measured in the same run). Under Xvfb this measures software rendering
//! (Mesa lavapipe): a CPU figure, not a GPU one.
//!
//! ```sh
//! cargo build --release --examples && xvfb-run -a -s "-screen 0 1400x860x24" \
//!     target/release/examples/bench_viewer [--baseline OLD_BINARY] 10000 100000 400000
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use embedscape::embeddings::{Embeddings, formats};
use ndarray::Array2;
use rand::{Rng, SeedableRng};

const DIM: usize = 300;

/// Selects `w1` through the search box: in a dense random cloud a click on its point may well
/// land on another point drawn over it.
const SELECT_W1: &str = "press search a word (中文 or English)\ntype w1\nkey Enter\nwait 2";

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    let mut baseline: Option<PathBuf> = None;
    let mut sizes = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--baseline" {
            baseline = Some(
                args.next()
                    .ok_or_else(|| anyhow::anyhow!("--baseline needs a binary"))?
                    .into(),
            );
        } else {
            sizes.push(arg.parse::<usize>()?);
        }
    }
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000, 400_000];
    }
    let exe = std::env::current_exe()?;
    let binary = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("embedscape"))
        .filter(|p| p.is_file())
        .ok_or_else(|| anyhow::anyhow!("build the binary first: cargo build --release"))?;
    let dir = tempfile::tempdir()?;
    println!(
        "| build | points | load (s) | 60 orbit frames (s) | app CPU p50 / p95, orbit (ms) | \
         app CPU p50 / p95, orbit with a selection (ms) | neighbours (ms) | peak RSS (MB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let vectors = dir.path().join(format!("points-{n}.bin"));
        formats::save(
            &clustered(n, DIM)?,
            &vectors,
            formats::Format::Word2VecBinary,
        )?;
        let mut builds = vec![("this", binary.clone())];
        if let Some(baseline) = &baseline {
            builds.push(("baseline", baseline.clone()));
        }
        for (name, binary) in builds {
            let figures = measure(&binary, &vectors, dir.path())?;
            println!(
                "| {name} | {n} | {:.1} | {:.1} | {} | {} | {} | {} |",
                figures.load_secs,
                figures.orbit_secs,
                figures.orbit_cpu_ms,
                figures.selected_cpu_ms,
                figures.neighbors_ms,
                figures.peak_rss_mb,
            );
        }
    }
    Ok(())
}

struct Figures {
    load_secs: f64,
    orbit_secs: f64,
    orbit_cpu_ms: String,
    selected_cpu_ms: String,
    neighbors_ms: String,
    peak_rss_mb: String,
}

fn measure(binary: &Path, vectors: &Path, dir: &Path) -> anyhow::Result<Figures> {
    let dump = dir.join("dump.json");
    let load = run_script(binary, vectors, dir, "train-until end\nquit\n", false)?;
    let orbit = run_script(
        binary,
        vectors,
        dir,
        "train-until end\norbit 60\nquit\n",
        false,
    )?;
    let click = run_script(
        binary,
        vectors,
        dir,
        &format!(
            "train-until end\norbit 60\n{SELECT_W1}\ndump {}\nquit\n",
            dump.display()
        ),
        false,
    )?;
    let state = read_dump(&dump)?;
    let neighbors_ms = state["neighbors_ms"]
        .as_f64()
        .map_or("–".into(), |ms| format!("{ms:.1}"));
    let selected_dump = dir.join("dump-selected.json");
    run_script(
        binary,
        vectors,
        dir,
        &format!(
            "train-until end\norbit 120\ndump {}\n{SELECT_W1}\norbit 120\ndump {}\nquit\n",
            dump.display(),
            selected_dump.display()
        ),
        true,
    )?;
    Ok(Figures {
        load_secs: load.wall_secs,
        orbit_secs: orbit.wall_secs - load.wall_secs,
        orbit_cpu_ms: cpu_figures(&read_dump(&dump)?),
        selected_cpu_ms: cpu_figures(&read_dump(&selected_dump)?),
        neighbors_ms,
        peak_rss_mb: click
            .peak_rss_mb
            .map_or("–".into(), |mb| format!("{mb:.0}")),
    })
}

fn read_dump(path: &Path) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

/// The dump's CPU-time percentiles, "p50 / p95"; "–" from a build that does not report them.
fn cpu_figures(state: &serde_json::Value) -> String {
    match (
        state["app_update_cpu_ms_p50"].as_f64(),
        state["app_update_cpu_ms_p95"].as_f64(),
    ) {
        (Some(p50), Some(p95)) => format!("{p50:.2} / {p95:.2}"),
        _ => "–".into(),
    }
}

struct RunFigures {
    wall_secs: f64,
    peak_rss_mb: Option<f64>,
}

/// Runs the viewer with a script under `/usr/bin/time -v` when present (for peak RSS).
fn run_script(
    binary: &Path,
    vectors: &Path,
    dir: &Path,
    script: &str,
    single_threaded: bool,
) -> anyhow::Result<RunFigures> {
    let script_path = dir.join("script.txt");
    std::fs::write(&script_path, script)?;
    let time = Path::new("/usr/bin/time");
    let mut command = if time.is_file() {
        let mut c = Command::new(time);
        c.arg("-v").arg(binary);
        c
    } else {
        Command::new(binary)
    };
    command
        .args(["view", "--vectors"])
        .arg(vectors)
        .arg("--script")
        .arg(&script_path);
    if single_threaded {
        command.arg("--single-threaded");
    }
    let started = Instant::now();
    let output = command.output()?;
    let wall_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        output.status.success(),
        "viewer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak_rss_mb = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    Ok(RunFigures {
        wall_secs,
        peak_rss_mb,
    })
}

/// `n` words in 12 Gaussian clusters in `dim` dimensions.
fn clustered(n: usize, dim: usize) -> anyhow::Result<Embeddings> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let centres = Array2::from_shape_fn((12, dim), |_| rng.gen_range(-1.0f32..1.0));
    let matrix = Array2::from_shape_fn((n, dim), |(row, col)| {
        centres[[row % 12, col]] + rng.gen_range(-0.3f32..0.3)
    });
    let words = (0..n).map(|i| format!("w{i}")).collect();
    Ok(Embeddings::from_words(words, matrix)?)
}
