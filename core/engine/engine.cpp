#include "core/engine/engine.hpp"

#include "core/app/app.hpp"
#include "core/crypto/hex.hpp"
#include "core/crypto/keccak.hpp"
#include "core/http/message.hpp"
#include "core/util/time.hpp"

#include <cstring>

namespace paylinks::engine {

void EffectBatch::await_suspend(coro::coroutine_handle<> waiter) noexcept {
    handed_over = true;
    exchange->suspend_on(std::move(effects), waiter);
}

std::vector<Json> EffectBatch::await_resume() noexcept {
    if (!handed_over) return {}; // an empty batch never suspends
    return exchange->take_results();
}

Json SingleEffect::await_resume() noexcept {
    auto results = batch.exchange->take_results();
    return results.empty() ? Json{{"ok", false}, {"error", "no result"}} : std::move(results[0]);
}

Context::ChainGuard::ChainGuard(Context& ctx, std::size_t index)
    : ctx_(ctx)
    , config_(ctx.config_)
    , chain_(ctx.chain_) {
    const auto& root = ctx.root_config_;
    if (index == 0 || index >= root.chains.size()) {
        ctx.config_ = &root;
        ctx.chain_ = &ctx.shared_.chain;
        return;
    }
    auto& scopes = ctx.shared_.other_chains;
    if (scopes.size() < root.chains.size() - 1) scopes.resize(root.chains.size() - 1);
    auto& scope = scopes[index - 1];
    if (!scope) {
        scope = std::make_unique<ChainScope>();
        scope->config = config::scoped_to_chain(root, index);
        const auto& chain = scope->config.chains[index];
        scope->network = config::Network{
            chain.name,          chain.display_name, chain.chain_id, "", chain.explorer_tx_url,
            chain.block_time_ms, chain.confirmations};
        scope->config.network = &scope->network;
    }
    ctx.config_ = &scope->config;
    ctx.chain_ = &scope->chain;
}

void Context::route_rpc(std::vector<Effect>& effects) const {
    if (config_->chain_index == 0) return;
    for (auto& effect : effects) {
        if (!effect.is_object()) continue;
        auto op = effect.find("op");
        if (op == effect.end() || !op->is_string() || op->get<std::string>() != "rpc") continue;
        Json urls = Json::array();
        for (const auto& url : config_->rpc_urls)
            urls.push_back(url);
        effect["urls"] = std::move(urls);
    }
}

void Context::random_bytes(std::span<std::uint8_t> out) noexcept {
    for (auto& byte : out) {
        if (pool_used_ == pool_.size()) {
            // pool = keccak256(entropy ++ counter): independent blocks from one seed.
            std::array<std::uint8_t, 40> seed{};
            std::memcpy(seed.data(), entropy_.data(), entropy_.size());
            for (int i = 0; i < 8; ++i)
                seed[32 + i] = static_cast<std::uint8_t>(pool_counter_ >> (8 * i));
            ++pool_counter_;
            pool_ = crypto::keccak256(std::span<const std::uint8_t>(seed.data(), seed.size()));
            pool_used_ = 0;
        }
        byte = pool_[pool_used_++];
    }
}

void Exchange::run(Task<Json> root) noexcept {
    root_.emplace(std::move(root));
    root_->handle().resume();
}

void Exchange::deliver(std::vector<Json> results) noexcept {
    results_ = std::move(results);
    auto waiter = std::exchange(waiter_, {});
    waiter.resume();
}

namespace {

Json protocol_error(std::string message) {
    return Json{{"error", std::move(message)}};
}

std::optional<std::array<std::uint8_t, 32>> read_entropy(const Json& input) {
    auto entropy = input.find("entropy");
    if (entropy == input.end() || !entropy->is_string()) return std::nullopt;
    auto bytes = crypto::hex_decode(entropy->get<std::string>());
    if (!bytes || bytes->size() != 32) return std::nullopt;
    std::array<std::uint8_t, 32> out{};
    std::memcpy(out.data(), bytes->data(), 32);
    return out;
}

} // namespace

std::string Engine::configure(std::string_view env_json) {
    auto env = parse_json(env_json);
    if (!env || !env->is_object()) {
        config_ = config::Config{};
        config_.error = "the environment handed to the core is not a JSON object";
    } else {
        config_ = config::load_config(*env);
    }
    shared_ = SharedState{};
    Json answer{{"ok", config_.error.empty()}};
    if (!config_.error.empty()) answer["error"] = config_.error;
    // Which request headers to hand over: the shim forwards these and no others.
    Json names = Json::array();
    for (auto name : http::kRequestHeaderNames)
        names.push_back(std::string(name));
    answer["requestHeaders"] = std::move(names);
    return dump_json(answer);
}

std::string Engine::start(std::string_view input_json) {
    auto input = parse_json(input_json);
    if (!input || !input->is_object()) return dump_json(protocol_error("start: not a JSON object"));
    auto now = input->find("now");
    if (now == input->end() || !fits<std::int64_t>(*now) || now->get<std::int64_t>() < 0 ||
        now->get<std::int64_t>() > time::kMaxUnixMs)
        return dump_json(protocol_error("start: now must be integer milliseconds since 1970"));
    auto entropy = read_entropy(*input);
    if (!entropy) return dump_json(protocol_error("start: entropy must be 64 hex digits"));
    auto kind = input->find("kind");
    if (kind == input->end() || !kind->is_string())
        return dump_json(protocol_error("start: kind is missing"));

    std::optional<Task<Json>> root;
    auto id = next_id_++;
    auto exchange =
        std::make_unique<Exchange>(id, now->get<std::int64_t>(), *entropy, config_, shared_);
    if (*kind == "http") {
        auto request = http::read_request(*input);
        if (!request) return dump_json(protocol_error("start: malformed request"));
        root.emplace(app::serve_http(exchange->context(), std::move(*request)));
    } else if (*kind == "deliver") {
        auto event = input->find("event");
        root.emplace(
            app::run_delivery(exchange->context(), event != input->end() && event->is_string()
                                                       ? event->get<std::string>()
                                                       : std::string{}));
    } else if (*kind == "scheduled") {
        auto cron = input->find("cron");
        root.emplace(app::run_scheduled(
            exchange->context(),
            cron != input->end() && cron->is_string() ? cron->get<std::string>() : std::string{}));
    } else {
        return dump_json(protocol_error("start: unknown kind"));
    }
    auto [it, inserted] = exchanges_.emplace(id, std::move(exchange));
    (void)inserted;
    it->second->run(std::move(*root));
    return advance(it);
}

std::string Engine::resume(std::string_view input_json) {
    auto input = parse_json(input_json);
    if (!input || !input->is_object())
        return dump_json(protocol_error("resume: not a JSON object"));
    auto id = input->find("exchange");
    if (id == input->end() || !fits<std::uint32_t>(*id))
        return dump_json(protocol_error("resume: exchange must be a number"));
    auto it = exchanges_.find(id->get<std::uint32_t>());
    if (it == exchanges_.end()) return dump_json(protocol_error("resume: unknown exchange"));
    auto results = input->find("results");
    std::vector<Json> delivered;
    if (results != input->end() && results->is_array()) {
        delivered = release_elements(*results);
    }
    // The coroutine reads exactly one result per effect it asked for; a shim that answers
    // too few gets failures in their place rather than a crash.
    if (delivered.size() != it->second->awaited_count())
        delivered.resize(it->second->awaited_count(),
                         Json{{"ok", false}, {"error", "no result for this effect"}});
    auto& exchange = *it->second;
    shared_.kv_reads.settle(exchange.issued(), delivered, exchange.context().now_ms());
    exchange.deliver(std::move(delivered));
    return advance(it);
}

std::string Engine::advance(std::map<std::uint32_t, std::unique_ptr<Exchange>>::iterator it) {
    auto& exchange = *it->second;
    // Batches of reads this instance holds fresh copies of never leave the core.
    while (!exchange.finished()) {
        auto cached = shared_.kv_reads.answer(exchange.pending(), exchange.context().now_ms());
        if (!cached) break;
        (void)exchange.take_pending();
        exchange.deliver(std::move(*cached));
    }
    Json out;
    if (exchange.finished()) {
        out = exchange.take_outcome();
        out["exchange"] = exchange.id();
        auto follow_ups = exchange.context().take_follow_ups();
        if (!follow_ups.empty()) out["followUps"] = std::move(follow_ups);
        exchanges_.erase(it);
    } else {
        exchange.issued() = shared_.kv_reads.issue(exchange.pending());
        JsonObject pending;
        pending.reserve(2);
        pending.emplace_back("exchange", exchange.id());
        pending.emplace_back("effects", Json(exchange.take_pending()));
        out = Json(std::move(pending));
    }
    return dump_json(out);
}

} // namespace paylinks::engine
