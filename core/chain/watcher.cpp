#include "core/chain/watcher.hpp"

#include "core/ids/ids.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/session_json.hpp"
#include "core/sessions/session_store.hpp"

#include <map>

namespace paylinks::chain {

using sessions::ObservedTransfer;

std::uint64_t first_block_for(std::int64_t created_at_ms, std::uint64_t head_block,
                              std::int64_t now_ms, std::int64_t block_time_ms) noexcept {
    // A quarter more blocks than the age explains, plus a fixed margin for clock skew and
    // bursts (a local chain can mine many blocks at once).
    std::int64_t age_ms = std::max<std::int64_t>(0, now_ms - created_at_ms) + 60'000;
    auto blocks = static_cast<std::uint64_t>(age_ms / std::max<std::int64_t>(1, block_time_ms));
    blocks = blocks + blocks / 4 + 256;
    return head_block > blocks ? head_block - blocks : 0;
}

namespace {

bool chain_needs_verifying(engine::Context& ctx) {
    auto verified = ctx.shared().chain_verified_at_ms;
    return verified < 0 || ctx.now_ms() - verified > kChainRecheckMs;
}

std::optional<Fault> check_chain_id(engine::Context& ctx, const Json& result) {
    auto chain_id = read_quantity(result, "eth_chainId");
    if (auto* fault = std::get_if<Fault>(&chain_id)) return *fault;
    const auto& network = *ctx.config().network;
    if (std::get<std::uint64_t>(chain_id) != network.chain_id) {
        ctx.shared().chain_verified_at_ms = -1;
        return Fault{"configuration error: RPC_URL serves chain id " +
                     std::to_string(std::get<std::uint64_t>(chain_id)) +
                     " but NETWORK=" + std::string(network.name) + " is chain id " +
                     std::to_string(network.chain_id) + "; no payment is trusted until they agree"};
    }
    ctx.shared().chain_verified_at_ms = ctx.now_ms();
    return std::nullopt;
}

// eth_getLogs calls covering [from, to] in ranges of at most kMaxBlockRange blocks; with
// `to_latest` the last range ends at "latest" rather than at `to`.
void add_log_queries(std::vector<engine::Effect>& effects, const eth::Address& token,
                     const std::vector<eth::Address>& recipients, std::uint64_t from,
                     std::uint64_t to, bool to_latest) {
    for (std::uint64_t start = from; start <= to; start += kMaxBlockRange) {
        auto end = std::min(to, start + kMaxBlockRange - 1);
        bool last = end == to;
        effects.push_back(eth_get_transfer_logs(
            token, recipients, start,
            last && to_latest ? std::nullopt : std::optional<std::uint64_t>(end)));
        if (last) break;
    }
}

void remember_head(engine::Context& ctx, std::uint64_t head) {
    auto& shared = ctx.shared();
    if (head >= shared.last_head_block) {
        shared.last_head_block = head;
        shared.last_head_at_ms = ctx.now_ms();
    }
}

// The last head seen, when it is recent enough to bound a range that ends at "latest".
// Never extrapolated: a guess beyond the real head could start the range past a payment.
std::optional<std::uint64_t> recent_head(engine::Context& ctx) {
    const auto& shared = ctx.shared();
    if (shared.last_head_at_ms < 0 || ctx.now_ms() - shared.last_head_at_ms > 60'000)
        return std::nullopt;
    return shared.last_head_block;
}

// One check against the chain, unthrottled (check_session decides whether one is due).
engine::Task<std::variant<CheckReport, Fault>>
check_against_chain(engine::Context& ctx, sessions::Session& session,
                    std::optional<std::string> transaction_hash) {
    const auto& config = ctx.config();
    const auto rules = sessions::state_rules(config);
    CheckReport report;

    // One round trip when the head is roughly known: chain id (if due), head, logs, receipt.
    std::vector<engine::Effect> effects;
    const bool verify_chain = chain_needs_verifying(ctx);
    if (verify_chain) effects.push_back(eth_chain_id());
    effects.push_back(eth_block_number());
    const std::size_t first_log_query = effects.size();
    auto head_guess = recent_head(ctx);
    if (!head_guess) {
        // A fresh instance: learn the head first, then ask for logs.
        auto head = read_quantity(co_await ctx.perform(eth_block_number()), "eth_blockNumber");
        if (auto* fault = std::get_if<Fault>(&head)) co_return *fault;
        remember_head(ctx, std::get<std::uint64_t>(head));
        head_guess = std::get<std::uint64_t>(head);
    }
    const std::vector<eth::Address> recipients{session.deposit_address};
    add_log_queries(effects, config.token, recipients,
                    first_block_for(session.created_at_ms, *head_guess, ctx.now_ms(),
                                    config.network->block_time_ms),
                    *head_guess, true);
    const std::size_t log_queries = effects.size() - first_log_query;
    if (transaction_hash) effects.push_back(eth_get_transaction_receipt(*transaction_hash));

    auto results = co_await ctx.perform(std::move(effects));
    std::size_t at = 0;
    if (verify_chain) {
        if (auto fault = check_chain_id(ctx, results[at])) co_return *fault;
        ++at;
    }
    auto head = read_quantity(results[at++], "eth_blockNumber");
    if (auto* fault = std::get_if<Fault>(&head)) co_return *fault;
    remember_head(ctx, std::get<std::uint64_t>(head));

    sessions::ChainObservation observation;
    observation.head_block = std::get<std::uint64_t>(head);
    const std::set<eth::Address> recipient_set{session.deposit_address};
    for (std::size_t i = 0; i < log_queries; ++i) {
        auto logs = read_transfer_logs(results[at++], config.token, recipient_set);
        if (auto* fault = std::get_if<Fault>(&logs)) co_return *fault;
        for (auto& transfer : std::get<std::vector<ObservedTransfer>>(logs))
            observation.transfers.push_back(std::move(transfer));
    }
    if (transaction_hash) {
        auto verdict = read_receipt(results[at++], config.token, session.deposit_address);
        if (auto* fault = std::get_if<Fault>(&verdict)) co_return *fault;
        auto& receipt = std::get<ReceiptVerdict>(verdict);
        // A receipt for another transaction than the one asked for is not evidence.
        std::erase_if(receipt.transfers, [&](const ObservedTransfer& t) {
            return t.log.transaction_hash != *transaction_hash;
        });
        if (receipt.succeeded)
            for (const auto& transfer : receipt.transfers)
                observation.transfers.push_back(transfer);
        report.receipt = std::move(receipt);
    }
    report.checked = true;
    report.changed = sessions::apply_observation(session, observation, rules, ctx.now_ms());
    co_return report;
}

} // namespace

engine::Task<std::variant<CheckReport, Fault>>
check_session(engine::Context& ctx, sessions::Session& session,
              std::optional<std::string> transaction_hash, bool force) {
    CheckReport report;
    if (!transaction_hash &&
        !sessions::needs_watching(session, sessions::state_rules(ctx.config()), ctx.now_ms())) {
        report.changed = sessions::apply_clock(session, ctx.now_ms());
        co_return report;
    }
    auto& last_check = ctx.shared().last_check_ms;
    auto& last_fault = ctx.shared().last_check_fault;
    if (!force) {
        auto it = last_check.find(session.id);
        if (it != last_check.end() && ctx.now_ms() - it->second < kCheckIntervalMs) {
            // Throttled: the last check's outcome stands. If it failed, this answer is no
            // fresher than the stored state, and the caller must be able to say so.
            if (auto fault = last_fault.find(session.id); fault != last_fault.end())
                co_return Fault{fault->second};
            report.changed = sessions::apply_clock(session, ctx.now_ms());
            co_return report;
        }
    }
    if (last_check.size() > 10000) {
        last_check.clear();
        last_fault.clear();
    }
    last_check[session.id] = ctx.now_ms();
    auto outcome = co_await check_against_chain(ctx, session, std::move(transaction_hash));
    if (auto* fault = std::get_if<Fault>(&outcome))
        last_fault[session.id] = fault->message;
    else
        last_fault.erase(session.id);
    co_return outcome;
}

engine::Task<ScanReport> scan_watched_sessions(engine::Context& ctx) {
    const auto& config = ctx.config();
    const auto rules = sessions::state_rules(config);
    ScanReport report;

    std::vector<engine::Effect> head_effects;
    const bool verify_chain = chain_needs_verifying(ctx);
    if (verify_chain) head_effects.push_back(eth_chain_id());
    head_effects.push_back(eth_block_number());
    report.rpc_calls += head_effects.size();
    auto head_results = co_await ctx.perform(std::move(head_effects));
    if (verify_chain) {
        if (auto fault = check_chain_id(ctx, head_results[0])) {
            report.fault = fault->message;
            co_return report;
        }
    }
    auto head_answer = read_quantity(head_results.back(), "eth_blockNumber");
    if (auto* fault = std::get_if<Fault>(&head_answer)) {
        report.fault = fault->message;
        co_return report;
    }
    const auto head = std::get<std::uint64_t>(head_answer);
    remember_head(ctx, head);

    std::string cursor;
    while (true) {
        auto page = engine::read_kv_list(co_await ctx.perform(
            engine::kv_list(std::string(sessions::kWatchIndexPrefix), 1000, cursor)));
        ++report.kv_lists;
        if (!page.ok) {
            report.fault = "kv.list failed: " + page.error;
            co_return report;
        }
        // One chunk of up to 1000 sessions: one eth_getLogs over all their addresses.
        std::vector<sessions::WatchEntry> entries;
        std::vector<engine::Effect> stale_entries;
        for (auto& key : page.keys) {
            // A name outside the prefix is not an entry of this index (nor ours to delete).
            if (!key.name.starts_with(sessions::kWatchIndexPrefix)) continue;
            auto id = ids::id_from_newest_first_key(
                std::string_view(key.name).substr(sessions::kWatchIndexPrefix.size()),
                ids::kSessionPrefix);
            if (auto entry = sessions::read_watch_metadata(id, key.metadata))
                entries.push_back(std::move(*entry));
            else
                stale_entries.push_back(
                    engine::kv_delete(key.name)); // unreadable: re-found on load
        }
        report.watched += entries.size();
        std::map<eth::Address, std::vector<ObservedTransfer>> by_address;
        if (!entries.empty()) {
            std::vector<eth::Address> recipients;
            std::set<eth::Address> recipient_set;
            std::uint64_t from = head;
            for (const auto& entry : entries) {
                recipients.push_back(entry.deposit_address);
                recipient_set.insert(entry.deposit_address);
                from = std::min(from, first_block_for(entry.created_at_ms, head, ctx.now_ms(),
                                                      config.network->block_time_ms));
            }
            std::vector<engine::Effect> queries;
            add_log_queries(queries, config.token, recipients, from, head, false);
            report.rpc_calls += queries.size();
            for (const auto& result : co_await ctx.perform(std::move(queries))) {
                auto logs = read_transfer_logs(result, config.token, recipient_set);
                if (auto* fault = std::get_if<Fault>(&logs)) {
                    report.fault = fault->message; // nothing is updated from a bad answer
                    co_return report;
                }
                for (auto& transfer : std::get<std::vector<ObservedTransfer>>(logs))
                    by_address[transfer.log.to].push_back(std::move(transfer));
            }
        }

        // Only sessions with something to change are read: new logs, known payments (which
        // may gain confirmations or vanish), or a clock that has run out — expiresAt for an
        // open one, the end of the late window for an expired one.
        std::vector<const sessions::WatchEntry*> to_load;
        for (const auto& entry : entries) {
            bool has_logs = by_address.count(entry.deposit_address) > 0;
            bool clock_still = entry.status == sessions::Status::open
                                   ? ctx.now_ms() < entry.expires_at_ms
                                   : entry.status == sessions::Status::expired &&
                                         ctx.now_ms() < entry.expires_at_ms + rules.late_window_ms;
            bool quiet = !has_logs && entry.payment_count == 0 && clock_still;
            if (!quiet) to_load.push_back(&entry);
        }
        std::vector<engine::Effect> reads;
        for (const auto* entry : to_load)
            reads.push_back(engine::kv_get(sessions::session_key(entry->id)));
        auto loaded = co_await ctx.perform(std::move(reads));
        std::vector<engine::Effect> writes = std::move(stale_entries);
        for (std::size_t i = 0; i < to_load.size(); ++i) {
            auto stored = engine::read_kv_value(loaded[i]);
            if (!stored.ok) continue; // try again next tick
            std::optional<sessions::Session> session;
            if (stored.value) session = sessions::from_storage(*stored.value);
            if (!session) {
                writes.push_back(engine::kv_delete(sessions::watch_index_key(to_load[i]->id)));
                continue;
            }
            const auto previous = session->status;
            sessions::ChainObservation observation{head, {}};
            if (auto it = by_address.find(session->deposit_address); it != by_address.end())
                observation.transfers = it->second;
            bool changed = sessions::apply_observation(*session, observation, rules, ctx.now_ms());
            bool still_watched = sessions::needs_watching(*session, rules, ctx.now_ms());
            if (!changed && still_watched) continue;
            if (changed) {
                session->updated_at_ms = ctx.now_ms();
                ++report.updated;
            }
            for (auto& effect : sessions::session_writes(ctx, *session, previous))
                writes.push_back(std::move(effect));
        }
        if (!writes.empty()) (void)co_await ctx.perform(std::move(writes));
        if (page.complete) break;
        cursor = page.cursor;
    }
    co_return report;
}

} // namespace paylinks::chain
