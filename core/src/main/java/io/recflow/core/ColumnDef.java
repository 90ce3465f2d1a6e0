package io.recflow.core;

/**
 * One column of a warehouse table.
 *
 * @param name the column name, one of {@link Tables.Col}
 * @param type its type
 * @param nullable whether a row may leave it empty
 * @param privacy what the column may reveal about a person: erasure finds a user's rows by the
 *     column marked {@link Privacy#USER_ID}, and Delta keeps no statistics of a personal column
 */
public record ColumnDef(String name, ColumnType type, boolean nullable, Privacy privacy) {
  /** What a column may reveal about a person. */
  public enum Privacy {
    /** Nothing that identifies a person. */
    NONE,
    /** A user's id: erasure deletes a user's rows by it. At most one per table. */
    USER_ID,
    /**
     * Free text that may hold a user's id or data, such as a rejected record verbatim or a client's
     * event id; its row goes with the user id beside it.
     */
    FREE_TEXT;

    /** Whether the column is kept out of Delta's per-file statistics, which the log holds in plain text. */
    public boolean personal() {
      return this != NONE;
    }
  }

  /** A column every row fills. */
  public static ColumnDef required(String name, ColumnType type) {
    return new ColumnDef(name, type, false, Privacy.NONE);
  }

  /** A column a row may leave empty. */
  public static ColumnDef optional(String name, ColumnType type) {
    return new ColumnDef(name, type, true, Privacy.NONE);
  }

  /** This column, marked as holding what {@code p} says. */
  public ColumnDef holding(Privacy p) {
    return new ColumnDef(name, type, nullable, p);
  }
}
