package io.recflow.core;

/**
 * One column of a warehouse table.
 *
 * @param name the column name, one of {@link Tables.Col}
 * @param type its type
 * @param nullable whether a row may leave it empty
 */
public record ColumnDef(String name, ColumnType type, boolean nullable) {
  /** A column every row fills. */
  public static ColumnDef required(String name, ColumnType type) {
    return new ColumnDef(name, type, false);
  }

  /** A column a row may leave empty. */
  public static ColumnDef optional(String name, ColumnType type) {
    return new ColumnDef(name, type, true);
  }
}
