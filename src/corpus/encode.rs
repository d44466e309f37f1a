//! One streaming pass over the corpus: tokenise, intern each distinct word once, and record the
//! token stream as `u32` ids; then build the vocabulary and remap the stream IN PLACE to final
//! ids, dropping out-of-vocabulary tokens. Peak memory is one `u32` per token plus the distinct
//! words, never a second copy of the text.

use std::collections::HashMap;

use super::reader::{CorpusError, CorpusSource, for_each_line};
use super::tokenize::Tokenizer;
use super::vocab_builder::{VocabLimits, build_vocab};
use crate::embeddings::Vocab;

/// Marks the end of a sentence (a corpus line) in [`EncodedCorpus::tokens`].
pub const SENTENCE_END: u32 = u32::MAX;

/// Sentences longer than this are cut, as gensim does (`MAX_WORDS_IN_BATCH`), so the work split
/// between threads stays balanced and windows never span absurdly long lines.
pub const MAX_SENTENCE_WORDS: usize = 10_000;

/// A corpus ready for training.
#[derive(Debug, Clone)]
pub struct EncodedCorpus {
    /// Kept words, most frequent first, with their counts.
    pub vocab: Vocab,
    /// Vocabulary ids, each sentence followed by [`SENTENCE_END`]; no empty sentences.
    pub tokens: Vec<u32>,
    /// Every token read, including those below `min_count` (what "raw words" means in speeds).
    pub raw_words: u64,
    /// In-vocabulary tokens per epoch (before subsampling): the unit of training progress.
    pub train_words: u64,
}

/// Reads, tokenises and encodes a corpus (see the module docs).
pub fn encode_corpus(
    source: &CorpusSource,
    tokenizer: &mut Tokenizer,
    limits: VocabLimits,
    lossy_utf8: bool,
) -> Result<EncodedCorpus, CorpusError> {
    let name = source.describe();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<String> = Vec::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut tokens: Vec<u32> = Vec::new();
    let mut too_large = false;
    for_each_line(source, lossy_utf8, |_, line| {
        let before = tokens.len();
        tokenizer.tokenize(line, &mut |tok| {
            let id = match ids.get(tok) {
                Some(&id) => id,
                None => {
                    let id = words.len() as u32;
                    ids.insert(tok.to_owned(), id);
                    words.push(tok.to_owned());
                    counts.push(0);
                    id
                }
            };
            counts[id as usize] += 1;
            tokens.push(id);
        });
        if tokens.len() > before {
            tokens.push(SENTENCE_END);
        }
        // Leave room for the sentinel and the sentence cuts added later.
        too_large = words.len() as u64 >= u32::MAX as u64 / 2 || tokens.len() as u64 >= 1 << 40;
        !too_large
    })?;
    if too_large {
        return Err(CorpusError::TooLarge {
            path: name,
            max: u32::MAX as u64 / 2,
        });
    }
    drop(ids);
    let raw_words: u64 = counts.iter().sum();
    let order = build_vocab(&words, &counts, limits, &name)?;

    const DROPPED: u32 = u32::MAX - 1;
    let mut remap = vec![DROPPED; words.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new as u32;
    }
    let kept_counts: Vec<u64> = order.iter().map(|&i| counts[i]).collect();
    let kept_words: Vec<String> = order
        .iter()
        .map(|&i| std::mem::take(&mut words[i]))
        .collect();
    drop(words);

    // Remap in place. Dropping tokens keeps `write <= read`; only the sentinels added when a
    // long sentence is cut can overtake `read`, and those (rare) tokens go to a side buffer.
    let mut out = Vec::with_capacity(0);
    std::mem::swap(&mut out, &mut tokens);
    let mut write = 0usize;
    let mut in_sentence = 0usize;
    let mut overflow: Vec<u32> = Vec::new();
    let mut train_words = 0u64;
    for read in 0..out.len() {
        let old = out[read];
        if old == SENTENCE_END {
            if in_sentence > 0 {
                push_token(&mut out, &mut write, &mut overflow, SENTENCE_END, read);
                in_sentence = 0;
            }
            continue;
        }
        let new = remap[old as usize];
        if new == DROPPED {
            continue;
        }
        if in_sentence == MAX_SENTENCE_WORDS {
            push_token(&mut out, &mut write, &mut overflow, SENTENCE_END, read);
            in_sentence = 0;
        }
        push_token(&mut out, &mut write, &mut overflow, new, read);
        in_sentence += 1;
        train_words += 1;
    }
    if !overflow.is_empty() {
        // Rare (only with many sentences > MAX_SENTENCE_WORDS and no OOV): rebuild simply.
        let mut rebuilt = out[..write].to_vec();
        rebuilt.extend_from_slice(&overflow);
        out = rebuilt;
    } else {
        out.truncate(write);
    }
    out.shrink_to_fit();
    if train_words == 0 {
        return Err(CorpusError::Empty { path: name });
    }
    let vocab = Vocab::new(kept_words)
        .ok()
        .and_then(|v| v.with_counts(kept_counts))
        .ok_or(CorpusError::Empty { path: name })?;
    Ok(EncodedCorpus {
        vocab,
        tokens: out,
        raw_words,
        train_words,
    })
}

/// Writes `value` at `write` if that slot has already been read, else defers it to `overflow`
/// (which then keeps all later tokens so order is preserved).
fn push_token(
    out: &mut [u32],
    write: &mut usize,
    overflow: &mut Vec<u32>,
    value: u32,
    read: usize,
) {
    if overflow.is_empty() && *write <= read {
        out[*write] = value;
        *write += 1;
    } else {
        overflow.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(text: &str, min_count: u64) -> Result<EncodedCorpus, CorpusError> {
        let mut t = Tokenizer::new(true, false);
        let lim = VocabLimits {
            min_count,
            max_vocab: None,
        };
        encode_corpus(&CorpusSource::Text(text.into()), &mut t, lim, false)
    }

    #[test]
    fn counts_order_and_stream() {
        let c = enc("the cat the dog\n\nthe cat rare\n", 2).unwrap();
        assert_eq!(c.vocab.words(), &["the".to_owned(), "cat".to_owned()]);
        assert_eq!(c.vocab.counts().unwrap(), &[3, 2]);
        assert_eq!(c.tokens, vec![0, 1, 0, SENTENCE_END, 0, 1, SENTENCE_END]);
        assert_eq!(c.raw_words, 7);
        assert_eq!(c.train_words, 5);
    }

    #[test]
    fn empty_and_min_count_errors() {
        assert!(matches!(enc("  \n\n", 1), Err(CorpusError::Empty { .. })));
        assert!(matches!(
            enc("a b c", 2),
            Err(CorpusError::NoWordReachesMinCount { .. })
        ));
    }

    #[test]
    fn long_sentences_are_cut() {
        let line = "w ".repeat(MAX_SENTENCE_WORDS * 2 + 5);
        let c = enc(&line, 1).unwrap();
        let ends = c.tokens.iter().filter(|&&t| t == SENTENCE_END).count();
        assert_eq!(ends, 3);
        assert_eq!(c.train_words as usize, MAX_SENTENCE_WORDS * 2 + 5);
        assert_eq!(c.tokens.len(), MAX_SENTENCE_WORDS * 2 + 5 + 3);
    }
}
