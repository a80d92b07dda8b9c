#include "core/webhooks/registry.hpp"

#include <algorithm>

namespace paylinks::webhooks {

std::string registry_text(std::vector<Endpoint> endpoints) {
    std::sort(endpoints.begin(), endpoints.end(),
              [](const Endpoint& a, const Endpoint& b) { return a.id < b.id; });
    std::string text = "[";
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        if (i) text += ',';
        text += to_storage(endpoints[i]);
    }
    text += ']';
    return text;
}

std::optional<std::vector<Endpoint>> read_registry(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_array()) return std::nullopt;
    std::vector<Endpoint> endpoints;
    for (const auto& item : *parsed) {
        auto endpoint = from_storage(dump_json(item));
        if (!endpoint) return std::nullopt;
        endpoints.push_back(std::move(*endpoint));
    }
    return endpoints;
}

engine::Task<RegistryRead> load_registry(engine::Context& ctx) {
    auto stored = engine::read_kv_value(
        co_await ctx.perform(engine::kv_get(std::string(kRegistryKey), kRegistryCacheTtlSeconds)));
    RegistryRead read;
    if (!stored.ok) {
        read.ok = false;
        read.error = stored.error;
        co_return read;
    }
    if (stored.value) read.endpoints = read_registry(*stored.value);
    co_return read;
}

bool may_want(engine::Context& ctx, std::string_view event_type) {
    const auto* text = ctx.shared().kv_reads.peek(std::string(kRegistryKey), ctx.now_ms(),
                                                  kRegistryCacheTtlSeconds * 1000);
    if (!text) return true;
    auto endpoints = read_registry(*text);
    if (!endpoints) return true;
    return std::any_of(endpoints->begin(), endpoints->end(), [&](const Endpoint& endpoint) {
        return endpoint.active && endpoint.wants(event_type);
    });
}

engine::Task<std::optional<std::string>> update_registry(engine::Context& ctx,
                                                         const Endpoint& endpoint, bool removed) {
    // A fresh read (no cache allowance): the change is applied to the newest registry here.
    auto stored =
        engine::read_kv_value(co_await ctx.perform(engine::kv_get(std::string(kRegistryKey))));
    if (!stored.ok) co_return stored.error;
    std::vector<Endpoint> endpoints;
    if (stored.value)
        if (auto known = read_registry(*stored.value)) endpoints = std::move(*known);
    // A registry missing or unreadable starts from this endpoint alone; the heal adds the rest.
    std::erase_if(endpoints, [&](const Endpoint& e) { return e.id == endpoint.id; });
    if (!removed) endpoints.push_back(endpoint);
    auto written = co_await ctx.perform(
        engine::kv_put(std::string(kRegistryKey), registry_text(std::move(endpoints))));
    if (!engine::succeeded(written)) co_return engine::failure_message(written);
    co_return std::nullopt;
}

engine::Task<EndpointRecords> list_endpoint_records(engine::Context& ctx) {
    EndpointRecords records;
    std::string cursor;
    while (true) {
        auto page = engine::read_kv_list(
            co_await ctx.perform(engine::kv_list(std::string(kEndpointPrefix), 1000, cursor)));
        if (!page.ok) {
            records.complete = false;
            co_return records;
        }
        std::vector<engine::Effect> reads;
        for (const auto& key : page.keys)
            reads.push_back(engine::kv_get(key.name));
        for (const auto& result : co_await ctx.perform(std::move(reads))) {
            auto stored = engine::read_kv_value(result);
            if (!stored.ok) records.complete = false;
            if (!stored.ok || !stored.value) continue;
            if (auto endpoint = from_storage(*stored.value))
                records.all.push_back(std::move(*endpoint));
        }
        if (page.complete) break;
        cursor = page.cursor;
    }
    co_return records;
}

engine::Task<HealReport> heal_registry(engine::Context& ctx) {
    HealReport report;
    auto current = co_await load_registry(ctx);
    const bool due = (ctx.now_ms() / 60'000) % (kHealEveryMs / 60'000) == 0;
    if (current.ok && current.endpoints && !due) co_return report;
    auto records = co_await list_endpoint_records(ctx);
    report.checked = true;
    report.endpoints = records.all.size();
    if (!records.complete) {
        report.fault = "the webhook endpoint records could not all be read";
        co_return report;
    }
    auto text = registry_text(std::move(records.all));
    // Compared with KV's own value, not a copy this instance may hold.
    auto fresh =
        engine::read_kv_value(co_await ctx.perform(engine::kv_get(std::string(kRegistryKey))));
    if (fresh.ok && fresh.value && *fresh.value == text) co_return report;
    auto written = co_await ctx.perform(engine::kv_put(std::string(kRegistryKey), std::move(text)));
    if (!engine::succeeded(written))
        report.fault = "the webhook endpoint registry could not be written: " +
                       engine::failure_message(written);
    else
        report.rewritten = true;
    co_return report;
}

} // namespace paylinks::webhooks
