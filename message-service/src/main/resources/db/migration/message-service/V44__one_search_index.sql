-- One search index instead of two (docs/message-store.md, "Search"). Word searches are answered
-- from the trigram index too: a text holding all of a query's words holds each of them as a
-- substring, so the search looks its longest words up as ILIKE patterns and rechecks the
-- full-text match on what they find. Keeping the full-text GIN index up was most of autovacuum's
-- work on the table: 60-66 s in a benchmark at 5,000 messages/s into one room (warm-up and
-- measured run), 13-16 s without it.
DROP INDEX message_search_fts_idx;
