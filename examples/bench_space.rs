//! Benchmarks of `embedscape::space`: PCA to 3D, one exact cosine top-10 query, k-means.
//!
//! Run: `CARGO_TARGET_DIR=/var/tmp/embedscape-lite cargo run --release --no-default-features
//! --example bench_space` (add `-- --quick` for small shapes). Data is "random but
//! structured": a rank-20 latent signal with decaying strength plus isotropic noise, like word
//! vectors. Compare with `examples/bench_space_reference.py` (NumPy / scikit-learn).
//! `-- --linfa-probe` also checks whether linfa-reduction's `Pca` (f64 only) panics on 10k-row
//! data — the reason `space::project` does not use it.

use std::time::Instant;

use embedscape::space::{KMeansOptions, NeighborIndex, PcaOptions, fit_pca3, kmeans_clusters};
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
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
