#pragma once
// Cache-busting asset URLs, computed at compile time from the asset's own bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace paylinks::pages {

[[nodiscard]] constexpr std::uint32_t fnv1a(std::string_view text) noexcept {
    std::uint32_t hash = 2166136261u;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619u;
    }
    return hash;
}

/// "<path>?v=<8 hex digits of the content's FNV-1a hash>".
struct VersionedHref {
    char text[48] = {};
    std::size_t size = 0;
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {text, size}; }
};

[[nodiscard]] constexpr VersionedHref versioned(std::string_view path,
                                                std::string_view content) noexcept {
    VersionedHref href;
    for (const char c : path)
        href.text[href.size++] = c;
    for (const char c : std::string_view("?v="))
        href.text[href.size++] = c;
    const std::uint32_t hash = fnv1a(content);
    for (int shift = 28; shift >= 0; shift -= 4)
        href.text[href.size++] = "0123456789abcdef"[(hash >> shift) & 15u];
    return href;
}

} // namespace paylinks::pages
