package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server reads the warehouse with read schemas derived from core's contract; every table the
 * real nightly job wrote declares, in its Delta log, exactly the schema the contract gives it.
 */
class KernelSchemasIT {
  @Test
  void everyTableOfARealWarehouseHasTheContractsSchemaAsDeltaKernelReadsIt() throws Exception {
    DeltaReader reader = new DeltaReader(NightlyWarehouse.path().toString());
    List<String> checked = new ArrayList<>();
    for (TableDef t : Tables.ALL) {
      if (reader.version(t) < 0) {
        continue;
      }
      assertEquals(KernelSchemas.of(t), reader.schema(t), t.name());
      checked.add(t.name());
    }
    // This warehouse has no embeddings, no stream (user_vectors_rt, exposures) and no erasure
    // (erasures, erasure_audit); every other table is there, attributed_events (empty) among them.
    assertEquals(Tables.ALL.size() - 5, checked.size(), checked.toString());
    assertTrue(checked.contains(Tables.ATTRIBUTED_EVENTS.name()), checked.toString());
    assertTrue(checked.contains(Tables.EVENTS.name()) && checked.contains(Tables.MODELS.name()), checked.toString());
  }
}
