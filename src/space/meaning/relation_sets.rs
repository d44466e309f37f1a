//! Built-in relation sets (国家→首都 / country→capital, 男→女 / male→female, singular→plural, …)
//! and matching them against a vocabulary, so that any corpus or vector file gets relation
//! arrows without the user writing a TSV.
//!
//! The sets live in `assets/relations/*.tsv` (format of [`crate::space::meaning::relations::parse_relations`]:
//! `head<TAB>tail<TAB>relation`); each file may hold several relations (usually one per
//! language), and a *set* is one relation name. They are compiled into the library with
//! `include_str!` ([`builtin_relation_pairs`]) so the CLI and viewer work from any directory; a
//! caller may instead read them from a directory ([`read_relation_dir`]). A user's TSV adds its
//! pairs: to a set of the same name, or as a new set.
//!
//! Matching ([`match_relation_sets`]) looks every word up exactly first, then case-insensitively
//! (so `Paris` in a cased vocabulary answers `paris`), and reports the vocabulary's own spelling
//! and row. Case folding only changes cased scripts, so Chinese is matched exactly. Sets with
//! fewer than [`MIN_FOUND_PAIRS`] pairs in the vocabulary are reported but not usable: two
//! arrows say little about a relation.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::embeddings::Vocab;
use crate::space::SpaceError;
use crate::space::meaning::relations::{RelationPair, parse_relations};
use crate::space::projection::lens::{AxisDirection, split_axis_words};

/// A set needs at least this many pairs in the vocabulary to be loaded.
pub const MIN_FOUND_PAIRS: usize = 3;

/// The built-in relation files: (file name, contents), in a fixed order.
pub const BUILTIN_RELATION_FILES: &[(&str, &str)] = &[
    (
        "country_capital.tsv",
        include_str!("../../../assets/relations/country_capital.tsv"),
    ),
    (
        "male_female.tsv",
        include_str!("../../../assets/relations/male_female.tsv"),
    ),
    (
        "country_language.tsv",
        include_str!("../../../assets/relations/country_language.tsv"),
    ),
    (
        "country_currency.tsv",
        include_str!("../../../assets/relations/country_currency.tsv"),
    ),
    (
        "country_nationality.tsv",
        include_str!("../../../assets/relations/country_nationality.tsv"),
    ),
    (
        "province_capital.tsv",
        include_str!("../../../assets/relations/province_capital.tsv"),
    ),
    (
        "singular_plural.tsv",
        include_str!("../../../assets/relations/singular_plural.tsv"),
    ),
    (
        "adjective_comparative.tsv",
        include_str!("../../../assets/relations/adjective_comparative.tsv"),
    ),
    (
        "verb_past.tsv",
        include_str!("../../../assets/relations/verb_past.tsv"),
    ),
    (
        "opposites.tsv",
        include_str!("../../../assets/relations/opposites.tsv"),
    ),
];

/// Where a set's pairs came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetOrigin {
    /// Shipped with the app (file name under `assets/relations/`).
    Builtin(String),
    /// A user's TSV file.
    User(PathBuf),
}

/// One pair of a set found in the vocabulary, with the vocabulary's spelling and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPair {
    pub head: String,
    pub tail: String,
    pub head_row: usize,
    pub tail_row: usize,
}

/// One relation set matched against a vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedRelationSet {
    /// The relation name (`国家→首都`, `country→capital`, …).
    pub name: String,
    /// Every file that contributed pairs, in order.
    pub origins: Vec<SetOrigin>,
    /// Pairs whose two words are in the vocabulary (duplicates after case folding removed).
    pub found: Vec<FoundPair>,
    /// Pairs (as listed) with at least one word missing from the vocabulary.
    pub missing: Vec<RelationPair>,
}

impl MatchedRelationSet {
    /// True when enough pairs were found to show the set ([`MIN_FOUND_PAIRS`]).
    pub fn is_usable(&self) -> bool {
        self.found.len() >= MIN_FOUND_PAIRS
    }

    /// Number of listed pairs not found.
    pub fn missing_count(&self) -> usize {
        self.missing.len()
    }

    /// (head row, tail row) of every found pair: what the lens and the parallelism take.
    pub fn row_pairs(&self) -> Vec<(usize, usize)> {
        self.found
            .iter()
            .map(|p| (p.head_row, p.tail_row))
            .collect()
    }

    /// The found pairs in the vocabulary's spelling, for [`crate::space::meaning::relations::score_relations`].
    pub fn relation_pairs(&self) -> Vec<RelationPair> {
        self.found
            .iter()
            .map(|p| RelationPair {
                head: p.head.clone(),
                tail: p.tail.clone(),
                relation: self.name.clone(),
            })
            .collect()
    }
}

/// Pairs as read, each with its origin (input of [`match_relation_sets`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SourcedPairs {
    pub origin: SetOrigin,
    pub pairs: Vec<RelationPair>,
}

/// Parses every built-in file (embedded in the binary). Errors name the file and line.
pub fn builtin_relation_pairs() -> Result<Vec<SourcedPairs>, SpaceError> {
    BUILTIN_RELATION_FILES
        .iter()
        .map(|(name, text)| {
            let shown = Path::new("assets/relations").join(name);
            Ok(SourcedPairs {
                origin: SetOrigin::Builtin((*name).to_owned()),
                pairs: parse_relations(text, &shown)?,
            })
        })
        .collect()
}

/// Reads every `*.tsv` file of `dir` (sorted by file name), e.g. the repository's
/// `assets/relations/`, as built-in sets. Errors name the file and line.
pub fn read_relation_dir(dir: &Path) -> Result<Vec<SourcedPairs>, SpaceError> {
    let io_error = |source| SpaceError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "tsv") {
            files.push(path);
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|source| SpaceError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(SourcedPairs {
                origin: SetOrigin::Builtin(name),
                pairs: parse_relations(&text, &path)?,
            })
        })
        .collect()
}

/// Reads one user TSV. Errors name the file and line.
pub fn read_user_relations(path: &Path) -> Result<SourcedPairs, SpaceError> {
    Ok(SourcedPairs {
        origin: SetOrigin::User(path.to_path_buf()),
        pairs: crate::space::meaning::relations::read_relations_tsv(path)?,
    })
}

/// Looks words up in a vocabulary: exact spelling first, then case-insensitively. Among several
/// case variants (`Paris`, `PARIS`) the lowest row wins — the most frequent in a
/// frequency-sorted vocabulary.
pub struct VocabMatcher<'a> {
    vocab: &'a Vocab,
    /// Lowercased form → row, only for vocabulary words that lowercasing changes (the others are
    /// found by looking the lowercased query up directly).
    folded: HashMap<String, usize>,
}

impl<'a> VocabMatcher<'a> {
    pub fn new(vocab: &'a Vocab) -> Self {
        let mut folded: HashMap<String, usize> = HashMap::new();
        for (row, word) in vocab.words().iter().enumerate() {
            if word.chars().any(char::is_uppercase) {
                // Rows are visited in increasing order: keep the first (lowest).
                folded.entry(word.to_lowercase()).or_insert(row);
            }
        }
        Self { vocab, folded }
    }

    /// The row of `word`: exact match, else its lowercase form, else a cased vocabulary word
    /// whose lowercase form equals the lowercased query.
    pub fn row(&self, word: &str) -> Option<usize> {
        if let Some(row) = self.vocab.index_of(word) {
            return Some(row);
        }
        let lower = word.to_lowercase();
        let direct = self.vocab.index_of(&lower);
        let via_fold = self.folded.get(&lower).copied();
        match (direct, via_fold) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Groups `sources` by relation name (sets in order of first appearance; a user file's pairs
/// join a built-in set of the same name) and matches every pair against `vocab`. Returns every
/// set, usable or not; filter with [`MatchedRelationSet::is_usable`].
pub fn match_relation_sets(vocab: &Vocab, sources: &[SourcedPairs]) -> Vec<MatchedRelationSet> {
    let matcher = VocabMatcher::new(vocab);
    let mut order: Vec<String> = Vec::new();
    let mut sets: BTreeMap<String, MatchedRelationSet> = BTreeMap::new();
    let mut seen_rows: HashMap<String, HashSet<(usize, usize)>> = HashMap::new();
    for source in sources {
        for pair in &source.pairs {
            let set = sets.entry(pair.relation.clone()).or_insert_with(|| {
                order.push(pair.relation.clone());
                MatchedRelationSet {
                    name: pair.relation.clone(),
                    origins: Vec::new(),
                    found: Vec::new(),
                    missing: Vec::new(),
                }
            });
            if !set.origins.contains(&source.origin) {
                set.origins.push(source.origin.clone());
            }
            match (matcher.row(&pair.head), matcher.row(&pair.tail)) {
                (Some(head_row), Some(tail_row)) => {
                    let seen = seen_rows.entry(pair.relation.clone()).or_default();
                    if head_row != tail_row && seen.insert((head_row, tail_row)) {
                        set.found.push(FoundPair {
                            head: vocab.word(head_row).unwrap_or(&pair.head).to_owned(),
                            tail: vocab.word(tail_row).unwrap_or(&pair.tail).to_owned(),
                            head_row,
                            tail_row,
                        });
                    }
                }
                _ => set.missing.push(pair.clone()),
            }
        }
    }
    order
        .into_iter()
        .filter_map(|name| sets.remove(&name))
        .collect()
}

/// The usual entry point: the embedded built-in sets plus the user's files, matched against
/// `vocab`, keeping only usable sets (at least [`MIN_FOUND_PAIRS`] pairs found).
pub fn relation_sets_for_vocab(
    vocab: &Vocab,
    user_files: &[PathBuf],
) -> Result<Vec<MatchedRelationSet>, SpaceError> {
    let mut sources = builtin_relation_pairs()?;
    for path in user_files {
        sources.push(read_user_relations(path)?);
    }
    Ok(match_relation_sets(vocab, &sources)
        .into_iter()
        .filter(MatchedRelationSet::is_usable)
        .collect())
}

/// Resolves one semantic axis as a user writes it (`project --axes`, the viewer's axis fields):
/// the name of one of `sets` (`国家→首都`), whose mean offset is the direction, or `A>B` (also
/// `A->B`, `A→B`, `A:B`, see [`split_axis_words`]) for the direction from word A to word B
/// (`man>woman`, `法国>巴黎`), looked up like the relation sets (exact, then
/// case-insensitive). Set names are tried first, since they may hold `→`. Errors name the
/// spec and the unknown word or set.
pub fn resolve_axis(
    spec: &str,
    vocab: &Vocab,
    sets: &[MatchedRelationSet],
) -> Result<AxisDirection, SpaceError> {
    let spec = spec.trim();
    match sets.iter().find(|s| s.name == spec) {
        Some(set) if !set.found.is_empty() => {
            return Ok(AxisDirection::Relation(set.row_pairs()));
        }
        Some(_) => {
            return Err(SpaceError::Invalid(format!(
                "axis {spec:?}: no pair of this relation is in the vocabulary"
            )));
        }
        None => {}
    }
    let known = || {
        sets.iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some((from, to)) = split_axis_words(spec) {
        let matcher = VocabMatcher::new(vocab);
        let row = |word: &str| {
            matcher.row(word).ok_or_else(|| {
                SpaceError::Invalid(format!(
                    "axis {spec:?}: {word:?} is not in the vocabulary, and no loaded relation \
                     has this name (known: {})",
                    known()
                ))
            })
        };
        return Ok(AxisDirection::Words {
            from: row(from)?,
            to: row(to)?,
        });
    }
    Err(SpaceError::Invalid(format!(
        "axis {spec:?} is neither WORD>WORD (or WORD->WORD, WORD→WORD, WORD:WORD) nor a loaded \
         relation (known: {})",
        known()
    )))
}

/// Resolves `X[,Y]` (e.g. `man>woman,国家→首都`): the X axis and, when given, the Y axis of
/// [`crate::space::projection::lens::semantic_axes`].
pub fn resolve_axes(
    spec: &str,
    vocab: &Vocab,
    sets: &[MatchedRelationSet],
) -> Result<(AxisDirection, Option<AxisDirection>), SpaceError> {
    let mut parts = spec.split(',');
    let x = resolve_axis(parts.next().unwrap_or_default(), vocab, sets)?;
    let y = parts
        .next()
        .map(|part| resolve_axis(part, vocab, sets))
        .transpose()?;
    if parts.next().is_some() {
        return Err(SpaceError::Invalid(format!(
            "axes {spec:?}: at most two directions (X,Y); Z is the PCA of the rest"
        )));
    }
    Ok((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> Vocab {
        Vocab::new(words.iter().map(|w| w.to_string()).collect()).unwrap()
    }

    fn pair(h: &str, t: &str, r: &str) -> RelationPair {
        RelationPair {
            head: h.into(),
            tail: t.into(),
            relation: r.into(),
        }
    }

    fn user(pairs: Vec<RelationPair>) -> SourcedPairs {
        SourcedPairs {
            origin: SetOrigin::User(PathBuf::from("mine.tsv")),
            pairs,
        }
    }

    #[test]
    fn every_builtin_file_parses_and_has_enough_distinct_pairs() {
        let sources = builtin_relation_pairs().unwrap();
        assert_eq!(sources.len(), BUILTIN_RELATION_FILES.len());
        let mut per_set: BTreeMap<&str, HashSet<(&str, &str)>> = BTreeMap::new();
        for s in &sources {
            for p in &s.pairs {
                assert_ne!(p.head, p.tail, "{p:?}");
                assert!(!p.head.contains(' ') && !p.tail.contains(' '), "{p:?}");
                let fresh = per_set
                    .entry(p.relation.as_str())
                    .or_default()
                    .insert((p.head.as_str(), p.tail.as_str()));
                assert!(fresh, "duplicate {p:?}");
            }
        }
        for (name, pairs) in &per_set {
            assert!(pairs.len() >= 20, "{name}: {}", pairs.len());
        }
        for needed in ["国家→首都", "country→capital", "男→女", "male→female"] {
            assert!(per_set.contains_key(needed), "{needed}");
        }
        assert!(per_set["国家→首都"].contains(&("法国", "巴黎")));
        assert!(per_set["male→female"].contains(&("king", "queen")));
    }

    #[test]
    fn directory_copy_matches_the_embedded_one() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/relations");
        let mut from_dir = read_relation_dir(&dir).unwrap();
        let mut embedded = builtin_relation_pairs().unwrap();
        from_dir.sort_by(|a, b| format!("{:?}", a.origin).cmp(&format!("{:?}", b.origin)));
        embedded.sort_by(|a, b| format!("{:?}", a.origin).cmp(&format!("{:?}", b.origin)));
        // Every TSV in the directory must be embedded (and the other way round).
        assert_eq!(from_dir, embedded);
    }

    #[test]
    fn matching_is_case_insensitive_and_prefers_exact_spelling() {
        // Row order = frequency order: "Paris" (row 0) is more frequent than "PARIS".
        let v = vocab(&[
            "Paris", "france", "PARIS", "berlin", "Germany", "tokyo", "Japan",
        ]);
        let m = VocabMatcher::new(&v);
        assert_eq!(m.row("paris"), Some(0));
        assert_eq!(m.row("PARIS"), Some(2), "exact spelling wins");
        assert_eq!(m.row("France"), Some(1));
        assert_eq!(m.row("rome"), None);
        let sets = match_relation_sets(
            &v,
            &[user(vec![
                pair("france", "paris", "capital"),
                pair("germany", "berlin", "capital"),
                pair("japan", "tokyo", "capital"),
                pair("Japan", "Tokyo", "capital"),
                pair("italy", "rome", "capital"),
            ])],
        );
        assert_eq!(sets.len(), 1);
        let s = &sets[0];
        assert!(s.is_usable());
        // The Japan duplicate after case folding counts once; italy/rome is missing.
        assert_eq!(s.found.len(), 3);
        assert_eq!(s.missing_count(), 1);
        assert_eq!(s.found[0].tail, "Paris");
        assert_eq!(s.found[1].head, "Germany");
        assert_eq!(s.row_pairs(), vec![(1, 0), (4, 3), (6, 5)]);
        assert_eq!(s.relation_pairs()[2], pair("Japan", "tokyo", "capital"));
    }

    #[test]
    fn chinese_is_matched_exactly_and_small_sets_are_dropped() {
        let v = vocab(&[
            "法国", "巴黎", "日本", "东京", "德国", "柏林", "国王", "女王", "男人", "女人",
        ]);
        let sets = relation_sets_for_vocab(&v, &[]).unwrap();
        let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
        assert!(names.contains(&"国家→首都"), "{names:?}");
        // Only two male→female pairs are present: below the minimum, so not loaded.
        assert!(!names.contains(&"男→女"), "{names:?}");
        let capital = sets.iter().find(|s| s.name == "国家→首都").unwrap();
        assert_eq!(capital.found.len(), 3);
        assert_eq!(
            capital.origins,
            vec![SetOrigin::Builtin("country_capital.tsv".into())]
        );
        let total = builtin_relation_pairs()
            .unwrap()
            .iter()
            .flat_map(|s| &s.pairs)
            .filter(|p| p.relation == "国家→首都")
            .count();
        assert_eq!(capital.found.len() + capital.missing_count(), total);
        // With the full set list, male→female is reported with its two pairs.
        let all = match_relation_sets(&v, &builtin_relation_pairs().unwrap());
        let gender = all.iter().find(|s| s.name == "男→女").unwrap();
        assert_eq!(gender.found.len(), 2);
        assert!(!gender.is_usable());
    }

    #[test]
    fn user_files_add_pairs_and_sets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.tsv");
        std::fs::write(
            &path,
            "head\ttail\trelation\n国王\t女王\t男→女\n猫\t小猫\t动物→幼崽\n狗\t小狗\t动物→幼崽\n牛\t小牛\t动物→幼崽\n",
        )
        .unwrap();
        let v = vocab(&[
            "国王", "女王", "男人", "女人", "父亲", "母亲", "猫", "小猫", "狗", "小狗", "牛",
            "小牛",
        ]);
        let sets = relation_sets_for_vocab(&v, std::slice::from_ref(&path)).unwrap();
        let gender = sets.iter().find(|s| s.name == "男→女").unwrap();
        // 国王→女王 is both built-in and in the user file: counted once, both origins kept.
        assert_eq!(gender.found.len(), 3);
        assert_eq!(gender.origins.len(), 2);
        assert_eq!(gender.origins[1], SetOrigin::User(path.clone()));
        let young = sets.iter().find(|s| s.name == "动物→幼崽").unwrap();
        assert_eq!(young.found.len(), 3);
    }

    #[test]
    fn axis_specs_resolve_to_words_or_relations() {
        let v = vocab(&[
            "法国", "巴黎", "日本", "东京", "德国", "柏林", "Man", "woman", "king", "queen",
        ]);
        let sets = relation_sets_for_vocab(&v, &[]).unwrap();
        assert_eq!(
            resolve_axis("man>woman", &v, &sets).unwrap(),
            AxisDirection::Words { from: 6, to: 7 }
        );
        assert_eq!(
            resolve_axis(" 法国 -> 巴黎 ", &v, &sets).unwrap(),
            AxisDirection::Words { from: 0, to: 1 }
        );
        for spec in ["king→queen", "king:queen", "king->queen"] {
            assert_eq!(
                resolve_axis(spec, &v, &sets).unwrap(),
                AxisDirection::Words { from: 8, to: 9 },
                "{spec}"
            );
        }
        assert_eq!(
            resolve_axis("国家→首都", &v, &sets).unwrap(),
            AxisDirection::Relation(vec![(0, 1), (2, 3), (4, 5)])
        );
        let (x, y) = resolve_axes("king>queen,国家→首都", &v, &sets).unwrap();
        assert_eq!(x, AxisDirection::Words { from: 8, to: 9 });
        assert!(matches!(y, Some(AxisDirection::Relation(_))));
        assert!(resolve_axes("king>queen", &v, &sets).unwrap().1.is_none());
        let err = resolve_axis("man>girl", &v, &sets).unwrap_err().to_string();
        assert!(err.contains("\"girl\""), "{err}");
        let err = resolve_axis("国家→货币", &v, &sets)
            .unwrap_err()
            .to_string();
        assert!(err.contains("国家→首都"), "lists the known sets: {err}");
        assert!(resolve_axes("a>b,c>d,e>f", &v, &sets).is_err());
    }

    #[test]
    fn bad_user_file_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.tsv");
        std::fs::write(&path, "a\tb\tr\nonly-one-field\n").unwrap();
        let err = relation_sets_for_vocab(&vocab(&["a"]), &[path]).unwrap_err();
        assert!(matches!(err, SpaceError::Parse { line: 2, .. }), "{err}");
        assert!(err.to_string().contains("bad.tsv:2"), "{err}");
        let missing = read_relation_dir(Path::new("/nonexistent-relations-dir")).unwrap_err();
        assert!(missing.to_string().contains("nonexistent-relations-dir"));
    }
}
