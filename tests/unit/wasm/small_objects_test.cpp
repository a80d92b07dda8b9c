// operator new and delete as the core uses them. In the wasm build these are the free lists
// of wasm/small_objects.cpp; natively the same checks hold for the system allocator.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace {

struct Block {
    unsigned char* bytes;
    std::size_t size;
    unsigned char fill;
};

bool keeps_fill(const Block& block) {
    for (std::size_t i = 0; i < block.size; ++i)
        if (block.bytes[i] != block.fill) return false;
    return true;
}

Block allocate_filled(std::size_t size, unsigned char fill) {
    auto* bytes = static_cast<unsigned char*>(::operator new(size));
    std::memset(bytes, fill, size);
    return {bytes, size, fill};
}

} // namespace

TEST_CASE("blocks of every small size and beyond are aligned, distinct and keep their bytes",
          "[allocator]") {
    std::vector<Block> live;
    unsigned char fill = 1;
    // Every size up to past the free lists' largest class, three times over, so classes
    // carve more than one block and some fill more than one span.
    for (int round = 0; round < 3; ++round)
        for (std::size_t size = 0; size <= 1100; ++size) {
            live.push_back(allocate_filled(size, fill));
            fill = static_cast<unsigned char>(fill % 250 + 1);
        }
    for (const auto& block : live)
        CHECK(reinterpret_cast<std::uintptr_t>(block.bytes) % alignof(std::max_align_t) == 0);

    // Free every other block, then allocate the same sizes again: the freed blocks are
    // reused and must not overlap a block still in use.
    std::vector<Block> kept;
    for (std::size_t i = 0; i < live.size(); ++i) {
        if (i % 2 == 0)
            ::operator delete(live[i].bytes);
        else
            kept.push_back(live[i]);
    }
    for (std::size_t i = 0; i < live.size(); i += 2) {
        kept.push_back(allocate_filled(live[i].size, fill));
        fill = static_cast<unsigned char>(fill % 250 + 1);
    }
    std::size_t intact = 0;
    for (const auto& block : kept)
        intact += keeps_fill(block) ? 1 : 0;
    CHECK(intact == kept.size());
    for (const auto& block : kept)
        ::operator delete(block.bytes);
}

TEST_CASE("containers that grow through many sizes keep their contents", "[allocator]") {
    std::vector<std::string> strings;
    for (int i = 0; i < 2000; ++i)
        strings.push_back(
            std::string(static_cast<std::size_t>(i % 700), static_cast<char>('a' + i % 26)));
    std::size_t intact = 0;
    for (int i = 0; i < 2000; ++i)
        intact +=
            strings[static_cast<std::size_t>(i)] ==
                    std::string(static_cast<std::size_t>(i % 700), static_cast<char>('a' + i % 26))
                ? 1
                : 0;
    CHECK(intact == 2000);
}
