package io.recflow.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The warehouse contract as the Markdown table that docs/data-model.md holds between
 * {@link #BEGIN} and {@link #END}; a test fails when the two differ, so the documentation cannot
 * drift from {@link Tables}.
 */
public final class ContractDoc {
  /** The line before the generated table. */
  public static final String BEGIN = "<!-- contract:begin (generated from io.recflow.core.Tables by ContractDoc) -->";
  /** The line after it. */
  public static final String END = "<!-- contract:end -->";

  private ContractDoc() {}

  /** The generated block, markers included. */
  public static String markdown() {
    StringBuilder b = new StringBuilder(BEGIN).append('\n');
    b.append("| table | one row is | columns (* = never null; user id = the column erasure deletes a user's rows "
        + "by; personal = free text that may hold one) | partitioned by | key |\n");
    b.append("|---|---|---|---|---|\n");
    for (TableDef t : Tables.ALL) {
      String columns = t.columns().stream()
          .map(c -> "`" + c.name() + " " + c.type().sql() + "`" + (c.nullable() ? "" : "*") + privacy(c))
          .collect(Collectors.joining(", "));
      b.append("| `").append(t.name()).append("` | ").append(t.row()).append(" | ").append(columns).append(" | ")
          .append(names(t.partitionBy())).append(" | ").append(names(t.key())).append(" |\n");
    }
    return b.append(END).append('\n').toString();
  }

  private static String privacy(ColumnDef c) {
    return switch (c.privacy()) {
      case NONE -> "";
      case USER_ID -> " (user id)";
      case FREE_TEXT -> " (personal)";
    };
  }

  private static String names(List<String> columns) {
    return columns.isEmpty() ? "-" : columns.stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "));
  }
}
