package io.recflow.ingest;

/**
 * What one ingest did with its input. Every input row is accounted for exactly once:
 * {@code inputRows = accepted + quarantined + duplicates + erased}.
 *
 * @param inputRows records read from the input (blank lines and headers are not records)
 * @param accepted new events written to the events table
 * @param quarantined rejected records written to the quarantine table with a reason
 * @param duplicatesInInput valid records whose event_id appeared earlier in the same input
 * @param duplicatesStored distinct valid records whose event_id was already stored
 * @param erased distinct valid records of an erased user that happened before the erasure: an input
 *     replayed from an upstream source that still holds them does not bring the user back
 * @param eventsVersion the Delta version of the events table after the ingest
 */
public record IngestReport(long inputRows, long accepted, long quarantined, long duplicatesInInput,
                           long duplicatesStored, long erased, long eventsVersion) {

  public long duplicates() {
    return duplicatesInInput + duplicatesStored;
  }

  /** Fails when a record went missing or was counted twice, which would mean lost data. */
  public void checkBalanced() {
    if (inputRows != accepted + quarantined + duplicates() + erased) {
      throw new IllegalStateException("Ingest accounting does not close: " + this + ". Some input rows were "
          + "neither stored, quarantined nor recognised as duplicates; another writer may have changed the "
          + "events table during the ingest. Re-run the job: ingest is idempotent.");
    }
  }

  @Override
  public String toString() {
    return String.format("%d input rows = %d accepted + %d quarantined + %d duplicates (%d within the input, %d "
        + "already stored) + %d of erased users; events table at version %d", inputRows, accepted, quarantined,
        duplicates(), duplicatesInInput, duplicatesStored, erased, eventsVersion);
  }
}
