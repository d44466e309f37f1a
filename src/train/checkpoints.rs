//! Timelines from other trainers: a list of vector files (one per epoch from a gensim callback,
//! fastText `.vec` dumps, Spark MLlib's exported vectors, ...) in any supported format becomes a
//! [`Timeline`] the viewer plays like a run of its own.
//!
//! The words are those common to every file, in the first file's order (optionally only the
//! first N of them); frames keep the files' order and are named by file stem. Files are read one
//! at a time and only the rows of words still common are kept, so memory holds those rows of
//! the files read so far plus the file being read. Timelines built here have no training parameters: their `params_json` is a
//! [`CheckpointParams`] naming the frames, which [`Timeline::frame_names`] reads back.

use std::path::{Path, PathBuf};

use ndarray::{Array2, Axis};

use super::events::Snapshot;
use super::timeline::{AssembleError, Timeline};
use super::timeline_assemble::SnapshotMeta;
use crate::embeddings::Embeddings;
use crate::embeddings::formats::{FormatError, LoadOptions, load};

/// Marks a timeline's parameters as coming from checkpoint files rather than a run trained here.
const CHECKPOINT_SOURCE: &str = "checkpoints";

/// How to read checkpoint files.
#[derive(Debug, Clone, Default)]
pub struct CheckpointOptions {
    /// Keep only the first N common words (in the first file's order); `None` = all.
    pub max_words: Option<usize>,
    /// How each file is read (format detection, lossy UTF-8). The same for every file.
    pub load: LoadOptions,
}

/// A timeline built from checkpoint files, plus what was noticed on the way.
#[derive(Debug, Clone)]
pub struct CheckpointTimeline {
    pub timeline: Timeline,
    /// Non-fatal issues, one sentence each (duplicate words in a file, words left out because a
    /// later file lacks them, ...).
    pub warnings: Vec<String>,
}

/// The `params_json` of a timeline built from checkpoints.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckpointParams {
    /// Always `"checkpoints"`.
    pub source: String,
    /// One per frame, in order.
    pub frames: Vec<CheckpointFrame>,
}

/// One checkpoint file of a timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckpointFrame {
    /// The file stem (`ckpt_03` for `ckpt_03.txt`).
    pub name: String,
    /// The file as it was given.
    pub file: String,
}

/// Why checkpoint files could not become a timeline; every variant names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("no checkpoint files given")]
    NoFiles,
    // The loader's error is part of the message (it names the file and line) rather than a
    // `source`, so reporters that print the chain do not repeat it.
    #[error("checkpoint {position} of {count}: {error}")]
    Load {
        /// 1-based position in the list.
        position: usize,
        count: usize,
        error: FormatError,
    },
    #[error(
        "checkpoint {position} of {count} ({}) has {dim} dimensions, but {} has {expected_dim}",
        path.display(),
        first.display()
    )]
    Dimension {
        position: usize,
        count: usize,
        path: PathBuf,
        dim: usize,
        first: PathBuf,
        expected_dim: usize,
    },
    #[error(
        "checkpoint {position} of {count} ({}) shares no words with the checkpoints before it",
        path.display()
    )]
    NoCommonWords {
        position: usize,
        count: usize,
        path: PathBuf,
    },
    #[error(transparent)]
    Assemble(#[from] AssembleError),
}

/// Reads `paths` in order and builds their timeline (see the module docs). Stops at the first
/// unreadable file, naming it and its position.
pub fn timeline_from_checkpoints(
    paths: &[PathBuf],
    options: &CheckpointOptions,
) -> Result<CheckpointTimeline, CheckpointError> {
    let count = paths.len();
    let mut builder: Option<CommonRows> = None;
    let mut warnings = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let position = i + 1;
        let loaded = load(path, &options.load).map_err(|error| CheckpointError::Load {
            position,
            count,
            error,
        })?;
        warnings.extend(loaded.warnings);
        match &mut builder {
            None => builder = Some(CommonRows::new(path, loaded.embeddings)),
            Some(common) => {
                let emb = loaded.embeddings;
                if emb.dim() != common.dim {
                    return Err(CheckpointError::Dimension {
                        position,
                        count,
                        path: path.clone(),
                        dim: emb.dim(),
                        first: common.first.clone(),
                        expected_dim: common.dim,
                    });
                }
                let dropped = common.add(&emb);
                if common.words.is_empty() {
                    return Err(CheckpointError::NoCommonWords {
                        position,
                        count,
                        path: path.clone(),
                    });
                }
                if dropped > 0 {
                    warnings.push(format!(
                        "{}: lacks {dropped} words of the checkpoints before it; they are left out",
                        path.display()
                    ));
                }
            }
        }
    }
    let common = builder.ok_or(CheckpointError::NoFiles)?;
    let timeline = common.finish(paths, options.max_words)?;
    Ok(CheckpointTimeline { timeline, warnings })
}

/// The words common to the files read so far (first file's order) and, per file, their rows.
struct CommonRows {
    first: PathBuf,
    dim: usize,
    words: Vec<String>,
    /// One matrix per file read, one row per entry of `words`.
    frames: Vec<Array2<f32>>,
}

impl CommonRows {
    fn new(path: &Path, embeddings: Embeddings) -> Self {
        let dim = embeddings.dim();
        let (vocab, matrix) = embeddings.into_parts();
        Self {
            first: path.to_owned(),
            dim,
            words: vocab.words().to_vec(),
            frames: vec![matrix],
        }
    }

    /// Adds one file's rows, first dropping words it lacks from everything kept so far;
    /// returns how many words were dropped.
    fn add(&mut self, embeddings: &Embeddings) -> usize {
        let kept: Vec<(usize, usize)> = self
            .words
            .iter()
            .enumerate()
            .filter_map(|(row, word)| embeddings.index_of(word).map(|theirs| (row, theirs)))
            .collect();
        let dropped = self.words.len() - kept.len();
        if dropped > 0 {
            let ours: Vec<usize> = kept.iter().map(|&(row, _)| row).collect();
            for frame in &mut self.frames {
                *frame = frame.select(Axis(0), &ours);
            }
            self.words = ours.iter().map(|&row| self.words[row].clone()).collect();
        }
        let theirs: Vec<usize> = kept.iter().map(|&(_, row)| row).collect();
        self.frames
            .push(embeddings.matrix().select(Axis(0), &theirs));
        dropped
    }

    fn finish(
        mut self,
        paths: &[PathBuf],
        max_words: Option<usize>,
    ) -> Result<Timeline, AssembleError> {
        if let Some(max) = max_words
            && max < self.words.len()
        {
            self.words.truncate(max);
            for frame in &mut self.frames {
                *frame = frame.slice(ndarray::s![..max, ..]).to_owned();
            }
        }
        let frames = paths
            .iter()
            .map(|path| CheckpointFrame {
                name: frame_name(path),
                file: path.display().to_string(),
            })
            .zip(self.frames)
            .collect();
        named_frames_timeline(self.words, frames)
    }
}

/// A timeline of named frames without training parameters (checkpoints, compared spaces):
/// frame `i` gets index and epoch `i`, and the names go into its [`CheckpointParams`].
pub fn named_frames_timeline(
    words: Vec<String>,
    frames: Vec<(CheckpointFrame, Array2<f32>)>,
) -> Result<Timeline, AssembleError> {
    let (names, matrices): (Vec<CheckpointFrame>, Vec<Array2<f32>>) = frames.into_iter().unzip();
    let params = CheckpointParams {
        source: CHECKPOINT_SOURCE.to_owned(),
        frames: names,
    };
    // Serialising plain strings cannot fail; an empty object would only lose the names.
    let params_json = serde_json::to_string(&params).unwrap_or_else(|_| "{}".to_owned());
    let snapshots = matrices.into_iter().enumerate().map(|(index, vectors)| {
        let meta = SnapshotMeta {
            index,
            // A frame's position is the best guess at its epoch.
            epoch: index,
            ..SnapshotMeta::default()
        };
        Snapshot::from_meta(meta, vectors)
    });
    Timeline::assemble(words, params_json, snapshots)
}

/// The file stem, or the whole name when there is none.
pub fn frame_name(path: &Path) -> String {
    path.file_stem().or_else(|| path.file_name()).map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

impl Timeline {
    /// A display name per snapshot: the checkpoint file stems for timelines built from vector
    /// files, `snapshot N` (N = the snapshot index) for runs trained here.
    pub fn frame_names(&self) -> Vec<String> {
        let names: Option<Vec<String>> =
            serde_json::from_str::<CheckpointParams>(&self.params_json)
                .ok()
                .filter(|p| p.source == CHECKPOINT_SOURCE && p.frames.len() == self.snapshots.len())
                .map(|p| p.frames.into_iter().map(|f| f.name).collect());
        names.unwrap_or_else(|| {
            self.snapshots
                .iter()
                .map(|s| format!("snapshot {}", s.index))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeddings::formats::{Format, save};
    use crate::train::Precision;

    /// A space whose value at (word w, column c) in checkpoint `epoch` is recognisable.
    fn checkpoint(words: &[&str], epoch: usize, dim: usize) -> Embeddings {
        let matrix = Array2::from_shape_fn((words.len(), dim), |(r, c)| value(words[r], epoch, c));
        Embeddings::from_words(words.iter().map(|w| (*w).to_owned()).collect(), matrix).unwrap()
    }

    /// Depends on the word itself (not its row), so reordered files still check out.
    fn value(word: &str, epoch: usize, column: usize) -> f32 {
        let w = word.bytes().map(f32::from).sum::<f32>();
        (w * 0.01 + epoch as f32 * 0.5 - column as f32 * 0.25).sin()
    }

    fn write(dir: &Path, name: &str, emb: &Embeddings, format: Format) -> PathBuf {
        let path = dir.join(name);
        save(emb, &path, format).unwrap();
        path
    }

    #[test]
    fn files_of_different_formats_and_vocabularies_become_one_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let paths = vec![
            // word2vec text with header, 5 words.
            write(
                dir.path(),
                "ep1.txt",
                &checkpoint(&["the", "cat", "sat", "on", "mat"], 1, 4),
                Format::Word2VecText,
            ),
            // GloVe (no header), lacks "sat", other order, an extra word.
            write(
                dir.path(),
                "ep2.glove",
                &checkpoint(&["mat", "on", "dog", "cat", "the"], 2, 4),
                Format::GloveText,
            ),
            // word2vec binary.
            write(
                dir.path(),
                "ep3.bin",
                &checkpoint(&["cat", "the", "on", "mat", "sat"], 3, 4),
                Format::Word2VecBinary,
            ),
            // Projector TSV (labels in ep4_metadata.tsv), lacks "on".
            write(
                dir.path(),
                "ep4.tsv",
                &checkpoint(&["the", "mat", "cat", "bird"], 4, 4),
                Format::ProjectorTsv,
            ),
        ];
        let built = timeline_from_checkpoints(&paths, &CheckpointOptions::default()).unwrap();
        let t = &built.timeline;
        assert_eq!(t.words, vec!["the", "cat", "mat"]);
        assert_eq!(t.snapshots.len(), 4);
        assert_eq!(t.frame_names(), vec!["ep1", "ep2", "ep3", "ep4"]);
        for (k, s) in t.snapshots.iter().enumerate() {
            assert_eq!(s.index, k);
            for (row, word) in t.words.iter().enumerate() {
                for c in 0..4 {
                    let want = value(word, k + 1, c);
                    assert!(
                        (s.vectors[[row, c]] - want).abs() < 1e-5,
                        "{word} frame {k}"
                    );
                }
            }
        }
        // Words dropped along the way are reported, naming the file.
        assert!(
            built.warnings.iter().any(|w| w.contains("ep2.glove")),
            "{:?}",
            built.warnings
        );
        assert!(
            built.warnings.iter().any(|w| w.contains("ep4.tsv")),
            "{:?}",
            built.warnings
        );

        // Only the first N common words, and the names survive a save and load.
        let opts = CheckpointOptions {
            max_words: Some(2),
            ..CheckpointOptions::default()
        };
        let two = timeline_from_checkpoints(&paths, &opts).unwrap().timeline;
        assert_eq!(two.words, vec!["the", "cat"]);
        assert_eq!(two.snapshots[3].vectors.dim(), (2, 4));
        let file = dir.path().join("run.timeline");
        two.save(&file, Precision::F32).unwrap();
        let back = Timeline::load(&file).unwrap();
        assert_eq!(back, two);
        assert_eq!(back.frame_names(), vec!["ep1", "ep2", "ep3", "ep4"]);
    }

    #[test]
    fn a_bad_checkpoint_in_the_middle_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let words = ["a", "b", "c"];
        let first = write(
            dir.path(),
            "ckpt_01.txt",
            &checkpoint(&words, 1, 3),
            Format::Word2VecText,
        );
        let bad = dir.path().join("ckpt_02.txt");
        std::fs::write(&bad, "3 3\na 0.1 0.2 0.3\nb 0.1 oops 0.3\nc 0.1 0.2 0.3\n").unwrap();
        let last = write(
            dir.path(),
            "ckpt_03.txt",
            &checkpoint(&words, 3, 3),
            Format::Word2VecText,
        );
        let err = timeline_from_checkpoints(&[first, bad, last], &CheckpointOptions::default())
            .unwrap_err();
        assert!(
            matches!(
                err,
                CheckpointError::Load {
                    position: 2,
                    count: 3,
                    ..
                }
            ),
            "{err}"
        );
        let message = err.to_string();
        for needle in ["checkpoint 2 of 3", "ckpt_02.txt", "line 3", "oops"] {
            assert!(message.contains(needle), "{needle:?} not in {message}");
        }
    }

    #[test]
    fn dimensions_must_agree_and_some_word_must_be_common() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a.txt",
            &checkpoint(&["x", "y"], 1, 3),
            Format::Word2VecText,
        );
        let wide = write(
            dir.path(),
            "wide.txt",
            &checkpoint(&["x", "y"], 2, 5),
            Format::Word2VecText,
        );
        let err = timeline_from_checkpoints(&[a.clone(), wide], &CheckpointOptions::default())
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(
            err,
            CheckpointError::Dimension {
                dim: 5,
                expected_dim: 3,
                ..
            }
        ));
        assert!(
            message.contains("wide.txt") && message.contains("a.txt"),
            "{message}"
        );

        let other = write(
            dir.path(),
            "other.txt",
            &checkpoint(&["p", "q"], 2, 3),
            Format::Word2VecText,
        );
        let err =
            timeline_from_checkpoints(&[a, other], &CheckpointOptions::default()).unwrap_err();
        assert!(err.to_string().contains("other.txt"), "{err}");
        assert!(matches!(
            err,
            CheckpointError::NoCommonWords { position: 2, .. }
        ));

        assert!(matches!(
            timeline_from_checkpoints(&[], &CheckpointOptions::default()),
            Err(CheckpointError::NoFiles)
        ));
    }

    #[test]
    fn runs_trained_here_get_numbered_frame_names() {
        let words = vec!["a".to_owned()];
        let snaps = [3, 4].map(|index| {
            Snapshot::from_meta(
                SnapshotMeta {
                    index,
                    ..SnapshotMeta::default()
                },
                Array2::zeros((1, 2)),
            )
        });
        let t = Timeline::assemble(words, r#"{"dim":2}"#.into(), snaps).unwrap();
        assert_eq!(t.frame_names(), vec!["snapshot 3", "snapshot 4"]);
    }
}
