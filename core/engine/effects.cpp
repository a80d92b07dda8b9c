#include "core/engine/effects.hpp"

namespace paylinks::engine {

namespace {

// Effects are built member by member into a vector sized for them: every request makes
// several, and a braced list moves each member through two temporaries first.
JsonObject effect_members(const char* op, std::size_t members) {
    JsonObject out;
    out.reserve(members);
    out.emplace_back("op", op);
    return out;
}

} // namespace

Effect kv_get(std::string key, std::int64_t cache_ttl_seconds) {
    auto members = effect_members("kv.get", 3);
    members.emplace_back("key", std::move(key));
    // Workers KV refuses a cacheTtl under 60 s; a shorter wish means "no edge cache".
    if (cache_ttl_seconds >= 60) members.emplace_back("cacheTtl", cache_ttl_seconds);
    return Json(std::move(members));
}

Effect kv_put(std::string key, std::string value, std::optional<Json> metadata,
              std::optional<std::int64_t> expiration_ttl_seconds) {
    auto members = effect_members("kv.put", 5);
    members.emplace_back("key", std::move(key));
    members.emplace_back("value", std::move(value));
    if (metadata) members.emplace_back("metadata", std::move(*metadata));
    // KV's minimum expiration TTL is 60 s.
    if (expiration_ttl_seconds)
        members.emplace_back("expirationTtl", std::max<std::int64_t>(60, *expiration_ttl_seconds));
    return Json(std::move(members));
}

Effect kv_delete(std::string key) {
    auto members = effect_members("kv.delete", 2);
    members.emplace_back("key", std::move(key));
    return Json(std::move(members));
}

Effect kv_list(std::string prefix, int limit, std::string cursor) {
    auto members = effect_members("kv.list", 4);
    members.emplace_back("prefix", std::move(prefix));
    members.emplace_back("limit", limit);
    if (!cursor.empty()) members.emplace_back("cursor", std::move(cursor));
    return Json(std::move(members));
}

Effect rpc_call(std::string method, Json params) {
    auto members = effect_members("rpc", 3);
    members.emplace_back("method", std::move(method));
    members.emplace_back("params", std::move(params));
    return Json(std::move(members));
}

Effect http_request(std::string method, std::string url, Json headers, std::string body,
                    int timeout_ms) {
    auto members = effect_members("http", 6);
    members.emplace_back("method", std::move(method));
    members.emplace_back("url", std::move(url));
    members.emplace_back("headers", std::move(headers));
    members.emplace_back("body", std::move(body));
    members.emplace_back("timeoutMs", timeout_ms);
    return Json(std::move(members));
}

Effect render_qr_svg(std::string text) {
    auto members = effect_members("qr.svg", 2);
    members.emplace_back("text", std::move(text));
    return Json(std::move(members));
}

Effect rate_limit(std::string binding, std::string key) {
    auto members = effect_members("limit", 3);
    members.emplace_back("binding", std::move(binding));
    members.emplace_back("key", std::move(key));
    return Json(std::move(members));
}

bool succeeded(const Json& result) noexcept {
    if (!result.is_object()) return false;
    auto ok = result.find("ok");
    return ok != result.end() && ok->is_boolean() && ok->get<bool>();
}

bool is_busy(const Json& result) noexcept {
    if (!result.is_object() || succeeded(result)) return false;
    auto busy = result.find("busy");
    return busy != result.end() && busy->is_boolean() && busy->get<bool>();
}

std::string failure_message(const Json& result) {
    if (!result.is_object()) return "malformed effect result";
    auto error = result.find("error");
    if (error != result.end() && error->is_string()) return error->get<std::string>();
    return succeeded(result) ? std::string{} : "effect failed without a message";
}

KvValue read_kv_value(const Json& result) {
    KvValue out;
    if (!succeeded(result)) {
        out.error = failure_message(result);
        return out;
    }
    auto value = result.find("value");
    if (value == result.end() || value->is_null()) {
        out.ok = true;
    } else if (value->is_string()) {
        out.ok = true;
        out.value = value->get<std::string>();
    } else {
        out.error = "kv.get answered a non-string value";
    }
    return out;
}

KvListPage read_kv_list(const Json& result) {
    KvListPage page;
    if (!succeeded(result)) {
        page.error = failure_message(result);
        return page;
    }
    auto keys = result.find("keys");
    if (keys == result.end() || !keys->is_array()) {
        page.error = "kv.list answered without a keys array";
        return page;
    }
    page.keys.reserve(keys->size());
    for (const auto& key : *keys) {
        if (!key.is_object()) continue;
        auto name = key.find("name");
        if (name == key.end() || !name->is_string()) continue;
        auto metadata = key.find("metadata");
        page.keys.push_back(
            {name->get<std::string>(), metadata != key.end() ? *metadata : Json(nullptr)});
    }
    auto complete = result.find("complete");
    page.complete = complete == result.end() || !complete->is_boolean() || complete->get<bool>();
    auto cursor = result.find("cursor");
    if (cursor != result.end() && cursor->is_string()) page.cursor = cursor->get<std::string>();
    if (!page.complete && page.cursor.empty()) page.complete = true; // cannot go on without one
    page.ok = true;
    return page;
}

LimitAnswer read_limit(const Json& result) {
    LimitAnswer out;
    if (!succeeded(result)) {
        out.error = failure_message(result);
        return out;
    }
    auto success = result.find("success");
    if (success == result.end() || !success->is_boolean()) {
        out.error = "limit answered without a boolean success";
        return out;
    }
    out.ok = true;
    out.allowed = success->get<bool>();
    return out;
}

std::optional<std::string> read_string_value(const Json& result) {
    if (!succeeded(result)) return std::nullopt;
    auto value = result.find("value");
    if (value == result.end() || !value->is_string()) return std::nullopt;
    return value->get<std::string>();
}

} // namespace paylinks::engine
