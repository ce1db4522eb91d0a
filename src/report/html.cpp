#include "report/html.hpp"

#include <fmt/format.h>

#include "report/assets.hpp"
#include "report/format.hpp"

namespace ktstr::report {

std::string script_safe_json(const nlohmann::json& j) {
  // Invalid UTF-8 in a string is replaced rather than thrown on.
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string guard_raw_text(std::string_view text, std::string_view tag) {
  std::string out(text);
  const std::string close = fmt::format("</{}", tag);
  for (size_t pos = out.find(close); pos != std::string::npos; pos = out.find(close, pos)) {
    out.replace(pos, 2, "<\\/");
  }
  return out;
}

std::string render_html(const scenario::RunResult& run) {
  const nlohmann::json view = build_html_view(run);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"ktstr {} (uPlot {})\">\n",
                     xml_escape(run.ktstr_version), assets::uplot_version());
  out += fmt::format("<title>{}</title>\n", xml_escape(view["title"].get<std::string>()));
  std::string license(assets::uplot_license());
  for (size_t pos = license.find("--"); pos != std::string::npos; pos = license.find("--", pos)) {
    license.replace(pos, 2, "- -");  // "--" may not appear inside a comment
  }
  out += fmt::format("<!-- uPlot {} is embedded below under its licence:\n{}-->\n",
                     assets::uplot_version(), license);
  out += "<style>\n" + guard_raw_text(assets::uplot_css(), "style") + "\n</style>\n";
  out += "<style>\n" + guard_raw_text(assets::app_css(), "style") + "\n</style>\n";
  out += "</head>\n<body>\n";
  out +=
      "<main id=\"app\"><noscript>This report draws its charts with JavaScript; the data "
      "is in the ktstr-run script element of this file.</noscript></main>\n";
  out += fmt::format(
      "<footer>ktstr {} &middot; charts by uPlot {} &middot; render status:"
      "<div id=\"ktstr-render-status\">pending</div></footer>\n",
      xml_escape(run.ktstr_version), assets::uplot_version());
  out +=
      "<script id=\"ktstr-run\" type=\"application/json\">" + script_safe_json(run) + "</script>\n";
  out += "<script id=\"ktstr-view\" type=\"application/json\">" + script_safe_json(view) +
         "</script>\n";
  out += "<script>\n" + guard_raw_text(assets::uplot_js(), "script") + "\n</script>\n";
  out += "<script>\n" + guard_raw_text(assets::app_js(), "script") + "\n</script>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace ktstr::report
