-- Print layout the Typst writer does not do by itself:
-- * a chart's correction notices print inside its figure, kept with it;
-- * a chart keeps its alt text (`fig-alt`), so the tagged PDF (PDF/UA-1) reads it out;
-- * table columns take the width of their content instead of pandoc's widths from the markdown's
--   dashes, so a long header never runs into the next one; a table too wide for the page shares its
--   width as a browser does (each column at least its longest word, the rest to the columns with the
--   most text), so a column of sentences is not squeezed to the width of its neighbours' labels;
-- * a column of numbers is right-aligned, header included, so digits line up.

local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function Image(img)
  local alt = img.attributes["fig-alt"]
  if not alt or alt == "" then return nil end
  local width = img.attributes["width"]
  return pandoc.RawInline("typst", "#image(" .. typst_string(img.src) ..
    (width and (", width: " .. width) or "") .. ", alt: " .. typst_string(alt) .. ")")
end

-- A correction notice printed under a chart (a paragraph opening "Corrected on …") goes inside the chart's
-- figure, so the chart, its caption, its source note and its notices stay together on one page.
local function is_notice(block)
  return block and block.t == "Para" and block.content[1] and block.content[1].t == "Strong"
    and pandoc.utils.stringify(block.content[1]):match("^Corrected on ") ~= nil
end

function Blocks(blocks)
  local out, i = pandoc.Blocks({}), 1
  while i <= #blocks do
    local block = blocks[i]
    out:insert(block)
    if block.t == "Figure" then
      while is_notice(blocks[i + 1]) do
        local notice = blocks[i + 1].content:clone()
        notice:insert(1, pandoc.RawInline("typst", "#figure-notice["))
        notice:insert(pandoc.RawInline("typst", "]"))
        block.content:insert(pandoc.Plain(notice))
        i = i + 1
      end
    end
    i = i + 1
  end
  return out
end

-- A number as the tables print it: digits with separators, a sign, per cent, brackets, or a bound (<5).
local function is_number(text)
  return text:match("%d") ~= nil and text:match("^[<>~]?[%-−+]?[%d,%.]+%%?$") ~= nil
end

-- Cells a numeric column may hold besides numbers: blanks and the published status symbols.
local function is_symbol(text)
  return text == "" or text == "-" or text == "–" or text == ".." or text:match("^%[%a+%]$") ~= nil
    or text == "x" or text == "*"
end

local function cell_text(cell)
  return pandoc.utils.stringify(cell.contents):gsub("^%s+", ""):gsub("%s+$", "")
end

-- About how many characters of table text one line of the text block holds (8.5 pt Liberation Sans
-- across 16.6 cm), and how many a column's padding takes from it.
local LINE_CHARACTERS = 110
local COLUMN_PADDING = 3

local function measure(text, longest, word)
  local length = utf8.len(text) or #text
  for piece in text:gmatch("%S+") do word = math.max(word, utf8.len(piece) or #piece) end
  return math.max(longest, length), word
end

-- Each column's share of the text width when its longest cells do not fit on one line together,
-- by the automatic table layout of CSS: every column gets its longest word, and the width left
-- goes to the columns in proportion to how much more their longest cell needs. nil: they fit.
local function shares(longest, word)
  local room = LINE_CHARACTERS - COLUMN_PADDING * #longest
  local narrowest, most, least = {}, 0, 0
  for i = 1, #longest do
    narrowest[i] = word[i] + 1  -- capitals and bold headers set wider than the average character
    most, least = most + math.max(longest[i], narrowest[i]), least + narrowest[i]
  end
  if most <= room then return nil end
  local widths, total = {}, 0
  for i = 1, #longest do
    local extra = 0
    if least < room and most > least then
      extra = (math.max(longest[i], narrowest[i]) - narrowest[i]) * (room - least) / (most - least)
    end
    widths[i] = COLUMN_PADDING + narrowest[i] + extra
    total = total + widths[i]
  end
  for i = 1, #widths do widths[i] = widths[i] / total end
  return widths
end

function Table(tbl)
  local columns = #tbl.colspecs
  local numeric, seen, longest, word = {}, {}, {}, {}
  for i = 1, columns do numeric[i], seen[i], longest[i], word[i] = true, false, 1, 1 end
  for _, row in ipairs(tbl.head.rows) do
    for i, cell in ipairs(row.cells) do
      if i <= columns then longest[i], word[i] = measure(cell_text(cell), longest[i], word[i]) end
    end
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for i, cell in ipairs(row.cells) do
        if i <= columns then
          local text = cell_text(cell)
          longest[i], word[i] = measure(text, longest[i], word[i])
          if is_number(text) then seen[i] = true
          elseif not is_symbol(text) then numeric[i] = false end
        end
      end
    end
  end
  local widths = shares(longest, word)
  for i = 1, columns do
    local align = tbl.colspecs[i][1]
    if numeric[i] and seen[i] and i > 1 then align = pandoc.AlignRight end
    tbl.colspecs[i] = { align, widths and widths[i] or pandoc.ColWidthDefault }
  end
  return tbl
end

-- A tagged PDF (PDF/UA-1) may not skip a heading level; a chapter that goes from # to ### (a list
-- printed under the chapter title, say) is printed one level up, which looks the same to a reader.
function Pandoc(doc)
  local previous = 0
  doc.blocks = doc.blocks:walk({
    Header = function(header)
      if header.level > previous + 1 then header.level = previous + 1 end
      previous = header.level
      return header
    end
  })
  return doc
end
