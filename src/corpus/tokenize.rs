//! Splitting a line into words.
//!
//! * `pre_tokenized`: split on whitespace only, nothing else changes (apart from lowercasing).
//! * Otherwise Unicode word boundaries (UAX #29, `unicode_words`), which drops punctuation.
//! * Lines containing Han characters go through jieba (created once per [`Tokenizer`]), since
//!   Chinese has no spaces. The HMM is kept OFF: with it jieba invents new words for unknown
//!   character runs, which makes the vocabulary depend on statistical guesses and splits the
//!   same name differently across lines; dictionary-only segmentation is deterministic, faster,
//!   and words it does not know fall back to single characters, which still train usefully.
//!   Non-Han pieces of a mixed line are re-split with `unicode_words` so English in a Chinese
//!   line is tokenised exactly like English elsewhere.
//!
//! Lowercasing (on by default) applies to every token; it only changes cased scripts.

use jieba_rs::Jieba;
use unicode_segmentation::UnicodeSegmentation;

/// Turns lines into tokens. Create once and reuse: building the jieba dictionary takes ~0.2 s.
pub struct Tokenizer {
    lowercase: bool,
    pre_tokenized: bool,
    jieba: Option<Jieba>,
}

impl Tokenizer {
    pub fn new(lowercase: bool, pre_tokenized: bool) -> Self {
        Self {
            lowercase,
            pre_tokenized,
            jieba: None,
        }
    }

    /// Calls `emit` for every token of `line`, in order.
    pub fn tokenize(&mut self, line: &str, emit: &mut dyn FnMut(&str)) {
        if self.pre_tokenized {
            for tok in line.split_whitespace() {
                self.emit_cased(tok, emit);
            }
        } else if line.chars().any(is_han) {
            let jieba = self.jieba.get_or_insert_with(Jieba::new);
            let pieces = jieba.cut(line, false);
            let lowercase = self.lowercase;
            for piece in pieces {
                if piece.chars().any(is_han) {
                    emit(piece);
                } else {
                    for w in piece.unicode_words() {
                        emit_with_case(lowercase, w, emit);
                    }
                }
            }
        } else {
            for w in line.unicode_words() {
                self.emit_cased(w, emit);
            }
        }
    }

    /// Convenience for tests and small inputs: the tokens of one line as owned strings.
    pub fn tokens(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.tokenize(line, &mut |t| out.push(t.to_owned()));
        out
    }

    fn emit_cased(&self, tok: &str, emit: &mut dyn FnMut(&str)) {
        emit_with_case(self.lowercase, tok, emit);
    }
}

fn emit_with_case(lowercase: bool, tok: &str, emit: &mut dyn FnMut(&str)) {
    // Avoid allocating for the common already-lowercase ASCII token.
    if lowercase && tok.chars().any(char::is_uppercase) {
        emit(&tok.to_lowercase());
    } else {
        emit(tok);
    }
}

/// CJK Unified Ideographs (and extension A, compatibility ideographs): what jieba handles.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_lowercased_without_punctuation() {
        let mut t = Tokenizer::new(true, false);
        assert_eq!(
            t.tokens("The cat's hat, isn't it?  Paris!"),
            vec!["the", "cat's", "hat", "isn't", "it", "paris"]
        );
        let mut keep = Tokenizer::new(false, false);
        assert_eq!(keep.tokens("Paris France"), vec!["Paris", "France"]);
    }

    #[test]
    fn chinese_is_segmented() {
        let mut t = Tokenizer::new(true, false);
        let toks = t.tokens("法国的首都是巴黎");
        assert!(toks.contains(&"法国".to_owned()), "{toks:?}");
        assert!(toks.contains(&"巴黎".to_owned()), "{toks:?}");
    }

    #[test]
    fn mixed_text() {
        let mut t = Tokenizer::new(true, false);
        let toks = t.tokens("我喜欢 Rust 和 Python, 北京是中国的首都。");
        for w in ["rust", "python", "北京", "中国", "首都"] {
            assert!(toks.contains(&w.to_owned()), "{w} missing in {toks:?}");
        }
        assert!(
            toks.iter()
                .all(|w| !w.trim().is_empty() && w != "," && w != "。"),
            "{toks:?}"
        );
    }

    #[test]
    fn pre_tokenized_splits_on_whitespace_only() {
        let mut t = Tokenizer::new(false, true);
        assert_eq!(t.tokens(" a-b  c,d\t法国 "), vec!["a-b", "c,d", "法国"]);
    }
}
