// Files embedded into the binary for the HTML report (generated at build
// time by cmake/embed_report_assets.cmake from the uplot npm package and
// src/report/assets/).
#pragma once

#include <string_view>

namespace ktstr::report::assets {

std::string_view uplot_version();  // e.g. "1.6.32"
std::string_view uplot_js();       // dist/uPlot.iife.min.js
std::string_view uplot_license();  // the package's LICENSE (MIT: ships with every copy)
std::string_view uplot_css();      // dist/uPlot.min.css
std::string_view app_js();         // src/report/assets/app.js
std::string_view app_css();        // src/report/assets/app.css

}  // namespace ktstr::report::assets
