//! Which tokens read as words: labels and cluster names should be words a person recognises,
//! not the punctuation runs, numbers and scores ("....." "------" "6-3") that real
//! vocabularies hold among their most frequent tokens.

/// Whether `token` reads as a word: Chinese/Japanese/Korean characters only, or at least three
/// letters with nothing but letters, apostrophes and inner hyphens.
pub fn is_word_like(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    if chars.is_empty() {
        return false;
    }
    if chars.iter().all(|c| is_cjk(*c)) {
        return true;
    }
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let inner_ok = chars.iter().enumerate().all(|(i, c)| {
        c.is_alphabetic() || (*c == '\'' || *c == '-') && i > 0 && i + 1 < chars.len()
    });
    letters >= 3 && inner_ok
}

/// CJK ideographs, kana and hangul.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::is_word_like;

    #[test]
    fn words_in_both_scripts_pass_and_symbols_do_not() {
        for word in [
            "paris",
            "king's",
            "well-known",
            "法国",
            "東京",
            "한국",
            "Éire",
        ] {
            assert!(is_word_like(word), "{word}");
        }
        for token in [
            ".....", "------", "6-3", "1990", "a", "ni", "-ed", "x86", "", "的.",
        ] {
            assert!(!is_word_like(token), "{token}");
        }
    }
}
