//! Drawing negative samples from the unigram distribution raised to 0.75 (as word2vec/gensim),
//! with Vose's alias method: O(1) per draw from one random u64, and only 8 bytes per word
//! (word2vec.c's 100M-entry table would be 400 MB).

use super::rng::FastRng;

/// Alias table over vocabulary ids.
#[derive(Debug, Clone)]
pub struct NegativeTable {
    /// Per bucket `i`: the probability (as a u32 threshold, low half) of keeping `i` itself
    /// rather than its alias (high half). One array, so a draw touches one cache line.
    buckets: Vec<u64>,
}

/// The exponent word2vec applies to counts.
pub const NEGATIVE_POWER: f64 = 0.75;

impl NegativeTable {
    /// Builds the table from word counts. Words with count 0 are never drawn.
    pub fn new(counts: &[u64]) -> Self {
        let n = counts.len().max(1);
        let weights: Vec<f64> = counts
            .iter()
            .map(|&c| (c as f64).powf(NEGATIVE_POWER))
            .collect();
        let total: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = if total > 0.0 {
            weights.iter().map(|w| w * n as f64 / total).collect()
        } else {
            vec![1.0; n]
        };
        let mut keep = vec![u32::MAX; n];
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            keep[s] = (scaled[s] * u32::MAX as f64) as u32;
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Whatever is left (rounding) keeps itself with probability 1.
        let buckets = keep
            .iter()
            .zip(&alias)
            .map(|(&k, &a)| k as u64 | (a as u64) << 32)
            .collect();
        Self { buckets }
    }

    /// One draw.
    #[inline(always)]
    pub fn sample(&self, rng: &mut FastRng) -> u32 {
        let r = rng.next_u64();
        let i = (((r & 0xFFFF_FFFF) * self.buckets.len() as u64) >> 32) as usize;
        let coin = (r >> 32) as u32;
        // `i < len` by construction of the multiply-shift; get() keeps it safe.
        match self.buckets.get(i) {
            Some(&b) => {
                let (k, a) = (b as u32, (b >> 32) as u32);
                if coin < k || k == u32::MAX {
                    i as u32
                } else {
                    a
                }
            }
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empirical_frequencies_follow_count_pow_075() {
        let counts = [1000u64, 300, 50, 10, 1, 0];
        let table = NegativeTable::new(&counts);
        let mut rng = FastRng::new(3);
        let draws = 400_000;
        let mut hist = [0u64; 6];
        for _ in 0..draws {
            hist[table.sample(&mut rng) as usize] += 1;
        }
        let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
        let total: f64 = weights.iter().sum();
        for i in 0..counts.len() {
            let expect = weights[i] / total;
            let got = hist[i] as f64 / draws as f64;
            assert!((got - expect).abs() < 0.005, "word {i}: {got} vs {expect}");
        }
        assert_eq!(hist[5], 0, "a zero-count word is never drawn");
    }
}
