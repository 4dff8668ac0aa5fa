-- Corrections in the PDF, linked both ways as on the site:
-- * a notice (a span `.correction-notice` whose `data-correction` names its correction) leaves where it
--   stands an invisible Typst marker (`metadata`) labelled with that name;
-- * in the Corrections appendix, a correction's `.correction-places` span becomes a link to each of those
--   markers, named by its page ("page 43, page 67", each page once); Typst finds them across the whole book as it lays it
--   out. A correction that no page shows keeps the span's own words.

local function label(name)
  return name:match("^[%w%-]+$") and ("<" .. name .. ">") or nil
end

function Span(span)
  local name = span.attributes["data-correction"]
  if span.classes:includes("correction-notice") and name and label(name) then
    return { span, pandoc.RawInline("typst", '#metadata("correction")' .. label(name)) }
  end
  name = span.attributes["data-for"]
  if span.classes:includes("correction-places") and name and label(name) then
    local words = pandoc.utils.stringify(span):gsub("[%[%]#\\]", "")
    return pandoc.RawInline("typst",
      "#context { let pages = (:); for m in query(" .. label(name) .. ") { " ..
      "let p = str(counter(page).at(m.location()).first()); if p not in pages { pages.insert(p, m.location()) } }; " ..
      "if pages.len() == 0 [" .. words .. "] else { " ..
      "pages.pairs().map(((p, at)) => link(at)[page #p]).join(\", \") } }")
  end
end
