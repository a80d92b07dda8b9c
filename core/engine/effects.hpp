#pragma once
// The effect protocol: what the core asks the shim to do, and how it reads the answers.
//
// An effect is a JSON object with an "op"; its result is a JSON object with "ok" and, on
// failure, "error". The shim performs every effect of one batch concurrently and answers
// them in order. Results are untrusted input: every reader below checks types and turns
// anything unexpected into a failed result rather than trusting it.
//
//   op          fields                                 result on success
//   kv.get      key, cacheTtl?                         value: string | null
//   kv.put      key, value, metadata?, expirationTtl?  -
//   kv.delete   key                                    -
//   kv.list     prefix, limit, cursor?                 keys: [{name, metadata?}], cursor,
//                                                      complete
//   rpc         method, params                         value: the JSON-RPC result
//   http        method, url, headers, body, timeoutMs  status, body, durationMs
//   qr.svg      text                                   value: an SVG document
//   limit       binding, key                           success: bool (false: over the limit)
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paylinks::engine {

using Effect = Json;

[[nodiscard]] Effect kv_get(std::string key, std::int64_t cache_ttl_seconds = 0);
[[nodiscard]] Effect kv_put(std::string key, std::string value,
                            std::optional<Json> metadata = std::nullopt,
                            std::optional<std::int64_t> expiration_ttl_seconds = std::nullopt);
[[nodiscard]] Effect kv_delete(std::string key);
[[nodiscard]] Effect kv_list(std::string prefix, int limit, std::string cursor = {});
[[nodiscard]] Effect rpc_call(std::string method, Json params);
[[nodiscard]] Effect http_request(std::string method, std::string url, Json headers,
                                  std::string body, int timeout_ms);
[[nodiscard]] Effect render_qr_svg(std::string text);
/// Counts one use of `key` against the Workers Rate Limiting binding named `binding`.
[[nodiscard]] Effect rate_limit(std::string binding, std::string key);

/// Whether a result reports success; anything but {"ok":true,…} is a failure.
[[nodiscard]] bool succeeded(const Json& result) noexcept;
/// Whether a failed result is KV refusing a write because the key was written less than a
/// second ago ({"ok":false,"busy":true}, Workers KV's 429): another writer got there first.
[[nodiscard]] bool is_busy(const Json& result) noexcept;
/// The failure's message, or a description of why the result could not be read.
[[nodiscard]] std::string failure_message(const Json& result);

struct KvValue {
    bool ok = false;
    std::optional<std::string> value; ///< nullopt when the key does not exist
    std::string error;
};
[[nodiscard]] KvValue read_kv_value(const Json& result);

struct KvListedKey {
    std::string name;
    Json metadata; ///< null when the key has none
};
struct KvListPage {
    bool ok = false;
    std::vector<KvListedKey> keys;
    std::string cursor;
    bool complete = true;
    std::string error;
};
[[nodiscard]] KvListPage read_kv_list(const Json& result);

struct LimitAnswer {
    bool ok = false;      ///< the limiter answered; false: it is absent or failed
    bool allowed = false; ///< within the limit (meaningful when ok)
    std::string error;
};
[[nodiscard]] LimitAnswer read_limit(const Json& result);

/// A string value result (rpc answers are read by the chain code, qr.svg here).
[[nodiscard]] std::optional<std::string> read_string_value(const Json& result);

} // namespace paylinks::engine
