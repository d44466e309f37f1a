//! Frequent-word subsampling, with word2vec.c's / gensim's formula: a word of count `f` among
//! `total` in-vocabulary words is kept with probability
//! `(sqrt(f / (sample*total)) + 1) * (sample*total) / f`, capped at 1. `sample <= 0` keeps all.

/// Keep probabilities as u32 thresholds (like gensim's `sample_int`): a word is kept when a
/// uniform random u32 is `<=` its threshold; `u32::MAX` means always.
pub fn keep_probabilities(counts: &[u64], sample: f64) -> Vec<u32> {
    let total: u64 = counts.iter().sum();
    counts
        .iter()
        .map(|&c| probability_to_threshold(keep_probability(c, total, sample)))
        .collect()
}

/// The formula itself (capped at 1).
pub fn keep_probability(count: u64, total: u64, sample: f64) -> f64 {
    if sample <= 0.0 || count == 0 {
        return 1.0;
    }
    let threshold = sample * total as f64;
    let f = count as f64;
    (((f / threshold).sqrt() + 1.0) * threshold / f).min(1.0)
}

fn probability_to_threshold(p: f64) -> u32 {
    if p >= 1.0 {
        u32::MAX
    } else {
        (p * u32::MAX as f64).round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_formula() {
        let counts = [1_000_000u64, 10_000, 100, 1];
        let total: u64 = counts.iter().sum();
        let sample = 1e-3;
        let th = keep_probabilities(&counts, sample);
        for (i, &c) in counts.iter().enumerate() {
            let t = sample * total as f64;
            let expect = ((c as f64 / t).sqrt() + 1.0) * t / c as f64;
            let got = th[i] as f64 / u32::MAX as f64;
            assert!(
                (got - expect.min(1.0)).abs() < 1e-6,
                "{i}: {got} vs {expect}"
            );
        }
        assert!(
            th[0] < u32::MAX / 10,
            "the very frequent word is mostly dropped"
        );
        assert_eq!(th[3], u32::MAX);
        assert!(
            keep_probabilities(&counts, 0.0)
                .iter()
                .all(|&t| t == u32::MAX)
        );
    }
}
