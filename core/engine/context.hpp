#pragma once
// What one exchange knows about the world: the time and entropy the shim handed in, the
// configuration, and the door to effects. Handlers receive it by reference; it lives as
// long as the exchange, so references to it stay valid across suspensions.
#include "core/config/config.hpp"
#include "core/engine/effects.hpp"
#include "core/engine/read_cache.hpp"
#include "core/engine/render_memo.hpp"
#include "core/util/coroutine.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace paylinks::engine {

class Exchange;

/// A block header seen on the chain: its hash and timestamp.
struct KnownBlock {
    std::string hash;
    std::int64_t time_ms = 0;
};

/// What one instance knows of one network's chain (caches: an empty one is always correct,
/// only slower).
struct ChainState {
    /// Last time eth_chainId matched the network and the tokens' decimals were read, and
    /// what the first token said: decimals() and symbol().
    std::int64_t chain_verified_at_ms = -1;
    unsigned token_decimals = 0;
    std::string token_symbol;
    std::uint64_t last_head_block = 0; ///< the highest head seen (never lowered), and when
    std::int64_t last_head_at_ms = -1;
    std::uint64_t last_finalized_block = 0; ///< the highest finalized block seen
    /// The widest eth_getLogs range the node accepts, learned from its refusals.
    std::uint64_t log_span = 0;
    /// Per session: logs up to this block were read by this instance.
    std::unordered_map<std::string, std::uint64_t> scanned_to;
    /// Headers of blocks that held payments, by number (a different hash is a reorg).
    std::unordered_map<std::uint64_t, KnownBlock> blocks;
};

struct ChainScope;

/// What the exchanges of one instance remember between requests: caches (an empty one, a
/// fresh instance, is always correct, only slower), and the claims and throttles that keep
/// this instance's concurrent exchanges from repeating each other's work.
struct SharedState {
    ChainState chain; ///< the primary network's
    /// The other configured networks' (NETWORKS), made on first use: [i - 1] is chains[i].
    std::vector<std::unique_ptr<ChainScope>> other_chains;
    std::unordered_map<std::string, std::int64_t> last_check_ms; ///< per session, for throttling
    /// Per session: why its last check failed (no entry: it succeeded). A throttled check
    /// repeats that outcome rather than passing the stored state off as freshly checked.
    std::unordered_map<std::string, std::string> last_check_fault;
    /// Idempotency keys and custom slugs being created right now by this instance: KV has
    /// no compare-and-set, so concurrent twins are caught here (and, across instances, by
    /// the read-before-write, within KV's consistency window).
    std::unordered_set<std::string> claims;
    /// Values of KV reads that allow an edge-cached answer (see read_cache.hpp).
    ReadCache kv_reads;
    /// Links' API objects as rendered from their stored form and base URL (render_memo.hpp).
    RenderMemo link_api_texts;
    /// Per link, the most sales a list of its markers has shown here (links/link_sales.hpp):
    /// markers are never deleted, so a link seen sold out needs no list again.
    std::unordered_map<std::string, std::size_t> link_sales;
};

/// A network beyond the primary: the configuration as the watcher sees it there (its token
/// list, RPC URLs, confirmations; config.network names it) and its chain's state.
struct ChainScope {
    config::Config config;
    config::Network network;
    ChainState chain;
};

/// Holds a claim in SharedState::claims for as long as it lives.
class Claim {
public:
    Claim(SharedState& shared, std::string key)
        : shared_(&shared)
        , key_(std::move(key)) {
        held_ = shared_->claims.insert(key_).second;
    }
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    ~Claim() {
        if (held_) shared_->claims.erase(key_);
    }
    /// False when another exchange holds the same claim.
    [[nodiscard]] bool held() const noexcept { return held_; }

private:
    SharedState* shared_;
    std::string key_;
    bool held_ = false;
};

/// Awaiting it hands the effects to the shim and yields their results, in order.
struct EffectBatch {
    Exchange* exchange;
    std::vector<Effect> effects;
    bool handed_over = false; ///< the effects went to the shim; results are waiting

    bool await_ready() const noexcept { return effects.empty(); }
    void await_suspend(coro::coroutine_handle<> waiter) noexcept;
    std::vector<Json> await_resume() noexcept;
};

/// Awaiting it yields the result of a single effect.
struct SingleEffect {
    EffectBatch batch;
    bool await_ready() const noexcept { return false; }
    void await_suspend(coro::coroutine_handle<> waiter) noexcept { batch.await_suspend(waiter); }
    Json await_resume() noexcept;
};

class Context {
public:
    Context(std::int64_t now_ms, std::array<std::uint8_t, 32> entropy, const config::Config& config,
            SharedState& shared, Exchange* exchange) noexcept
        : now_ms_(now_ms)
        , entropy_(entropy)
        , root_config_(config)
        , config_(&config)
        , chain_(&shared.chain)
        , shared_(shared)
        , exchange_(exchange) {}

    /// Milliseconds since the Unix epoch, as the shim read it when the exchange started.
    [[nodiscard]] std::int64_t now_ms() const noexcept { return now_ms_; }
    /// The configuration; inside a ChainGuard, scoped to that network.
    [[nodiscard]] const config::Config& config() const noexcept { return *config_; }
    [[nodiscard]] SharedState& shared() noexcept { return shared_; }
    /// The chain state of the network in scope (the primary outside any ChainGuard).
    [[nodiscard]] ChainState& chain() noexcept { return *chain_; }

    /// Until the guard ends, config() and chain() are those of network `index` of the
    /// configuration's chains, and rpc effects go to its RPC URLs.
    class ChainGuard {
    public:
        ChainGuard(Context& ctx, std::size_t index);
        ChainGuard(const ChainGuard&) = delete;
        ChainGuard& operator=(const ChainGuard&) = delete;
        ~ChainGuard() {
            ctx_.config_ = config_;
            ctx_.chain_ = chain_;
        }

    private:
        Context& ctx_;
        const config::Config* config_;
        ChainState* chain_;
    };

    /// Fresh unpredictable bytes: the supplied entropy, stretched with Keccak when a request
    /// needs more than it was given.
    void random_bytes(std::span<std::uint8_t> out) noexcept;

    /// Work to start after this exchange has answered (the shim runs it in the background,
    /// e.g. {"kind":"deliver","event":"evt_…"}), so nothing slow sits in the response path.
    void follow_up(Json message) { follow_ups_.push_back(std::move(message)); }
    [[nodiscard]] std::vector<Json> take_follow_ups() noexcept { return std::move(follow_ups_); }

    [[nodiscard]] EffectBatch perform(std::vector<Effect> effects) noexcept {
        route_rpc(effects);
        return EffectBatch{exchange_, std::move(effects)};
    }
    [[nodiscard]] SingleEffect perform(Effect effect) noexcept {
        std::vector<Effect> one;
        one.push_back(std::move(effect));
        route_rpc(one);
        return SingleEffect{EffectBatch{exchange_, std::move(one)}};
    }

private:
    std::int64_t now_ms_;
    std::array<std::uint8_t, 32> entropy_;
    std::array<std::uint8_t, 32> pool_{};
    std::size_t pool_used_ = 32;
    std::uint64_t pool_counter_ = 0;
    // rpc effects of a network other than the primary carry its URLs (the shim sends each
    // list of URLs its own JSON-RPC batch).
    void route_rpc(std::vector<Effect>& effects) const;

    const config::Config& root_config_;
    const config::Config* config_;
    ChainState* chain_;
    SharedState& shared_;
    Exchange* exchange_;
    std::vector<Json> follow_ups_;
};

} // namespace paylinks::engine
