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

/// What a merchant decided about a session, kept apart from its record (`csd/<inverted id>`):
/// the record is rewritten by whoever reads the chain, from what that writer loaded, and
/// without compare-and-set one that loaded it before an expiry would write the old
/// expiresAt back. Every load applies the decision, so no such write undoes it.
[[nodiscard]] std::string decision_key(std::string_view id);
/// The write that records `session`'s expiresAt as the merchant's decision.
[[nodiscard]] engine::Effect decision_write(engine::Context& ctx, const Session& session);

/// The reads that load sessions: per id its record, then its decisions (two effects each).
inline constexpr std::size_t kReadsPerSession = 2;
[[nodiscard]] std::vector<engine::Effect> session_reads(const std::vector<std::string>& ids);
struct LoadedSession {
    bool ok = true;                 ///< false: KV failed (error says how), or `unreadable`
    bool unreadable = false;        ///< the record is there but is not a session
    std::optional<Session> session; ///< nullopt: there is no such session (or not ok)
    std::string error;
};
/// The i-th session of a session_reads batch, its decisions applied.
[[nodiscard]] LoadedSession read_loaded_session(const std::vector<Json>& results, std::size_t i);

/// Who is saving: a state derived from the chain (a poll, a verify, the scan), which any
/// writer with the same evidence derives alike, or a decision (a creation, an expiry) that
/// only this request makes.
enum class SaveKind : std::uint8_t { derived_from_chain, decision };

/// Writes the session and keeps the watch index in step with it. When its status differs
/// from `previous` (nothing: a new session), the matching event is recorded too. A derived
/// state whose record KV refuses as busy (another writer saved it within the second) is not
/// an error: that writer read the same chain, and the next check converges on it. A decision
/// refused so is an error: it was not stored.
[[nodiscard]] engine::Task<std::optional<http::ApiError>>
save_session(engine::Context& ctx, const Session& session, std::optional<Status> previous,
             SaveKind kind);

/// The effects save_session performs, for callers that batch them with other writes.
[[nodiscard]] std::vector<engine::Effect>
session_writes(engine::Context& ctx, const Session& session, std::optional<Status> previous);

/// The origin for URLs inside objects: PUBLIC_BASE_URL, else none (paths).
[[nodiscard]] std::string object_base_url(engine::Context& ctx);

} // namespace paylinks::sessions
