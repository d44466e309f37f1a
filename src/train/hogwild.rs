//! Lock-free ("hogwild") shared access to the two weight matrices from all worker threads.
//!
//! word2vec, gensim and fastText all let threads update rows without locks: collisions are rare
//! (a row is touched only when its word occurs) and a lost or torn update is just noise in SGD.
//! Rust has no safe way to express that, so [`SharedMatrix`] hands out row slices from a raw
//! pointer. The matrix is owned by the coordinator, which only reads it while no worker runs.

use std::marker::PhantomData;

/// A `rows x dim` row-major `f32` matrix that several threads may read and write concurrently.
pub struct SharedMatrix<'a> {
    ptr: *mut f32,
    rows: usize,
    dim: usize,
    _borrow: PhantomData<&'a mut [f32]>,
}

// SAFETY: the pointer comes from a `&'a mut [f32]` that outlives every worker (they run inside
// `std::thread::scope`). Concurrent row access is the deliberate hogwild race described in the
// module docs: all values are plain `f32`, so a racing read sees some old or new value (or, on
// the rare collision, an update is lost), never invalid memory.
unsafe impl Send for SharedMatrix<'_> {}
unsafe impl Sync for SharedMatrix<'_> {}

impl<'a> SharedMatrix<'a> {
    pub fn new(data: &'a mut [f32], dim: usize) -> Self {
        let rows = data.len().checked_div(dim).unwrap_or(0);
        Self {
            ptr: data.as_mut_ptr(),
            rows,
            dim,
            _borrow: PhantomData,
        }
    }

    /// Row `row` as a mutable slice; `None` when out of range.
    ///
    /// Returned slices of different calls may alias (same row from two threads, or the same row
    /// twice when a word is its own context): callers never hold two slices of the SAME matrix at
    /// once within one thread, and cross-thread aliasing is the accepted hogwild race.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub fn row(&self, row: usize) -> Option<&mut [f32]> {
        if row >= self.rows {
            return None;
        }
        // SAFETY: `row * dim .. row * dim + dim` lies inside the borrowed buffer (checked above);
        // aliasing is the hogwild race documented on the type and in `unsafe impl Sync`.
        Some(unsafe { std::slice::from_raw_parts_mut(self.ptr.add(row * self.dim), self.dim) })
    }

    /// Hints the CPU to start loading row `row` into cache (no effect when out of range or on
    /// other architectures).
    #[inline(always)]
    pub fn prefetch(&self, row: usize) {
        #[cfg(target_arch = "x86_64")]
        if row < self.rows {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let start = row * self.dim;
            let mut off = 0;
            while off < self.dim {
                // SAFETY: the address lies inside the borrowed buffer (row checked above);
                // a prefetch never faults and does not access memory architecturally.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(self.ptr.add(start + off) as *const i8) };
                off += 16; // one 64-byte cache line of f32
            }
        }
    }
}
