//! First touch on a GloVe-size file: seconds from launch to the first frame with every point
//! drawn (the dump's `load_secs`), and whether a click on a relation word straight after
//! opening selects it, for this build and optionally a baseline build in the same run.
//!
//! Writes a GloVe-like text file (`embeddings::synthetic::glove_like`: 400,000 x 50, headerless,
//! heavy-tailed norms) and runs the viewer on it under the current display (use Xvfb).
//!
//! ```sh
//! cargo build --release --examples && xvfb-run -a -s "-screen 0 1400x860x24" \
//!     target/release/examples/bench_first_frame [--baseline OLD_BINARY] [--file VECTORS] [ROWS]
//! ```
//! `--file` measures a file of your own (Stanford's `glove.6B.50d.txt`) instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use embedscape::embeddings::{formats, synthetic};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut baseline: Option<PathBuf> = None;
    let mut rows = 400_000;
    let mut file: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        if arg == "--baseline" {
            baseline = Some(args.next().context("--baseline needs a binary")?.into());
        } else if arg == "--file" {
            file = Some(args.next().context("--file needs a vectors file")?.into());
        } else {
            rows = arg.parse().context("ROWS must be a number")?;
        }
    }
    let exe = std::env::current_exe()?;
    let binary = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("embedscape"))
        .filter(|p| p.is_file())
        .context("build the binary first: cargo build --release")?;
    let dir = tempfile::tempdir()?;
    let vectors = match file {
        Some(file) => file,
        None => {
            let vectors = dir.path().join("glove-like.txt");
            formats::save(
                &synthetic::glove_like(rows, 50, 6)?,
                &vectors,
                formats::Format::GloveText,
            )?;
            vectors
        }
    };
    let name = vectors
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    println!("| build | file | first full frame (s) | click-word paris after opening |");
    println!("|---|---|---:|---|");
    let mut builds = vec![("this", binary)];
    builds.extend(baseline.map(|b| ("baseline", b)));
    let file_name = name;
    for (name, binary) in builds {
        let (load_secs, click) = measure(&binary, &vectors, dir.path())?;
        println!("| {name} | {file_name} | {load_secs:.2} | {click} |");
    }
    Ok(())
}

/// Opens the file, dumps at the first full analysis, then clicks `paris`.
fn measure(binary: &Path, vectors: &Path, dir: &Path) -> anyhow::Result<(f64, String)> {
    let dump = dir.join("dump.json");
    let clicked = dir.join("clicked.json");
    let script = dir.join("script.txt");
    std::fs::write(
        &script,
        format!(
            "train-until end\ndump {}\nclick-word paris\nwait 5\ndump {}\nquit\n",
            dump.display(),
            clicked.display()
        ),
    )?;
    let _ = std::fs::remove_file(&clicked);
    let _ = std::fs::remove_file(&dump);
    let output = Command::new(binary)
        .args(["view", "--lang", "en", "--vectors"])
        .arg(vectors)
        .arg("--script")
        .arg(&script)
        .output()?;
    let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&dump)?)?;
    let load_secs = state["load_secs"].as_f64().unwrap_or(f64::NAN);
    // A failed step is in the log (older builds exited 0 after one): no clicked.json then.
    let clicked_state = std::fs::read_to_string(&clicked)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let click = match clicked_state {
        Some(state) if output.status.success() => format!("selected {}", state["selected_word"]),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reason = stderr
                .lines()
                .find_map(|l| l.split("script step failed: ").nth(1))
                .unwrap_or("failed")
                .trim()
                .to_owned();
            format!("failed: {reason}")
        }
    };
    Ok((load_secs, click))
}
