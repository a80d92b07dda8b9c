#pragma once
// ISO 8601 timestamps in UTC, the API's only time format, from and to Unix milliseconds.
// Civil-date arithmetic on the proleptic Gregorian calendar; no time zone database.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paylinks::time {

/// "2026-11-22T05:14:00.123Z" (the shape of JavaScript's toISOString).
[[nodiscard]] std::string format_iso8601(std::int64_t unix_ms);

/// Accepts YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM); nullopt for anything else or an
/// impossible date. Fractions beyond milliseconds are truncated.
[[nodiscard]] std::optional<std::int64_t> parse_iso8601(std::string_view text) noexcept;

} // namespace paylinks::time
