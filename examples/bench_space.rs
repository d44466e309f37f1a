//! Benchmarks of `embedscape::space`: PCA to 3D, one exact cosine top-10 query, k-means.
//!
//! Run: `CARGO_TARGET_DIR=/var/tmp/embedscape-lite cargo run --release --no-default-features
//! --example bench_space` (add `-- --quick` for small shapes). Data is "random but
//! structured": a rank-20 latent signal with decaying strength plus isotropic noise, like word
//! vectors. Compare with `examples/bench_space_reference.py` (NumPy / scikit-learn).
//! `-- --linfa-probe` also checks whether linfa-reduction's `Pca` (f64 only) panics on 10k-row
//! data when fitted on unscaled data (why `space::project` scales before fitting).
//!
//! Projection comparison (PCA solvers, UMAP, neighbour preservation) against NumPy /
//! scikit-learn / umap-learn on the SAME clustered data, in one run:
//! 1. `cargo run --release --no-default-features --example bench_space -- --projection DIR`
//!    (writes the data as raw little-endian f32 files into DIR, times PCA and UMAP here),
//! 2. `python3 examples/bench_space_reference.py --projection DIR` (times NumPy cov+eigh,
//!    scikit-learn PCA and umap-learn on those files, writes umap-learn's layout),
//! 3. `cargo run --release --no-default-features --example bench_space -- --quality DIR`
//!    (scores umap-learn's layout with the same quality function as ours).
//!
//! Flags of step 1 and 2: `--no-pca`, `--no-umap`, `--umap-50k` (UMAP on 50k rows instead of
//! 10k).

use std::time::Instant;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use embedscape::space::{
    KMeansOptions, NeighborIndex, Pca3, PcaOptions, PcaSolverChoice, QualityOptions, UmapOptions,
    fit_pca3, fit_pca3_with, kmeans_clusters, projection_quality, umap_3d,
};
use ndarray::{Array, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn structured(n: usize, d: usize, seed: u64) -> Array2<f32> {
    let rank = 20.min(d);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let latent = Array::from_shape_fn((n, rank), |(_, j)| {
        rng.gen_range(-1.0f32..1.0) * 3.0 / (1.0 + j as f32)
    });
    let mixing = Array::from_shape_fn((rank, d), |_| rng.gen_range(-1.0f32..1.0));
    let mut m = latent.dot(&mixing);
    m.mapv_inplace(|v| v + rng.gen_range(-0.5f32..0.5));
    m
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn secs<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

fn linfa_probe() {
    use linfa::prelude::*;
    use linfa_reduction::Pca;
    for &(n, d) in &[(2_000usize, 50usize), (10_000, 50), (10_000, 300)] {
        let mut panics = 0;
        for seed in 0..3u64 {
            let data = structured(n, d, seed).mapv(f64::from);
            let ds = DatasetBase::from(data);
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Pca::params(3).fit(&ds).is_ok()
            }));
            if !matches!(ok, Ok(true)) {
                panics += 1;
            }
        }
        println!("linfa-reduction Pca, f64 {n} x {d}: {panics} of 3 seeded tries failed/panicked");
    }
}

/// Clustered word-vector-like data: `clusters` random centres plus a rank-20 latent signal of
/// decaying strength plus uniform noise.
fn clustered(n: usize, d: usize, clusters: usize, seed: u64) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xC1);
    let centres = Array::from_shape_fn((clusters, d), |_| rng.gen_range(-1.0f32..1.0));
    let labels: Vec<usize> = (0..n).map(|_| rng.gen_range(0..clusters)).collect();
    let mut m = structured(n, d, seed);
    for (mut row, &label) in m.rows_mut().into_iter().zip(&labels) {
        row += &centres.row(label);
    }
    m
}

fn write_f32(path: &Path, m: &Array2<f32>) {
    let mut bytes = Vec::with_capacity(m.len() * 4);
    for v in m.iter() {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read_f32(path: &Path, cols: usize) -> Array2<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let values: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Array2::from_shape_vec((values.len() / cols, cols), values).expect("whole rows")
}

/// Largest principal angle (degrees) between the spans of two D x 3 bases, from its sine
/// (‖(I − AAᵀ)B‖₂, accurate for tiny angles, unlike the arccos of the cosines).
fn subspace_angle_deg(a: &Pca3, b: &Pca3) -> f64 {
    let (a, b) = (a.basis.mapv(f64::from), b.basis.mapv(f64::from));
    let residual = &b - &a.dot(&a.t().dot(&b));
    let (values, _) =
        linfa_linalg::eigh::EighInto::eigh_into(residual.t().dot(&residual)).expect("3 x 3 eigh");
    let largest = values.iter().copied().fold(0.0f64, f64::max);
    largest.sqrt().clamp(0.0, 1.0).asin().to_degrees()
}

fn median_secs<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let (out, t) = secs(&mut f);
        times.push(t);
        last = Some(out);
    }
    (last.expect("runs > 0"), median(times))
}

/// PCA: linfa LOBPCG vs exact on 20k- and 50k-row samples and all rows (skipped with
/// `--no-pca`); UMAP on 10k rows (50k instead with `--umap-50k`; skipped with `--no-umap`);
/// data written to `dir` for the Python reference.
fn projection_bench(dir: &Path, umap_50k: bool) {
    println!("rayon threads: {}", rayon::current_num_threads());
    let pca_sizes: &[usize] = if std::env::args().any(|a| a == "--no-pca") {
        &[]
    } else {
        &[100_000, 400_000]
    };
    for &n in pca_sizes {
        let data = clustered(n, 300, 100, 1);
        write_f32(&dir.join(format!("pca_{n}x300.f32")), &data);
        let sample = PcaOptions::default();
        let all = PcaOptions {
            max_fit_rows: n,
            seed: 0,
        };
        let small = PcaOptions {
            max_fit_rows: 20_000,
            seed: 0,
        };
        let exact_all = fit_pca3_with(data.view(), &all, PcaSolverChoice::Exact).expect("fit");
        for (label, opts) in [
            ("20k-row sample", &small),
            ("50k-row sample (default)", &sample),
            ("all rows", &all),
        ] {
            let ((lobpcg, _), lobpcg_s) = median_secs(3, || {
                let p = fit_pca3_with(data.view(), opts, PcaSolverChoice::Lobpcg).expect("fit");
                let c = p.project(data.view());
                (p, c)
            });
            let ((exact, _), exact_s) = median_secs(3, || {
                let p = fit_pca3_with(data.view(), opts, PcaSolverChoice::Exact).expect("fit");
                let c = p.project(data.view());
                (p, c)
            });
            println!(
                "PCA3 {n} x 300, fit on {label} + project all: linfa LOBPCG ({:?}) {lobpcg_s:.3} s, exact cov+eigh {exact_s:.3} s; subspace angle {:.2e} deg (to the exact fit on all rows: {:.3} deg); shares {:?} vs {:?}",
                lobpcg.solver,
                subspace_angle_deg(&lobpcg, &exact),
                subspace_angle_deg(&lobpcg, &exact_all),
                lobpcg.explained_variance_ratio,
                exact.explained_variance_ratio
            );
        }
    }
    if std::env::args().any(|a| a == "--no-umap") {
        return;
    }
    let sizes: &[usize] = if umap_50k { &[50_000] } else { &[10_000] };
    for &n in sizes {
        let data = clustered(n, 300, 100, 2);
        write_f32(&dir.join(format!("umap_{n}x300.f32")), &data);
        let never = AtomicBool::new(false);
        let (layout, umap_s) = secs(|| {
            umap_3d(
                data.view(),
                &UmapOptions::default(),
                None,
                &never,
                &mut |_| {},
            )
            .expect("umap")
        });
        let (q, quality_s) = secs(|| {
            projection_quality(
                data.view(),
                layout.coords.view(),
                &QualityOptions::default(),
            )
            .expect("quality")
        });
        let pca = fit_pca3(data.view(), &PcaOptions::default()).expect("pca");
        let q_pca = projection_quality(
            data.view(),
            pca.project(data.view()).view(),
            &QualityOptions::default(),
        )
        .expect("quality");
        println!(
            "UMAP {n} x 300 -> 3D ({} epochs): {umap_s:.2} s; neighbour preservation@10 {:.3}, trustworthiness@10 {:.4} (quality on {} words: {quality_s:.2} s); PCA for comparison: {:.3} / {:.4}",
            layout.epochs_run,
            q.neighbor_preservation,
            q.trustworthiness,
            q.sampled_rows,
            q_pca.neighbor_preservation,
            q_pca.trustworthiness
        );
    }
}

/// Scores layouts written by the Python reference (`umap_learn_{n}.f32`, N x 3).
fn quality_of_reference(dir: &Path) {
    for n in [10_000usize, 50_000] {
        let coords_path = dir.join(format!("umap_learn_{n}.f32"));
        if !coords_path.exists() {
            continue;
        }
        let data = read_f32(&dir.join(format!("umap_{n}x300.f32")), 300);
        let coords = read_f32(&coords_path, 3);
        let q = projection_quality(data.view(), coords.view(), &QualityOptions::default())
            .expect("quality");
        println!(
            "umap-learn {n} x 300 layout: neighbour preservation@10 {:.3}, trustworthiness@10 {:.4} (on {} words)",
            q.neighbor_preservation, q.trustworthiness, q.sampled_rows
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--projection") {
        let dir = Path::new(args.get(pos + 1).expect("--projection DIR"));
        projection_bench(dir, args.iter().any(|a| a == "--umap-50k"));
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--quality") {
        quality_of_reference(Path::new(args.get(pos + 1).expect("--quality DIR")));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    if args.iter().any(|a| a == "--linfa-probe") {
        linfa_probe();
    }
    println!("rayon threads: {}", rayon::current_num_threads());
    let big = if quick { 40_000 } else { 400_000 };
    let mid = if quick { 10_000 } else { 100_000 };

    for &n in &[mid, big] {
        let (data, gen_s) = secs(|| structured(n, 300, 1));
        println!("generated {n} x 300 in {gen_s:.2} s");
        let full = PcaOptions {
            max_fit_rows: n,
            seed: 0,
        };
        let (pca, fit_s) = secs(|| fit_pca3(data.view(), &full));
        let pca = match pca {
            Ok(p) => p,
            Err(e) => {
                println!("PCA failed: {e}");
                return;
            }
        };
        let (_, proj_s) = secs(|| pca.project(data.view()));
        println!(
            "PCA3 {n} x 300, fit on all rows: fit {fit_s:.3} s + project {proj_s:.3} s = {:.3} s; \
             variance shares {:?}",
            fit_s + proj_s,
            pca.explained_variance_ratio
        );
        let (sampled, fit_s) = secs(|| fit_pca3(data.view(), &PcaOptions::default()));
        if let Ok(p) = sampled {
            let (_, proj_s) = secs(|| p.project(data.view()));
            println!(
                "PCA3 {n} x 300, fit on 50k-row sample (default): {:.3} s total",
                fit_s + proj_s
            );
        }
        if n == big {
            let (index, build_s) = secs(|| NeighborIndex::from_matrix(data.view()));
            println!("NeighborIndex build (unit rows copy): {build_s:.3} s");
            let mut times = Vec::new();
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            for _ in 0..9 {
                let q = rng.gen_range(0..n);
                let (res, t) = secs(|| index.top_k(q, 10));
                assert!(res.map(|r| r.len() == 10).unwrap_or(false));
                times.push(t * 1e3);
            }
            println!(
                "cosine top-10, {n} x 300: median {:.1} ms over 9 queries (min {:.1})",
                median(times.clone()),
                times.iter().copied().fold(f64::INFINITY, f64::min)
            );
            let (fast, build_s) = secs(|| index.clone().with_f16_prefilter());
            println!("f16 prefilter build: {build_s:.3} s");
            let mut times = Vec::new();
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            for _ in 0..9 {
                let q = rng.gen_range(0..n);
                let want = index.top_k(q, 10);
                let (res, t) = secs(|| fast.top_k(q, 10));
                assert!(res.ok() == want.ok(), "f16 prefilter result differs");
                times.push(t * 1e3);
            }
            println!(
                "cosine top-10 with f16 prefilter + exact f32 re-rank, {n} x 300: median {:.1} ms \
                 over 9 queries (min {:.1}); results identical to the f32 scan",
                median(times.clone()),
                times.iter().copied().fold(f64::INFINITY, f64::min)
            );
            drop(fast);
        }
        drop(data);
    }

    let data = structured(20_000, 100, 3);
    let configs = [
        (
            "defaults: 1 run, <=30 iterations, 5k-row sample",
            KMeansOptions {
                k: Some(12),
                ..Default::default()
            },
        ),
        (
            "1 run, <=100 iterations, all rows",
            KMeansOptions {
                k: Some(12),
                max_iterations: 100,
                max_fit_rows: 20_000,
                ..Default::default()
            },
        ),
    ];
    for (name, base) in configs {
        let mut times = Vec::new();
        for seed in 0..3 {
            let opts = KMeansOptions {
                seed,
                ..base.clone()
            };
            let (res, t) = secs(|| kmeans_clusters(data.view(), &opts));
            if let Err(e) = res {
                println!("k-means failed: {e}");
                return;
            }
            times.push(t);
        }
        println!(
            "k-means 20000 x 100 -> 12 ({name}): median {:.3} s",
            median(times)
        );
    }
}
