//! What a training run needs in memory, estimated once the vocabulary is known and before the
//! big matrices are allocated, and what the process may still take: a run that cannot fit is
//! refused at once with the bytes it needs and what they are for, instead of aborting on a
//! failed allocation minutes later. Allocations of the matrices themselves are fallible
//! ([`try_filled`]), so one that fails anyway becomes an error too.
//!
//! What the process may take is the smaller of the memory the system says is available
//! (`MemAvailable` in `/proc/meminfo`) and the room left under the address-space limit
//! (`ulimit -v`: the soft `Max address space` in `/proc/self/limits` less `VmSize` in
//! `/proc/self/status`). Where those files do not exist, nothing is refused up front.

use crate::embeddings::formats::batch_text_bytes;
use crate::numbers::group_digits;

use super::error::TrainError;

/// One item of an estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryPart {
    /// What it is for, with the sizes it is made of ("input vectors (768 words x 100000
    /// dimensions x 4 bytes)").
    pub what: String,
    pub bytes: u64,
}

/// The memory a run will allocate, item by item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryEstimate {
    pub parts: Vec<MemoryPart>,
}

/// The shape of a run, as far as memory goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunShape {
    pub vocab_words: usize,
    pub dim: usize,
    pub threads: usize,
    /// Rows each snapshot copies.
    pub snapshot_rows: usize,
    /// Snapshots the caller keeps (0 when it keeps none: only one exists at a time).
    pub snapshots_kept: u64,
}

impl MemoryEstimate {
    /// The allocations of a run of `shape`: input and output matrices, the workers' buffers,
    /// the snapshots (those kept, or the one being handed over) and the text of one write
    /// batch of the result.
    pub fn for_run(shape: &RunShape) -> Self {
        let RunShape {
            vocab_words,
            dim,
            threads,
            snapshot_rows,
            snapshots_kept,
        } = *shape;
        let matrix_bytes = (vocab_words as u64)
            .saturating_mul(dim as u64)
            .saturating_mul(4);
        let shape = format!("{vocab_words} words x {dim} dimensions x 4 bytes");
        let snapshot_bytes = (snapshot_rows as u64)
            .saturating_mul(dim as u64)
            .saturating_mul(4);
        let snapshots = if snapshots_kept > 0 {
            MemoryPart {
                what: format!(
                    "{snapshots_kept} snapshots kept ({snapshot_rows} words x {dim} dimensions \
                     x 4 bytes each)"
                ),
                bytes: snapshot_bytes.saturating_mul(snapshots_kept),
            }
        } else {
            MemoryPart {
                what: format!("one snapshot at a time, none kept ({snapshot_rows} words)"),
                bytes: snapshot_bytes,
            }
        };
        let parts = vec![
            MemoryPart {
                what: format!("input vectors ({shape})"),
                bytes: matrix_bytes,
            },
            MemoryPart {
                what: format!("output weights ({shape})"),
                bytes: matrix_bytes,
            },
            MemoryPart {
                what: format!("worker buffers ({threads} threads)"),
                bytes: (threads as u64).saturating_mul(2 * 4 * dim as u64),
            },
            snapshots,
            MemoryPart {
                what: "one batch of formatted output".to_owned(),
                bytes: batch_text_bytes(dim),
            },
        ];
        Self { parts }
    }

    pub fn total_bytes(&self) -> u64 {
        self.parts
            .iter()
            .fold(0u64, |sum, part| sum.saturating_add(part.bytes))
    }

    /// "input vectors (…) 307,200,000 bytes + output weights (…) 307,200,000 bytes + …",
    /// largest parts first, parts under 1 MB left out.
    pub fn describe(&self) -> String {
        let mut parts: Vec<&MemoryPart> = self
            .parts
            .iter()
            .filter(|part| part.bytes >= 1_000_000)
            .collect();
        parts.sort_by_key(|part| std::cmp::Reverse(part.bytes));
        parts
            .iter()
            .map(|part| format!("{} {} bytes", part.what, group_bytes(part.bytes)))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// Refuses the run when it needs more than `available` (see [`available_memory`]).
    pub fn check(&self, available: Option<Available>) -> Result<(), TrainError> {
        match available {
            Some(available) if self.total_bytes() > available.bytes => {
                Err(TrainError::OutOfMemory {
                    needed: group_bytes(self.total_bytes()),
                    parts: self.describe(),
                    available: group_bytes(available.bytes),
                    limit: available.limit,
                })
            }
            _ => Ok(()),
        }
    }
}

fn group_bytes(bytes: u64) -> String {
    group_digits(usize::try_from(bytes).unwrap_or(usize::MAX))
}

/// Memory the process may still allocate, and what limits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Available {
    pub bytes: u64,
    /// "available memory" or "the address-space limit (ulimit -v)".
    pub limit: &'static str,
}

/// What this process may still allocate (see the module docs); `None` when the system does
/// not say.
pub fn available_memory() -> Option<Available> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let system = read("/proc/meminfo")
        .and_then(|text| kib_field(&text, "MemAvailable:"))
        .map(|bytes| Available {
            bytes,
            limit: "available memory",
        });
    let address_space = read("/proc/self/limits")
        .and_then(|text| address_space_limit(&text))
        .and_then(|limit| {
            let used = read("/proc/self/status").and_then(|text| kib_field(&text, "VmSize:"))?;
            Some(Available {
                bytes: limit.saturating_sub(used),
                limit: "the address-space limit (ulimit -v)",
            })
        });
    [system, address_space]
        .into_iter()
        .flatten()
        .min_by_key(|available| available.bytes)
}

/// A `Name:   1234 kB` field of `/proc/meminfo` or `/proc/self/status`, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|line| line.starts_with(name))?;
    let kib: u64 = line[name.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// The soft `Max address space` of `/proc/self/limits`, in bytes; `None` when unlimited.
fn address_space_limit(text: &str) -> Option<u64> {
    let line = text
        .lines()
        .find(|line| line.starts_with("Max address space"))?;
    line["Max address space".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A vector of `len` copies of `value`, or an error naming `what` when the memory cannot be
/// had (instead of the process aborting).
pub fn try_filled(len: usize, value: f32, what: &str) -> Result<Vec<f32>, TrainError> {
    let mut values = Vec::new();
    values
        .try_reserve_exact(len)
        .map_err(|_| TrainError::Allocation {
            what: what.to_owned(),
            bytes: group_bytes((len as u64).saturating_mul(4)),
        })?;
    values.resize(len, value);
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(snapshots_kept: u64) -> RunShape {
        RunShape {
            vocab_words: 768,
            dim: 100_000,
            threads: 2,
            snapshot_rows: 1,
            snapshots_kept,
        }
    }

    #[test]
    fn estimate_counts_the_matrices_and_only_the_snapshots_kept() {
        let none_kept = MemoryEstimate::for_run(&shape(0));
        let matrices = 2 * 768 * 100_000 * 4;
        let one_snapshot = 100_000 * 4;
        let buffers = 2 * 2 * 4 * 100_000;
        let output = batch_text_bytes(100_000);
        assert_eq!(
            none_kept.total_bytes(),
            matrices + one_snapshot + buffers + output
        );
        let kept = MemoryEstimate::for_run(&RunShape {
            snapshot_rows: 768,
            ..shape(50)
        });
        assert_eq!(
            kept.total_bytes(),
            matrices + 50 * 768 * 100_000 * 4 + buffers + output
        );
        let described = none_kept.describe();
        assert!(
            described.starts_with(
                "input vectors (768 words x 100000 dimensions x 4 bytes) 307,200,000 bytes + \
                 output weights"
            ),
            "{described}"
        );
    }

    #[test]
    fn a_run_that_cannot_fit_is_refused_with_what_it_needs() {
        let estimate = MemoryEstimate::for_run(&shape(0));
        let small = Available {
            bytes: 400_000_000,
            limit: "the address-space limit (ulimit -v)",
        };
        let err = estimate.check(Some(small)).unwrap_err().to_string();
        assert!(err.contains("needs about 682,400,000 bytes"), "{err}");
        assert!(
            err.contains("input vectors") && err.contains("output weights"),
            "{err}"
        );
        assert!(
            err.contains("400,000,000 bytes") && err.contains("ulimit -v"),
            "{err}"
        );
        let large = Available {
            bytes: 1 << 40,
            limit: "available memory",
        };
        estimate.check(Some(large)).unwrap();
        estimate.check(None).unwrap();
    }

    #[test]
    fn proc_files_are_parsed() {
        let meminfo = "MemTotal:       16000000 kB\nMemAvailable:    3906250 kB\n";
        assert_eq!(kib_field(meminfo, "MemAvailable:"), Some(4_000_000_000));
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max stack size            8388608              unlimited            bytes\n\
                      Max address space         4096000000           unlimited            bytes\n";
        assert_eq!(address_space_limit(limits), Some(4_096_000_000));
        let unlimited =
            "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(address_space_limit(unlimited), None);
        assert!(available_memory().is_none_or(|a| a.bytes > 0));
    }

    #[test]
    fn impossible_allocations_are_errors() {
        let err = try_filled(usize::MAX / 2, 0.0, "output weights").unwrap_err();
        assert!(err.to_string().contains("output weights"), "{err}");
        assert_eq!(try_filled(3, 0.5, "x").unwrap(), [0.5; 3]);
    }
}
