-- Quarto callouts (::: {.callout-note title="…"}) for pandoc: a titled box in HTML and Typst.
local titles = { note = "Note", tip = "Tip", warning = "Warning", important = "Important", caution = "Caution" }

function Div(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind then
      local title = div.attributes["title"] or titles[kind] or "Note"
      div.attributes["title"] = nil
      if FORMAT:match("typst") then
        local blocks = { pandoc.RawBlock("typst", "#callout(\"" .. kind .. "\")[") }
        table.insert(blocks, pandoc.Para({ pandoc.Strong(pandoc.Str(title)) }))
        for _, block in ipairs(div.content) do table.insert(blocks, block) end
        table.insert(blocks, pandoc.RawBlock("typst", "]"))
        return blocks
      end
      div.classes:insert("callout")
      div.attributes["role"] = "note"
      table.insert(div.content, 1, pandoc.Para({ pandoc.Strong(pandoc.Str(title)) }))
      return div
    end
  end
end
