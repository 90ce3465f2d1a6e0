package io.recflow.core;

/**
 * The types a warehouse column can have, named as Delta names them. Spark and Delta Kernel each
 * map these to their own type objects, so both read the same schema from one definition.
 */
public enum ColumnType {
  STRING("string"), BOOLEAN("boolean"), INT("int"), LONG("long"), DOUBLE("double"), TIMESTAMP("timestamp"),
  DATE("date"),
  /** Vectors: factors and embeddings; no element is null. */
  FLOAT_ARRAY("array<float>"),
  /** Rows of vectors: a randomised slot's candidates' features; NaN for a missing one, never null. */
  FLOAT_MATRIX("array<array<float>>"),
  STRING_ARRAY("array<string>"),
  STRING_MAP("map<string,string>"),
  LONG_MAP("map<string,long>"),
  DOUBLE_MAP("map<string,double>");

  private final String sql;

  ColumnType(String sql) {
    this.sql = sql;
  }

  /** The type as Delta and Spark SQL write it, e.g. {@code array<float>}. */
  public String sql() {
    return sql;
  }
}
