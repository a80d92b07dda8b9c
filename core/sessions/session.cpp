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

num::uint256 Session::amount_seen() const {
    num::uint256 total = 0;
    for (const auto& payment : payments)
        total += payment.amount;
    return total;
}

num::uint256 Session::amount_confirmed() const {
    num::uint256 total = 0;
    for (const auto& payment : payments)
        if (payment.confirmed) total += payment.amount;
    return total;
}

num::uint256 Session::amount_remaining() const {
    auto received = amount_confirmed();
    return received >= amount_due ? num::uint256(0) : amount_due - received;
}

} // namespace paylinks::sessions
