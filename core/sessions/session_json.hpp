#pragma once
// A session's stored form, its API object (the CheckoutSession schema of docs/openapi.yaml), the
// public subset served to the checkout page, and the KV keys and index metadata that locate it.
#include "core/config/config.hpp"
#include "core/sessions/session.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace paylinks::sessions {

[[nodiscard]] std::string to_storage(const Session& session);
[[nodiscard]] std::optional<Session> from_storage(std::string_view text);

/// The full object for API callers with the secret key.
[[nodiscard]] Json to_api_json(const Session& session, const config::Config& config,
                               std::string_view base_url);
/// The API status: the payment state's, or `partially_refunded` / `refunded` once refunds
/// succeeded (refunded: they returned everything confirmed).
[[nodiscard]] std::string_view api_status(const Session& session);
/// What succeeded refunds returned, base units.
[[nodiscard]] num::uint256 amount_refunded(const Session& session);
/// What anyone holding the session id may see: no metadata, no customer email.
[[nodiscard]] Json to_public_json(const Session& session, const config::Config& config,
                                  std::string_view base_url);

/// EIP-681 URI that asks a wallet to transfer exactly `amount` (base units: amountDue, or
/// what is left to pay) to the deposit address, given in its EIP-55 form (which every
/// caller also shows).
[[nodiscard]] std::string payment_uri(const config::Config& config,
                                      std::string_view deposit_address_eip55,
                                      const num::uint256& amount);

/// The ways to pay a session: its stored options, or for a record from before several
/// networks the primary token at amount_due.
[[nodiscard]] std::vector<PaymentOption> payment_options(const Session& session,
                                                         const config::Config& config);

/// The session's record: `cs/<inverted id>`, so that listing `cs/` is newest first and the
/// record is its own list entry (its KV metadata is record_metadata). A new session is one
/// key: the list and the scanner find it there without an index key of their own.
[[nodiscard]] std::string session_key(std::string_view id);
inline constexpr std::string_view kSessionKeyPrefix = "cs/";
/// Sessions the scanner watches beyond the recent ones it finds under `cs/` (see
/// chain/watcher.hpp): written by every save after the first while the chain still needs
/// watching, with the same metadata as the record.
inline constexpr std::string_view kWatchIndexPrefix = "watch/";
[[nodiscard]] std::string watch_index_key(std::string_view id);

/// What lists and the scanner read instead of the session: {"s":status,"l":linkId} for
/// filters, and the WatchEntry fields (under 300 bytes, within KV's 1024 for metadata).
[[nodiscard]] Json record_metadata(const Session& session);

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
    /// The same, for each network beyond the primary the session has been read on (the
    /// counts above are of all its payments, the blocks of the primary's).
    struct Chain {
        std::optional<std::uint64_t> start_block;
        std::uint64_t scanned_to = 0;
        std::uint64_t newest_payment_block = 0;
        std::uint32_t payment_count = 0;
        std::uint32_t unconfirmed_count = 0;
    };
    std::map<std::string, Chain> other_chains;
};
[[nodiscard]] std::optional<WatchEntry> read_watch_metadata(std::string id, const Json& metadata);

} // namespace paylinks::sessions
