#pragma once
// Reading and writing sessions in KV. One session is three keys: the record (cs/…), its
// place in the newest-first list with the status for filters (idx/cs/…), and, while the
// chain still needs watching, its entry in the scanner's index (watch/…).
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

/// Writes the session and keeps both indexes in step with it.
[[nodiscard]] engine::Task<std::optional<http::ApiError>> save_session(engine::Context& ctx,
                                                                       const Session& session);

/// The effects save_session performs, for callers that batch them with other writes.
[[nodiscard]] std::vector<engine::Effect> session_writes(const Session& session,
                                                         const StateRules& rules,
                                                         std::int64_t now_ms);

} // namespace paylinks::sessions
