#pragma once
// Texts that a pure function rendered from a stored value, kept for the next request that
// reads the same value.
//
// A hot link's GET finds its stored form in the read cache (read_cache.hpp), then parses it
// and writes the API object: most of the request's core time, and the same work every time.
// Both steps depend only on the stored text and the public base URL, so the memo keys on
// exactly those, compared in full: a stored text that changed, or another base URL, simply
// misses, and nothing here needs invalidating. Bounded: kSlots entries, replaced in turn.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace paylinks::engine {

class RenderMemo {
public:
    static constexpr std::size_t kSlots = 32;

    /// The text rendered from `stored` with `context`, if it is held.
    [[nodiscard]] const std::string* find(std::string_view stored,
                                          std::string_view context) const noexcept;
    void remember(std::string stored, std::string context, std::string rendered);

private:
    struct Entry {
        std::string stored;
        std::string context;
        std::string rendered;
    };
    std::array<Entry, kSlots> entries_{};
    std::size_t next_ = 0;
};

} // namespace paylinks::engine
