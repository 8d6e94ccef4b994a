//! The C allocator's settings for a long-running monitor (glibc only).
//!
//! Two of glibc malloc's defaults cost a monitor of 10 000 lots memory it
//! never gives back (measured, BENCHMARKS.md):
//! - the mmap threshold rises to the size of the largest block freed (up to
//!   32 MiB), so after the first snapshot the next big vectors come from the
//!   heap: growing one copies it, and a freed one stays resident. Fixed at
//!   128 KiB, big blocks are always mapped: they grow in place (`mremap`)
//!   and go back to the system when freed.
//! - each new thread gets an arena of its own (up to eight per core), and
//!   memory freed in one is not reused by another: the snapshot decoded on a
//!   blocking thread left its scratch in one arena while the app built its
//!   index in another. One arena serves the screen, the runtime's two
//!   workers, its blocking threads and the journal's: they seldom allocate
//!   at the same instant (main's 10 000-lot day: 41.7 -> 40.7 MB peak with
//!   `MALLOC_ARENA_MAX=1`).

/// Applies the settings; call before the first thread is spawned. A
/// setting the user gave glibc in the environment (`MALLOC_ARENA_MAX`,
/// `MALLOC_MMAP_THRESHOLD_`) is left as given.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let unset = |name: &str| std::env::var_os(name).is_none();
        // SAFETY: `mallopt` only sets one of the allocator's parameters; it
        // runs before any other thread exists, so nothing allocates at the
        // same time.
        #[allow(unsafe_code)]
        unsafe {
            if unset("MALLOC_MMAP_THRESHOLD_") {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            }
            if unset("MALLOC_ARENA_MAX") {
                libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
            }
        }
    }
}

/// Blocks of this size and above are mapped on their own.
pub const MMAP_THRESHOLD: i32 = 128 * 1024;
/// Arenas at most.
pub const ARENA_MAX: i32 = 1;
