#include "core/sessions/session.hpp"

#include <array>

namespace paylinks::sessions {
namespace {

constexpr std::array<StatusInfo, 8> kStatuses{{
    {Status::open, "open", "Open", "live", "waiting for a transfer to the deposit address"},
    {Status::detected, "detected", "Detected", "live",
     "a transfer was seen and is not confirmed yet: **do not fulfil** yet"},
    {Status::paid, "paid", "Paid", "ok",
     "confirmed transfers add up to exactly `amountDue`, in time: **fulfil**"},
    {Status::underpaid, "underpaid", "Underpaid", "warn",
     "confirmed transfers fall short; the page asks for the rest until `expiresAt`"},
    {Status::overpaid, "overpaid", "Overpaid", "ok",
     "confirmed transfers exceed `amountDue`: **fulfil**, refund the difference if you wish"},
    {Status::paid_late, "paid_late", "Paid late", "ok",
     "fully paid by a transfer mined after `expiresAt` but within `LATE_WINDOW_SECONDS`: "
     "**fulfil** (or refund)"},
    {Status::expired, "expired", "Expired", "muted",
     "`expiresAt` passed without full payment (or the merchant expired it)"},
    {Status::reorged, "reorged", "Reorged", "warn",
     "a fulfilled session lost its payment to a chain reorganisation: **hold** fulfilment; a "
     "replacement payment makes it paid again"},
}};

// Indexing by the enum's value is what to_string relies on.
constexpr bool table_in_enum_order() noexcept {
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
        if (static_cast<std::size_t>(kStatuses[i].status) != i) return false;
    return true;
}
static_assert(table_in_enum_order());
static_assert(kStatuses.size() == static_cast<std::size_t>(Status::reorged) + 1);

} // namespace

const std::array<StatusInfo, 8>& status_table() noexcept {
    return kStatuses;
}

const std::array<RefundStatusInfo, 2>& refund_status_table() noexcept {
    static constexpr std::array<RefundStatusInfo, 2> kRefundStatuses{{
        {"partially_refunded", "Partially refunded", "warn",
         "refunds proven on chain returned part of what was confirmed"},
        {"refunded", "Refunded", "muted",
         "refunds proven on chain returned everything confirmed: final"},
    }};
    return kRefundStatuses;
}

std::string_view to_string(Status status) noexcept {
    return kStatuses[static_cast<std::size_t>(status)].name;
}

std::optional<Status> parse_status(std::string_view text) noexcept {
    for (const auto& info : kStatuses)
        if (info.name == text) return info.status;
    return std::nullopt;
}

num::uint256 Session::accounted(const Payment& payment) const {
    const unsigned decimals = payment.decimals.value_or(token_decimals);
    num::uint256 amount = payment.amount;
    // Options are priced with no finer decimals than token_decimals, and the watcher counts
    // only the options' tokens; a coarser token is scaled up, exactly.
    for (unsigned i = decimals; i < token_decimals; ++i)
        amount *= num::uint256(10);
    for (unsigned i = token_decimals; i < decimals; ++i)
        amount /= num::uint256(10);
    return amount;
}

num::uint256 Session::amount_seen() const {
    num::uint256 total = 0;
    for (const auto& payment : payments)
        total += accounted(payment);
    return total;
}

num::uint256 Session::amount_confirmed() const {
    num::uint256 total = 0;
    for (const auto& payment : payments)
        if (payment.confirmed) total += accounted(payment);
    return total;
}

num::uint256 Session::amount_remaining() const {
    auto received = amount_confirmed();
    return received >= amount_due ? num::uint256(0) : amount_due - received;
}

} // namespace paylinks::sessions
