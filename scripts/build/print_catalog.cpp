// Prints core/catalog's JSON, for scripts/build/catalog-docs.mjs (run by `make native`).
#include "core/catalog/catalog.hpp"

#include <cstdio>

int main() {
    const auto& text = paylinks::catalog::catalog_json();
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
}
