"""Stage 6, presentation: text and JSON (:mod:`.render` and its siblings), charts
(matplotlib, no global state) and the report (HTML, Markdown, PDF). Reads analysis results;
nothing here decides an answer."""
