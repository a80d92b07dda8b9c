#include "core/refunds/refund_watcher.hpp"

#include "core/chain/watcher.hpp"
#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/sessions/session_json.hpp"
#include "core/sessions/session_store.hpp"
#include "core/store/listing.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace paylinks::refunds {
namespace {

using Group = std::tuple<eth::Address, eth::Address>; // sender, token

/// The transfers one group's batch found, and how far they count as confirmed.
struct GroupLogs {
    std::vector<eth::TransferLog> transfers;
    std::uint64_t confirmed_through = 0;
};

engine::Effect get_refund_logs(const eth::Address& token, const eth::Address& sender,
                               const std::vector<eth::Address>& recipients,
                               std::uint64_t from_block) {
    Json to_topics = Json::array();
    for (const auto& recipient : recipients)
        to_topics.push_back(eth::topic_for(recipient));
    Json filter{{"address", eth::to_lower_hex(token)},
                {"fromBlock", num::to_hex_quantity(from_block)},
                {"toBlock", "latest"},
                {"topics", Json::array({std::string(eth::kTransferTopic), eth::topic_for(sender),
                                        std::move(to_topics)})}};
    return engine::rpc_call("eth_getLogs", Json::array({std::move(filter)}));
}

/// The highest block whose transfers count as confirmed, from the head (and the finalized
/// block's answer under CONFIRMATIONS=finalized).
std::variant<std::uint64_t, chain::Fault>
confirmed_through(const config::Config& config, std::uint64_t head_block, const Json* finalized) {
    if (config.finalized) {
        auto header = chain::read_block_header(*finalized);
        if (auto* fault = std::get_if<chain::Fault>(&header)) return std::move(*fault);
        auto& block = std::get<std::optional<chain::BlockHeader>>(header);
        return block ? block->number : 0;
    }
    const auto needed = static_cast<std::uint64_t>(std::max(1, config.confirmations));
    // A block b has head − b + 1 confirmations.
    return head_block + 1 >= needed ? head_block + 1 - needed : 0;
}

/// One batch for a group: the head, the finalized block when that is the rule, and the logs.
engine::Task<std::variant<GroupLogs, chain::Fault>>
read_group(engine::Context& ctx, const eth::Address& sender, const eth::Address& token,
           const std::vector<const PendingEntry*>& entries, std::size_t& rpc_calls) {
    const auto& config = ctx.config();
    std::set<eth::Address> recipients;
    std::uint64_t from_block = entries.front()->start_block;
    for (const auto* entry : entries) {
        recipients.insert(entry->to);
        from_block = std::min(from_block, entry->start_block);
    }
    // Blocks below the instance's last head less the span the node accepts were read by
    // earlier checks: a refund left pending for long does not widen the range forever (a
    // transfer missed meanwhile is proven by its transaction hash, verify_refund).
    const auto& shared = ctx.chain();
    const auto span = shared.log_span ? shared.log_span : chain::kMaxBlockRange;
    if (shared.last_head_block >= span && from_block + span <= shared.last_head_block)
        from_block = shared.last_head_block + 1 - span;
    std::vector<eth::Address> listed(recipients.begin(), recipients.end());
    std::vector<engine::Effect> effects;
    effects.push_back(chain::eth_block_number());
    if (config.finalized) effects.push_back(chain::eth_get_block_by_tag("finalized"));
    const std::size_t first_logs = effects.size();
    for (std::size_t at = 0; at < listed.size(); at += kMaxRecipientsPerCall) {
        std::vector<eth::Address> chunk(
            listed.begin() + static_cast<std::ptrdiff_t>(at),
            listed.begin() +
                static_cast<std::ptrdiff_t>(std::min(listed.size(), at + kMaxRecipientsPerCall)));
        effects.push_back(get_refund_logs(token, sender, chunk, from_block));
    }
    rpc_calls += effects.size();
    auto results = co_await ctx.perform(std::move(effects));
    auto head = chain::read_quantity(results[0], "eth_blockNumber");
    if (auto* fault = std::get_if<chain::Fault>(&head)) co_return std::move(*fault);
    GroupLogs out;
    const auto head_block = std::get<std::uint64_t>(head);
    if (head_block > ctx.chain().last_head_block) {
        ctx.chain().last_head_block = head_block;
        ctx.chain().last_head_at_ms = ctx.now_ms();
    }
    auto through = confirmed_through(config, head_block, config.finalized ? &results[1] : nullptr);
    if (auto* fault = std::get_if<chain::Fault>(&through)) co_return std::move(*fault);
    out.confirmed_through = std::get<std::uint64_t>(through);
    for (std::size_t i = first_logs; i < results.size(); ++i) {
        if (!engine::succeeded(results[i]))
            co_return chain::Fault{"eth_getLogs failed: " + engine::failure_message(results[i])};
        auto value = results[i].find("value");
        if (value == results[i].end() || !value->is_array())
            co_return chain::Fault{"eth_getLogs answered something other than a list"};
        for (const auto& item : *value) {
            auto parsed = eth::parse_transfer_log(item);
            auto* log = std::get_if<eth::TransferLog>(&parsed);
            // A node that answers what was not asked is not believed on the rest.
            if (!log || log->token != token || log->from != sender || !recipients.contains(log->to))
                co_return chain::Fault{"eth_getLogs answered a log that was not asked for"};
            if (!log->removed) out.transfers.push_back(std::move(*log));
        }
    }
    co_return out;
}

/// What settling a set of pending refunds did.
struct Settled {
    std::size_t succeeded = 0;
    std::vector<std::string> faults;
    std::vector<Refund> refunds; ///< the records that succeeded, as written
};

/// The session's refund event once its refunds changed what it shows.
engine::Task<bool> record_session_refund_event(engine::Context& ctx, const std::string& session_id,
                                               const std::set<std::string>& now_succeeded,
                                               std::vector<std::string>& faults) {
    auto loaded = co_await sessions::load_session(ctx, session_id);
    if (auto* error = std::get_if<http::ApiError>(&loaded)) {
        faults.push_back("session " + session_id + ": " + error->message);
        co_return false;
    }
    auto& session = std::get<std::optional<sessions::Session>>(loaded);
    if (!session) co_return false;
    // What this writer proved counts even where KV has not yet brought its record back.
    auto before = *session;
    for (auto& refund : session->refunds)
        if (now_succeeded.contains(refund.id)) refund.succeeded = true;
    for (auto& refund : before.refunds)
        if (now_succeeded.contains(refund.id)) refund.succeeded = false;
    const auto status = std::string(sessions::api_status(*session));
    if (status == sessions::api_status(before) ||
        (status != "refunded" && status != "partially_refunded"))
        co_return false;
    // The fact: the session's succeeded refunds, named by their ids; its time the newest of
    // their creations, which every writer reads alike.
    std::vector<std::string> succeeded;
    std::int64_t at_ms = session->created_at_ms;
    for (const auto& refund : session->refunds) {
        if (!refund.succeeded) continue;
        succeeded.push_back(refund.id);
        if (auto time = ids::id_time_ms(refund.id, ids::kRefundPrefix))
            at_ms = std::max(at_ms, *time);
    }
    std::sort(succeeded.begin(), succeeded.end());
    std::string discriminator = status;
    for (const auto& id : succeeded)
        discriminator += "|" + id;
    auto writes = events::record_event(
        ctx, "checkout_session." + status,
        dump_json(sessions::to_api_json(*session, ctx.config(), sessions::object_base_url(ctx))),
        events::Fact{session->id, discriminator, at_ms});
    auto results = co_await ctx.perform(writes);
    events::request_deliveries(ctx, writes, results);
    for (const auto& result : results)
        if (!engine::succeeded(result) && !engine::is_busy(result))
            faults.push_back("session event: " + engine::failure_message(result));
    co_return true;
}

/// Proves what `logs` prove of `pending` (one group: one sender and token): reads the
/// claims of the transfers that could prove one, matches, and writes each proven refund.
engine::Task<bool> prove(engine::Context& ctx, std::vector<PendingEntry> group_pending,
                         const GroupLogs& logs, std::uint64_t chain_id, Settled& settled) {
    // Claims are read only for transfers some refund here could take.
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < logs.transfers.size(); ++i) {
        const auto& log = logs.transfers[i];
        for (const auto& entry : group_pending)
            if (entry.to == log.to && entry.amount == log.value &&
                log.block_number >= entry.start_block) {
                candidates.push_back(i);
                break;
            }
    }
    if (candidates.empty()) co_return false;
    std::vector<engine::Effect> claim_reads;
    for (auto i : candidates)
        claim_reads.push_back(engine::kv_get(
            claim_key(chain_id, logs.transfers[i].transaction_hash, logs.transfers[i].log_index)));
    auto claim_results = co_await ctx.perform(std::move(claim_reads));
    std::map<std::string, std::string> claims;
    bool claims_read = true;
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        auto stored = engine::read_kv_value(claim_results[c]);
        if (!stored.ok) claims_read = false;
        if (stored.value) claims[transfer_name(logs.transfers[candidates[c]])] = *stored.value;
    }
    if (!claims_read) {
        settled.faults.push_back("refunds: the transfer claims could not be read");
        co_return false;
    }

    auto matches = match_refunds(group_pending, logs.transfers, claims, logs.confirmed_through);
    std::vector<const RefundMatch*> confirmed;
    for (const auto& match : matches)
        if (match.confirmed) confirmed.push_back(&match);
    if (confirmed.empty()) co_return false;
    std::vector<engine::Effect> record_reads;
    for (const auto* match : confirmed)
        record_reads.push_back(engine::kv_get(refund_key(match->refund_id)));
    auto records = co_await ctx.perform(std::move(record_reads));

    std::map<std::string, std::set<std::string>> by_session;
    for (std::size_t m = 0; m < confirmed.size(); ++m) {
        auto stored = engine::read_kv_value(records[m]);
        if (!stored.ok || !stored.value) continue; // not yet here: a later check
        auto refund = from_storage(*stored.value);
        if (!refund) {
            settled.faults.push_back("refund " + confirmed[m]->refund_id + " is unreadable");
            continue;
        }
        const auto& log = logs.transfers[confirmed[m]->transfer];
        const bool was_pending = refund->status == Status::pending;
        refund->status = Status::succeeded;
        refund->transaction_hash = log.transaction_hash;
        refund->log_index = log.log_index;
        refund->block_number = log.block_number;
        if (was_pending || !refund->succeeded_at_ms) refund->succeeded_at_ms = ctx.now_ms();
        // The claim first: once it is stored no other refund takes this transfer.
        std::vector<engine::Effect> writes;
        writes.push_back(engine::kv_put(
            claim_key(refund->chain_id, log.transaction_hash, log.log_index), refund->id));
        writes.push_back(
            engine::kv_put(refund_key(refund->id), to_storage(*refund), record_metadata(*refund)));
        writes.push_back(engine::kv_delete(pending_key(refund->id)));
        auto event = events::record_event(
            ctx, "refund.succeeded", dump_json(to_api_json(*refund)),
            events::Fact{refund->id, transfer_name(log), refund->created_at_ms});
        for (auto& write : event)
            writes.push_back(std::move(write));
        auto written = co_await ctx.perform(writes);
        events::request_deliveries(ctx, writes, written);
        bool stored_all = true;
        for (const auto& result : written)
            if (!engine::succeeded(result) && !engine::is_busy(result)) stored_all = false;
        if (!stored_all) {
            settled.faults.push_back("refund " + refund->id + " could not be saved");
            continue;
        }
        ++settled.succeeded;
        by_session[refund->session_id].insert(refund->id);
        settled.refunds.push_back(std::move(*refund));
    }
    for (const auto& [session_id, ids] : by_session)
        (void)co_await record_session_refund_event(ctx, session_id, ids, settled.faults);
    co_return true;
}

engine::Task<Settled> settle(engine::Context& ctx, const std::vector<PendingEntry>& pending,
                             std::size_t& rpc_calls) {
    Settled settled;
    // Every network's groups are read first, each through its own RPC URLs and chain state;
    // the proofs (KV writes, events rendered with the deployment's own configuration) follow,
    // outside any network's scope.
    struct Found {
        std::vector<PendingEntry> entries;
        GroupLogs logs;
        std::uint64_t chain_id = 0;
    };
    std::vector<Found> found;
    const std::size_t chains = std::max<std::size_t>(1, ctx.config().chains.size());
    for (std::size_t k = 0; k < chains; ++k) {
        engine::Context::ChainGuard guard(ctx, k);
        const auto& config = ctx.config();
        const std::string network = config.network ? std::string(config.network->name) : "";
        const std::uint64_t chain_id = config.network ? config.network->chain_id : 0;
        std::map<Group, std::vector<const PendingEntry*>> groups;
        for (const auto& entry : pending)
            if (entry.network == network || (k == 0 && entry.network.empty()))
                groups[{entry.sender, entry.token}].push_back(&entry);
        for (const auto& [group, entries] : groups) {
            const auto& [sender, token] = group;
            auto read = co_await read_group(ctx, sender, token, entries, rpc_calls);
            if (auto* fault = std::get_if<chain::Fault>(&read)) {
                settled.faults.push_back("refunds on " + network + ": " + fault->message);
                continue;
            }
            auto& logs = std::get<GroupLogs>(read);
            if (logs.transfers.empty()) continue;
            Found one;
            for (const auto* entry : entries)
                one.entries.push_back(*entry);
            one.logs = std::move(logs);
            one.chain_id = chain_id;
            found.push_back(std::move(one));
        }
    }
    for (auto& one : found)
        (void)co_await prove(ctx, std::move(one.entries), one.logs, one.chain_id, settled);
    co_return settled;
}

struct Marker {
    bool ok = true;
    bool present = false;
    std::int64_t at_ms = 0;
};

Marker read_marker(const Json& result) {
    auto stored = engine::read_kv_value(result);
    if (!stored.ok) return Marker{false, false, 0};
    if (!stored.value) return Marker{};
    Marker marker{true, true, 0};
    auto parsed = parse_json(*stored.value);
    if (parsed && parsed->is_object()) {
        auto at = parsed->find("at");
        if (at != parsed->end() && fits<std::int64_t>(*at)) marker.at_ms = at->get<std::int64_t>();
    }
    return marker;
}

/// The receipt of `transaction_hash` on the network in scope, and the Transfer in it that is
/// exactly `refund`, if any (else transaction_not_refund).
engine::Task<std::variant<GroupLogs, http::ApiError>>
read_refund_receipt(engine::Context& ctx, const Refund& refund,
                    const std::string& transaction_hash);

} // namespace

engine::Task<RefundScanReport> check_pending_refunds(engine::Context& ctx) {
    RefundScanReport report;
    // Allowed a minute old: a tick with no refunds pending costs one read the instance
    // usually answers itself, and nothing else.
    auto marker_read = engine::kv_get(std::string(kPendingMarkerKey), 60);
    auto marker = read_marker(co_await ctx.perform(std::move(marker_read)));
    if (!marker.ok) {
        report.faults.push_back("refunds: the pending marker could not be read");
        co_return report;
    }
    if (!marker.present) co_return report;
    std::vector<PendingEntry> pending;
    std::string cursor;
    for (int call = 0; call < 5; ++call) {
        ++report.kv_lists;
        auto list = engine::kv_list(std::string(kPendingKeyPrefix), 1000, cursor);
        auto page = engine::read_kv_list(co_await ctx.perform(std::move(list)));
        if (!page.ok) {
            report.faults.push_back("refunds: " + page.error);
            co_return report;
        }
        for (auto& key : page.keys) {
            auto id = ids::id_from_newest_first_key(
                std::string_view(key.name).substr(kPendingKeyPrefix.size()), ids::kRefundPrefix);
            if (auto entry = read_pending_metadata(std::move(id), key.metadata))
                pending.push_back(std::move(*entry));
        }
        if (page.complete) break;
        cursor = page.cursor;
    }
    report.pending = pending.size();
    if (pending.empty()) {
        // Nothing pending: the marker goes, once it is old enough that no refund created
        // elsewhere within KV's delay can be behind it.
        if (ctx.now_ms() - marker.at_ms > kMarkerGraceMs) {
            auto remove = engine::kv_delete(std::string(kPendingMarkerKey));
            auto removed = co_await ctx.perform(std::move(remove));
            if (!engine::succeeded(removed))
                report.faults.push_back("refunds: " + engine::failure_message(removed));
        }
        co_return report;
    }
    auto settled = co_await settle(ctx, pending, report.rpc_calls);
    report.succeeded = settled.succeeded;
    for (auto& fault : settled.faults)
        report.faults.push_back(std::move(fault));
    co_return report;
}

engine::Task<std::variant<bool, chain::Fault>> check_refund(engine::Context& ctx, Refund& refund,
                                                            bool force) {
    if (refund.status != Status::pending) co_return false;
    auto& last_check = ctx.shared().last_check_ms;
    if (!force) {
        auto it = last_check.find(refund.id);
        if (it != last_check.end() && ctx.now_ms() - it->second < chain::kCheckIntervalMs)
            co_return false;
    }
    last_check[refund.id] = ctx.now_ms();
    std::size_t rpc_calls = 0;
    std::vector<PendingEntry> pending(1, pending_entry(refund));
    auto settled = co_await settle(ctx, pending, rpc_calls);
    for (auto& done : settled.refunds)
        if (done.id == refund.id) {
            refund = std::move(done);
            co_return true;
        }
    if (!settled.faults.empty()) co_return chain::Fault{settled.faults.front()};
    co_return false;
}

engine::Task<std::variant<bool, http::ApiError>> verify_refund(engine::Context& ctx, Refund& refund,
                                                               std::string transaction_hash) {
    if (refund.status != Status::pending) co_return false;
    const auto chain_index = chain_index_of(ctx.config(), refund.network);
    if (!chain_index)
        co_return http::ApiError{http::ErrorCode::upstream_unavailable,
                                 "The refund is on " + refund.network +
                                     ", which this deployment no longer watches (NETWORKS)",
                                 ""};
    GroupLogs found;
    {
        // The receipt and the head from the refund's own network.
        engine::Context::ChainGuard guard(ctx, *chain_index);
        auto read = co_await read_refund_receipt(ctx, refund, transaction_hash);
        if (auto* error = std::get_if<http::ApiError>(&read)) co_return std::move(*error);
        found = std::move(std::get<GroupLogs>(read));
    }
    Settled settled;
    std::vector<PendingEntry> pending(1, pending_entry(refund));
    (void)co_await prove(ctx, std::move(pending), found, refund.chain_id, settled);
    for (auto& done : settled.refunds)
        if (done.id == refund.id) {
            refund = std::move(done);
            co_return true;
        }
    if (!settled.faults.empty()) co_return store::storage_error(settled.faults.front());
    co_return false;
}

namespace {

engine::Task<std::variant<GroupLogs, http::ApiError>>
read_refund_receipt(engine::Context& ctx, const Refund& refund,
                    const std::string& transaction_hash) {
    const auto& config = ctx.config();
    std::vector<engine::Effect> effects;
    effects.push_back(chain::eth_get_transaction_receipt(transaction_hash));
    effects.push_back(chain::eth_block_number());
    if (config.finalized) effects.push_back(chain::eth_get_block_by_tag("finalized"));
    auto results = co_await ctx.perform(std::move(effects));
    auto upstream = [](std::string message) {
        return http::ApiError{http::ErrorCode::upstream_unavailable,
                              "The chain could not be read, try again: " + std::move(message), ""};
    };
    const Json& answer = results[0];
    if (!engine::succeeded(answer))
        co_return upstream("eth_getTransactionReceipt failed: " + engine::failure_message(answer));
    auto value = answer.find("value");
    auto not_found =
        http::ApiError{http::ErrorCode::transaction_not_found,
                       "The chain has no mined transaction " + transaction_hash, "transactionHash"};
    if (value == answer.end() || value->is_null()) co_return not_found;
    if (!value->is_object()) co_return upstream("the receipt is not an object");
    auto block_number = value->find("blockNumber");
    if (block_number == value->end() || block_number->is_null()) co_return not_found;
    auto status = value->find("status");
    const bool reverted = status != value->end() && status->is_string() &&
                          num::parse_hex_u64(status->get<std::string>()) == 0;
    auto logs = value->find("logs");
    if (logs == value->end() || !logs->is_array())
        co_return upstream("the receipt has no logs array");
    auto head = chain::read_quantity(results[1], "eth_blockNumber");
    if (auto* fault = std::get_if<chain::Fault>(&head)) co_return upstream(fault->message);
    auto through = confirmed_through(config, std::get<std::uint64_t>(head),
                                     config.finalized ? &results[2] : nullptr);
    if (auto* fault = std::get_if<chain::Fault>(&through)) co_return upstream(fault->message);

    GroupLogs found;
    found.confirmed_through = std::get<std::uint64_t>(through);
    for (const auto& item : *logs) {
        // Only the token's own Transfer of exactly this refund counts; every other log of the
        // transaction is ignored.
        auto parsed = eth::parse_transfer_log(item);
        auto* log = std::get_if<eth::TransferLog>(&parsed);
        if (!log || log->removed || log->transaction_hash != transaction_hash ||
            log->token != refund.token || log->from != refund.sender || log->to != refund.to ||
            log->value != refund.amount || log->block_number < refund.start_block)
            continue;
        found.transfers.push_back(std::move(*log));
    }
    if (reverted || found.transfers.empty())
        co_return http::ApiError{
            http::ErrorCode::transaction_not_refund,
            "Transaction " + transaction_hash + " did not transfer exactly " +
                num::format_units(refund.amount, refund.token_decimals) + " " +
                refund.token_symbol + " from " + eth::to_checksum_address(refund.sender) + " to " +
                eth::to_checksum_address(refund.to) + " after the refund was created",
            "transactionHash"};
    co_return found;
}

} // namespace

} // namespace paylinks::refunds
