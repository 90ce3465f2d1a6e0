/**
 * Getting input into the warehouse: reading MovieLens, CSV and JSON-lines files into raw events
 * and catalog rows, validating events with core's validator (JSON lines with core's one reader),
 * merging accepted events into {@code events} by event_id and items into {@code items}, and
 * quarantining every rejected record with its reason. Accounting always closes.
 */
package io.recflow.ingest;
