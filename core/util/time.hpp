#pragma once
// ISO 8601 timestamps in UTC, the API's only time format, from and to Unix milliseconds.
// Civil-date arithmetic on the proleptic Gregorian calendar; no time zone database.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paylinks::time {

/// The last millisecond the service deals in, 9999-12-31T23:59:59.999Z. Times from outside
/// (the shim's clock, stored documents) must lie in [0, kMaxUnixMs], so that no sum or
/// difference of two of them can overflow.
inline constexpr std::int64_t kMaxUnixMs = 253'402'300'799'999;

/// "2026-11-22T05:14:00.123Z" (the shape of JavaScript's toISOString); any value is written
/// without overflow, even one read from a corrupt document.
[[nodiscard]] std::string format_iso8601(std::int64_t unix_ms);

/// Accepts YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM); nullopt for anything else or an
/// impossible date. Fractions beyond milliseconds are truncated.
[[nodiscard]] std::optional<std::int64_t> parse_iso8601(std::string_view text) noexcept;

} // namespace paylinks::time
