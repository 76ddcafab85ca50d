-- One search index instead of two (docs/message-store.md, "Search"). Word searches are answered
-- from the trigram index too: a text holding all of a query's words holds each of them as a
-- substring, so the search looks its longest words up as ILIKE patterns and rechecks the
-- full-text match on what they find. The full-text GIN index cost as much again as the trigram
-- index to keep: autovacuum's merges of its pending list were half of the table's upkeep.
DROP INDEX message_search_fts_idx;
