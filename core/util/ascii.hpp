#pragma once
// ASCII-only text helpers for protocol tokens (URL schemes, header values): no locale.
#include <cstddef>
#include <string_view>

namespace paylinks {

/// Whether `text` starts with `lower_prefix` (given in lower case), ASCII letters compared
/// without case.
[[nodiscard]] constexpr bool starts_with_ci(std::string_view text,
                                            std::string_view lower_prefix) noexcept {
    if (text.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_prefix[i]) return false;
    }
    return true;
}
static_assert(starts_with_ci("HTTPS://x", "https://") && !starts_with_ci("http", "https"));

} // namespace paylinks
