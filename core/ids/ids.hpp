#pragma once
// Object ids and slugs.
//
// Ids are a type prefix and a ULID-style body: 48 bits of milliseconds then 80 random bits,
// in Crockford base32 (26 characters), so they sort by creation time and a cursor needs no
// lookup. KV lists keys in ascending order, so list indexes store each id "inverted"
// (every digit d replaced by 31 − d): ascending inverted keys are newest first.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace paylinks::ids {

inline constexpr std::size_t kIdBodyLength = 26;
inline constexpr std::size_t kIdRandomBytes = 10;
/// A random slug has an id's 80 random bits, so that it is as unique as an id without a read
/// to check: two of n links share one with probability about n²/2^81.
inline constexpr std::size_t kSlugRandomBytes = 10;
inline constexpr std::size_t kSlugLength = 16; ///< 80 random bits
static_assert(kSlugLength * 5 == kSlugRandomBytes * 8 && kSlugRandomBytes == kIdRandomBytes);

inline constexpr std::string_view kLinkPrefix = "pl_";
inline constexpr std::string_view kSessionPrefix = "cs_";
inline constexpr std::string_view kEventPrefix = "evt_";
inline constexpr std::string_view kWebhookEndpointPrefix = "we_";
inline constexpr std::string_view kRefundPrefix = "re_";

[[nodiscard]] std::string make_id(std::string_view prefix, std::int64_t now_ms,
                                  std::span<const std::uint8_t, kIdRandomBytes> random);
[[nodiscard]] bool is_valid_id(std::string_view id, std::string_view prefix) noexcept;
/// The creation time an id carries; nullopt if it is not a valid id of that prefix.
[[nodiscard]] std::optional<std::int64_t> id_time_ms(std::string_view id,
                                                     std::string_view prefix) noexcept;
/// The id's body with every digit inverted, for newest-first KV listing.
[[nodiscard]] std::string newest_first_key(std::string_view id, std::string_view prefix);
/// Inverse of newest_first_key.
[[nodiscard]] std::string id_from_newest_first_key(std::string_view key, std::string_view prefix);

/// A random slug of kSlugLength characters from [0-9a-z] (no i, l, o, u).
[[nodiscard]] std::string make_slug(std::span<const std::uint8_t, kSlugRandomBytes> random);
/// ^[a-z0-9][a-z0-9-]{2,63}$
[[nodiscard]] bool is_valid_slug(std::string_view slug) noexcept;

} // namespace paylinks::ids
