//! dlmalloc as the global allocator, its system memory from `memory.grow`
//! in steps of [`crate::growth`].

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;

use dlmalloc::{Allocator, Dlmalloc};

const PAGE: usize = 64 * 1024;

/// The global allocator: `#[global_allocator] static HEAP: Heap = Heap::new();`
pub struct Heap(UnsafeCell<Dlmalloc<Memory>>);

// wasm32 without the atomics feature runs one thread: nothing is shared.
// With it (threads over a shared memory) this heap would need a lock.
#[cfg(target_feature = "atomics")]
compile_error!("prompttrace-heap has no lock: build without the atomics target feature");
unsafe impl Sync for Heap {}

impl Heap {
    pub const fn new() -> Heap {
        Heap(UnsafeCell::new(Dlmalloc::new_with_allocator(Memory)))
    }
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

unsafe impl GlobalAlloc for Heap {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).malloc(layout.size(), layout.align())
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        (*self.0.get()).free(ptr, layout.size(), layout.align())
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        (*self.0.get()).calloc(layout.size(), layout.align())
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
    }
}

/// The linear memory, as dlmalloc's source of system memory. It only
/// grows: wasm cannot give memory back.
struct Memory;

unsafe impl Allocator for Memory {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let needed = size.div_ceil(PAGE);
        let wanted = crate::growth(needed, wasm32::memory_size(0));
        // Near the 4 GiB limit the step may not fit when the need does.
        for pages in [wanted, needed] {
            let before = wasm32::memory_grow(0, pages);
            if before == usize::MAX {
                continue;
            }
            let base = before * PAGE;
            let size = pages * PAGE;
            // The last bytes of the address space stay unused: a pointer
            // may not wrap around to 0 (as std's wasm dlmalloc does).
            let size = match base.wrapping_add(size) {
                0 => size - 16,
                _ => size,
            };
            return (base as *mut u8, size, 0);
        }
        (ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}
