#pragma once
// The worker's configuration: wrangler.toml vars and secrets, read once per instance.
// A bad value is not fatal here; it is kept in `error` and every request reports it.
#include "core/util/json.hpp"

#include <string>

namespace paylinks::config {

struct Config {
    std::string error; ///< non-empty when the configuration cannot be used

    std::string api_key;          ///< API_KEY secret: sk_test_… or sk_live_…
    bool livemode = false;        ///< derived from the key's prefix
    std::string public_base_url;  ///< PUBLIC_BASE_URL without trailing slash; empty = request origin
};

/// Reads `env` (an object of strings). Never fails: problems land in `Config::error`.
[[nodiscard]] Config load_config(const Json& env);

} // namespace paylinks::config
