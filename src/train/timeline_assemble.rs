//! Building a [`Timeline`] in memory, in one place: [`Timeline::assemble`] checks that every
//! snapshot fits the word list, and everything that makes timelines goes through it — a run
//! recorded from its events ([`TimelineRecorder`]), frames the viewer has analysed, and vector
//! files from other trainers (`checkpoints`).
//!
//! [`SnapshotMeta`] is a snapshot without its vectors (where training stood), so callers that
//! keep vectors elsewhere (the viewer's frames) convert with [`Snapshot::meta`] /
//! [`Snapshot::from_meta`] instead of copying fields by hand.

use ndarray::Array2;

use super::events::{Snapshot, TrainEvent};
use super::timeline::{AssembleError, Timeline, check_fits};
use crate::embeddings::Vocab;

/// Where training stood when a snapshot was taken: a [`Snapshot`] without its vectors.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SnapshotMeta {
    /// Position in the run (0 = the initial vectors for runs trained here).
    pub index: usize,
    pub epoch: usize,
    pub words_processed: u64,
    pub learning_rate: f32,
    pub loss: Option<f32>,
}

impl Snapshot {
    /// Everything but the vectors.
    pub fn meta(&self) -> SnapshotMeta {
        SnapshotMeta {
            index: self.index,
            epoch: self.epoch,
            words_processed: self.words_processed,
            learning_rate: self.learning_rate,
            loss: self.loss,
        }
    }

    /// A snapshot from its description and its vectors (one row per snapshot word).
    pub fn from_meta(meta: SnapshotMeta, vectors: Array2<f32>) -> Snapshot {
        Snapshot {
            index: meta.index,
            epoch: meta.epoch,
            words_processed: meta.words_processed,
            learning_rate: meta.learning_rate,
            loss: meta.loss,
            vectors,
        }
    }

    /// The description and the vectors, without copying the vectors.
    pub fn into_parts(self) -> (SnapshotMeta, Array2<f32>) {
        let meta = self.meta();
        (meta, self.vectors)
    }
}

impl Timeline {
    /// The one way to build a timeline in memory: `words` in snapshot row order, the run's
    /// parameters as JSON, and the snapshots in play order. Fails if a snapshot does not have
    /// one row per word, or its dimension differs from the first one's.
    pub fn assemble(
        words: Vec<String>,
        params_json: String,
        snapshots: impl IntoIterator<Item = Snapshot>,
    ) -> Result<Timeline, AssembleError> {
        let snapshots: Vec<Snapshot> = snapshots.into_iter().collect();
        check_fits(words.len(), &snapshots)?;
        Ok(Timeline {
            words,
            params_json,
            snapshots,
        })
    }
}

/// The words whose vectors a run's snapshots carry, in snapshot row order, from the
/// `TrainEvent::Started` fields (rows outside the vocabulary are skipped).
pub fn snapshot_words(vocab: &Vocab, snapshot_rows: &[usize]) -> Vec<String> {
    snapshot_rows
        .iter()
        .filter_map(|&row| vocab.word(row).map(str::to_owned))
        .collect()
}

/// Keeps what a run reports that a timeline needs: feed it every [`TrainEvent`], then
/// [`TimelineRecorder::finish`].
#[derive(Debug, Default)]
pub struct TimelineRecorder {
    words: Vec<String>,
    snapshots: Vec<Snapshot>,
}

impl TimelineRecorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the snapshot words (`Started`) and a copy of every `Snapshot`; ignores the rest.
    pub fn observe(&mut self, event: &TrainEvent) {
        match event {
            TrainEvent::Started {
                vocab,
                snapshot_rows,
                ..
            } => {
                self.words = snapshot_words(vocab, snapshot_rows);
            }
            TrainEvent::Snapshot(snapshot) => self.snapshots.push((**snapshot).clone()),
            _ => {}
        }
    }

    /// Snapshots recorded so far.
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// The recorded run as a timeline with these parameters (`serde_json` of the config).
    pub fn finish(self, params_json: String) -> Result<Timeline, AssembleError> {
        Timeline::assemble(self.words, params_json, self.snapshots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn snapshot(index: usize, rows: usize, dim: usize) -> Snapshot {
        Snapshot {
            index,
            epoch: index / 2,
            words_processed: 100 * index as u64,
            learning_rate: 0.025 / (index + 1) as f32,
            loss: (index > 0).then_some(1.0 / index as f32),
            vectors: Array2::from_shape_fn((rows, dim), |(r, c)| (r * dim + c + index) as f32),
        }
    }

    #[test]
    fn meta_and_vectors_convert_both_ways() {
        let s = snapshot(3, 2, 4);
        let meta = s.meta();
        assert_eq!((meta.index, meta.epoch, meta.words_processed), (3, 1, 300));
        assert_eq!(meta.loss, s.loss);
        assert_eq!(Snapshot::from_meta(meta, s.vectors.clone()), s);
        let (meta, vectors) = s.clone().into_parts();
        assert_eq!(Snapshot::from_meta(meta, vectors), s);
    }

    #[test]
    fn assemble_rejects_snapshots_that_do_not_fit() {
        let words: Vec<String> = vec!["a".into(), "b".into()];
        let ok = Timeline::assemble(
            words.clone(),
            "{}".into(),
            [snapshot(0, 2, 3), snapshot(1, 2, 3)],
        )
        .unwrap();
        assert_eq!(ok.snapshots.len(), 2);

        let err = Timeline::assemble(
            words.clone(),
            "{}".into(),
            [snapshot(0, 2, 3), snapshot(5, 3, 3)],
        )
        .unwrap_err();
        assert_eq!(
            err,
            AssembleError::Shape {
                position: 1,
                index: 5,
                rows: 3,
                dim: 3,
                expected_rows: 2,
                expected_dim: 3
            }
        );
        let err = Timeline::assemble(words, "{}".into(), [snapshot(0, 2, 3), snapshot(1, 2, 4)])
            .unwrap_err();
        assert!(err.to_string().contains("2x4, expected 2x3"), "{err}");
    }

    #[test]
    fn recorder_keeps_words_and_snapshots_of_a_run() {
        let vocab = Vocab::new(vec!["the".into(), "cat".into(), "sat".into()]).unwrap();
        let mut recorder = TimelineRecorder::new();
        recorder.observe(&TrainEvent::Started {
            vocab,
            snapshot_rows: vec![2, 0, 7],
            total_words: 10,
        });
        recorder.observe(&TrainEvent::Snapshot(Arc::new(snapshot(0, 2, 3))));
        recorder.observe(&TrainEvent::EpochFinished {
            epoch: 0,
            loss: None,
        });
        recorder.observe(&TrainEvent::Snapshot(Arc::new(snapshot(1, 2, 3))));
        assert_eq!(recorder.snapshot_count(), 2);
        let timeline = recorder.finish("{\"dim\":3}".into()).unwrap();
        assert_eq!(timeline.words, vec!["sat".to_owned(), "the".to_owned()]);
        assert_eq!(timeline.snapshots[1], snapshot(1, 2, 3));
        assert_eq!(timeline.params_json, "{\"dim\":3}");
    }
}
