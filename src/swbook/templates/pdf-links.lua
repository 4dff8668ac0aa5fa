-- Links in the PDF: a page's relative links (source lines, downloads, other pages) point nowhere once
-- the PDF is read on its own. With the book's published address (book: site-url in _quarto.yml) they
-- go to that site; without one the PDF carries no dead link: the words stay, and a link to a source
-- line shows that line in the text instead ("51% (line 283)").
local site = ""
local page_dir = ""

local function resolve(target)
  local parts = {}
  for piece in page_dir:gmatch("[^/]+") do table.insert(parts, piece) end
  local path = target
  while path:sub(1, 3) == "../" do
    table.remove(parts)
    path = path:sub(4)
  end
  table.insert(parts, path)
  return table.concat(parts, "/")
end

local function line_note(target, content)
  local lines = target:match("[?&]lines=([%d,]+)") or target:match("#L(%d+)$")
  if not target:match("sources/[%w%-]+%.html") or not lines then return nil end
  local listed = lines:gsub(",", ", ")
  if pandoc.utils.stringify(content):gsub("[^%d,]", "") == lines then return nil end   -- already the line number
  local word = lines:find(",") and "lines " or "line "
  return pandoc.RawInline("typst", "#text(size: 0.8em, fill: luma(90))[ (" .. word .. listed .. ")]")
end

function Meta(meta)
  site = meta["swbook-site-url"] and pandoc.utils.stringify(meta["swbook-site-url"]) or ""
  site = site:gsub("/+$", "")
  page_dir = meta["swbook-page-dir"] and pandoc.utils.stringify(meta["swbook-page-dir"]) or ""
end

function Link(link)
  local target = link.target
  if target:match("^#") or target:match("^%a[%w+.-]*:") then return nil end   -- in the PDF, or absolute
  if site ~= "" then
    link.target = site .. "/" .. resolve(target)
    return link
  end
  local out = link.content
  local note = line_note(target, link.content)
  if note then out:insert(note) end
  return out
end

return { { Meta = Meta }, { Link = Link } }
