#pragma once
// The worker's configuration: wrangler.toml vars and secrets, read once per instance.
// A bad value is not fatal here; it is kept in `error` and every request reports it, so a
// misconfigured deployment fails loudly at its first request instead of misbehaving.
#include "core/eth/address.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace paylinks::config {

/// A built-in chain (the `network` of docs/openapi.yaml): its id, the canonical USDC, and how fast
/// it makes blocks (used to bound how far back a scan must look).
struct Network {
    std::string_view name;         ///< NETWORK value
    std::string_view display_name; ///< for pages
    std::uint64_t chain_id;
    std::string_view usdc; ///< canonical USDC (6 decimals), empty when there is none (local)
    std::string_view explorer_tx_url;
    std::int64_t block_time_ms;
    int default_confirmations;
};

[[nodiscard]] const Network* find_network(std::string_view name) noexcept;
/// Every built-in network, in the order the documentation lists them.
[[nodiscard]] std::span<const Network> built_in_networks() noexcept;

/// An exchange rate: token units per one unit of a fiat currency, as an exact decimal.
struct Rate {
    std::string text;        ///< canonical decimal, e.g. "1" or "0.92"
    std::uint64_t numerator; ///< text == numerator / denominator
    std::uint64_t denominator;
    bool par = false; ///< USD or USDC at 1 by default: no conversion, no rate source to show
};

/// Parses a positive decimal with at most 12 integer and 12 fraction digits, and at most 19
/// significant digits in all (so that numerator / denominator is exact in 64 bits).
[[nodiscard]] std::optional<Rate> parse_rate(std::string_view text) noexcept;

/// RATE_MAX_AGE_SECONDS when unset: one hour. Chainlink feeds update on a deviation
/// threshold or a heartbeat, whichever comes first; set it above the heartbeat of the feeds
/// you use (fiat feeds often have a 24 h heartbeat: 86400 plus a margin).
inline constexpr std::int64_t kDefaultRateMaxAgeSeconds = 3600;

/// A token a network accepts. Only USD-pegged stablecoins: every option is priced at the
/// session's one locked rate (token per fiat unit).
struct AcceptedToken {
    eth::Address address{};
    std::string text;   ///< EIP-55
    std::string symbol; ///< as configured; the chain's symbol() is shown when it answers
    /// Known decimals (the network's USDC, TOKEN_DECIMALS, NETWORKS' `decimals`): the chain's
    /// decimals() must agree before anything is counted.
    std::optional<unsigned> declared_decimals;
};

/// One network a deployment accepts payments on: chains[0] is the primary (NETWORK, RPC_URL,
/// TOKEN_ADDRESS …), the others come from NETWORKS. The forwarder factory and implementation
/// are the same on every network, so a session's deposit address is too.
struct Chain {
    std::string name;         ///< the `network` of API objects, unique in the deployment
    std::string display_name; ///< for pages
    std::uint64_t chain_id = 0;
    std::string explorer_tx_url;
    std::int64_t block_time_ms = 2000;
    std::vector<std::string> rpc_urls;
    int confirmations = 3;
    bool finalized = false;
    std::vector<AcceptedToken> tokens; ///< at least one
};

/// NETWORKS may add at most this many networks to the primary one (each costs its own RPC
/// calls per tick, and the watch index keeps a cursor per network in 1 KiB of metadata).
inline constexpr std::size_t kMaxExtraNetworks = 5;
/// Tokens per network, for the same reasons.
inline constexpr std::size_t kMaxTokensPerNetwork = 4;

struct Config {
    std::string error; ///< non-empty when the configuration cannot be used

    std::string api_key;         ///< API_KEY secret: sk_test_… or sk_live_…
    bool livemode = false;       ///< derived from the key's prefix
    std::string public_base_url; ///< PUBLIC_BASE_URL without trailing slash; empty = request origin

    const Network* network = nullptr;
    std::vector<std::string> rpc_urls; ///< RPC_URL: one or more, comma-separated, tried in order
    eth::Address token{};
    std::string token_text; ///< `token` in EIP-55 form, as every API object shows it
    /// What the configuration says of the token: the network's USDC is "USDC" with 6
    /// decimals; TOKEN_DECIMALS / TOKEN_SYMBOL declare another. The chain has the last word:
    /// decimals() must agree with a declared value, or nothing is priced or counted.
    std::string token_symbol = "USDC";
    std::optional<unsigned> declared_decimals;
    eth::Address forwarder_factory{};
    eth::Address forwarder_implementation{};
    std::optional<eth::Address> treasury;
    /// REFUND_SENDER: whose transfers prove refunds; unset, the treasury's.
    std::optional<eth::Address> refund_sender;
    int confirmations = 3;
    bool finalized = false; ///< CONFIRMATIONS=finalized: count a payment once its block is
    std::int64_t session_ttl_seconds = 1800;
    std::int64_t late_window_seconds = 86400;
    std::map<std::string, Rate> rates; ///< by currency code: USD and USDC at par, then RATES
    /// RATE_FEEDS: Chainlink-compatible feeds of a currency's price in USD, by currency code
    /// (chain/price_feed.hpp). RATES wins for a currency both name.
    std::map<std::string, eth::Address> rate_feeds;
    /// RATE_MAX_AGE_SECONDS: a feed round older than this is refused (rate_unavailable).
    std::int64_t rate_max_age_seconds = kDefaultRateMaxAgeSeconds;

    /// Every network payments are accepted on, the primary first (see Chain).
    std::vector<Chain> chains;
    /// The watcher reads one network at a time through a Config scoped to it (chain/scope.hpp):
    /// which one this is, and every token it accepts there ([0] is `token`).
    std::size_t chain_index = 0;
    std::vector<eth::Address> tokens;
};

/// Parses NETWORKS (a JSON array, see README "Configuration") into chains after the primary
/// one `config.chains[0]`; false with `config.error` set when it is not valid.
[[nodiscard]] bool parse_networks(std::string_view text, Config& config);

/// Where a currency's rate comes from, in order of precedence.
enum class RateSourceKind : std::uint8_t {
    par,        ///< USD, USDC: the token is taken as one USD, nothing to convert
    fixed,      ///< RATES
    feed,       ///< RATE_FEEDS
    unavailable ///< none: links and sessions in it are refused at creation
};
[[nodiscard]] RateSourceKind rate_source_kind(const Config& config,
                                              const std::string& code) noexcept;

/// `config` as the watcher sees network `index` of its chains: that network's RPC URLs,
/// tokens (`token` the first), confirmations; `network` is left for the caller to point at a
/// Network describing chains[index] (it must outlive the copy).
[[nodiscard]] Config scoped_to_chain(const Config& config, std::size_t index);

/// Reads `env` (an object of strings). Never fails: problems land in `Config::error`.
[[nodiscard]] Config load_config(const Json& env);

} // namespace paylinks::config
