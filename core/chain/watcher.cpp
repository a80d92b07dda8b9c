#include "core/chain/watcher.hpp"

#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/session_json.hpp"
#include "core/sessions/session_store.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace paylinks::chain {

using sessions::ObservedTransfer;
using sessions::Payment;
using sessions::Session;

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

struct BlockRange {
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    [[nodiscard]] bool contains(std::uint64_t block) const noexcept {
        return block >= from && block <= to;
    }
};

bool covered_by(const std::vector<BlockRange>& covered, std::uint64_t block) noexcept {
    return std::any_of(covered.begin(), covered.end(),
                       [&](const BlockRange& range) { return range.contains(block); });
}

// The last block of the contiguous run of covered blocks that starts at `from`.
std::optional<std::uint64_t> covered_through(std::vector<BlockRange> covered, std::uint64_t from) {
    std::sort(covered.begin(), covered.end(),
              [](const BlockRange& a, const BlockRange& b) { return a.from < b.from; });
    std::optional<std::uint64_t> through;
    std::uint64_t next = from;
    for (const auto& range : covered) {
        if (range.from > next) break;
        if (range.to + 1 > next) {
            through = range.to;
            next = range.to + 1;
        }
    }
    return through;
}

// ---- the chain's identity and the token --------------------------------------------------

bool chain_needs_verifying(engine::Context& ctx) {
    auto verified = ctx.chain().chain_verified_at_ms;
    return verified < 0 || ctx.now_ms() - verified > kChainRecheckMs;
}

// eth_chainId, then decimals() and symbol() of each accepted token.
std::size_t verification_calls(engine::Context& ctx) {
    return 1 + 2 * ctx.config().tokens.size();
}

void add_verification(engine::Context& ctx, std::vector<engine::Effect>& effects) {
    effects.push_back(eth_chain_id());
    for (const auto& token : ctx.config().tokens) {
        effects.push_back(eth_call_view(token, kDecimalsSelector));
        effects.push_back(eth_call_view(token, kSymbolSelector));
    }
}

// The configuration's account of the network's token `i` (chains[chain_index].tokens[i]).
const config::AcceptedToken& accepted_token(engine::Context& ctx, std::size_t i) {
    const auto& config = ctx.config();
    return config.chains[config.chain_index].tokens[i];
}

// Reads the answers add_verification asked for. A contradiction is never remembered: the
// next check asks again, so a node that answered wrongly once does not stop the service.
std::optional<Fault> accept_verification(engine::Context& ctx, const Json* results) {
    const auto& config = ctx.config();
    const auto& network = *config.network;
    auto& shared = ctx.chain();
    auto chain_id = read_quantity(results[0], "eth_chainId");
    if (auto* fault = std::get_if<Fault>(&chain_id)) return *fault;
    const std::string rpc_name = config.chain_index == 0
                                     ? "RPC_URL"
                                     : "the rpcUrl of NETWORKS' " + std::string(network.name);
    if (std::get<std::uint64_t>(chain_id) != network.chain_id) {
        shared.chain_verified_at_ms = -1;
        return Fault{"configuration error: " + rpc_name + " serves chain id " +
                         std::to_string(std::get<std::uint64_t>(chain_id)) + " but " +
                         (config.chain_index == 0 ? "NETWORK=" : "network ") +
                         std::string(network.name) + " is chain id " +
                         std::to_string(network.chain_id) +
                         "; no payment is trusted until they agree",
                     true};
    }
    for (std::size_t i = 0; i < config.tokens.size(); ++i) {
        const Json& decimals_answer = results[1 + 2 * i];
        const auto& token =
            config.chain_index == 0 && i == 0
                ? config::AcceptedToken{config.token, config.token_text, config.token_symbol,
                                        config.declared_decimals}
                : accepted_token(ctx, i);
        auto decimals = read_decimals(decimals_answer);
        if (auto* fault = std::get_if<Fault>(&decimals)) {
            shared.chain_verified_at_ms = -1;
            // A JSON-RPC error (execution reverted) is the contract's answer, not the network's.
            const bool contract_answered =
                decimals_answer.contains("rpcError") || engine::succeeded(decimals_answer);
            return Fault{"configuration error: the token at " +
                             std::string(config.chain_index == 0 ? "TOKEN_ADDRESS " : "") +
                             token.text + " on " + std::string(network.display_name) + ": " +
                             fault->message,
                         contract_answered};
        }
        const unsigned chain_decimals = std::get<unsigned>(decimals);
        if (token.declared_decimals && *token.declared_decimals != chain_decimals) {
            shared.chain_verified_at_ms = -1;
            return Fault{"configuration error: the token at " + token.text + " has " +
                             std::to_string(chain_decimals) + " decimals on " +
                             std::string(network.display_name) + ", but the configuration says " +
                             std::to_string(*token.declared_decimals) +
                             (config.chain_index == 0 ? " (TOKEN_DECIMALS)" : " (NETWORKS)") +
                             "; nothing is priced or counted until they agree",
                         true};
        }
        if (i == 0) {
            shared.token_decimals = chain_decimals;
            shared.token_symbol = read_symbol(results[2]).value_or(config.token_symbol);
        }
    }
    shared.chain_verified_at_ms = ctx.now_ms();
    return std::nullopt;
}

// ---- the head ----------------------------------------------------------------------------

void remember_head(engine::Context& ctx, std::uint64_t head) {
    auto& shared = ctx.chain();
    if (head >= shared.last_head_block) {
        shared.last_head_block = head;
        shared.last_head_at_ms = ctx.now_ms();
    }
}

// The last head seen, when it is recent enough to bound a range that ends at "latest".
// Never extrapolated: a guess beyond the real head could start the range past a payment.
std::optional<std::uint64_t> recent_head(engine::Context& ctx) {
    const auto& shared = ctx.chain();
    if (shared.last_head_at_ms < 0 || ctx.now_ms() - shared.last_head_at_ms > 60'000)
        return std::nullopt;
    return shared.last_head_block;
}

std::optional<std::uint64_t> read_finalized(engine::Context& ctx, const Json& result,
                                            std::optional<Fault>& fault) {
    auto header = read_block_header(result);
    if (auto* failed = std::get_if<Fault>(&header)) {
        fault = Fault{"the finalized block could not be read: " + failed->message};
        return std::nullopt;
    }
    auto& known = std::get<std::optional<BlockHeader>>(header);
    auto& shared = ctx.chain();
    if (known && known->number > shared.last_finalized_block)
        shared.last_finalized_block = known->number;
    return shared.last_finalized_block;
}

// ---- logs over block ranges --------------------------------------------------------------

std::uint64_t log_span(engine::Context& ctx) {
    return ctx.chain().log_span ? ctx.chain().log_span : kMaxBlockRange;
}

struct LogQuery {
    std::uint64_t from = 0;
    std::uint64_t to = 0;
    std::vector<eth::Address> recipients;
};

// What the log queries of one check or one scan chunk found.
struct LogHarvest {
    std::map<eth::Address, std::vector<ObservedTransfer>> by_address;
    std::vector<BlockRange> covered;
    std::vector<std::string> faults;
    /// A node that answers what was not asked (malformed logs, other emitters, other
    /// recipients, other blocks) is not believed on anything else of this harvest.
    bool untrusted = false;
    std::size_t calls = 0;
    bool budget_spent = false;
};

// [from, to] in pieces of the span the node accepts.
void split_range(std::vector<LogQuery>& out, std::uint64_t from, std::uint64_t to,
                 std::uint64_t span, const std::vector<eth::Address>& recipients) {
    for (std::uint64_t start = from; start <= to;) {
        const std::uint64_t end = to - start + 1 > span ? start + span - 1 : to;
        out.push_back(LogQuery{start, end, recipients});
        if (end == to) break;
        start = end + 1;
    }
}

void take_log_result(engine::Context& ctx, LogHarvest& harvest, const LogQuery& query,
                     const Json& result, std::uint64_t batch_head,
                     const std::set<eth::Address>& recipient_set, std::vector<LogQuery>& again) {
    const std::uint64_t end = std::min(query.to, batch_head);
    if (engine::succeeded(result)) {
        auto logs = read_transfer_logs(result, ctx.config().tokens, recipient_set);
        if (auto* fault = std::get_if<Fault>(&logs)) {
            harvest.faults.push_back(fault->message);
            harvest.untrusted = true;
            return;
        }
        for (auto& transfer : std::get<std::vector<ObservedTransfer>>(logs)) {
            if (transfer.log.block_number < query.from || transfer.log.block_number > query.to) {
                harvest.faults.push_back("eth_getLogs answered a log outside the range asked for");
                harvest.untrusted = true;
                return;
            }
        }
        for (auto& transfer : std::get<std::vector<ObservedTransfer>>(logs))
            harvest.by_address[transfer.log.to].push_back(std::move(transfer));
        if (end >= query.from) harvest.covered.push_back({query.from, end});
        return;
    }
    const std::uint64_t asked = query.to - query.from + 1;
    if (auto refusal = read_range_refusal(result, asked)) {
        auto& shared = ctx.chain();
        const std::uint64_t accepted =
            std::max<std::uint64_t>(1, refusal->limit ? *refusal->limit : asked / 2);
        shared.log_span = std::min(log_span(ctx), accepted);
        if (asked > 1) {
            split_range(again, query.from, query.to, std::min(log_span(ctx), asked - 1),
                        query.recipients);
        } else if (query.recipients.size() > 1) {
            const auto half = static_cast<std::ptrdiff_t>(query.recipients.size() / 2);
            again.push_back(LogQuery{query.from, query.to,
                                     std::vector<eth::Address>(query.recipients.begin(),
                                                               query.recipients.begin() + half)});
            again.push_back(LogQuery{query.from, query.to,
                                     std::vector<eth::Address>(query.recipients.begin() + half,
                                                               query.recipients.end())});
        } else {
            harvest.faults.push_back(
                "eth_getLogs was refused even for one block and one address: " +
                engine::failure_message(result));
        }
        return;
    }
    harvest.faults.push_back("eth_getLogs failed: " + engine::failure_message(result));
}

// Performs `queries` (each batch with eth_blockNumber, so that what a lagging node covers is
// known), splitting what the node refuses, within `budget` calls in all.
engine::Task<bool> fetch_logs(engine::Context& ctx, LogHarvest& harvest,
                              std::vector<LogQuery> queries,
                              const std::set<eth::Address>& recipient_set, std::size_t budget) {
    constexpr int kMaxRounds = 8;
    for (int round = 0; round < kMaxRounds && !queries.empty(); ++round) {
        const std::size_t room = budget > harvest.calls ? budget - harvest.calls : 0;
        if (room == 0) break;
        std::vector<LogQuery> now(queries.begin(),
                                  queries.begin() +
                                      static_cast<std::ptrdiff_t>(std::min(room, queries.size())));
        queries.erase(queries.begin(), queries.begin() + static_cast<std::ptrdiff_t>(now.size()));
        std::vector<engine::Effect> effects;
        effects.push_back(eth_block_number());
        for (const auto& query : now)
            effects.push_back(
                eth_get_transfer_logs(ctx.config().tokens, query.recipients, query.from, query.to));
        harvest.calls += effects.size();
        auto results = co_await ctx.perform(std::move(effects));
        auto head = read_quantity(results[0], "eth_blockNumber");
        if (auto* fault = std::get_if<Fault>(&head)) {
            harvest.faults.push_back(fault->message);
            co_return false;
        }
        remember_head(ctx, std::get<std::uint64_t>(head));
        std::vector<LogQuery> again;
        for (std::size_t i = 0; i < now.size(); ++i)
            take_log_result(ctx, harvest, now[i], results[i + 1], std::get<std::uint64_t>(head),
                            recipient_set, again);
        queries.insert(queries.begin(), again.begin(), again.end());
    }
    harvest.budget_spent = !queries.empty();
    co_return true;
}

// Where the logs of a session still need reading: from where earlier checks stopped, less
// the reorg margin, never before its first block.
std::uint64_t resume_from(engine::Context& ctx, const std::string& id,
                          std::optional<std::uint64_t> start_block, std::uint64_t scanned_to,
                          std::int64_t created_at_ms, std::uint64_t head) {
    const std::uint64_t first = start_block ? *start_block
                                            : first_block_for(created_at_ms, head, ctx.now_ms(),
                                                              ctx.config().network->block_time_ms);
    if (auto it = ctx.chain().scanned_to.find(id); it != ctx.chain().scanned_to.end())
        scanned_to = std::max(scanned_to, it->second);
    if (scanned_to == 0) return first;
    const std::uint64_t resume =
        scanned_to > kReorgMarginBlocks ? scanned_to - kReorgMarginBlocks : 0;
    return std::max(first, resume);
}

void remember_scanned(engine::Context& ctx, Session& session, std::uint64_t through) {
    auto& scanned = ctx.chain().scanned_to;
    if (scanned.size() > 50'000) scanned.clear();
    auto& known = scanned[session.id];
    known = std::max(known, through);
    session.scanned_to = std::max(session.scanned_to, through);
}

// ---- several networks --------------------------------------------------------------------

bool has_option_on(const Session& session, const std::string& network) {
    return std::any_of(session.options.begin(), session.options.end(),
                       [&](const sessions::PaymentOption& o) { return o.network == network; });
}

// The watcher reads a session's start_block, scanned_to and head_seen: while a network other
// than the primary is in scope, they hold that network's cursor (swapped in, and back out).
void swap_cursor(Session& session, const config::Config& scoped) {
    if (scoped.chain_index == 0) return;
    auto& cursor = session.other_chains[std::string(scoped.network->name)];
    std::swap(session.start_block, cursor.start_block);
    std::swap(session.scanned_to, cursor.scanned_to);
    std::swap(session.head_seen, cursor.head_seen);
}

// ---- reconciling sessions with what the logs show ----------------------------------------

void remember_block(engine::Context& ctx, const BlockHeader& header) {
    auto& blocks = ctx.chain().blocks;
    if (blocks.size() > 10'000) blocks.clear();
    blocks[header.number] = engine::KnownBlock{header.hash, header.time_ms};
}

struct Reconciliation {
    Session* session = nullptr;
    std::vector<ObservedTransfer> transfers;
    std::vector<std::string> removed;
    /// The lowest block of a new transfer the node could not vouch for yet: reading must
    /// resume there, not past it.
    std::optional<std::uint64_t> unverified_from;
};

// What may be recorded as read for a session: the contiguous run from `from`, short of any
// transfer that still waits for its block.
std::optional<std::uint64_t> readable_through(const std::vector<BlockRange>& covered,
                                              std::uint64_t from, const Reconciliation& item) {
    auto through = covered_through(covered, from);
    if (through && item.unverified_from)
        through = *item.unverified_from > from
                      ? std::optional(std::min(*through, *item.unverified_from - 1))
                      : std::nullopt;
    return through;
}

// Whether a payment is on the network in scope (stored without one: the primary's).
bool in_scope(engine::Context& ctx, const Payment& payment) {
    const auto& config = ctx.config();
    return payment.network.empty() ? config.chain_index == 0
                                   : payment.network == config.network->name;
}

// The session's tokens on the network in scope, with their decimals; none when it has no
// option there (a transfer of them is no payment of this session).
std::vector<sessions::AcceptedToken> accepted_tokens(engine::Context& ctx, const Session& session) {
    const auto& config = ctx.config();
    std::vector<sessions::AcceptedToken> accepted;
    if (session.options.empty()) {
        if (config.chain_index == 0) accepted.push_back({config.token, session.token_decimals});
        return accepted;
    }
    for (const auto& option : session.options)
        if (option.network == config.network->name)
            accepted.push_back({option.token, option.decimals});
    return accepted;
}

const Payment* known_payment(engine::Context& ctx, const Session& session,
                             const eth::TransferLog& log) {
    for (const auto& payment : session.payments)
        if (in_scope(ctx, payment) && payment.transaction_hash == log.transaction_hash &&
            payment.log_index == log.log_index && payment.block_hash == log.block_hash)
            return &payment;
    return nullptr;
}

// Brings each session up to date with the transfers the logs showed in `covered`: new ones
// are checked against their block's header (hash, timestamp); known ones the logs no longer
// show, or whose newest block changed hash, against their receipts. Returns, per session,
// whether it changed.
engine::Task<std::vector<bool>> reconcile(engine::Context& ctx, std::vector<Reconciliation>& work,
                                          const std::vector<BlockRange>& covered,
                                          std::uint64_t head,
                                          std::optional<std::uint64_t> finalized,
                                          std::size_t& rpc_calls) {
    const auto& config = ctx.config();
    const auto rules = sessions::state_rules(config);

    // Round 1: headers for new transfers (unless known) and for the newest block of payments
    // no longer read, while a reorg could still take them.
    std::set<std::uint64_t> headers_needed;
    std::vector<std::optional<std::uint64_t>> newest_outside(work.size());
    for (std::size_t i = 0; i < work.size(); ++i) {
        auto& item = work[i];
        for (auto& transfer : item.transfers) {
            if (auto* known = known_payment(ctx, *item.session, transfer.log)) {
                transfer.block_time_ms = known->time_ms;
                continue;
            }
            auto cached = ctx.chain().blocks.find(transfer.log.block_number);
            if (cached != ctx.chain().blocks.end() &&
                cached->second.hash == transfer.log.block_hash)
                transfer.block_time_ms = cached->second.time_ms;
            else
                headers_needed.insert(transfer.log.block_number);
        }
        for (const auto& payment : item.session->payments) {
            if (!in_scope(ctx, payment) || covered_by(covered, payment.block_number)) continue;
            if (head >= payment.block_number && head - payment.block_number + 1 >= kSettledDepth)
                continue;
            if (!newest_outside[i] || payment.block_number > *newest_outside[i])
                newest_outside[i] = payment.block_number;
        }
        if (newest_outside[i]) headers_needed.insert(*newest_outside[i]);
    }
    std::map<std::uint64_t, std::optional<BlockHeader>> headers;
    if (!headers_needed.empty()) {
        std::vector<engine::Effect> effects;
        for (auto number : headers_needed)
            effects.push_back(eth_get_block_by_number(number));
        rpc_calls += effects.size();
        auto results = co_await ctx.perform(std::move(effects));
        std::size_t at = 0;
        for (auto number : headers_needed) {
            auto header = read_block_header(results[at++]);
            auto* read = std::get_if<std::optional<BlockHeader>>(&header);
            if (read && *read && (*read)->number == number) {
                remember_block(ctx, **read);
                headers[number] = *read;
            } else {
                headers[number] = std::nullopt; // unknown to this node (yet), or unreadable
            }
        }
    }

    // Round 2: receipts of known payments that may be gone.
    struct Suspect {
        std::size_t item;
        const Payment* payment;
    };
    std::vector<Suspect> suspects;
    for (std::size_t i = 0; i < work.size(); ++i) {
        auto& item = work[i];
        // A new transfer counts only in a block the node reports with the log's hash.
        std::erase_if(item.transfers, [&](ObservedTransfer& transfer) {
            if (transfer.block_time_ms) return false;
            auto it = headers.find(transfer.log.block_number);
            if (it == headers.end() || !it->second || it->second->hash != transfer.log.block_hash) {
                if (!item.unverified_from || transfer.log.block_number < *item.unverified_from)
                    item.unverified_from = transfer.log.block_number;
                return true;
            }
            transfer.block_time_ms = it->second->time_ms;
            return false;
        });
        std::string changed_hash;
        if (newest_outside[i]) {
            auto it = headers.find(*newest_outside[i]);
            if (it != headers.end() && it->second) changed_hash = it->second->hash;
        }
        for (const auto& payment : item.session->payments) {
            if (!in_scope(ctx, payment)) continue;
            const bool shown = std::any_of(
                item.transfers.begin(), item.transfers.end(), [&](const ObservedTransfer& t) {
                    return t.log.transaction_hash == payment.transaction_hash &&
                           t.log.log_index == payment.log_index;
                });
            if (shown) continue;
            const bool inside = covered_by(covered, payment.block_number);
            const bool fork_seen = !inside && newest_outside[i] && !changed_hash.empty() &&
                                   std::any_of(item.session->payments.begin(),
                                               item.session->payments.end(), [&](const Payment& p) {
                                                   return in_scope(ctx, p) &&
                                                          p.block_number == *newest_outside[i] &&
                                                          p.block_hash != changed_hash;
                                               });
            if (inside || fork_seen) suspects.push_back({i, &payment});
        }
    }
    if (!suspects.empty()) {
        std::vector<engine::Effect> effects;
        effects.push_back(eth_block_number());
        for (const auto& suspect : suspects)
            effects.push_back(eth_get_transaction_receipt(suspect.payment->transaction_hash));
        rpc_calls += effects.size();
        auto results = co_await ctx.perform(std::move(effects));
        auto receipt_head = read_quantity(results[0], "eth_blockNumber");
        const std::uint64_t node_head = std::holds_alternative<std::uint64_t>(receipt_head)
                                            ? std::get<std::uint64_t>(receipt_head)
                                            : 0;
        for (std::size_t s = 0; s < suspects.size(); ++s) {
            auto& item = work[suspects[s].item];
            const Payment& payment = *suspects[s].payment;
            auto verdict =
                read_receipt(results[s + 1], config.tokens, item.session->deposit_address);
            auto* receipt = std::get_if<ReceiptVerdict>(&verdict);
            if (!receipt) continue; // cannot tell: kept
            if (!receipt->found) {
                // Unknown to a node that is past its block: the transaction is gone.
                if (node_head >= payment.block_number)
                    item.removed.push_back(payment.transaction_hash);
                continue;
            }
            const ObservedTransfer* still = nullptr;
            for (const auto& transfer : receipt->transfers)
                if (transfer.log.log_index == payment.log_index &&
                    transfer.log.block_hash == payment.block_hash)
                    still = &transfer;
            if (receipt->succeeded && still) {
                ObservedTransfer kept = *still;
                kept.block_time_ms = payment.time_ms;
                item.transfers.push_back(std::move(kept));
            } else {
                // Reverted, or mined again elsewhere (the logs find it there in their turn).
                item.removed.push_back(payment.transaction_hash);
            }
        }
    }

    std::vector<bool> changed(work.size(), false);
    for (std::size_t i = 0; i < work.size(); ++i) {
        auto& item = work[i];
        sessions::ChainObservation observation;
        observation.network = config.network->name;
        observation.primary = config.chain_index == 0;
        observation.accepted = accepted_tokens(ctx, *item.session);
        if (observation.accepted.empty()) item.transfers.clear();
        observation.head_block = head;
        observation.finalized_block = finalized;
        observation.transfers = std::move(item.transfers);
        observation.removed_transactions = std::move(item.removed);
        changed[i] = sessions::apply_observation(*item.session, observation, rules, ctx.now_ms());
    }
    co_return changed;
}

// One check against the chain, unthrottled (check_session decides whether one is due).
engine::Task<std::variant<CheckReport, Fault>>
check_against_chain(engine::Context& ctx, Session& session,
                    std::optional<std::string> transaction_hash) {
    const auto& config = ctx.config();
    const bool finalized_mode = config.finalized;
    CheckReport report;

    // The first batch: the chain's identity when due, the head, the finalized block, the
    // receipt asked about. When the head is roughly known, the logs ride along.
    std::vector<engine::Effect> effects;
    const bool verify_chain = chain_needs_verifying(ctx);
    if (verify_chain) add_verification(ctx, effects);
    const std::size_t head_at = effects.size();
    effects.push_back(eth_block_number());
    if (finalized_mode) effects.push_back(eth_get_block_by_tag("finalized"));
    const std::size_t receipt_at = effects.size();
    if (transaction_hash) effects.push_back(eth_get_transaction_receipt(*transaction_hash));
    report.rpc_calls += effects.size();
    auto results = co_await ctx.perform(std::move(effects));
    if (verify_chain) {
        if (auto fault = accept_verification(ctx, &results[0])) co_return *fault;
    }
    auto head_answer = read_quantity(results[head_at], "eth_blockNumber");
    if (auto* fault = std::get_if<Fault>(&head_answer)) co_return *fault;
    const std::uint64_t head = std::get<std::uint64_t>(head_answer);
    remember_head(ctx, head);
    std::optional<std::uint64_t> finalized;
    if (finalized_mode) {
        std::optional<Fault> fault;
        finalized = read_finalized(ctx, results[head_at + 1], fault);
        if (fault) co_return *fault;
    }
    std::vector<ObservedTransfer> receipt_transfers;
    if (transaction_hash) {
        auto verdict = read_receipt(results[receipt_at], config.tokens, session.deposit_address);
        if (auto* fault = std::get_if<Fault>(&verdict)) co_return *fault;
        auto& receipt = std::get<ReceiptVerdict>(verdict);
        // A receipt for another transaction than the one asked for is not evidence.
        std::erase_if(receipt.transfers, [&](const ObservedTransfer& t) {
            return t.log.transaction_hash != *transaction_hash;
        });
        if (receipt.succeeded) receipt_transfers = receipt.transfers;
        report.receipt = std::move(receipt);
    }

    // The logs of the blocks not read yet, within this check's budget.
    const std::uint64_t from = resume_from(ctx, session.id, session.start_block, session.scanned_to,
                                           session.created_at_ms, head);
    LogHarvest harvest;
    if (from <= head) {
        const std::vector<eth::Address> recipients(1, session.deposit_address);
        const std::set<eth::Address> recipient_set(recipients.begin(), recipients.end());
        std::vector<LogQuery> queries;
        split_range(queries, from, head, log_span(ctx), recipients);
        (void)co_await fetch_logs(ctx, harvest, std::move(queries), recipient_set, kCheckLogCalls);
    }
    report.rpc_calls += harvest.calls;
    // One failed range fails the check: what the session shows must come from a whole view
    // (a range left unread for the budget is read at the next check, and is no failure).
    if (!harvest.faults.empty()) co_return Fault{harvest.faults.front()};

    std::vector<Reconciliation> work(1);
    work[0].session = &session;
    work[0].transfers = std::move(harvest.by_address[session.deposit_address]);
    for (auto& transfer : receipt_transfers)
        work[0].transfers.push_back(std::move(transfer));
    auto changed =
        co_await reconcile(ctx, work, harvest.covered, head, finalized, report.rpc_calls);
    if (auto through = readable_through(harvest.covered, from, work[0]))
        remember_scanned(ctx, session, *through);
    report.changed = changed[0];
    co_return report;
}

} // namespace

engine::Task<std::variant<TokenQuote, Fault>> describe_token(engine::Context& ctx) {
    const auto& config = ctx.config();
    auto& shared = ctx.chain();
    TokenQuote quote;
    if (!chain_needs_verifying(ctx)) {
        quote.decimals = shared.token_decimals;
        quote.symbol = shared.token_symbol;
        quote.head = recent_head(ctx);
        if (quote.head) co_return quote;
    }
    std::vector<engine::Effect> effects;
    const bool verify_chain = chain_needs_verifying(ctx);
    if (verify_chain) add_verification(ctx, effects);
    effects.push_back(eth_block_number());
    auto results = co_await ctx.perform(std::move(effects));
    std::optional<Fault> fault;
    if (verify_chain) fault = accept_verification(ctx, &results[0]);
    if (fault && fault->misconfigured) co_return *fault;
    if (!fault) {
        quote.decimals = shared.token_decimals;
        quote.symbol = shared.token_symbol;
        auto head = read_quantity(results.back(), "eth_blockNumber");
        if (auto* value = std::get_if<std::uint64_t>(&head)) {
            remember_head(ctx, *value);
            quote.head = *value;
        }
        co_return quote;
    }
    // The chain cannot be reached: a declared token can still be priced (its decimals are
    // checked at the first chain check, before anything is counted).
    if (!config.declared_decimals)
        co_return Fault{"the token's decimals could not be read from the chain (" + fault->message +
                        "); set TOKEN_DECIMALS to price sessions while the node is unreachable"};
    quote.decimals = *config.declared_decimals;
    quote.symbol = config.token_symbol;
    co_return quote;
}

std::optional<std::uint64_t> known_head(engine::Context& ctx, std::size_t chain) {
    engine::Context::ChainGuard guard(ctx, chain);
    return recent_head(ctx);
}

bool check_due(engine::Context& ctx, const std::string& session_id) {
    const auto& last_check = ctx.shared().last_check_ms;
    auto it = last_check.find(session_id);
    return it == last_check.end() || ctx.now_ms() - it->second >= kCheckIntervalMs;
}

engine::Task<std::variant<CheckReport, Fault>>
check_session(engine::Context& ctx, Session& session, std::optional<std::string> transaction_hash,
              bool force) {
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
    // Each network the session can be paid on, one after the other: one that cannot be read
    // leaves the others' answers standing, and the check fails only if none answered.
    std::optional<Fault> fault;
    bool answered = false;
    const std::size_t chains = std::max<std::size_t>(1, ctx.config().chains.size());
    for (std::size_t k = 0; k < chains; ++k) {
        if (k > 0 && !has_option_on(session, ctx.config().chains[k].name)) continue;
        engine::Context::ChainGuard guard(ctx, k);
        swap_cursor(session, ctx.config());
        auto hash = transaction_hash;
        auto outcome = co_await check_against_chain(ctx, session, std::move(hash));
        swap_cursor(session, ctx.config());
        if (auto* failed = std::get_if<Fault>(&outcome)) {
            if (!fault || (failed->misconfigured && !fault->misconfigured)) fault = *failed;
            continue;
        }
        answered = true;
        auto& one = std::get<CheckReport>(outcome);
        report.changed = report.changed || one.changed;
        report.rpc_calls += one.rpc_calls;
        // The receipt of the network that knows the transaction.
        if (one.receipt && (!report.receipt || (!report.receipt->found && one.receipt->found)))
            report.receipt = std::move(one.receipt);
    }
    if (!answered && fault) {
        last_fault[session.id] = fault->message;
        co_return *fault;
    }
    last_fault.erase(session.id);
    co_return report;
}

// What the tick learned of one network's chain before reading its logs.
struct NetworkHead {
    std::optional<std::uint64_t> head; ///< nullopt: the network could not be read this tick
    std::optional<std::uint64_t> finalized;
};

// An entry as seen on the network in scope: its cursor there.
sessions::WatchEntry on_network(engine::Context& ctx, const sessions::WatchEntry& entry) {
    const auto& config = ctx.config();
    if (config.chain_index == 0) return entry;
    sessions::WatchEntry view = entry;
    sessions::WatchEntry::Chain chain;
    if (auto it = entry.other_chains.find(std::string(config.network->name));
        it != entry.other_chains.end())
        chain = it->second;
    view.start_block = chain.start_block;
    view.scanned_to = chain.scanned_to;
    view.newest_payment_block = chain.newest_payment_block;
    view.payment_count = chain.payment_count;
    view.unconfirmed_count = chain.unconfirmed_count;
    return view;
}

// One chunk of up to 1000 watched sessions: their logs read together, on each network that
// answered this tick; the sessions with something to change loaded once, reconciled with
// every network and saved once. `indexed[i]`: entry i came from the watch index (an entry
// found among the recent records has no watch key to remove).
engine::Task<bool> scan_chunk(engine::Context& ctx, std::vector<sessions::WatchEntry> entries,
                              std::vector<bool> indexed, std::vector<engine::Effect> writes,
                              std::vector<NetworkHead> heads, ScanReport& report) {
    const auto rules = sessions::state_rules(ctx.config());
    report.watched += entries.size();
    const bool any_head = std::any_of(heads.begin(), heads.end(),
                                      [](const NetworkHead& h) { return h.head.has_value(); });
    const bool every_head = std::all_of(heads.begin(), heads.end(),
                                        [](const NetworkHead& h) { return h.head.has_value(); });
    if (!any_head) {
        // No chain could be read: only the clock runs. Sessions whose expiresAt passed
        // are expired (and so enter the watch index) rather than left to age out of the
        // recent records during a long outage; nothing else is decided without the chain.
        std::vector<std::string> due;
        for (const auto& entry : entries)
            if ((entry.status == sessions::Status::open ||
                 entry.status == sessions::Status::underpaid) &&
                ctx.now_ms() >= entry.expires_at_ms)
                due.push_back(entry.id);
        auto results = co_await ctx.perform(sessions::session_reads(due));
        for (std::size_t k = 0; k < due.size(); ++k) {
            auto loaded = sessions::read_loaded_session(results, k);
            auto& session = loaded.session;
            if (!session) continue;
            const auto previous = session->status;
            if (!sessions::apply_clock(*session, ctx.now_ms())) continue;
            session->updated_at_ms = ctx.now_ms();
            ++report.updated;
            for (auto& effect : sessions::session_writes(ctx, *session, previous))
                writes.push_back(std::move(effect));
        }
        if (!writes.empty()) {
            auto results = co_await ctx.perform(writes);
            events::request_deliveries(ctx, writes, results);
        }
        co_return true;
    }

    // Per network: one set of eth_getLogs over every entry's deposit address, the token list
    // of that network as the address filter.
    std::vector<LogHarvest> harvests(heads.size());
    std::vector<std::vector<std::uint64_t>> entry_from(heads.size());
    std::vector<bool> wanted(entries.size(), false);
    for (std::size_t n = 0; n < heads.size(); ++n) {
        if (!heads[n].head || entries.empty()) continue;
        engine::Context::ChainGuard guard(ctx, n);
        const std::uint64_t head = *heads[n].head;
        auto& harvest = harvests[n];
        entry_from[n].assign(entries.size(), head + 1);
        std::vector<eth::Address> recipients;
        std::set<eth::Address> recipient_set;
        std::uint64_t from = head + 1;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto entry = on_network(ctx, entries[i]);
            recipients.push_back(entry.deposit_address);
            recipient_set.insert(entry.deposit_address);
            entry_from[n][i] = resume_from(ctx, entry.id, entry.start_block, entry.scanned_to,
                                           entry.created_at_ms, head);
            from = std::min(from, entry_from[n][i]);
        }
        if (from <= head) {
            std::vector<LogQuery> queries;
            split_range(queries, from, head, log_span(ctx), recipients);
            (void)co_await fetch_logs(ctx, harvest, std::move(queries), recipient_set,
                                      kScanLogCalls);
        }
        report.rpc_calls += harvest.calls;
        const std::string where =
            heads.size() > 1 ? std::string(ctx.config().network->name) + ": " : std::string{};
        for (auto& fault : harvest.faults)
            report.faults.push_back(where + fault);
        if (harvest.untrusted) { // judged on nothing this node said; the other chunks go on
            harvest.by_address.clear();
            harvest.covered.clear();
        }
        if (harvest.budget_spent)
            report.faults.push_back(where + "the eth_getLogs budget of this tick was spent; the "
                                            "rest is read at the next tick");
        // Sessions with something to change here: new logs, or payments that are not yet
        // confirmed or settled.
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto entry = on_network(ctx, entries[i]);
            const bool has_logs = harvest.by_address.count(entry.deposit_address) > 0;
            const bool unsettled =
                entry.payment_count > 0 &&
                (entry.unconfirmed_count > 0 || head < entry.newest_payment_block ||
                 head - entry.newest_payment_block + 1 < kSettledDepth);
            if (has_logs || unsettled) wanted[i] = true;
        }
    }

    // And those whose clock ran out: expiresAt for an open one, the end of the late window
    // for any. Only these are read.
    std::vector<std::size_t> to_load;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        const bool clock_ran_out =
            (entry.status == sessions::Status::open && ctx.now_ms() >= entry.expires_at_ms) ||
            ctx.now_ms() >= entry.expires_at_ms + rules.late_window_ms;
        if (wanted[i] || clock_ran_out) to_load.push_back(i);
    }
    std::vector<std::string> load_ids;
    for (auto i : to_load)
        load_ids.push_back(entries[i].id);
    auto loaded = co_await ctx.perform(sessions::session_reads(load_ids));
    std::vector<Session> sessions_loaded;
    std::vector<std::size_t> entry_of;
    sessions_loaded.reserve(to_load.size());
    for (std::size_t k = 0; k < to_load.size(); ++k) {
        auto read = sessions::read_loaded_session(loaded, k);
        if (!read.ok && !read.unreadable) continue; // KV failed: try again next tick
        auto& session = read.session;
        if (!session) {
            if (indexed[to_load[k]])
                writes.push_back(
                    engine::kv_delete(sessions::watch_index_key(entries[to_load[k]].id)));
            continue;
        }
        sessions_loaded.push_back(std::move(*session));
        entry_of.push_back(to_load[k]);
    }
    std::vector<bool> changed(sessions_loaded.size(), false);
    std::vector<sessions::Status> previous(sessions_loaded.size());
    for (std::size_t k = 0; k < sessions_loaded.size(); ++k)
        previous[k] = sessions_loaded[k].status;

    for (std::size_t n = 0; n < heads.size(); ++n) {
        if (!heads[n].head) continue;
        engine::Context::ChainGuard guard(ctx, n);
        const std::uint64_t head = *heads[n].head;
        auto& harvest = harvests[n];
        // Sessions with nothing to read have read everything covered.
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (harvest.by_address.count(entries[i].deposit_address)) continue;
            if (auto through = covered_through(harvest.covered, entry_from[n][i])) {
                auto& scanned = ctx.chain().scanned_to;
                if (scanned.size() > 50'000) scanned.clear();
                scanned[entries[i].id] = std::max(scanned[entries[i].id], *through);
            }
        }
        // Only the sessions that can be paid here (records from before several networks:
        // on the primary alone).
        std::vector<std::size_t> here;
        std::vector<Reconciliation> work;
        for (std::size_t k = 0; k < sessions_loaded.size(); ++k) {
            auto& session = sessions_loaded[k];
            if (n > 0 && !has_option_on(session, ctx.config().chains[n].name)) continue;
            swap_cursor(session, ctx.config());
            if (auto it = ctx.chain().scanned_to.find(session.id);
                it != ctx.chain().scanned_to.end())
                session.scanned_to = std::max(session.scanned_to, it->second);
            here.push_back(k);
            Reconciliation item;
            item.session = &session;
            if (auto it = harvest.by_address.find(session.deposit_address);
                it != harvest.by_address.end())
                item.transfers = it->second;
            work.push_back(std::move(item));
        }
        auto changed_here = co_await reconcile(ctx, work, harvest.covered, head, heads[n].finalized,
                                               report.rpc_calls);
        for (std::size_t w = 0; w < here.size(); ++w) {
            auto& session = sessions_loaded[here[w]];
            if (auto through =
                    readable_through(harvest.covered, entry_from[n][entry_of[here[w]]], work[w]))
                remember_scanned(ctx, session, *through);
            swap_cursor(session, ctx.config());
            if (changed_here[w]) changed[here[w]] = true;
        }
    }

    for (std::size_t k = 0; k < sessions_loaded.size(); ++k) {
        auto& session = sessions_loaded[k];
        if (sessions::apply_clock(session, ctx.now_ms())) changed[k] = true;
        // While a network could not be read, nobody leaves the watch index on its account.
        const bool still_watched =
            sessions::needs_watching(session, rules, ctx.now_ms()) || !every_head;
        if (!changed[k] && still_watched) continue;
        if (changed[k]) {
            session.updated_at_ms = ctx.now_ms();
            ++report.updated;
        }
        for (auto& effect : sessions::session_writes(ctx, session, previous[k]))
            writes.push_back(std::move(effect));
    }
    if (!writes.empty()) {
        auto results = co_await ctx.perform(writes);
        events::request_deliveries(ctx, writes, results);
    }
    co_return true;
}

engine::Task<ScanReport> scan_watched_sessions(engine::Context& ctx) {
    const auto& config = ctx.config();
    const auto rules = sessions::state_rules(config);
    ScanReport report;

    // Each network's head (and identity when due), one after the other: one that is down
    // is left out of this tick, the others are read.
    std::vector<NetworkHead> heads;
    const std::size_t chains = std::max<std::size_t>(1, config.chains.size());
    for (std::size_t n = 0; n < chains; ++n) {
        engine::Context::ChainGuard guard(ctx, n);
        const auto& scoped = ctx.config();
        std::vector<engine::Effect> head_effects;
        const bool verify_chain = chain_needs_verifying(ctx);
        if (verify_chain) add_verification(ctx, head_effects);
        head_effects.push_back(eth_block_number());
        if (scoped.finalized) head_effects.push_back(eth_get_block_by_tag("finalized"));
        report.rpc_calls += head_effects.size();
        auto head_results = co_await ctx.perform(std::move(head_effects));
        // Without a head (or with a chain that contradicts the configuration) the scan still
        // walks the sessions, for their clocks only (scan_chunk).
        NetworkHead known;
        std::optional<Fault> chain_fault;
        if (verify_chain) chain_fault = accept_verification(ctx, &head_results[0]);
        const std::size_t head_at = verify_chain ? verification_calls(ctx) : 0;
        if (!chain_fault) {
            auto head_answer = read_quantity(head_results[head_at], "eth_blockNumber");
            if (auto* fault = std::get_if<Fault>(&head_answer))
                chain_fault = *fault;
            else
                known.head = std::get<std::uint64_t>(head_answer);
        }
        if (known.head) {
            remember_head(ctx, *known.head);
            if (scoped.finalized) {
                std::optional<Fault> fault;
                known.finalized = read_finalized(ctx, head_results[head_at + 1], fault);
                if (fault) {
                    chain_fault = fault;
                    known.head.reset();
                }
            }
        }
        if (chain_fault)
            report.faults.push_back(
                (chains > 1 ? std::string(scoped.network->name) + ": " : std::string{}) +
                chain_fault->message);
        heads.push_back(known);
    }

    // Two sources, recent records first: every session created within the recent horizon is
    // its own entry under cs/ (a visit writes nothing else), and every older one the chain
    // still needs is in the watch index, put there by its first change (an expiry, a payment).
    const std::int64_t recent_from_ms =
        ctx.now_ms() - (config.session_ttl_seconds * 1000 + kRecentSlackMs);
    std::unordered_set<std::string> seen;
    for (const bool watch_index : {false, true}) {
        const std::string prefix(watch_index ? sessions::kWatchIndexPrefix
                                             : sessions::kSessionKeyPrefix);
        std::string cursor;
        bool past_horizon = false;
        for (int page_number = 0; page_number < 1000 && !past_horizon; ++page_number) {
            auto page =
                engine::read_kv_list(co_await ctx.perform(engine::kv_list(prefix, 1000, cursor)));
            ++report.kv_lists;
            if (!page.ok) {
                report.faults.push_back("kv.list failed: " + page.error);
                co_return report;
            }
            std::vector<sessions::WatchEntry> entries;
            std::vector<bool> indexed;
            std::vector<engine::Effect> stale_entries;
            for (auto& key : page.keys) {
                // A name outside the prefix is not an entry of this index (nor ours to delete).
                if (!key.name.starts_with(prefix)) continue;
                auto id = ids::id_from_newest_first_key(
                    std::string_view(key.name).substr(prefix.size()), ids::kSessionPrefix);
                if (!watch_index) {
                    // Newest first: the first record older than the horizon ends the source.
                    auto created_ms = ids::id_time_ms(id, ids::kSessionPrefix);
                    if (!created_ms) continue;
                    if (*created_ms < recent_from_ms) {
                        past_horizon = true;
                        break;
                    }
                }
                if (seen.count(id)) continue;
                auto entry = sessions::read_watch_metadata(id, key.metadata);
                if (!entry) {
                    // An unreadable index entry is re-found on load; a record is never removed.
                    if (watch_index) stale_entries.push_back(engine::kv_delete(key.name));
                    continue;
                }
                if (!watch_index && entry->unconfirmed_count == 0 &&
                    ctx.now_ms() >= entry->expires_at_ms + rules.late_window_ms)
                    continue; // nothing left to watch for
                seen.insert(id);
                entries.push_back(std::move(*entry));
                indexed.push_back(watch_index);
            }
            (void)co_await scan_chunk(ctx, std::move(entries), std::move(indexed),
                                      std::move(stale_entries), heads, report);
            if (page.complete) break;
            cursor = page.cursor;
        }
    }
    co_return report;
}

} // namespace paylinks::chain
