// The wasm module's operator new and delete: free lists by size in front of malloc.
//
// Theory of operation. Almost every allocation the core makes is small and lives for one
// exchange: JSON nodes and their member vectors, strings, coroutine frames. dlmalloc spent
// about an eighth of a link create's wasm time on them. Here a request of up to kMaxSmall
// bytes is rounded up to a multiple of kGranule, and each multiple is a class with its own
// list of free blocks. A class carves new blocks from spans of kSpanBytes taken from
// malloc and aligned to their size, so a block's span, and with it its class, is its
// address shifted right by kSpanShift: one byte per span of the 32-bit address space
// records the class (0: not a span, the block came from malloc). delete pushes the block
// on its class's list, and the next allocation of that size pops it (the most recently
// freed, still in cache). Blocks never go back to malloc: each list holds at most the
// class's peak. Larger requests and over-aligned ones are malloc's (libc++ sends the
// latter to aligned_alloc and free, which never see a span's block).
//
// Only the Emscripten build links this file; native builds keep the system allocator,
// which AddressSanitizer checks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kGranule = 16; // malloc's alignment, so every block keeps it
constexpr std::size_t kMaxSmall = 1024;
constexpr std::size_t kClasses = kMaxSmall / kGranule; // class c serves c * kGranule bytes
constexpr unsigned kSpanShift = 16;
constexpr std::size_t kSpanBytes = std::size_t{1} << kSpanShift;
static_assert(kClasses < 256, "a class must fit the span table's byte");
static_assert(kSpanBytes / kMaxSmall >= 16, "a span holds many blocks of the largest class");
static_assert(sizeof(void*) == 4, "the span table covers a 32-bit address space");

struct FreeBlock {
    FreeBlock* next;
};

struct SizeClass {
    FreeBlock* free = nullptr;
    char* carve = nullptr; ///< next unused byte of the class's newest span
    std::size_t left = 0;  ///< unused bytes from `carve` to the span's end
};

SizeClass classes[kClasses + 1];
std::uint8_t span_class[std::size_t{1} << (32 - kSpanShift)];

[[nodiscard]] inline std::uintptr_t span_of(const void* pointer) noexcept {
    return reinterpret_cast<std::uintptr_t>(pointer) >> kSpanShift;
}

[[nodiscard]] void* allocate(std::size_t size) noexcept {
    if (size > kMaxSmall) return std::malloc(size);
    const std::size_t c = size == 0 ? 1 : (size + kGranule - 1) / kGranule;
    SizeClass& sc = classes[c];
    if (FreeBlock* block = sc.free) {
        sc.free = block->next;
        return block;
    }
    const std::size_t bytes = c * kGranule;
    if (sc.left < bytes) {
        // The tail of the old span (less than one block) is left unused.
        void* span = std::aligned_alloc(kSpanBytes, kSpanBytes);
        if (span == nullptr) return nullptr;
        span_class[span_of(span)] = static_cast<std::uint8_t>(c);
        sc.carve = static_cast<char*>(span);
        sc.left = kSpanBytes;
    }
    void* block = sc.carve;
    sc.carve += bytes;
    sc.left -= bytes;
    return block;
}

void release(void* pointer) noexcept {
    if (pointer == nullptr) return;
    const std::uint8_t c = span_class[span_of(pointer)];
    if (c == 0) {
        std::free(pointer);
        return;
    }
    auto* block = static_cast<FreeBlock*>(pointer);
    block->next = classes[c].free;
    classes[c].free = block;
}

[[nodiscard]] void* allocate_or_trap(std::size_t size) noexcept {
    void* pointer = allocate(size);
    // Built without exceptions: out of memory traps, and the shim starts a fresh instance.
    if (pointer == nullptr) __builtin_trap();
    return pointer;
}

} // namespace

__attribute__((noinline)) void* operator new(std::size_t size) {
    return allocate_or_trap(size);
}
void* operator new[](std::size_t size) {
    return allocate_or_trap(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return allocate(size);
}
__attribute__((noinline)) void operator delete(void* pointer) noexcept {
    release(pointer);
}
void operator delete[](void* pointer) noexcept {
    release(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept {
    release(pointer);
}
void operator delete[](void* pointer, std::size_t) noexcept {
    release(pointer);
}
void operator delete(void* pointer, const std::nothrow_t&) noexcept {
    release(pointer);
}
void operator delete[](void* pointer, const std::nothrow_t&) noexcept {
    release(pointer);
}
