#include "core/webhooks/delivery.hpp"

#include "core/crypto/base64.hpp"
#include "core/crypto/hmac.hpp"
#include "core/net/outbound_url.hpp"
#include "core/util/time.hpp"
#include "core/webhooks/registry.hpp"

#include <algorithm>
#include <cstdio>
#include <list>
#include <map>

namespace paylinks::webhooks {
namespace {

constexpr std::string_view kDeliveryPrefix = "dlv/";
constexpr std::string_view kRetryPrefix = "retry/";

std::string delivery_key(std::string_view event_id, std::string_view endpoint_id) {
    return std::string(kDeliveryPrefix) + std::string(event_id) + "/" + std::string(endpoint_id);
}

// retry/<13-digit ms>/<event>/<endpoint>: KV lists keys in order, so due ones come first.
std::string retry_key(std::int64_t at_ms, std::string_view event_id, std::string_view endpoint_id) {
    char when[24];
    std::snprintf(when, sizeof when, "%013lld", static_cast<long long>(at_ms < 0 ? 0 : at_ms));
    return std::string(kRetryPrefix) + when + "/" + std::string(event_id) + "/" +
           std::string(endpoint_id);
}

// An HTTP status read from untrusted JSON: 0 (none) unless it is an integer in 100–599.
int http_status(const Json& object, const char* key) {
    const auto status = integer_or(object, key, 0);
    return status >= 100 && status <= 599 ? static_cast<int>(status) : 0;
}

std::string delivery_storage(const Delivery& delivery) {
    Json attempts = Json::array();
    for (const auto& attempt : delivery.attempts)
        attempts.push_back(Json{{"at", attempt.at_ms},
                                {"status", attempt.status},
                                {"ms", attempt.duration_ms},
                                {"error", attempt.error}});
    return dump_json(
        Json{{"event", delivery.event_id},
             {"endpoint", delivery.endpoint_id},
             {"url", delivery.url},
             {"state", delivery.state},
             {"attempts", std::move(attempts)},
             {"next", delivery.next_attempt_ms ? Json(*delivery.next_attempt_ms) : Json(nullptr)}});
}

std::optional<Delivery> delivery_from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& s = *parsed;
    Delivery delivery;
    delivery.event_id = string_or(s, "event");
    delivery.endpoint_id = string_or(s, "endpoint");
    delivery.url = string_or(s, "url");
    delivery.state = string_or(s, "state", "pending");
    auto attempts = s.find("attempts");
    if (attempts != s.end() && attempts->is_array()) {
        for (const auto& item : *attempts) {
            if (!item.is_object()) continue;
            delivery.attempts.push_back(
                Attempt{integer_or(item, "at", 0), http_status(item, "status"),
                        integer_or(item, "ms", 0), string_or(item, "error")});
        }
    }
    auto next = s.find("next");
    if (next != s.end() && fits<std::int64_t>(*next))
        delivery.next_attempt_ms = next->get<std::int64_t>();
    return delivery;
}

engine::Effect signed_post(const Endpoint& endpoint, const events::Event& event,
                           const std::string& body, std::int64_t now_ms) {
    auto timestamp = now_ms / 1000;
    Json headers{{"content-type", "application/json"},
                 {"user-agent", "paylinks-webhooks/1"},
                 {"webhook-id", event.id},
                 {"webhook-timestamp", std::to_string(timestamp)},
                 {"webhook-signature",
                  sign_payload(endpoint.secret, event.id, timestamp, body).value_or("")}};
    return engine::http_request("POST", endpoint.url, std::move(headers), body, kDeliveryTimeoutMs);
}

// Why `endpoint` must not be called now, if it must not: its URL is checked again before
// every attempt, since it may have been stored before the rule, or by other means than the
// API. http://localhost is let through only while both the endpoint and the worker's key
// are test-mode.
std::optional<std::string> refused_url(const engine::Context& ctx, const Endpoint& endpoint) {
    const bool test_mode = !ctx.config().livemode && !endpoint.livemode;
    auto refusal = net::check_outbound_url(endpoint.url, test_mode);
    if (!refusal) return std::nullopt;
    return "url refused (" + std::string(net::refusal_code(*refusal)) + "): url " +
           std::string(net::refusal_message(*refusal));
}

// Attempts `event` at each of `targets` at once, then records every attempt and schedules
// the retries that are due. A target whose URL is refused gets no request: its attempt is
// recorded as failed with the reason and not retried (a resend after the URL is fixed
// delivers it). `due_retry_keys` (empty, or one per target) names the retry entries this
// attempt answers: each is removed only in a batch after its target's record and next retry
// are stored, so a crash at any point leaves the old entry or the new record, never neither
// (an attempt may repeat; none is lost).
// Whether a stored delivery records an attempt (a record of another shape is attempted anew).
bool was_attempted(std::string_view stored) {
    auto parsed = parse_json(stored);
    if (!parsed || !parsed->is_object()) return false;
    const auto state = parsed->find("state");
    return state != parsed->end() && state->is_string() &&
           (*state == "succeeded" || *state == "pending" || *state == "failed");
}

engine::Task<DeliveryReport> attempt_all(engine::Context& ctx, const events::Event& event,
                                         std::vector<Endpoint> targets,
                                         std::vector<std::string> due_retry_keys = {}) {
    DeliveryReport report;
    if (targets.empty()) co_return report;
    const std::string body = dump_json(events::to_api_json(event));
    std::vector<std::optional<std::string>> refusals;
    std::vector<engine::Effect> effects;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& endpoint = targets[i];
        refusals.push_back(refused_url(ctx, endpoint));
        effects.push_back(engine::kv_get(delivery_key(event.id, endpoint.id)));
        if (!refusals.back()) effects.push_back(signed_post(endpoint, event, body, ctx.now_ms()));
    }
    auto results = co_await ctx.perform(std::move(effects));
    std::vector<engine::Effect> writes;
    std::vector<std::size_t> writes_end; // one past each target's last write
    std::size_t next_result = 0;         // each target's read, then its POST unless refused
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& endpoint = targets[i];
        auto stored = engine::read_kv_value(results[next_result++]);
        Delivery delivery;
        if (stored.ok && stored.value) {
            if (auto known = delivery_from_storage(*stored.value)) delivery = std::move(*known);
        }
        delivery.event_id = event.id;
        delivery.endpoint_id = endpoint.id;
        delivery.url = endpoint.url;
        Attempt attempt;
        attempt.at_ms = ctx.now_ms();
        bool ok = false;
        bool retry = true;
        if (refusals[i]) {
            attempt.error = std::move(*refusals[i]);
            retry = false;
        } else {
            const Json& answer = results[next_result++];
            attempt.duration_ms = integer_or(answer, "durationMs", 0);
            if (engine::succeeded(answer)) {
                attempt.status = http_status(answer, "status");
                ok = attempt.status >= 200 && attempt.status < 300;
                if (!ok) attempt.error = "HTTP " + std::to_string(attempt.status);
            } else {
                attempt.error = engine::failure_message(answer);
            }
        }
        delivery.attempts.push_back(std::move(attempt));
        delivery.next_attempt_ms.reset();
        if (ok) {
            delivery.state = "succeeded";
            ++report.succeeded;
        } else {
            ++report.failed;
            std::size_t made = delivery.attempts.size();
            if (retry && made < kMaxAttempts) {
                delivery.state = "pending";
                delivery.next_attempt_ms = ctx.now_ms() + kRetryDelays[made - 1] * 1000;
                writes.push_back(
                    engine::kv_put(retry_key(*delivery.next_attempt_ms, event.id, endpoint.id), "",
                                   std::nullopt, events::kRetentionSeconds));
            } else {
                delivery.state = "failed";
            }
        }
        writes.push_back(engine::kv_put(delivery_key(event.id, endpoint.id),
                                        delivery_storage(delivery), std::nullopt,
                                        events::kRetentionSeconds));
        writes_end.push_back(writes.size());
    }
    auto written = co_await ctx.perform(std::move(writes));
    std::vector<engine::Effect> removals;
    for (std::size_t i = 0, begin = 0; i < due_retry_keys.size() && i < targets.size(); ++i) {
        bool recorded = true;
        for (std::size_t w = begin; w < writes_end[i] && w < written.size(); ++w)
            recorded = recorded && engine::succeeded(written[w]);
        begin = writes_end[i];
        // Not recorded: the old entry stays, and the cron attempts it again.
        if (recorded) removals.push_back(engine::kv_delete(std::move(due_retry_keys[i])));
    }
    if (!removals.empty()) (void)co_await ctx.perform(std::move(removals));
    co_return report;
}

engine::Task<std::optional<events::Event>> load_event(engine::Context& ctx, std::string id) {
    auto stored =
        engine::read_kv_value(co_await ctx.perform(engine::kv_get(events::event_key(id))));
    if (!stored.ok || !stored.value) co_return std::nullopt;
    co_return events::from_storage(*stored.value);
}

// Endpoint records by id, read directly (exact, for the few a retry run names). Absent from
// the map: the read failed; present as nullopt: there is no such endpoint.
engine::Task<std::map<std::string, std::optional<Endpoint>>>
read_endpoint_records(engine::Context& ctx, std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<engine::Effect> reads;
    for (const auto& id : ids)
        reads.push_back(engine::kv_get(endpoint_key(id)));
    auto results = co_await ctx.perform(std::move(reads));
    std::map<std::string, std::optional<Endpoint>> records;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto stored = engine::read_kv_value(results[i]);
        if (!stored.ok) continue;
        records[ids[i]] = stored.value ? from_storage(*stored.value) : std::nullopt;
    }
    co_return records;
}

} // namespace

std::optional<std::string> sign_payload(std::string_view secret, std::string_view message_id,
                                        std::int64_t timestamp_seconds, std::string_view body) {
    constexpr std::string_view kPrefix = "whsec_";
    if (secret.substr(0, kPrefix.size()) == kPrefix) secret.remove_prefix(kPrefix.size());
    auto key = crypto::base64_decode(secret);
    if (!key) return std::nullopt;
    std::string message(message_id);
    message += '.';
    message += std::to_string(timestamp_seconds);
    message += '.';
    message += body;
    auto mac = crypto::hmac_sha256(
        std::span<const std::uint8_t>(key->data(), key->size()),
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(message.data()),
                                      message.size()));
    return "v1," + crypto::base64_encode(mac);
}

Json to_api_json(const Delivery& delivery) {
    Json attempts = Json::array();
    for (const auto& attempt : delivery.attempts)
        attempts.push_back(
            Json{{"attemptedAt", time::format_iso8601(attempt.at_ms)},
                 {"status", attempt.status == 0 ? Json(nullptr) : Json(attempt.status)},
                 {"durationMs", attempt.duration_ms},
                 {"error", attempt.error.empty() ? Json(nullptr) : Json(attempt.error)}});
    return Json{{"endpointId", delivery.endpoint_id},
                {"url", delivery.url},
                {"status", delivery.state},
                {"attempts", std::move(attempts)},
                {"nextAttemptAt", delivery.next_attempt_ms
                                      ? Json(time::format_iso8601(*delivery.next_attempt_ms))
                                      : Json(nullptr)}};
}

engine::Task<DeliveryReport> deliver_event(engine::Context& ctx, std::string event_id,
                                           std::optional<std::string> endpoint_id, bool resend) {
    std::vector<Endpoint> candidates;
    if (endpoint_id) { // a resend: that endpoint's own record
        std::vector<std::string> wanted(1, *endpoint_id);
        auto records = co_await read_endpoint_records(ctx, std::move(wanted));
        if (auto it = records.find(*endpoint_id); it != records.end() && it->second)
            candidates.push_back(std::move(*it->second));
    } else {
        // The registry, usually without a KV round trip. Missing, it has never been built:
        // no endpoint was ever created here (each creation writes it, and the cron builds it
        // from the records within a tick). Unreadable from KV, the records themselves.
        auto registry = co_await load_registry(ctx);
        if (registry.endpoints)
            candidates = std::move(*registry.endpoints);
        else if (!registry.ok)
            candidates = std::move((co_await list_endpoint_records(ctx)).all);
        std::erase_if(candidates, [](const Endpoint& endpoint) { return !endpoint.active; });
    }
    if (candidates.empty()) co_return DeliveryReport{}; // the event is not even read
    auto event = co_await load_event(ctx, event_id);
    if (!event) co_return DeliveryReport{};
    std::vector<Endpoint> targets;
    for (auto& endpoint : candidates)
        if (endpoint_id || endpoint.wants(event->type)) targets.push_back(std::move(endpoint));
    if (resend || endpoint_id || targets.empty())
        co_return co_await attempt_all(ctx, *event, std::move(targets));
    // Every writer of a fact asks for its delivery (a poll and a verify may both see a payment
    // confirm): an endpoint that was sent it already (its retries are the cron's), or is
    // being sent it by this instance right now, is not sent it again. Across instances KV's delay
    // can still let a second copy through, under the same webhook-id.
    std::list<engine::Claim> claims;
    std::vector<engine::Effect> reads;
    for (const auto& endpoint : targets)
        reads.push_back(engine::kv_get(delivery_key(event->id, endpoint.id)));
    auto delivered = co_await ctx.perform(std::move(reads));
    std::vector<Endpoint> due;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        auto stored = engine::read_kv_value(delivered[i]);
        if (stored.ok && stored.value)
            if (was_attempted(*stored.value))
                continue; // attempted already: succeeded, or its retries are the cron's
        auto& claim =
            claims.emplace_back(ctx.shared(), "deliver/" + event->id + "/" + targets[i].id);
        if (claim.held()) due.push_back(std::move(targets[i]));
    }
    co_return co_await attempt_all(ctx, *event, std::move(due));
}

engine::Task<DeliveryReport> deliver_due_retries(engine::Context& ctx) {
    DeliveryReport total;
    // No active endpoint, no retry to attempt: the list (a tick's third) is not spent. Entries
    // left by a deleted endpoint expire with their events.
    auto registry = co_await load_registry(ctx);
    if (registry.endpoints &&
        std::none_of(registry.endpoints->begin(), registry.endpoints->end(),
                     [](const Endpoint& endpoint) { return endpoint.active; }))
        co_return total;
    auto page =
        engine::read_kv_list(co_await ctx.perform(engine::kv_list(std::string(kRetryPrefix), 100)));
    if (!page.ok) co_return total;
    struct Due {
        std::string event_id;
        std::string endpoint_id;
        std::string key;
    };
    std::vector<Due> due;
    // Entries that name nothing to attempt; the due ones are removed only once answered.
    std::vector<engine::Effect> removals;
    for (const auto& key : page.keys) {
        if (!key.name.starts_with(kRetryPrefix)) continue; // not a retry entry, not ours to delete
        auto rest = std::string_view(key.name).substr(kRetryPrefix.size());
        if (rest.size() < 14 || rest[13] != '/') {
            removals.push_back(engine::kv_delete(key.name));
            continue;
        }
        std::int64_t at = 0;
        for (char c : rest.substr(0, 13))
            at = at * 10 + (c - '0');
        if (at > ctx.now_ms()) break; // sorted: the rest are later
        auto ids = rest.substr(14);
        auto slash = ids.find('/');
        if (slash == std::string_view::npos) {
            removals.push_back(engine::kv_delete(key.name));
            continue;
        }
        due.push_back(
            Due{std::string(ids.substr(0, slash)), std::string(ids.substr(slash + 1)), key.name});
    }
    if (!due.empty()) {
        std::vector<std::string> endpoint_ids;
        for (const auto& entry : due)
            endpoint_ids.push_back(entry.endpoint_id);
        auto records = co_await read_endpoint_records(ctx, std::move(endpoint_ids));
        std::map<std::string, std::pair<std::vector<Endpoint>, std::vector<std::string>>> by_event;
        for (auto& entry : due) {
            auto record = records.find(entry.endpoint_id);
            if (record == records.end()) continue; // unread: the entry stays for the next run
            // An endpoint deleted or disabled since: nothing left to attempt.
            if (!record->second || !record->second->active) {
                removals.push_back(engine::kv_delete(std::move(entry.key)));
                continue;
            }
            const auto& endpoint = record->second;
            auto& [targets, keys] = by_event[entry.event_id];
            targets.push_back(*endpoint);
            keys.push_back(std::move(entry.key));
        }
        for (auto& [event_id, work] : by_event) {
            auto stored = engine::read_kv_value(
                co_await ctx.perform(engine::kv_get(events::event_key(event_id))));
            if (!stored.ok) continue; // unread, not gone: the entries stay for the next run
            auto event = stored.value ? events::from_storage(*stored.value) : std::nullopt;
            if (!event) { // expired or unreadable: nothing to attempt
                for (auto& key : work.second)
                    removals.push_back(engine::kv_delete(std::move(key)));
                continue;
            }
            auto report =
                co_await attempt_all(ctx, *event, std::move(work.first), std::move(work.second));
            total.succeeded += report.succeeded;
            total.failed += report.failed;
        }
    }
    if (!removals.empty()) (void)co_await ctx.perform(std::move(removals));
    co_return total;
}

engine::Task<std::vector<Delivery>> load_deliveries(engine::Context& ctx, std::string event_id) {
    std::vector<Delivery> deliveries;
    auto page = engine::read_kv_list(
        co_await ctx.perform(engine::kv_list(std::string(kDeliveryPrefix) + event_id + "/", 1000)));
    if (!page.ok) co_return deliveries;
    std::vector<engine::Effect> reads;
    for (const auto& key : page.keys)
        reads.push_back(engine::kv_get(key.name));
    for (const auto& result : co_await ctx.perform(std::move(reads))) {
        auto stored = engine::read_kv_value(result);
        if (stored.ok && stored.value)
            if (auto delivery = delivery_from_storage(*stored.value))
                deliveries.push_back(std::move(*delivery));
    }
    co_return deliveries;
}

} // namespace paylinks::webhooks
