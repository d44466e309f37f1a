//! The work of a phase: the token stream is cut once into sentence-aligned blocks; a phase
//! (up to the next snapshot or epoch end, rounded up to a sentence end) hands its blocks to the
//! workers through a shared queue, ordered so that threads working at the same time touch
//! different parts of the corpus.

use std::ops::Range;

use crate::corpus::SENTENCE_END;

/// Tokens per work block (rounded up to a sentence end): small enough that the threads finish a
/// phase within a few milliseconds of each other, large enough that taking a block is rare.
pub const BLOCK_TOKENS: usize = 2048;

/// A sentence-aligned block of the token stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub range: Range<usize>,
    /// In-vocabulary words before the block (in one epoch).
    pub words_before: u64,
}

/// Cuts the token stream into blocks of at least `size` tokens ending at sentence ends (the last
/// one at the end of the stream).
pub fn split_blocks(tokens: &[u32], size: usize) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(tokens.len() / size.max(1) + 1);
    let (mut start, mut words) = (0usize, 0u64);
    while start < tokens.len() {
        let mut end = (start + size.max(1)).min(tokens.len());
        while end < tokens.len() && tokens[end - 1] != SENTENCE_END {
            end += 1;
        }
        blocks.push(Block {
            range: start..end,
            words_before: words,
        });
        words += tokens[start..end]
            .iter()
            .filter(|&&t| t != SENTENCE_END)
            .count() as u64;
        start = end;
    }
    blocks
}

/// The end of a phase that starts at `(token, words before it)` and must reach epoch word
/// `target`: the end of the sentence holding that word, as (token index, words before it).
pub fn phase_end(
    tokens: &[u32],
    blocks: &[Block],
    from: (usize, u64),
    target: u64,
) -> (usize, u64) {
    if target <= from.1 {
        return from;
    }
    // The last block starting before the target word, then sentence by sentence from there.
    let b = blocks
        .partition_point(|b| b.words_before < target)
        .saturating_sub(1);
    let (mut pos, mut words) = match blocks.get(b) {
        Some(block) if block.range.start > from.0 => (block.range.start, block.words_before),
        _ => from,
    };
    while pos < tokens.len() {
        if tokens[pos] == SENTENCE_END {
            if words >= target {
                return (pos + 1, words);
            }
        } else {
            words += 1;
        }
        pos += 1;
    }
    (tokens.len(), words)
}

/// The blocks of one phase (`range`, sentence-aligned, cut at block boundaries), ordered so that
/// the blocks taken one after the other come from `threads` different regions of the phase:
/// threads working at the same time touch different words (fewer shared cache lines).
pub fn phase_blocks(blocks: &[Block], range: Range<usize>, threads: usize) -> Vec<Range<usize>> {
    let cut: Vec<Range<usize>> = blocks
        .iter()
        .filter(|b| b.range.end > range.start && b.range.start < range.end)
        .map(|b| b.range.start.max(range.start)..b.range.end.min(range.end))
        .filter(|r| !r.is_empty())
        .collect();
    let threads = threads.max(1);
    let per_region = cut.len().div_ceil(threads).max(1);
    let mut order: Vec<usize> = (0..cut.len()).collect();
    order.sort_by_key(|&i| (i % per_region, i / per_region));
    order.into_iter().map(|i| cut[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_phases_cover_the_stream_at_sentence_ends() {
        let e = SENTENCE_END;
        let tokens = vec![1, 2, e, 3, e, 4, 5, 6, e, 7, e];
        for size in 1..6 {
            let blocks = split_blocks(&tokens, size);
            assert_eq!(blocks.first().unwrap().range.start, 0);
            assert_eq!(blocks.last().unwrap().range.end, tokens.len());
            for w in blocks.windows(2) {
                assert_eq!(w[0].range.end, w[1].range.start);
            }
            for b in &blocks {
                assert_eq!(tokens[b.range.end - 1], e);
                let before = tokens[..b.range.start].iter().filter(|&&t| t != e).count();
                assert_eq!(b.words_before, before as u64);
            }
            // Phases ending at words 3, 3 (empty), 5 and past the end.
            let mut from = (0, 0);
            let mut covered = Vec::new();
            for (target, expect) in [(3, (5, 3)), (3, (5, 3)), (5, (9, 6)), (99, (11, 7))] {
                let end = phase_end(&tokens, &blocks, from, target);
                assert_eq!(end, expect, "size {size} target {target}");
                for threads in 1..4 {
                    let mut got: Vec<usize> = phase_blocks(&blocks, from.0..end.0, threads)
                        .into_iter()
                        .flatten()
                        .collect();
                    got.sort();
                    assert_eq!(got, (from.0..end.0).collect::<Vec<_>>());
                }
                covered.extend(from.0..end.0);
                from = end;
            }
            assert_eq!(covered, (0..tokens.len()).collect::<Vec<_>>());
        }
    }
}
