//! Reading a text corpus into a compact token stream and a frequency-sorted vocabulary.
//!
//! A corpus is UTF-8 text, one sentence or paragraph per line. It is read ONCE, streamed line by
//! line ([`reader`]), tokenised ([`tokenize`]) and interned into provisional ids; the vocabulary
//! is then built ([`vocab_builder`]) and the stream remapped to final ids in place, so the only
//! large allocation is one `Vec<u32>` of token ids ([`EncodedCorpus`]). Frequent-word
//! subsampling probabilities live in [`subsample`].

pub mod encode;
pub mod reader;
pub mod subsample;
pub mod tokenize;
pub mod vocab_builder;

pub use encode::{EncodedCorpus, SENTENCE_END, encode_corpus};
pub use reader::{CorpusError, CorpusSource};
pub use subsample::keep_probabilities;
pub use tokenize::Tokenizer;
pub use vocab_builder::{VocabLimits, build_vocab};
