#include "core/sessions/session.hpp"

#include <array>

namespace paylinks::sessions {
namespace {

constexpr std::array<std::string_view, 8> kStatusNames = {
    "open", "detected", "paid", "underpaid", "overpaid", "paid_late", "expired", "reorged"};
static_assert(kStatusNames.size() == static_cast<std::size_t>(Status::reorged) + 1);

} // namespace

std::string_view to_string(Status status) noexcept {
    return kStatusNames[static_cast<std::size_t>(status)];
}

std::optional<Status> parse_status(std::string_view text) noexcept {
    for (std::size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames[i] == text) return static_cast<Status>(i);
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
