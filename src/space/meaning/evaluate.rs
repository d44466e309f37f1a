//! Standard intrinsic evaluations, defined exactly as gensim's `KeyedVectors` does them so that
//! numbers are comparable with published ones:
//!
//! * [`evaluate_word_analogies`] = `evaluate_word_analogies`: `questions-words.txt` format
//!   (`: section` lines, then `a b c d`). Only the first `restrict_vocab` rows count as the
//!   vocabulary; a question with any word outside it is skipped (counted as OOV); a line that
//!   does not have exactly four words is skipped and not counted at all. The prediction is the
//!   top 3CosAdd word among the restricted rows, excluding a, b, c (gensim takes the top 5 and
//!   the first whose key is not one of the query keys). Sections named `gram*` are syntactic,
//!   the rest semantic. `case_insensitive` (on by default, as in gensim) uppercases file words
//!   and vocabulary, and a word's vector is that of its most frequent (earliest) casing: on
//!   lowercase vectors such as GloVe's, `Paris France` then finds `paris france` instead of
//!   skipping the capital, currency, city and nationality sections as out of vocabulary.
//! * [`evaluate_word_pairs`] = `evaluate_word_pairs`: `w1<TAB>w2<TAB>score` lines, `#` comments;
//!   pairs with an unknown word are skipped; Pearson and Spearman (average ranks for ties)
//!   between gold scores and cosine similarities; OOV ratio = oov / (used + oov).
//!
//! Both files must be UTF-8 (gensim reads them as such); a line that is not is an error naming
//! the file, line and byte, unless `lossy` replaces the bad bytes with U+FFFD, since a word
//! decoded wrongly would silently become one more out-of-vocabulary question.
//!
//! Lines gensim skips are skipped here too (so the figures stay comparable) but never
//! silently: each report counts them and keeps the first line numbers and problem, and a pairs
//! file in which no line is valid (spaces instead of tabs, say) is an error. A gold score that is
//! NaN or infinite is an error, since it would make the correlations meaningless.
//!
//! Cross-checked against gensim 4.4.0 on a 460-word space with case variants (600 questions in 4
//! sections with OOV and malformed lines, 200 pairs; restrict 300,000 and 350, case-sensitive
//! and not): every per-section count, total, coverage, OOV ratio, Pearson and Spearman (4
//! decimals) was identical.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::numbers::group_digits;
use crate::space::SpaceError;
use crate::space::search::analogy::{AnalogyMethod, analogy};
use crate::space::search::neighbors::NeighborIndex;

/// Settings shared by both evaluations. The defaults are gensim's: the first 300,000 rows,
/// case-insensitive (`case_insensitive=True` in both `evaluate_word_analogies` and
/// `evaluate_word_pairs`); strict UTF-8.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    pub restrict_vocab: usize,
    pub case_insensitive: bool,
    /// Replace invalid UTF-8 in the evaluation file with U+FFFD instead of failing.
    pub lossy: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        Self {
            restrict_vocab: 300_000,
            case_insensitive: true,
            lossy: false,
        }
    }
}

impl EvalOptions {
    /// What counts as the vocabulary of a space of `words` rows, for messages:
    /// "case-insensitive, first 300,000 words" or "case-sensitive, all 1,234 words".
    pub fn describe_vocabulary(&self, words: usize) -> String {
        let case = if self.case_insensitive {
            "case-insensitive"
        } else {
            "case-sensitive"
        };
        if self.restrict_vocab < words {
            format!("{case}, first {} words", group_digits(self.restrict_vocab))
        } else {
            format!("{case}, all {} words", group_digits(words))
        }
    }
}

/// Correct / incorrect counts of a group of analogy questions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionScore {
    pub name: String,
    pub correct: usize,
    pub incorrect: usize,
}

impl SectionScore {
    /// Questions evaluated (in vocabulary).
    pub fn evaluated(&self) -> usize {
        self.correct + self.incorrect
    }

    /// correct / evaluated; `None` when nothing was evaluated.
    pub fn accuracy(&self) -> Option<f64> {
        let n = self.evaluated();
        (n > 0).then(|| self.correct as f64 / n as f64)
    }

    fn add(&mut self, other: &SectionScore) {
        self.correct += other.correct;
        self.incorrect += other.incorrect;
    }
}

/// Result of an analogy evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalogyReport {
    /// Per section, in file order.
    pub sections: Vec<SectionScore>,
    pub semantic: SectionScore,
    pub syntactic: SectionScore,
    pub total: SectionScore,
    /// Well-formed questions (four words) in the file.
    pub questions: usize,
    /// Questions skipped because a word is outside the restricted vocabulary.
    pub oov: usize,
    /// Lines that are neither a `: section` header, blank, nor four words (skipped).
    pub malformed: Malformed,
}

/// Lines skipped as malformed: how many, where the first ones are and what was wrong first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Malformed {
    pub count: usize,
    /// 1-based numbers of the first [`MALFORMED_LINES_KEPT`] malformed lines.
    pub first_lines: Vec<usize>,
    /// What is wrong with the first one.
    pub first_problem: Option<String>,
}

/// How many malformed line numbers a report keeps.
pub const MALFORMED_LINES_KEPT: usize = 5;

impl Malformed {
    fn record(&mut self, line: usize, problem: impl FnOnce() -> String) {
        if self.count == 0 {
            self.first_problem = Some(problem());
        }
        if self.first_lines.len() < MALFORMED_LINES_KEPT {
            self.first_lines.push(line);
        }
        self.count += 1;
    }

    /// "3 malformed lines skipped (lines 2, 5, 9; line 2: ...)", or `None` when there were none.
    pub fn describe(&self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let lines: Vec<String> = self.first_lines.iter().map(usize::to_string).collect();
        let more = if self.count > self.first_lines.len() {
            ", ..."
        } else {
            ""
        };
        let first = match (&self.first_problem, self.first_lines.first()) {
            (Some(problem), Some(line)) => format!("; line {line}: {problem}"),
            _ => String::new(),
        };
        Some(format!(
            "{} malformed line{} skipped (line{} {}{more}{first})",
            self.count,
            if self.count == 1 { "" } else { "s" },
            if self.first_lines.len() == 1 { "" } else { "s" },
            lines.join(", ")
        ))
    }
}

impl AnalogyReport {
    /// Share of questions that could be evaluated.
    pub fn coverage(&self) -> Option<f64> {
        (self.questions > 0).then(|| (self.questions - self.oov) as f64 / self.questions as f64)
    }
}

/// Result of a word-pair similarity evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct PairsReport {
    pub pearson: Option<f64>,
    pub spearman: Option<f64>,
    /// Pairs with both words known.
    pub pairs_used: usize,
    pub oov: usize,
    /// Lines that are not `w1<TAB>w2<TAB>score` with a numeric score (skipped).
    pub malformed: Malformed,
}

impl PairsReport {
    /// oov / (used + oov), as a fraction (gensim prints it ×100).
    pub fn oov_ratio(&self) -> Option<f64> {
        let n = self.pairs_used + self.oov;
        (n > 0).then(|| self.oov as f64 / n as f64)
    }
}

/// Maps (possibly uppercased) keys of the first `restrict_vocab` words to rows, earliest wins.
fn ok_vocab(words: &[String], opts: &EvalOptions) -> HashMap<String, usize> {
    let n = opts.restrict_vocab.min(words.len());
    let mut map = HashMap::with_capacity(n);
    for (row, w) in words[..n].iter().enumerate().rev() {
        map.insert(key(w, opts), row);
    }
    map
}

fn key(word: &str, opts: &EvalOptions) -> String {
    if opts.case_insensitive {
        // Python's str.upper() is full Unicode uppercasing, as is Rust's.
        word.to_uppercase()
    } else {
        word.to_owned()
    }
}

/// The file as text: strict UTF-8 (an error naming the line and byte) unless `lossy`.
fn read(path: &Path, lossy: bool) -> Result<String, SpaceError> {
    let bytes = std::fs::read(path).map_err(|source| SpaceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) if lossy => Ok(String::from_utf8_lossy(err.as_bytes()).into_owned()),
        Err(err) => {
            let bytes = err.as_bytes();
            let bad = err.utf8_error().valid_up_to();
            let line_start = bytes[..bad]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |newline| newline + 1);
            let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(SpaceError::Parse {
                path: path.to_path_buf(),
                line,
                message: format!(
                    "not valid UTF-8 (byte {} of the line, byte offset {bad} of the file): \
                     re-encode the file as UTF-8, or pass --lossy to replace bad bytes with U+FFFD (such words then match nothing)",
                    bad - line_start + 1
                ),
            })
        }
    }
}

/// Runs an analogy file against `index` whose rows are `words`.
pub fn evaluate_word_analogies(
    index: &NeighborIndex,
    words: &[String],
    path: &Path,
    opts: &EvalOptions,
) -> Result<AnalogyReport, SpaceError> {
    evaluate_word_analogies_text(index, words, &read(path, opts.lossy)?, path, opts)
}

/// The vocabulary must label exactly the index's rows.
fn check_words_match(index: &NeighborIndex, words: &[String]) -> Result<(), SpaceError> {
    if words.len() != index.len() {
        return Err(SpaceError::Shape(format!(
            "{} words for {} rows",
            words.len(),
            index.len()
        )));
    }
    Ok(())
}

/// Like [`evaluate_word_analogies`] on text already read (`path` only names errors).
pub fn evaluate_word_analogies_text(
    index: &NeighborIndex,
    words: &[String],
    text: &str,
    path: &Path,
    opts: &EvalOptions,
) -> Result<AnalogyReport, SpaceError> {
    check_words_match(index, words)?;
    let vocab = ok_vocab(words, opts);
    let restrict = opts.restrict_vocab.min(words.len());
    let mut sections: Vec<SectionScore> = Vec::new();
    let (mut questions, mut oov) = (0usize, 0usize);
    let mut malformed = Malformed::default();
    for (line_no, line) in text.lines().enumerate() {
        if let Some(name) = line.strip_prefix(": ") {
            sections.push(SectionScore {
                name: name.trim_start_matches([':', ' ']).trim().to_owned(),
                ..Default::default()
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(SpaceError::Parse {
                path: path.to_path_buf(),
                line: line_no + 1,
                message: "question before the first `: section` header".into(),
            });
        };
        let quad: Vec<String> = line.split_whitespace().map(|w| key(w, opts)).collect();
        let [a, b, c, expected] = quad.as_slice() else {
            // gensim: "Skipping invalid line", not counted as a question; reported here.
            if !quad.is_empty() {
                malformed.record(line_no + 1, || {
                    format!("expected four words, found {}", quad.len())
                });
            }
            continue;
        };
        questions += 1;
        let rows: Option<Vec<usize>> = [a, b, c, expected]
            .iter()
            .map(|w| vocab.get(*w).copied())
            .collect();
        let Some(rows) = rows else {
            oov += 1;
            continue;
        };
        let ignore: HashSet<&str> = [a.as_str(), b.as_str(), c.as_str()].into();
        let top = analogy(
            index,
            rows[0],
            rows[1],
            rows[2],
            5,
            AnalogyMethod::CosAdd,
            Some(restrict),
        )?;
        let mut predicted: Option<String> = None;
        for n in top {
            let p = key(&words[n.row], opts);
            let usable = vocab.contains_key(&p) && !ignore.contains(p.as_str());
            predicted = Some(p);
            if usable {
                break;
            }
        }
        if predicted.as_deref() == Some(expected.as_str()) {
            section.correct += 1;
        } else {
            section.incorrect += 1;
        }
    }
    let mut semantic = SectionScore {
        name: "semantic".into(),
        ..Default::default()
    };
    let mut syntactic = SectionScore {
        name: "syntactic".into(),
        ..Default::default()
    };
    let mut total = SectionScore {
        name: "Total accuracy".into(),
        ..Default::default()
    };
    for s in &sections {
        if s.name.starts_with("gram") {
            syntactic.add(s);
        } else {
            semantic.add(s);
        }
        total.add(s);
    }
    Ok(AnalogyReport {
        sections,
        semantic,
        syntactic,
        total,
        questions,
        oov,
        malformed,
    })
}

/// Runs a word-pair similarity file against `index` whose rows are `words`.
pub fn evaluate_word_pairs(
    index: &NeighborIndex,
    words: &[String],
    path: &Path,
    opts: &EvalOptions,
) -> Result<PairsReport, SpaceError> {
    evaluate_word_pairs_text(index, words, &read(path, opts.lossy)?, path, opts)
}

/// Longest quoted input in a message.
const MAX_QUOTED_CHARS: usize = 80;

/// `text` for a message: at most [`MAX_QUOTED_CHARS`] characters, then "…".
fn quoted(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// What is wrong with a pairs line that does not split into three tab-separated fields.
fn pairs_line_problem(line: &str, tab_fields: usize) -> String {
    if tab_fields == 1 && line.split_whitespace().count() == 3 {
        "fields separated by spaces; expected `w1<TAB>w2<TAB>score`".to_owned()
    } else {
        format!("expected 3 tab-separated fields `w1<TAB>w2<TAB>score`, found {tab_fields}")
    }
}

/// Like [`evaluate_word_pairs`] on text already read (`path` only names errors).
pub fn evaluate_word_pairs_text(
    index: &NeighborIndex,
    words: &[String],
    text: &str,
    path: &Path,
    opts: &EvalOptions,
) -> Result<PairsReport, SpaceError> {
    check_words_match(index, words)?;
    let vocab = ok_vocab(words, opts);
    let (mut gold, mut model) = (Vec::new(), Vec::new());
    let mut oov = 0usize;
    let mut malformed = Malformed::default();
    for (line_index, line) in text.lines().enumerate() {
        let line_no = line_index + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [a, b, score] = fields.as_slice() else {
            // Skipped like gensim, but counted and reported.
            malformed.record(line_no, || pairs_line_problem(line, fields.len()));
            continue;
        };
        let Ok(score) = score.trim().parse::<f64>() else {
            malformed.record(line_no, || {
                format!("the score {} is not a number", quoted(score.trim()))
            });
            continue;
        };
        if !score.is_finite() {
            return Err(SpaceError::Parse {
                path: path.to_path_buf(),
                line: line_no,
                message: format!(
                    "the gold score {} is not a finite number",
                    quoted(fields[2].trim())
                ),
            });
        }
        match (vocab.get(&key(a, opts)), vocab.get(&key(b, opts))) {
            (Some(&ra), Some(&rb)) => {
                gold.push(score);
                model.push(f64::from(index.similarity(ra, rb)?));
            }
            _ => oov += 1,
        }
    }
    if gold.is_empty() && oov == 0 && malformed.count > 0 {
        // Not one usable line: "0 pairs used" would hide that the file was not understood.
        let line = malformed.first_lines.first().copied().unwrap_or(0);
        return Err(SpaceError::Parse {
            path: path.to_path_buf(),
            line,
            message: format!(
                "no valid word pair in the file ({} malformed lines); {}",
                malformed.count,
                malformed.first_problem.clone().unwrap_or_default()
            ),
        });
    }
    Ok(PairsReport {
        pearson: pearson(&gold, &model),
        spearman: spearman(&gold, &model),
        pairs_used: gold.len(),
        oov,
        malformed,
    })
}

/// Pearson correlation; `None` with fewer than 2 values or a constant series.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 || y.len() != n {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman correlation: Pearson of average ranks (ties share the mean of their ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&average_ranks(x), &average_ranks(y))
}

fn average_ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0; // 1-based mean rank of positions i..=j
        for &o in &order[i..=j] {
            ranks[o] = rank;
        }
        i = j + 1;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Rows 0 man (0,1,.2), 1 woman (0,−1,.2), 2 king (1,1,.2), 3 queen (1,−1,.2),
    /// 4 apple (−1,0,−1), 5 royal (1,.3,.2).
    fn space() -> (NeighborIndex, Vec<String>) {
        let m = array![
            [0.0f32, 1.0, 0.2],
            [0.0, -1.0, 0.2],
            [1.0, 1.0, 0.2],
            [1.0, -1.0, 0.2],
            [-1.0, 0.0, -1.0],
            [1.0, 0.3, 0.2],
        ];
        let words = ["man", "woman", "king", "queen", "apple", "royal"]
            .map(String::from)
            .to_vec();
        (NeighborIndex::from_matrix(m.view()), words)
    }

    // By hand: man:woman::king:? → q = û(woman) − û(man) + û(king) = (.7001, −1.2611, .1400);
    // cos with queen = 1.3926/|q|, royal ≈ .33/|q|, apple < 0 → queen.
    // woman:man::queen:? → q = û(man) − û(woman) + û(queen) = (.7001, 1.2611, .1400);
    // cos with king = 1.3926/|q|, royal = 1.0408/|q|, apple < 0 → king.
    const ANALOGIES: &str = ": capital-common\n\
        man woman king queen\n\
        man woman king apple\n\
        man woman king zebra\n\
        only three words\n\
        : gram1-adjective-to-adverb\n\
        woman man queen king\n\
        MAN WOMAN KING QUEEN\n";

    #[test]
    fn analogies_match_hand_computation() {
        let (idx, words) = space();
        let p = Path::new("q.txt");
        let exact = EvalOptions {
            case_insensitive: false,
            ..Default::default()
        };
        let r = evaluate_word_analogies_text(&idx, &words, ANALOGIES, p, &exact).unwrap();
        // capital-common: 1 correct (queen), 1 incorrect (predicts queen, expected apple), 1 OOV.
        // gram1: 1 correct (king), MAN… OOV when case-sensitive. The 3-word line is not counted.
        assert_eq!(r.sections.len(), 2);
        assert_eq!((r.sections[0].correct, r.sections[0].incorrect), (1, 1));
        assert_eq!((r.sections[1].correct, r.sections[1].incorrect), (1, 0));
        assert_eq!(r.sections[1].name, "gram1-adjective-to-adverb");
        assert_eq!((r.semantic.correct, r.semantic.incorrect), (1, 1));
        assert_eq!((r.syntactic.correct, r.syntactic.incorrect), (1, 0));
        assert_eq!((r.total.correct, r.total.incorrect), (2, 1));
        assert_eq!((r.questions, r.oov), (5, 2));
        // The 3-word line (line 5) is reported, not silently dropped.
        assert_eq!(r.malformed.count, 1);
        assert_eq!(r.malformed.first_lines, [5]);
        let described = r.malformed.describe().unwrap();
        assert!(
            described.contains("line 5: expected four words, found 3"),
            "{described}"
        );
        assert_eq!(r.coverage(), Some(0.6)); // 3 of 5
        assert_eq!(r.total.accuracy(), Some(2.0 / 3.0));

        let r = evaluate_word_analogies_text(&idx, &words, ANALOGIES, p, &EvalOptions::default())
            .unwrap();
        assert_eq!((r.syntactic.correct, r.syntactic.incorrect), (2, 0));
        assert_eq!((r.total.correct, r.oov), (3, 1)); // 3 of 4 correct, only zebra OOV

        // Restricted to man, woman, king, queen: the apple question becomes OOV.
        let small = EvalOptions {
            restrict_vocab: 4,
            ..exact
        };
        let r = evaluate_word_analogies_text(&idx, &words, ANALOGIES, p, &small).unwrap();
        assert_eq!((r.total.correct, r.total.incorrect, r.oov), (2, 0, 3));

        let err = evaluate_word_analogies_text(&idx, &words, "a b c d\n", p, &small).unwrap_err();
        assert!(matches!(err, SpaceError::Parse { line: 1, .. }));
    }

    /// [`space`] plus row 6 "Queen" pointing like apple: a later, rarer casing, which a
    /// case-insensitive lookup must not take for QUEEN (gensim: the first occurrence wins).
    fn space_with_late_casing() -> (NeighborIndex, Vec<String>) {
        let (_, mut words) = space();
        let m = array![
            [0.0f32, 1.0, 0.2],
            [0.0, -1.0, 0.2],
            [1.0, 1.0, 0.2],
            [1.0, -1.0, 0.2],
            [-1.0, 0.0, -1.0],
            [1.0, 0.3, 0.2],
            [-1.0, 0.0, -1.0],
        ];
        words.push("Queen".into());
        (NeighborIndex::from_matrix(m.view()), words)
    }

    #[test]
    fn defaults_are_gensims_case_insensitive_evaluation() {
        let (idx, words) = space_with_late_casing();
        let p = Path::new("q.txt");
        // gensim's default call (case_insensitive=True, restrict_vocab=300000) uppercases
        // everything and maps QUEEN to row 3, the first casing:
        // MAN:WOMAN::KING:? → queen (see above), correct, twice; ZEBRA is OOV;
        // WOMAN:MAN::QUEEN:? → king, correct. With row 6 as QUEEN the query would be
        // û(man) − û(woman) + û(−1,0,−1) = (−.7071, 1.9612, −.7071), nearest apple (1.0/|q|)
        // before king (.779/|q|): wrong. So: 3 of 4 questions evaluated, 3 correct.
        let text = ": capital-common\nMan Woman King Queen\nman woman KING queen\n\
                    Man Woman King Zebra\n: gram1-adjective-to-adverb\nWoman Man Queen King\n";
        let r =
            evaluate_word_analogies_text(&idx, &words, text, p, &EvalOptions::default()).unwrap();
        assert_eq!((r.questions, r.oov), (4, 1));
        assert_eq!(r.coverage(), Some(0.75));
        assert_eq!((r.total.correct, r.total.incorrect), (3, 0));
        assert_eq!(r.total.accuracy(), Some(1.0));
        // Exact case: every question has a capitalised word, all skipped.
        let exact = EvalOptions {
            case_insensitive: false,
            ..Default::default()
        };
        let r = evaluate_word_analogies_text(&idx, &words, text, p, &exact).unwrap();
        assert_eq!((r.questions, r.oov, r.total.evaluated()), (4, 4, 0));
        assert_eq!(
            EvalOptions::default().describe_vocabulary(7),
            "case-insensitive, all 7 words"
        );
        assert_eq!(
            exact.describe_vocabulary(1_234_567),
            "case-sensitive, first 300,000 words"
        );

        // Word pairs too: the same three pairs as `pairs_match_hand_computation` in mixed case
        // give the same figures only if Queen is row 3: king·row 6 = −.594 would change Pearson.
        let pairs = "Man\twoman\t1.0\nMAN\tKing\t3.0\nking\tQueen\t2.0\n";
        let r = evaluate_word_pairs_text(&idx, &words, pairs, p, &EvalOptions::default()).unwrap();
        assert_eq!((r.pairs_used, r.oov), (3, 0));
        assert!((r.spearman.unwrap() - 1.0).abs() < 1e-12);
        assert!(
            (r.pearson.unwrap() - 0.996188).abs() < 1e-5,
            "{:?}",
            r.pearson
        );
        // Exact case: only king·Queen (row 6) is found.
        let r = evaluate_word_pairs_text(&idx, &words, pairs, p, &exact).unwrap();
        assert_eq!((r.pairs_used, r.oov), (1, 2));
    }

    #[test]
    fn non_utf8_evaluation_files_are_refused_with_the_line_unless_lossy() {
        let (idx, words) = space();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.txt");
        // "café" in Latin-1 on line 3.
        std::fs::write(
            &path,
            b": s\nman woman king queen\ncaf\xe9 man king queen\n",
        )
        .unwrap();
        for result in [
            evaluate_word_analogies(&idx, &words, &path, &EvalOptions::default()).map(|_| ()),
            evaluate_word_pairs(&idx, &words, &path, &EvalOptions::default()).map(|_| ()),
        ] {
            let err = result.unwrap_err().to_string();
            assert!(err.contains("latin1.txt:3:"), "{err}");
            assert!(err.contains("not valid UTF-8") && err.contains("byte 4 of the line"));
            assert!(err.contains("--lossy"), "{err}");
        }
        let lossy = EvalOptions {
            lossy: true,
            ..Default::default()
        };
        let r = evaluate_word_analogies(&idx, &words, &path, &lossy).unwrap();
        assert_eq!((r.questions, r.oov), (2, 1));
    }

    #[test]
    fn pairs_match_hand_computation() {
        let (idx, words) = space();
        // cosines: man·woman = (−1 + .04)/1.04 = −0.923077; man·king = 1.04/√(1.04·2.04) =
        // 0.714006; king·queen = .04/2.04 = 0.019608. Gold 1, 3, 2 → same order → Spearman 1.
        // Pearson: gold deviations (−1, 1, 0); model mean −0.063154, deviations (−0.859923,
        // 0.777160, 0.082762); r = 1.637083 / (√2 · √1.350296) = 0.996188.
        let text = "# comment\nman\twoman\t1.0\nman\tking\t3.0\nking\tqueen\t2.0\n\
                    man\tzebra\t5.0\nbad line\n";
        let p = Path::new("pairs.tsv");
        let r = evaluate_word_pairs_text(&idx, &words, text, p, &EvalOptions::default()).unwrap();
        assert_eq!((r.pairs_used, r.oov), (3, 1));
        assert_eq!(
            (r.malformed.count, r.malformed.first_lines.clone()),
            (1, vec![6])
        );
        assert_eq!(r.oov_ratio(), Some(0.25));
        assert!((r.spearman.unwrap() - 1.0).abs() < 1e-12);
        assert!(
            (r.pearson.unwrap() - 0.996188).abs() < 1e-5,
            "{:?}",
            r.pearson
        );
    }

    #[test]
    fn pairs_with_spaces_or_bad_scores_are_reported() {
        let (idx, words) = space();
        let p = Path::new("pairs.tsv");
        let opts = EvalOptions::default();
        // Spaces instead of tabs everywhere: an error naming the first line and the cause.
        let err = evaluate_word_pairs_text(&idx, &words, "man woman 1.0\nman king 3\n", p, &opts)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pairs.tsv:1"), "{err}");
        assert!(err.contains("separated by spaces"), "{err}");
        // A non-numeric score among good lines: skipped and reported with its line.
        let text = "man\twoman\t1\nman\tking\thigh\nking\tqueen\t2\n";
        let r = evaluate_word_pairs_text(&idx, &words, text, p, &opts).unwrap();
        assert_eq!(r.pairs_used, 2);
        let described = r.malformed.describe().unwrap();
        assert!(
            described.contains("line 2: the score \"high\" is not a number"),
            "{described}"
        );
        // NaN gold scores would poison the correlations: an error with the line.
        let text = "man\twoman\t1\nman\tking\tNaN\n";
        let err = evaluate_word_pairs_text(&idx, &words, text, p, &opts)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("pairs.tsv:2") && err.contains("not a finite number"),
            "{err}"
        );
        // A 50 MB score is quoted shortened.
        let huge = "x".repeat(1 << 20);
        let text = format!("man\twoman\t1\nman\tking\t{huge}\n");
        let r = evaluate_word_pairs_text(&idx, &words, &text, p, &opts).unwrap();
        let described = r.malformed.describe().unwrap();
        assert!(
            described.len() < 300 && described.contains('…'),
            "{}",
            described.len()
        );
    }

    #[test]
    fn spearman_uses_average_ranks() {
        // x ranks (1, 2.5, 2.5, 4), y ranks (1, 3, 2, 4): cov 4.5, var 4.5 and 5 → 4.5/√22.5.
        let rho = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 3.0, 2.0, 4.0]).unwrap();
        assert!((rho - 4.5 / 22.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(pearson(&[1.0], &[2.0]), None);
        assert_eq!(pearson(&[1.0, 1.0], &[2.0, 3.0]), None);
    }
}
