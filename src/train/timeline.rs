//! Timeline files: a whole run (snapshot words, parameters, every snapshot) in one compact,
//! versioned, little-endian binary file, so the viewer can replay it without retraining.
//!
//! Layout (all integers little-endian):
//! ```text
//! "ESTL"  u32 version (=1)  u8 precision (0 = f32, 1 = f16)  u8[3] reserved (0)
//! sections, each: [u8; 4] tag, u64 payload length, payload
//!   "WORD": u32 dim, u64 count, then per word: u32 byte length, UTF-8 bytes
//!   "PARM": UTF-8 JSON of the run's parameters: the `TrainConfig` for runs trained here, a
//!           `CheckpointParams` (frame names) for timelines built from other tools' vector files
//!   "SNAP": u64 index, u64 epoch, u64 words_processed, f32 learning_rate, u8 has_loss,
//!           f32 loss, then words x dim values (f32 or f16)
//!   "END!": empty; must be last
//! ```
//! Unknown section tags are skipped, so later versions can add sections without breaking readers.
//!
//! The [`Timeline`] type lives here with the one shape rule every timeline keeps ([`check_fits`]:
//! one row per word, one dimension), so saving checks it and `timeline_assemble` builds on it
//! without the two files importing each other.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use half::f16;
use ndarray::Array2;

use super::events::Snapshot;
use crate::atomic_file::write_atomically;

const MAGIC: &[u8; 4] = b"ESTL";
/// The format version this code writes and reads.
pub const TIMELINE_VERSION: u32 = 1;

/// How snapshot vectors are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    /// Half the size; about 3 significant digits, plenty for display.
    F16,
}

/// A saved run.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The snapshot words, in snapshot row order.
    pub words: Vec<String>,
    /// `serde_json` of the `TrainConfig` used, or of the `CheckpointParams` for a timeline
    /// built from vector files (see [`Timeline::frame_names`]).
    pub params_json: String,
    pub snapshots: Vec<Snapshot>,
}

/// A timeline whose snapshots do not fit its word list.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssembleError {
    #[error(
        "snapshot {position} (index {index}) is {rows}x{dim}, expected {expected_rows}x{expected_dim} \
         (one row per word, the dimension of the first snapshot)"
    )]
    Shape {
        /// 0-based position in the list of snapshots.
        position: usize,
        index: usize,
        rows: usize,
        dim: usize,
        expected_rows: usize,
        expected_dim: usize,
    },
}

/// Every snapshot has `word_count` rows and the first snapshot's dimension.
pub(crate) fn check_fits(word_count: usize, snapshots: &[Snapshot]) -> Result<(), AssembleError> {
    let expected_dim = snapshots.first().map_or(0, |s| s.vectors.ncols());
    for (position, s) in snapshots.iter().enumerate() {
        let (rows, dim) = s.vectors.dim();
        if rows != word_count || dim != expected_dim {
            return Err(AssembleError::Shape {
                position,
                index: s.index,
                rows,
                dim,
                expected_rows: word_count,
                expected_dim,
            });
        }
    }
    Ok(())
}

/// Problems reading or writing a timeline file; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    // The I/O error is in the message, not a `source`, so chain printers do not repeat it.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: io::Error },
    #[error("{path} is not an embedscape timeline (bad magic bytes)")]
    BadMagic { path: PathBuf },
    #[error(
        "{path}: unsupported timeline version {version} (this build reads version {TIMELINE_VERSION})"
    )]
    UnsupportedVersion { path: PathBuf, version: u32 },
    #[error("{path} is truncated (needed {needed} more bytes at offset {offset})")]
    Truncated {
        path: PathBuf,
        offset: usize,
        needed: usize,
    },
    #[error("{path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot save timeline {path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

impl Timeline {
    /// Writes the file atomically.
    pub fn save(&self, path: &Path, precision: Precision) -> Result<(), TimelineError> {
        check_fits(self.words.len(), &self.snapshots).map_err(|e| TimelineError::Invalid {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let dim = self.snapshots.first().map_or(0, |s| s.vectors.ncols());
        write_atomically(path, |w| {
            w.write_all(MAGIC)?;
            w.write_all(&TIMELINE_VERSION.to_le_bytes())?;
            w.write_all(&[precision_flag(precision), 0, 0, 0])?;
            let mut words = Vec::new();
            words.extend_from_slice(&(dim as u32).to_le_bytes());
            words.extend_from_slice(&(self.words.len() as u64).to_le_bytes());
            for word in &self.words {
                words.extend_from_slice(&(word.len() as u32).to_le_bytes());
                words.extend_from_slice(word.as_bytes());
            }
            section(w, b"WORD", &words)?;
            section(w, b"PARM", self.params_json.as_bytes())?;
            for s in &self.snapshots {
                section(w, b"SNAP", &encode_snapshot(s, precision))?;
            }
            section(w, b"END!", &[])
        })
        .map_err(|error| TimelineError::Io {
            path: path.to_owned(),
            error,
        })
    }

    /// Reads a file written by [`Timeline::save`].
    pub fn load(path: &Path) -> Result<Timeline, TimelineError> {
        let bytes = std::fs::read(path).map_err(|error| TimelineError::Io {
            path: path.to_owned(),
            error,
        })?;
        Self::parse(&bytes, path)
    }

    fn parse(bytes: &[u8], path: &Path) -> Result<Timeline, TimelineError> {
        let mut r = Reader {
            bytes,
            pos: 0,
            path,
        };
        if bytes.len() < 4 || &bytes[..4] != MAGIC {
            return Err(TimelineError::BadMagic {
                path: path.to_owned(),
            });
        }
        r.pos = 4;
        let version = r.u32()?;
        if version != TIMELINE_VERSION {
            return Err(TimelineError::UnsupportedVersion {
                path: path.to_owned(),
                version,
            });
        }
        let flags = r.take(4)?;
        let precision = match flags[0] {
            0 => Precision::F32,
            1 => Precision::F16,
            other => return Err(r.corrupt(format!("unknown precision flag {other}"))),
        };
        let mut words: Option<(usize, Vec<String>)> = None;
        let mut params_json: Option<String> = None;
        let mut snapshots = Vec::new();
        loop {
            let tag: [u8; 4] = r.take(4)?.try_into().unwrap_or([0; 4]);
            let len =
                usize::try_from(r.u64()?).map_err(|_| r.corrupt("section too large".into()))?;
            let payload = r.take(len)?;
            let mut s = Reader {
                bytes: payload,
                pos: 0,
                path,
            };
            match &tag {
                b"WORD" => {
                    let dim = s.u32()? as usize;
                    let count = s.u64()?;
                    let mut list = Vec::new();
                    for _ in 0..count {
                        let n = s.u32()? as usize;
                        let w = std::str::from_utf8(s.take(n)?)
                            .map_err(|_| r.corrupt("a word is not UTF-8".into()))?;
                        list.push(w.to_owned());
                    }
                    words = Some((dim, list));
                }
                b"PARM" => {
                    let text = std::str::from_utf8(payload)
                        .map_err(|_| r.corrupt("parameters are not UTF-8".into()))?;
                    params_json = Some(text.to_owned());
                }
                b"SNAP" => {
                    let Some((dim, list)) = &words else {
                        return Err(r.corrupt("snapshot before the word list".into()));
                    };
                    snapshots.push(decode_snapshot(&mut s, list.len(), *dim, precision)?);
                }
                b"END!" => break,
                _ => {} // a section from a newer writer: skip it
            }
        }
        let (_, words) = words.ok_or_else(|| r.corrupt("no word list".into()))?;
        let params_json = params_json.ok_or_else(|| r.corrupt("no parameters".into()))?;
        Ok(Timeline {
            words,
            params_json,
            snapshots,
        })
    }
}

fn precision_flag(p: Precision) -> u8 {
    match p {
        Precision::F32 => 0,
        Precision::F16 => 1,
    }
}

fn section(w: &mut impl Write, tag: &[u8; 4], payload: &[u8]) -> io::Result<()> {
    w.write_all(tag)?;
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)
}

fn encode_snapshot(s: &Snapshot, precision: Precision) -> Vec<u8> {
    let width = if precision == Precision::F32 { 4 } else { 2 };
    let mut out = Vec::with_capacity(37 + s.vectors.len() * width);
    out.extend_from_slice(&(s.index as u64).to_le_bytes());
    out.extend_from_slice(&(s.epoch as u64).to_le_bytes());
    out.extend_from_slice(&s.words_processed.to_le_bytes());
    out.extend_from_slice(&s.learning_rate.to_le_bytes());
    out.push(u8::from(s.loss.is_some()));
    out.extend_from_slice(&s.loss.unwrap_or(0.0).to_le_bytes());
    for &v in s.vectors.iter() {
        match precision {
            Precision::F32 => out.extend_from_slice(&v.to_le_bytes()),
            Precision::F16 => out.extend_from_slice(&f16::from_f32(v).to_le_bytes()),
        }
    }
    out
}

fn decode_snapshot(
    s: &mut Reader<'_>,
    rows: usize,
    dim: usize,
    precision: Precision,
) -> Result<Snapshot, TimelineError> {
    let index = s.u64()? as usize;
    let epoch = s.u64()? as usize;
    let words_processed = s.u64()?;
    let learning_rate = f32::from_le_bytes(s.array()?);
    let has_loss = s.take(1)?[0] != 0;
    let loss_value = f32::from_le_bytes(s.array()?);
    let n = rows
        .checked_mul(dim)
        .ok_or_else(|| s.corrupt("snapshot too large".into()))?;
    let values: Vec<f32> = match precision {
        Precision::F32 => s
            .take(n * 4)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        Precision::F16 => s
            .take(n * 2)?
            .chunks_exact(2)
            .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
    };
    let vectors = Array2::from_shape_vec((rows, dim), values)
        .map_err(|e| s.corrupt(format!("snapshot shape: {e}")))?;
    Ok(Snapshot {
        index,
        epoch,
        words_processed,
        learning_rate,
        loss: has_loss.then_some(loss_value),
        vectors,
    })
}

/// Bounds-checked little-endian reading that reports truncation with the file name.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TimelineError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let out = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(out)
            }
            None => Err(TimelineError::Truncated {
                path: self.path.to_owned(),
                offset: self.pos,
                needed: n - (self.bytes.len() - self.pos).min(n),
            }),
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], TimelineError> {
        let s = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, TimelineError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, TimelineError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn corrupt(&self, reason: String) -> TimelineError {
        TimelineError::Corrupt {
            path: self.path.to_owned(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Timeline {
        let snap = |i: usize| Snapshot {
            index: i,
            epoch: i / 2,
            words_processed: 1000 * i as u64,
            learning_rate: 0.025 - 0.001 * i as f32,
            loss: (i > 0).then_some(2.5 / (i as f32 + 1.0)),
            vectors: Array2::from_shape_fn((3, 4), |(r, c)| {
                (r as f32 - c as f32 * 0.37) / (i + 1) as f32
            }),
        };
        Timeline {
            words: vec!["the".into(), "巴黎".into(), "x".into()],
            params_json: r#"{"dim":4}"#.into(),
            snapshots: (0..3).map(snap).collect(),
        }
    }

    #[test]
    fn round_trip_f32_exact_and_f16_close() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.timeline");
        let t = sample();
        t.save(&path, Precision::F32).unwrap();
        assert_eq!(Timeline::load(&path).unwrap(), t);
        t.save(&path, Precision::F16).unwrap();
        let back = Timeline::load(&path).unwrap();
        assert_eq!(back.words, t.words);
        assert_eq!(back.params_json, t.params_json);
        for (a, b) in back.snapshots.iter().zip(&t.snapshots) {
            assert_eq!(
                (a.index, a.epoch, a.words_processed, a.loss),
                (b.index, b.epoch, b.words_processed, b.loss)
            );
            for (x, y) in a.vectors.iter().zip(b.vectors.iter()) {
                assert!((x - y).abs() <= 1e-3 * y.abs().max(1.0), "{x} vs {y}");
            }
        }
    }

    #[test]
    fn corrupted_files_are_rejected_with_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.timeline");
        sample().save(&path, Precision::F32).unwrap();
        let good = std::fs::read(&path).unwrap();

        let mut bad = good.clone();
        bad[0] = b'X';
        std::fs::write(&path, &bad).unwrap();
        let err = Timeline::load(&path).unwrap_err();
        assert!(matches!(err, TimelineError::BadMagic { .. }), "{err}");
        assert!(err.to_string().contains("run.timeline"));

        let mut bad = good.clone();
        bad[4] = 99;
        std::fs::write(&path, &bad).unwrap();
        assert!(matches!(
            Timeline::load(&path),
            Err(TimelineError::UnsupportedVersion { version: 99, .. })
        ));

        for cut in [good.len() - 1, good.len() / 2, 10] {
            std::fs::write(&path, &good[..cut]).unwrap();
            let err = Timeline::load(&path).unwrap_err();
            assert!(
                matches!(err, TimelineError::Truncated { .. }),
                "cut {cut}: {err}"
            );
            assert!(err.to_string().contains("run.timeline"));
        }
    }
}
