//! Frame-time benchmark of the viewer at 10k and 100k points.
//!
//! Writes clustered random vectors, opens them in the real viewer with a script that orbits the
//! camera (so every point is re-faced every frame, the worst case) and dumps the mean frame time.
//! Under Xvfb this measures software rendering (Mesa lavapipe): a CPU figure, not a GPU one.
//!
//! ```sh
//! cargo build --release && xvfb-run -a -s "-screen 0 1400x860x24" \
//!     cargo run --release --example bench_viewer -- 10000 100000
//! ```

use std::process::Command;

use embedscape::embeddings::{Embeddings, formats};
use ndarray::Array2;
use rand::{Rng, SeedableRng};

fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let exe = std::env::current_exe()?;
    let binary = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("embedscape"))
        .filter(|p| p.is_file())
        .ok_or_else(|| anyhow::anyhow!("build the binary first: cargo build --release"))?;
    let dir = tempfile::tempdir()?;
    println!("| points | mean frame time (ms) | frames/s |");
    println!("|---:|---:|---:|");
    for n in sizes {
        let vectors = dir.path().join(format!("points-{n}.bin"));
        formats::save(
            &clustered(n, 50)?,
            &vectors,
            formats::Format::Word2VecBinary,
        )?;
        let dump = dir.path().join(format!("dump-{n}.json"));
        let script = dir.path().join(format!("script-{n}.txt"));
        std::fs::write(
            &script,
            format!("wait 60\norbit 240\ndump {}\nquit\n", dump.display()),
        )?;
        let status = Command::new(&binary)
            .args(["view", "--vectors"])
            .arg(&vectors)
            .arg("--script")
            .arg(&script)
            .status()?;
        anyhow::ensure!(status.success(), "viewer failed on {n} points");
        let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&dump)?)?;
        let ms = state["mean_frame_ms"].as_f64().unwrap_or(f64::NAN);
        println!("| {n} | {ms:.1} | {:.1} |", 1000.0 / ms);
    }
    Ok(())
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
