#pragma once
// A session's stored form, its API object (DESIGN §3 "Session object"), the public subset
// served to the checkout page, and the KV keys and index metadata that locate it.
#include "core/config/config.hpp"
#include "core/sessions/session.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace paylinks::sessions {

[[nodiscard]] std::string to_storage(const Session& session);
[[nodiscard]] std::optional<Session> from_storage(std::string_view text);

/// The full object for API callers with the secret key.
[[nodiscard]] Json to_api_json(const Session& session, const config::Config& config,
                               std::string_view base_url);
/// What anyone holding the session id may see: no metadata, no customer email.
[[nodiscard]] Json to_public_json(const Session& session, const config::Config& config,
                                  std::string_view base_url);

/// EIP-681 URI that asks a wallet to transfer exactly `amount` (base units: amountDue, or
/// what is left to pay) to the deposit address, given in its EIP-55 form (which every
/// caller also shows).
[[nodiscard]] std::string payment_uri(const config::Config& config,
                                      std::string_view deposit_address_eip55,
                                      const num::uint256& amount);

[[nodiscard]] std::string session_key(std::string_view id);
inline constexpr std::string_view kSessionIndexPrefix = "idx/cs/";
/// Sessions the chain scanner still watches; metadata carries what the scan needs.
inline constexpr std::string_view kWatchIndexPrefix = "watch/";
[[nodiscard]] std::string session_index_key(std::string_view id);
[[nodiscard]] std::string watch_index_key(std::string_view id);

/// {"s":status,"l":linkId}: enough to filter lists without reading sessions.
[[nodiscard]] Json list_metadata(const Session& session);

/// What the scanner reads from the watch index instead of the session itself.
struct WatchEntry {
    std::string id;
    eth::Address deposit_address{};
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    Status status = Status::open;
    std::uint32_t payment_count = 0;
    std::uint32_t unconfirmed_count = 0;
    std::uint64_t newest_payment_block = 0;
    std::optional<std::uint64_t> start_block;
    std::uint64_t scanned_to = 0;
};
[[nodiscard]] Json watch_metadata(const Session& session);
[[nodiscard]] std::optional<WatchEntry> read_watch_metadata(std::string id, const Json& metadata);

} // namespace paylinks::sessions
