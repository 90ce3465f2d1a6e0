package io.recflow.privacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import org.junit.jupiter.api.Test;

class ErasureCoverageTest {
  /** A new table that holds user ids fails here until erasure knows when its rows were written. */
  @Test
  void everyTableHoldingUserIdsIsCoveredByErasure() {
    for (TableDef t : Tables.ALL) {
      if (t.userIdColumn().isPresent()) {
        assertTrue(ErasureJob.covers(t), t.name() + " holds user ids in " + t.userIdColumn().get()
            + " that erasure does not delete");
      }
    }
  }
}
