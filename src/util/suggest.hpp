// "Did you mean" suggestions for misspelt names (keys, checks, scenarios).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ktstr {

// Levenshtein distance between two byte strings.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name`, or "" when none is close enough to be a
// plausible typo (distance above max(2, len/3)).
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "" when nearest_name finds nothing.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace ktstr
