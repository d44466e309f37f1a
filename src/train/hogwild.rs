//! The ONE place where worker threads share the weight matrices ("hogwild" SGD), and the row
//! handles through which the kernels read and write them.
//!
//! word2vec, gensim and fastText all let threads update rows without locks: collisions are rare
//! (a row is touched only when its word occurs) and a lost or torn update is just noise in SGD.
//!
//! How this stays within Rust's rules as far as possible:
//! * [`HogwildMatrix`] takes the matrix as one `&'a mut [f32]` (so nothing else can touch it for
//!   `'a`) and keeps only the raw pointer derived from it. It never hands out `&`/`&mut`
//!   slices of the shared memory: rows are [`RowMut`] handles (pointer + length), and the
//!   kernels access them only with raw-pointer loads and stores. So no two `&mut [f32]` to the
//!   same memory ever exist, and the compiler is never told that a row is unaliased or
//!   unchanging (no `noalias` assumption can be broken).
//! * Thread-local buffers (`work`, `neu1`) are passed as the same handle types, made from
//!   ordinary borrows ([`RowMut::from_slice`], [`RowRef::from_slice`]), which keep the borrow
//!   alive for as long as the handle.
//! * Every handle's pointer is in bounds for its length for its whole lifetime: rows come from
//!   bounds-checked [`HogwildMatrix::row`], and the lifetime ties them to the matrix borrow,
//!   which outlives all workers (they run inside `std::thread::scope`).
//!
//! What remains is the deliberate race itself: two threads may load and store the same `f32`
//! at the same time with plain (non-atomic) accesses. In the C++/Rust memory model that is a
//! data race, formally undefined behaviour, though harmless on the hardware in practice (each
//! racing read sees an old or a new value of an element, a racing update may be lost, and every
//! bit pattern is a valid `f32`). It is kept on purpose: relaxed atomics would make it fully
//! defined, but Rust cannot vectorise atomic accesses, and the SIMD kernels are the trainer's
//! speed. The race is confined to the kernels' pointer accesses through [`RowMut`]/[`RowRef`]
//! handles from this module, and no kernel relies on a shared value staying unchanged between
//! two of its accesses (results are only ever stored back, never used to index or size).
//!
//! The contract is in the types: a handle to a shared row comes only from the `unsafe`
//! [`HogwildMatrix::row`], whose `# Safety` section is what each caller promises (and says so in
//! a `// SAFETY:` comment at the call); handles to thread-local buffers come from safe borrows.
//!
//! Checking: Miri and ThreadSanitizer need a nightly toolchain, which this project does not use
//! (stable only). Instead the cargo feature `atomic-hogwild` swaps every access to the weights
//! for a relaxed atomic one ([`load`], [`store`]: `AtomicU32` loads and stores of the `f32`'s
//! bits, so the race is defined behaviour: each read sees some value a thread stored) and trains
//! with the element-by-element `kernels::RelaxedAtomic`; the training code itself is the same.
//! `train::tests` then runs in that build too (CI does), and checks that its results stay
//! within the noise of the plain build's; a many-thread stress test checks finite results and
//! falling loss, and a 1-thread run is bit-for-bit reproducible, in both builds.

use std::marker::PhantomData;

/// A `rows x dim` row-major `f32` matrix that several threads may read and write concurrently.
pub struct HogwildMatrix<'a> {
    ptr: *mut f32,
    rows: usize,
    dim: usize,
    _borrow: PhantomData<&'a mut [f32]>,
}

// SAFETY: the pointer comes from a `&'a mut [f32]` held (exclusively) for `'a`, which outlives
// every worker (they run inside `std::thread::scope`). Threads only obtain `RowMut` handles and
// access them through raw pointers: the concurrent access is the hogwild race documented in the
// module docs (plain `f32` values, in bounds; no references to shared memory are formed).
unsafe impl Send for HogwildMatrix<'_> {}
// SAFETY: as for `Send` above.
unsafe impl Sync for HogwildMatrix<'_> {}

impl<'a> HogwildMatrix<'a> {
    pub fn new(data: &'a mut [f32], dim: usize) -> Self {
        let rows = data.len().checked_div(dim).unwrap_or(0);
        Self {
            ptr: data.as_mut_ptr(),
            rows,
            dim,
            _borrow: PhantomData,
        }
    }

    /// A handle to row `row`; `None` when out of range. The handle is in bounds for the
    /// matrix's lifetime; what makes obtaining it `unsafe` is that other threads hold handles
    /// to the same rows and use them at the same time.
    ///
    /// # Safety
    ///
    /// The caller promises, for the handle and every copy made of it (a `RowRef` too):
    /// * it is used only through the kernels of `train::kernels` (raw-pointer loads and stores
    ///   of `f32`, or [`load`]/[`store`]), and never turned into a `&[f32]` or `&mut [f32]`:
    ///   a reference would tell the compiler that nobody else writes the row while it lives;
    /// * no value read through it is relied on to stay the same until a later access, or used
    ///   as an index, a length or a pointer (another thread may have changed it): values read
    ///   are only computed with and stored back;
    /// * without the `atomic-hogwild` feature, the caller accepts the hogwild race of the module
    ///   docs: another thread may load and store the same element at the same moment with
    ///   plain accesses, a data race that is only sound in practice (every bit pattern is a
    ///   valid `f32`, each aligned 4-byte access is whole on every supported CPU). With the
    ///   feature, every access is a relaxed atomic one and there is no data race.
    #[inline(always)]
    pub unsafe fn row(&self, row: usize) -> Option<RowMut<'_>> {
        if row >= self.rows {
            return None;
        }
        Some(RowMut {
            // SAFETY: `row * dim .. row * dim + dim` lies inside the borrowed buffer (checked
            // above), so the offset pointer stays in the same allocation.
            ptr: unsafe { self.ptr.add(row * self.dim) },
            len: self.dim,
            _life: PhantomData,
        })
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

/// Reads one element of a row handle: a plain load, or with the `atomic-hogwild` feature a
/// relaxed atomic one (the `f32`'s bits through `AtomicU32`).
///
/// # Safety
/// `p` is valid for reads of one `f32` (inside a handle, by its invariant) and 4-byte aligned
/// (every `f32` is); with the feature, every concurrent access to it is atomic too (the
/// kernels' only are).
#[inline(always)]
pub unsafe fn load(p: *const f32) -> f32 {
    #[cfg(feature = "atomic-hogwild")]
    {
        use std::sync::atomic::{AtomicU32, Ordering};
        // SAFETY: valid and aligned (the contract; `f32` and `u32` share size and alignment);
        // concurrent accesses are atomic, so the shared `&AtomicU32` is sound.
        f32::from_bits(
            unsafe { AtomicU32::from_ptr(p.cast_mut().cast::<u32>()) }.load(Ordering::Relaxed),
        )
    }
    #[cfg(not(feature = "atomic-hogwild"))]
    // SAFETY: valid for reads (the contract); the hogwild race of the module docs.
    unsafe {
        p.read()
    }
}

/// Writes one element of a row handle: a plain store, or with the `atomic-hogwild` feature a
/// relaxed atomic one.
///
/// # Safety
/// `p` is valid for writes of one `f32` and 4-byte aligned; with the feature, every concurrent
/// access to it is atomic too.
#[inline(always)]
pub unsafe fn store(p: *mut f32, value: f32) {
    #[cfg(feature = "atomic-hogwild")]
    {
        use std::sync::atomic::{AtomicU32, Ordering};
        // SAFETY: as in `load`.
        unsafe { AtomicU32::from_ptr(p.cast::<u32>()) }.store(value.to_bits(), Ordering::Relaxed);
    }
    #[cfg(not(feature = "atomic-hogwild"))]
    // SAFETY: valid for writes (the contract); the hogwild race of the module docs.
    unsafe {
        p.write(value)
    }
}

/// A writable vector of `len` `f32`: a shared matrix row, or a thread-local buffer.
///
/// Invariant (what the kernels rely on): `ptr` is valid for reads and writes of `len` `f32`
/// for `'a`, and the memory is accessed only through raw pointers while the handle exists.
#[derive(Debug, Clone, Copy)]
pub struct RowMut<'a> {
    ptr: *mut f32,
    len: usize,
    _life: PhantomData<&'a mut [f32]>,
}

impl<'a> RowMut<'a> {
    /// A thread-local buffer; the exclusive borrow lasts as long as the handle.
    #[inline(always)]
    pub fn from_slice(values: &'a mut [f32]) -> Self {
        Self {
            ptr: values.as_mut_ptr(),
            len: values.len(),
            _life: PhantomData,
        }
    }

    #[inline(always)]
    pub fn as_ptr(self) -> *mut f32 {
        self.ptr
    }

    #[inline(always)]
    pub fn len(self) -> usize {
        self.len
    }
}

/// A read-only vector of `len` `f32`: a shared matrix row (read while others may write it), or
/// a thread-local buffer. Invariant: `ptr` is valid for reads of `len` `f32` for `'a`.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    ptr: *const f32,
    len: usize,
    _life: PhantomData<&'a [f32]>,
}

impl<'a> RowRef<'a> {
    #[inline(always)]
    pub fn from_slice(values: &'a [f32]) -> Self {
        Self {
            ptr: values.as_ptr(),
            len: values.len(),
            _life: PhantomData,
        }
    }

    #[inline(always)]
    pub fn as_ptr(self) -> *const f32 {
        self.ptr
    }

    #[inline(always)]
    pub fn len(self) -> usize {
        self.len
    }
}

impl<'a> From<RowMut<'a>> for RowRef<'a> {
    #[inline(always)]
    fn from(row: RowMut<'a>) -> Self {
        Self {
            ptr: row.ptr,
            len: row.len,
            _life: PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_bounds_checked_views_of_the_buffer() {
        let mut data: Vec<f32> = (0..12).map(|i| i as f32).collect();
        {
            let m = HogwildMatrix::new(&mut data, 4);
            // SAFETY: (every `row` here) one thread, and the handles are used only through
            // `load`/`store` and raw pointers.
            assert!(unsafe { m.row(3) }.is_none());
            // SAFETY: as above.
            let r = unsafe { m.row(2) }.unwrap();
            assert_eq!(r.len(), 4);
            // SAFETY: in bounds (len 4), single-threaded test.
            unsafe { store(r.as_ptr().add(3), -1.0) };
            // SAFETY: as above.
            let read = RowRef::from(unsafe { m.row(1) }.unwrap());
            // SAFETY: as above.
            assert_eq!(unsafe { load(read.as_ptr()) }, 4.0);
        }
        assert_eq!(data[11], -1.0);
        let empty = HogwildMatrix::new(&mut [], 0);
        // SAFETY: as above.
        assert!(unsafe { empty.row(0) }.is_none());
    }
}
