package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/data-model.md shows the warehouse contract exactly as core defines it. */
class ContractDocTest {
  @Test
  void theDataModelDocumentHoldsTheContractAsDefined() throws Exception {
    String doc = Files.readString(Path.of("../docs/data-model.md"));
    int begin = doc.indexOf(ContractDoc.BEGIN);
    int end = doc.indexOf(ContractDoc.END);
    assertTrue(begin >= 0 && end > begin, "docs/data-model.md lacks the contract markers");
    String shown = doc.substring(begin, end + ContractDoc.END.length() + 1);
    assertEquals(ContractDoc.markdown(), shown, "docs/data-model.md differs from io.recflow.core.Tables; replace its "
        + "contract block with the expected text above");
  }

  @Test
  void everyTableIsDescribedAndItsKeyAndPartitionsAreColumns() {
    for (TableDef t : Tables.ALL) {
      assertTrue(!t.row().isBlank(), t.name());
      assertTrue(t.columnNames().containsAll(t.key()), t.name());
      assertTrue(t.columnNames().containsAll(t.partitionBy()), t.name());
    }
    assertEquals(Tables.ALL.size(), Tables.ALL.stream().map(TableDef::name).distinct().count(), "names are unique");
  }

  @Test
  void aDefinitionThatNamesAMissingColumnIsRefused() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new TableDef("t", "a row", java.util.List.of(ColumnDef.required("a", ColumnType.STRING)),
            java.util.List.of("b"), java.util.List.of()));
    assertTrue(e.getMessage().contains("partition column b"), e.getMessage());
  }
}
