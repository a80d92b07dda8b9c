#pragma once
// Webhook delivery, signed per the Standard Webhooks specification: headers webhook-id
// (the event id, the same on every retry), webhook-timestamp (Unix seconds of the attempt)
// and webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>" keyed with the
// base64-decoded part of the endpoint's whsec_ secret.
//
// At least once: an attempt that does not get a 2xx within the timeout is retried by the
// cron on a backoff schedule of about a day (kRetryDelays), and every attempt is recorded.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/events/event.hpp"
#include "core/webhooks/endpoint.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace paylinks::webhooks {

/// Delays before attempts 2…8 (seconds): 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
inline constexpr std::array<std::int64_t, 7> kRetryDelays = {60,       300,       1800,     7200,
                                                             5 * 3600, 10 * 3600, 10 * 3600};
inline constexpr std::size_t kMaxAttempts = kRetryDelays.size() + 1;
inline constexpr int kDeliveryTimeoutMs = 10000;

/// "v1,<base64>" or nullopt for a malformed secret.
[[nodiscard]] std::optional<std::string> sign_payload(std::string_view secret,
                                                      std::string_view message_id,
                                                      std::int64_t timestamp_seconds,
                                                      std::string_view body);

struct Attempt {
    std::int64_t at_ms = 0;
    int status = 0; ///< HTTP status, 0 when none came back
    std::int64_t duration_ms = 0;
    std::string error;
};

struct Delivery {
    std::string event_id;
    std::string endpoint_id;
    std::string url;
    std::string state = "pending"; ///< pending (retrying), succeeded, failed
    std::vector<Attempt> attempts;
    std::optional<std::int64_t> next_attempt_ms;
};

[[nodiscard]] Json to_api_json(const Delivery& delivery);

/// Attempts delivery of `event_id` to every active endpoint that wants it, or only to
/// `endpoint_id`. Endpoints that were sent it already are skipped unless `resend` (the
/// merchant's explicit ask). Returns how many attempts succeeded and failed.
struct DeliveryReport {
    std::size_t succeeded = 0;
    std::size_t failed = 0;
};
[[nodiscard]] engine::Task<DeliveryReport> deliver_event(engine::Context& ctx, std::string event_id,
                                                         std::optional<std::string> endpoint_id,
                                                         bool resend = false);

/// The cron's part: attempts every delivery whose retry time has come.
[[nodiscard]] engine::Task<DeliveryReport> deliver_due_retries(engine::Context& ctx);

/// Every delivery of an event, for the API.
[[nodiscard]] engine::Task<std::vector<Delivery>> load_deliveries(engine::Context& ctx,
                                                                  std::string event_id);

} // namespace paylinks::webhooks
