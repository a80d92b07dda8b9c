#pragma once
// Reading and writing sessions in KV. A session is its record, `cs/<inverted id>`, whose KV
// metadata makes it its own entry in the newest-first list and in the scanner's view of
// recent sessions; once it has changed, and for as long as the chain still needs watching,
// also an entry in the scanner's watch index (watch/…). See docs/architecture.md, "Keys".
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/error.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/session.hpp"

#include <optional>
#include <variant>

namespace paylinks::sessions {

[[nodiscard]] StateRules state_rules(const config::Config& config);

[[nodiscard]] engine::Task<std::variant<std::optional<Session>, http::ApiError>>
load_session(engine::Context& ctx, std::string id);

/// Writes the session and keeps both indexes in step with it. When its status differs
/// from `previous` (nothing: a new session), the matching event is recorded too.
[[nodiscard]] engine::Task<std::optional<http::ApiError>>
save_session(engine::Context& ctx, const Session& session, std::optional<Status> previous);

/// The effects save_session performs, for callers that batch them with other writes.
[[nodiscard]] std::vector<engine::Effect>
session_writes(engine::Context& ctx, const Session& session, std::optional<Status> previous);

/// The origin for URLs inside objects: PUBLIC_BASE_URL, else none (paths).
[[nodiscard]] std::string object_base_url(engine::Context& ctx);

} // namespace paylinks::sessions
