package io.recflow.notebooks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalystSessionTest {
  @Test
  void aDirectoryWithoutAWarehouseIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("events"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AnalystSession.open(dir.toString()));
    assertTrue(e.getMessage().contains("No recflow warehouse at " + dir.toAbsolutePath()), e.getMessage());
    assertTrue(e.getMessage().contains("bin/recflow batch") && e.getMessage().contains("RECFLOW_WAREHOUSE"),
        e.getMessage());
  }
}
