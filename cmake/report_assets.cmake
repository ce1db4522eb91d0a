# HTML report assets: uPlot from the npm package that scripts/setup installs
# (npm install --prefix third_party/npm uplot@<pinned>), plus the report's
# own script and stylesheet, embedded into ktstr_report at build time.
set(KTSTR_UPLOT_DIR "${PROJECT_SOURCE_DIR}/third_party/npm/node_modules/uplot"
    CACHE PATH "Directory of the installed uplot npm package")
set(ktstr_uplot_js "${KTSTR_UPLOT_DIR}/dist/uPlot.iife.min.js")
set(ktstr_uplot_css "${KTSTR_UPLOT_DIR}/dist/uPlot.min.css")
foreach(f IN ITEMS "${ktstr_uplot_js}" "${ktstr_uplot_css}" "${KTSTR_UPLOT_DIR}/package.json"
                  "${KTSTR_UPLOT_DIR}/LICENSE")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR
      "ktstr: ${f} is missing. The HTML report embeds uPlot from npm: run scripts/setup "
      "(it runs `npm ci --prefix third_party/npm`), or point -DKTSTR_UPLOT_DIR at an "
      "installed uplot package.")
  endif()
endforeach()
file(READ "${KTSTR_UPLOT_DIR}/package.json" ktstr_uplot_pkg)
string(JSON ktstr_uplot_version GET "${ktstr_uplot_pkg}" version)

set(ktstr_report_assets_dir "${PROJECT_SOURCE_DIR}/src/report/assets")
set(ktstr_report_assets
    "uplot_js=${ktstr_uplot_js}|uplot_css=${ktstr_uplot_css}|app_js=${ktstr_report_assets_dir}/app.js|app_css=${ktstr_report_assets_dir}/app.css|uplot_license=${KTSTR_UPLOT_DIR}/LICENSE")
set(ktstr_report_assets_cpp "${CMAKE_BINARY_DIR}/generated/report_assets.cpp")
add_custom_command(
  OUTPUT "${ktstr_report_assets_cpp}"
  COMMAND ${CMAKE_COMMAND} "-DOUT=${ktstr_report_assets_cpp}"
          "-DUPLOT_VERSION=${ktstr_uplot_version}" "-DASSETS=${ktstr_report_assets}"
          -P "${PROJECT_SOURCE_DIR}/cmake/embed_report_assets.cmake"
  DEPENDS "${ktstr_uplot_js}" "${ktstr_uplot_css}" "${ktstr_report_assets_dir}/app.js"
          "${ktstr_report_assets_dir}/app.css" "${KTSTR_UPLOT_DIR}/LICENSE"
          "${PROJECT_SOURCE_DIR}/cmake/embed_report_assets.cmake"
  COMMENT "Embedding HTML report assets (uPlot ${ktstr_uplot_version})"
  VERBATIM)
target_sources(ktstr_report PRIVATE "${ktstr_report_assets_cpp}")
