#include "core/api/sweeps_api.hpp"

#include "core/api/list_query.hpp"
#include "core/api/request_body.hpp"
#include "core/chain/rpc.hpp"
#include "core/chain/watcher.hpp"
#include "core/crypto/hex.hpp"
#include "core/eth/create2.hpp"
#include "core/ids/ids.hpp"
#include "core/refunds/refund.hpp"
#include "core/sessions/session_json.hpp"
#include "core/store/listing.hpp"
#include "core/sweeps/sweep.hpp"
#include "core/util/time.hpp"

#include <map>

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;
using http::Response;

namespace {

/// treasury() of the forwarder implementation: where every flush pays.
constexpr std::string_view kTreasurySelector = "0x61d027b3";
/// How many sweeps the balances answer shows (from list metadata, no reads).
constexpr std::size_t kRecentSweeps = 10;

ApiError sweep_not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such sweep: '" + id + "'", "id"};
}

ApiError chain_error(const chain::Fault& fault) {
    return ApiError{
        fault.misconfigured ? ErrorCode::configuration_invalid : ErrorCode::upstream_unavailable,
        fault.misconfigured ? "The service is misconfigured: " + fault.message
                            : "The chain could not be read, try again: " + fault.message,
        ""};
}

std::optional<std::vector<std::uint8_t>> call_bytes(const Json& result) {
    auto text = engine::read_string_value(result);
    if (!text || text->size() != 66 || text->compare(0, 2, "0x") != 0) return std::nullopt;
    return crypto::hex_decode(std::string_view(*text).substr(2));
}

std::uint64_t chain_id_of(const Context& ctx) {
    return ctx.config().network ? ctx.config().network->chain_id : 0;
}

Json explorer_url(const Context& ctx, const std::string& hash) {
    const auto* network = ctx.config().network;
    if (!network || network->explorer_tx_url.rfind("https://", 0) != 0) return nullptr;
    return std::string(network->explorer_tx_url) + hash;
}

Task<std::variant<std::optional<sweeps::Sweep>, ApiError>> load_sweep(Context& ctx,
                                                                      std::string id) {
    if (!ids::is_valid_id(id, sweeps::kSweepPrefix)) co_return std::optional<sweeps::Sweep>{};
    auto get = engine::kv_get(sweeps::sweep_key(id));
    auto stored = engine::read_kv_value(co_await ctx.perform(std::move(get)));
    if (!stored.ok) co_return store::storage_error(stored.error);
    if (!stored.value) co_return std::optional<sweeps::Sweep>{};
    auto sweep = sweeps::from_storage(*stored.value);
    if (!sweep) co_return store::storage_error("sweep " + id + " is unreadable");
    co_return std::optional<sweeps::Sweep>{std::move(*sweep)};
}

/// The tokens of the network in scope, its first one as the primary's fields give it (a
/// minimal configuration has no chains).
std::vector<config::AcceptedToken> tokens_in_scope(const config::Config& config) {
    std::vector<config::AcceptedToken> tokens;
    tokens.push_back(config::AcceptedToken{config.token, config.token_text, config.token_symbol,
                                           config.declared_decimals});
    if (config.chain_index < config.chains.size()) {
        const auto& more = config.chains[config.chain_index].tokens;
        for (std::size_t i = 1; i < more.size(); ++i)
            tokens.push_back(more[i]);
    }
    return tokens;
}

/// The decimals and symbol of token `i` of the network in scope: the chain's for the first
/// (describe_token), the declared ones for the others, as sessions price them.
std::pair<unsigned, std::string> token_terms(const chain::TokenQuote& quote,
                                             const config::AcceptedToken& token, std::size_t i) {
    if (i == 0) return {quote.decimals, quote.symbol};
    return {token.declared_decimals.value_or(quote.decimals), token.symbol};
}

std::string network_name(const Context& ctx) {
    return ctx.config().network ? std::string(ctx.config().network->name) : std::string();
}

/// The primary network's name (outside any ChainGuard), where records without one were made.
std::string primary_name(const Context& ctx) {
    return network_name(ctx);
}

/// The sweep the request names, as the chain of its network shows it: the receipt (and the
/// treasury, when the configuration does not fix it) in one batch, then the block's time when
/// the receipt has none. The receipt counts for the network's first token that it shows
/// moving from every named address to the treasury (flushMany moves one token).
Task<std::variant<sweeps::Sweep, ApiError>> verify_sweep(Context& ctx,
                                                         const sweeps::SweepRequest& request) {
    const auto chain_index = refunds::chain_index_of(ctx.config(), request.network);
    if (!chain_index)
        co_return ApiError{ErrorCode::parameter_invalid,
                           "network must be the name of a network this deployment accepts: '" +
                               request.network + "' is not one",
                           "network"};
    engine::Context::ChainGuard guard(ctx, *chain_index);
    const auto& config = ctx.config();
    auto quote = co_await chain::describe_token(ctx);
    if (auto* fault = std::get_if<chain::Fault>(&quote)) co_return chain_error(*fault);
    const auto& token_quote = std::get<chain::TokenQuote>(quote);

    std::vector<engine::Effect> effects;
    effects.push_back(chain::eth_get_transaction_receipt(request.transaction_hash));
    if (!config.treasury)
        effects.push_back(chain::eth_call_view(config.forwarder_implementation, kTreasurySelector));
    auto results = co_await ctx.perform(std::move(effects));
    // An unknown transaction is named as such before anything else is asked of the answers.
    if (auto value = results[0].find("value");
        engine::succeeded(results[0]) && (value == results[0].end() || value->is_null()))
        co_return ApiError{ErrorCode::transaction_not_found,
                           "The chain has no mined transaction " + request.transaction_hash +
                               " on " + network_name(ctx),
                           "transactionHash"};
    eth::Address treasury{};
    if (config.treasury) {
        treasury = *config.treasury;
    } else {
        auto read = read_address_word(results[1]);
        if (!read)
            co_return ApiError{ErrorCode::upstream_unavailable,
                               "The treasury could not be read from FORWARDER_IMPLEMENTATION's "
                               "treasury(); try again",
                               ""};
        treasury = *read;
    }

    const eth::DepositAddressDeriver deriver(config.forwarder_factory,
                                             config.forwarder_implementation);
    std::vector<std::pair<std::string, eth::Address>> named;
    for (const auto& id : request.session_ids)
        named.emplace_back(id, deriver.derive(id));
    const auto tokens = tokens_in_scope(config);
    std::optional<ApiError> refusal;
    std::optional<sweeps::ReceiptSweep> found;
    std::size_t token_index = 0;
    for (; token_index < tokens.size(); ++token_index) {
        auto read = sweeps::read_sweep_receipt(results[0], request.transaction_hash,
                                               tokens[token_index].address, treasury, named);
        if (auto* error = std::get_if<ApiError>(&read)) {
            // A node failure is the same for every token; the first token's refusal is named.
            if (error->code != ErrorCode::transaction_not_sweep) co_return std::move(*error);
            if (!refusal) refusal = std::move(*error);
            continue;
        }
        found = std::move(std::get<sweeps::ReceiptSweep>(read));
        break;
    }
    if (!found) co_return std::move(*refusal);
    auto& receipt = *found;

    std::int64_t time_ms = 0;
    if (receipt.block_time_ms) {
        time_ms = *receipt.block_time_ms;
    } else {
        auto get_block = chain::eth_get_block_by_number(receipt.block_number);
        auto header_result = co_await ctx.perform(std::move(get_block));
        auto header = chain::read_block_header(header_result);
        if (auto* fault = std::get_if<chain::Fault>(&header)) co_return chain_error(*fault);
        auto& block = std::get<std::optional<chain::BlockHeader>>(header);
        // A different hash at that height: the sweep's block was reorged out under us.
        if (!block || block->hash != receipt.block_hash)
            co_return ApiError{ErrorCode::upstream_unavailable,
                               "The sweep's block is not on the node's chain any more; try again "
                               "once it is mined again",
                               ""};
        time_ms = block->time_ms;
    }

    const auto [decimals, symbol] = token_terms(token_quote, tokens[token_index], token_index);
    sweeps::Sweep sweep;
    sweep.chain_id = chain_id_of(ctx);
    sweep.network = network_name(ctx);
    sweep.transaction_hash = request.transaction_hash;
    sweep.id = sweeps::sweep_id(sweep.chain_id, sweep.transaction_hash, time_ms);
    sweep.block_number = receipt.block_number;
    sweep.block_hash = receipt.block_hash;
    sweep.swept_at_ms = time_ms;
    sweep.token = tokens[token_index].address;
    sweep.token_symbol = symbol;
    sweep.token_decimals = decimals;
    sweep.treasury = treasury;
    sweep.amount = receipt.total;
    sweep.sessions = std::move(receipt.sessions);
    sweep.livemode = config.livemode;
    co_return sweep;
}

} // namespace

std::string balance_of_calldata(const eth::Address& owner) {
    return "0x70a08231" + std::string(24, '0') + eth::to_lower_hex(owner).substr(2);
}

std::optional<num::uint256> read_uint256_word(const Json& result) {
    auto bytes = call_bytes(result);
    if (!bytes || bytes->size() != 32) return std::nullopt;
    return num::from_be_bytes(std::span<const std::uint8_t, 32>(bytes->data(), 32));
}

std::optional<eth::Address> read_address_word(const Json& result) {
    auto bytes = call_bytes(result);
    if (!bytes || bytes->size() != 32) return std::nullopt;
    for (std::size_t i = 0; i < 12; ++i)
        if ((*bytes)[i] != 0) return std::nullopt;
    eth::Address address;
    std::copy(bytes->begin() + 12, bytes->end(), address.bytes.begin());
    return address;
}

Task<Response> record_sweep(Context& ctx, const http::Request& request) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    auto parsed = sweeps::read_sweep_request(std::get<Json>(body));
    if (auto* error = std::get_if<ApiError>(&parsed)) co_return http::error_response(*error);
    auto verified = co_await verify_sweep(ctx, std::get<sweeps::SweepRequest>(parsed));
    if (auto* error = std::get_if<ApiError>(&verified)) co_return http::error_response(*error);
    auto& sweep = std::get<sweeps::Sweep>(verified);

    // The same transaction again is the same sweep: answer what is stored (200). A record
    // naming other sessions of the same transaction stays as first written — the chain
    // facts (amounts per deposit address) cannot differ, only which were named.
    auto existing = co_await load_sweep(ctx, sweep.id);
    if (auto* error = std::get_if<ApiError>(&existing)) co_return http::error_response(*error);
    if (auto& stored = std::get<std::optional<sweeps::Sweep>>(existing))
        co_return http::json_response(200, sweeps::to_api_json(*stored, primary_name(ctx)));

    auto metadata = sweeps::sweep_metadata(sweep);
    auto put =
        engine::kv_put(sweeps::sweep_key(sweep.id), sweeps::to_storage(sweep), std::move(metadata));
    auto written = co_await ctx.perform(std::move(put));
    // Busy: another writer stored this key within the second — the same fact, so it is done.
    if (!engine::succeeded(written) && !engine::is_busy(written))
        co_return http::error_response(store::storage_error(engine::failure_message(written)));
    co_return http::json_response(201, sweeps::to_api_json(sweep, primary_name(ctx)));
}

Task<Response> list_sweeps(Context& ctx, const http::Request& request) {
    auto query_or_error = read_list_query(request, sweeps::kSweepPrefix, {});
    if (auto* error = std::get_if<ApiError>(&query_or_error))
        co_return http::error_response(*error);
    auto& query = std::get<ListQuery>(query_or_error);
    auto page =
        co_await store::list_index_page(ctx, std::string(sweeps::kSweepKeyPrefix),
                                        std::string(sweeps::kSweepPrefix), query.page, nullptr);
    if (auto* error = std::get_if<ApiError>(&page)) co_return http::error_response(*error);
    auto& entries = std::get<store::Page>(page);
    std::vector<engine::Effect> reads;
    for (const auto& entry : entries.entries)
        reads.push_back(engine::kv_get(sweeps::sweep_key(entry.id)));
    std::vector<std::string> data;
    for (const auto& result : co_await ctx.perform(std::move(reads))) {
        auto stored = engine::read_kv_value(result);
        if (!stored.ok) co_return http::error_response(store::storage_error(stored.error));
        if (!stored.value) continue;
        if (auto sweep = sweeps::from_storage(*stored.value))
            data.push_back(dump_json(sweeps::to_api_json(*sweep, primary_name(ctx))));
    }
    co_return http::json_response(200, list_text("/api/v1/sweeps", data, entries.has_more));
}

Task<Response> retrieve_sweep(Context& ctx, const http::Request& /*request*/, std::string id) {
    auto loaded = co_await load_sweep(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& sweep = std::get<std::optional<sweeps::Sweep>>(loaded);
    if (!sweep) co_return http::error_response(sweep_not_found(id));
    co_return http::json_response(200, sweeps::to_api_json(*sweep, primary_name(ctx)));
}

// What is waiting is read from the chain, not summed from the sessions: balanceOf of every
// fulfilled session's deposit address (found in the `cs/` list metadata, no record reads)
// is right after a partial sweep, a payment made after a sweep, or a sweep never recorded,
// where "amountReceived of sessions not yet swept" would be wrong in each case. What was
// collected is the sum of the recorded sweeps' list metadata. Each network is asked about
// the addresses of sessions with payments there (the metadata counts them per network), in
// every token it accepts.
//
// Cost: KV lists ≤ 2 × kBalanceListCalls (sweeps, then sessions; 1 + 1 below 1000 of each),
// no KV reads or writes; RPC: each network's token description (usually remembered by the
// instance) and ⌈checks / kBalanceCallsPerBatch⌉ JSON-RPC batches per network and token, at
// most kMaxBalanceChecks balanceOf calls in all.
Task<Response> show_balances(Context& ctx, const http::Request& request) {
    if (!request.query.empty()) {
        const auto& name = request.query.front().first;
        co_return http::error_response(
            ApiError{ErrorCode::parameter_unknown, "Unknown parameter: " + name, name});
    }
    const auto& root = ctx.config();
    const std::string primary = primary_name(ctx);
    const std::size_t networks = std::max<std::size_t>(1, root.chains.size());
    bool complete = true;

    struct Collected {
        num::uint256 amount = 0;
        std::uint64_t sweeps = 0;
        unsigned decimals = 0;
        std::string symbol;
        bool shown = false;
    };
    std::map<std::pair<std::string, eth::Address>, Collected> collected;
    Json recent = Json::array();
    std::string cursor;
    for (int call = 0;; ++call) {
        if (call == kBalanceListCalls) {
            complete = false;
            break;
        }
        auto list = engine::kv_list(std::string(sweeps::kSweepKeyPrefix), 1000, cursor);
        auto page = engine::read_kv_list(co_await ctx.perform(std::move(list)));
        if (!page.ok) co_return http::error_response(store::storage_error(page.error));
        for (auto& key : page.keys) {
            auto id = ids::id_from_newest_first_key(
                std::string_view(key.name).substr(sweeps::kSweepKeyPrefix.size()),
                sweeps::kSweepPrefix);
            auto entry = sweeps::read_sweep_metadata(id, key.metadata);
            if (!entry) {
                complete = false;
                continue;
            }
            const std::string network = entry->network.empty() ? primary : entry->network;
            auto& sum = collected[{network, entry->token}];
            sum.amount += entry->amount;
            ++sum.sweeps;
            sum.decimals = entry->token_decimals;
            sum.symbol = entry->token_symbol;
            if (recent.size() < kRecentSweeps) {
                auto time = ids::id_time_ms(entry->id, sweeps::kSweepPrefix);
                Json explorer = nullptr;
                if (auto index = refunds::chain_index_of(root, network)) {
                    engine::Context::ChainGuard guard(ctx, *index);
                    explorer = explorer_url(ctx, entry->transaction_hash);
                }
                recent.push_back(
                    Json{{"id", entry->id},
                         {"transactionHash", entry->transaction_hash},
                         {"network", network},
                         {"blockNumber", entry->block_number},
                         {"sweptAt", time ? Json(time::format_iso8601(*time)) : Json(nullptr)},
                         {"token", eth::to_checksum_address(entry->token)},
                         {"amount", num::format_units(entry->amount, entry->token_decimals)},
                         {"sessions", entry->session_count},
                         {"explorerUrl", std::move(explorer)}});
            }
        }
        if (page.complete) break;
        cursor = page.cursor;
    }

    // Per network, the deposit addresses to ask; each costs one call per token there.
    auto tokens_on = [&](std::size_t index) {
        return root.chains.empty() ? std::size_t{1}
                                   : std::max<std::size_t>(1, root.chains[index].tokens.size());
    };
    std::vector<std::vector<eth::Address>> deposits(networks);
    std::size_t checks = 0;
    bool full = false;
    cursor.clear();
    for (int call = 0; !full; ++call) {
        if (call == kBalanceListCalls) {
            complete = false;
            break;
        }
        auto list = engine::kv_list(std::string(sessions::kSessionKeyPrefix), 1000, cursor);
        auto page = engine::read_kv_list(co_await ctx.perform(std::move(list)));
        if (!page.ok) co_return http::error_response(store::storage_error(page.error));
        for (auto& key : page.keys) {
            auto entry = sessions::read_watch_metadata(key.name, key.metadata);
            if (!entry || !sessions::is_fulfilled(entry->status)) continue;
            std::vector<std::size_t> paid_on;
            std::uint64_t elsewhere = 0;
            for (const auto& [name, other] : entry->other_chains) {
                elsewhere += other.payment_count;
                auto index = refunds::chain_index_of(root, name);
                if (other.payment_count > 0 && index && *index != 0) paid_on.push_back(*index);
            }
            // The counts are of all payments: the rest were on the primary.
            if (entry->payment_count > elsewhere) paid_on.insert(paid_on.begin(), 0);
            std::size_t cost = 0;
            for (auto index : paid_on)
                cost += tokens_on(index);
            if (checks + cost > kMaxBalanceChecks) {
                complete = false;
                full = true;
                break;
            }
            checks += cost;
            for (auto index : paid_on)
                deposits[index].push_back(entry->deposit_address);
        }
        if (page.complete) break;
        cursor = page.cursor;
    }

    Json rows = Json::array();
    for (std::size_t index = 0; index < networks; ++index) {
        engine::Context::ChainGuard guard(ctx, index);
        const auto& config = ctx.config();
        const std::string network = network_name(ctx);
        auto quote = co_await chain::describe_token(ctx);
        if (auto* fault = std::get_if<chain::Fault>(&quote)) {
            // The primary's fault answers as before; another network's leaves its rows out.
            if (index == 0) co_return http::error_response(chain_error(*fault));
            complete = false;
            continue;
        }
        const auto& token_quote = std::get<chain::TokenQuote>(quote);
        const auto tokens = tokens_in_scope(config);
        const auto& addresses = deposits[index];
        Json network_rows = Json::array();
        std::vector<Collected*> shown; // the sums these rows show
        std::optional<ApiError> unread;
        for (std::size_t t = 0; t < tokens.size() && !unread; ++t) {
            const auto [decimals, symbol] = token_terms(token_quote, tokens[t], t);
            num::uint256 waiting = 0;
            std::uint64_t holding = 0;
            for (std::size_t at = 0; at < addresses.size(); at += kBalanceCallsPerBatch) {
                std::vector<engine::Effect> calls;
                for (std::size_t i = at; i < std::min(addresses.size(), at + kBalanceCallsPerBatch);
                     ++i) {
                    Json params = Json::array({Json{{"to", eth::to_lower_hex(tokens[t].address)},
                                                    {"data", balance_of_calldata(addresses[i])}},
                                               "latest"});
                    calls.push_back(engine::rpc_call("eth_call", std::move(params)));
                }
                for (const auto& result : co_await ctx.perform(std::move(calls))) {
                    auto balance = read_uint256_word(result);
                    if (!balance) {
                        unread = ApiError{ErrorCode::upstream_unavailable,
                                          "The chain could not be read, try again: balanceOf on " +
                                              network + " answered " +
                                              (engine::succeeded(result)
                                                   ? std::string("something other than a number")
                                                   : engine::failure_message(result)),
                                          ""};
                        break;
                    }
                    waiting += *balance;
                    if (*balance != 0) ++holding;
                }
                if (unread) break;
            }
            if (unread) break;
            auto ours = collected.find({network, tokens[t].address});
            const bool swept = ours != collected.end();
            if (swept) shown.push_back(&ours->second);
            network_rows.push_back(
                Json{{"network", network},
                     {"chainId", chain_id_of(ctx)},
                     {"token",
                      {{"symbol", symbol},
                       {"address", eth::to_checksum_address(tokens[t].address)},
                       {"decimals", decimals}}},
                     {"waiting", num::format_units(waiting, decimals)},
                     {"waitingAddresses", holding},
                     {"fulfilledSessionsChecked", addresses.size()},
                     {"collected",
                      num::format_units(swept ? ours->second.amount : num::uint256(0), decimals)},
                     {"sweeps", swept ? ours->second.sweeps : 0}});
        }
        // The primary unread answers as before; another network's leaves its rows out (its
        // sweeps still count below, as collected).
        if (unread) {
            if (index == 0) co_return http::error_response(*unread);
            complete = false;
            continue;
        }
        for (auto* sum : shown)
            sum->shown = true;
        for (auto& row : network_rows)
            rows.push_back(std::move(row));
    }
    // Sweeps of a token (or on a network) the service no longer takes still count as collected.
    for (const auto& [where, sum] : collected) {
        if (sum.shown) continue;
        auto index = refunds::chain_index_of(root, where.first);
        Json chain_id = nullptr;
        if (index) {
            engine::Context::ChainGuard guard(ctx, *index);
            chain_id = chain_id_of(ctx);
        }
        rows.push_back(Json{{"network", where.first},
                            {"chainId", std::move(chain_id)},
                            {"token",
                             {{"symbol", sum.symbol},
                              {"address", eth::to_checksum_address(where.second)},
                              {"decimals", sum.decimals}}},
                            {"waiting", nullptr},
                            {"waitingAddresses", nullptr},
                            {"fulfilledSessionsChecked", 0},
                            {"collected", num::format_units(sum.amount, sum.decimals)},
                            {"sweeps", sum.sweeps}});
    }
    co_return http::json_response(200, Json{{"object", "balances"},
                                            {"chainId", chain_id_of(ctx)},
                                            {"livemode", root.livemode},
                                            {"tokens", std::move(rows)},
                                            {"recentSweeps", std::move(recent)},
                                            {"complete", complete}});
}

} // namespace paylinks::api
