package io.recflow.core;

import java.util.List;
import java.util.Optional;

/**
 * One Delta table of the warehouse, defined once: its name (the directory under the warehouse
 * root), what a row means, its columns in order, how it is partitioned and which columns identify
 * a row. The Spark schema (recflow-spark), the Delta Kernel read schema (the server) and
 * docs/data-model.md are all derived from, or checked against, this definition.
 *
 * @param name the table's directory under the warehouse root
 * @param row what one row means, for the documentation
 * @param columns every column, in the order written
 * @param partitionBy partition columns, possibly none
 * @param key the columns that identify a row (for versioned tables, with model_version)
 */
public record TableDef(String name, String row, List<ColumnDef> columns, List<String> partitionBy,
                       List<String> key) {
  public TableDef {
    columns = List.copyOf(columns);
    partitionBy = List.copyOf(partitionBy);
    key = List.copyOf(key);
    List<String> names = columns.stream().map(ColumnDef::name).toList();
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException(name + " names a column twice: " + names);
    }
    for (String c : partitionBy) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException(name + ": partition column " + c + " is not a column");
      }
    }
    for (String c : key) {
      if (!names.contains(c)) {
        throw new IllegalArgumentException(name + ": key column " + c + " is not a column");
      }
    }
    if (columns.stream().filter(c -> c.privacy() == ColumnDef.Privacy.USER_ID).count() > 1) {
      throw new IllegalArgumentException(name + " marks more than one column as a user id");
    }
  }

  /**
   * The column holding a user's id, if the table holds personal data: erasure deletes a user's rows
   * by it, and every such table must be covered by erasure (a test holds the contract to it).
   */
  public Optional<String> userIdColumn() {
    return columns.stream().filter(c -> c.privacy() == ColumnDef.Privacy.USER_ID).map(ColumnDef::name).findFirst();
  }

  /**
   * The columns Delta may keep statistics of: the log keeps each file's minimum and maximum in plain
   * text, and would keep a user's id long after their rows were deleted.
   */
  public List<String> statsColumns() {
    return columns.stream().filter(c -> !c.privacy().personal()).map(ColumnDef::name).toList();
  }

  /** The column called {@code name}, if the table has one. */
  public Optional<ColumnDef> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The column names in order. */
  public List<String> columnNames() {
    return columns.stream().map(ColumnDef::name).toList();
  }

  @Override
  public String toString() {
    return name;
  }
}
