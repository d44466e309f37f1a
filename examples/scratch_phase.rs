use embedscape::embeddings::formats::{LoadOptions, load, parse_f32};
use std::time::Instant;
fn main() {
    let p = std::path::Path::new("/var/tmp/benchdata/bench.txt");
    for _ in 0..3 {
        let t = Instant::now();
        let data = std::fs::read(p).unwrap();
        let read = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut sum = 0f32;
        let mut n = 0;
        for tok in data.split(|&b| b == b' ' || b == b'\n') {
            if let Some(v) = parse_f32(tok) {
                sum += v;
                n += 1;
            }
        }
        let tok = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let l = load(p, &LoadOptions::default()).unwrap();
        let full = t.elapsed().as_secs_f64();
        let t = Instant::now();
        drop(l);
        let drop_s = t.elapsed().as_secs_f64();
        println!(
            "read {read:.3} naive-split-parse-1thread {tok:.3} ({n} {sum}) load {full:.3} drop {drop_s:.3}"
        );
    }
}
