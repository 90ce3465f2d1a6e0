package io.recflow.serving;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.DeltaLogActionUtils.DeltaAction;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.TableImpl;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.recflow.core.TableDef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ObjIntConsumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads the warehouse's Delta tables without Spark, with Delta Kernel: the server's only way into
 * the data the batch and streaming jobs write. Columns are asked for by name; their types come from
 * core's warehouse contract (see {@link KernelSchemas}). A scan hands each selected row to a consumer as a
 * (batch, row index) pair, with the columns in the order they were asked for, so that large
 * tables stream into RocksDB without being held in memory.
 */
public final class DeltaReader {
  private final Engine engine = DefaultEngine.create(new Configuration());
  private final String root;

  public DeltaReader(String warehouseRoot) {
    this.root = warehouseRoot.replaceAll("/+$", "");
  }

  /** A timestamp column's value in epoch milliseconds: Delta stores microseconds since the epoch. */
  static long millis(ColumnVector timestamps, int row) {
    return Math.floorDiv(timestamps.getLong(row), 1000);
  }

  /** The latest version of a table, or -1 when the table does not exist (yet). */
  public long version(TableDef table) {
    try {
      return Table.forPath(engine, path(table)).getLatestSnapshot(engine).getVersion(engine);
    } catch (TableNotFoundException e) {
      return -1;
    }
  }

  /** The schema the table's latest version declares, as Delta Kernel reads it from the log. */
  StructType schema(TableDef table) {
    return Table.forPath(engine, path(table)).getLatestSnapshot(engine).getSchema(engine);
  }

  /**
   * Passes every row of {@code table} at {@code version} to {@code consumer}, with the given
   * columns at ordinals 0, 1, ... of the batch; returns the number of rows.
   */
  public long scan(TableDef table, long version, List<String> columns, ObjIntConsumer<ColumnarBatch> consumer) {
    return scan(table, version, columns, Optional.empty(), consumer);
  }

  /**
   * Like {@link #scan(String, long, List, ObjIntConsumer)}, skipping the files that cannot hold a
   * row where {@code column} equals {@code value}: exact for a partition column (model_version of
   * the factor tables), a hint from file statistics otherwise, so the consumer still checks rows.
   */
  public long scanWhere(TableDef table, long version, String column, long value, List<String> columns,
                        ObjIntConsumer<ColumnarBatch> consumer) {
    Predicate equals = new Predicate("=", new Column(column), Literal.ofLong(value));
    return scan(table, version, columns, Optional.of(equals), consumer);
  }

  /**
   * Passes every row that commits {@code fromVersion}..{@code toVersion} (inclusive) of
   * {@code table} added to {@code consumer}, in commit order: an incremental read for append-only tables, which
   * reads only the new commits' log entries and data files, not the whole table. Partition
   * columns are not in data files and cannot be asked for.
   *
   * <p>A commit that removes files rewrites rows that were there (an erasure's DELETE, OPTIMIZE):
   * the files it adds hold no new rows, and are skipped.
   */
  public long added(TableDef table, long fromVersion, long toVersion, List<String> columns,
                    ObjIntConsumer<ColumnarBatch> consumer) {
    StructType readSchema = KernelSchemas.read(table, columns);
    Map<Long, List<FileStatus>> addedByVersion = new TreeMap<>();
    Set<Long> rewrites = new HashSet<>();
    TableImpl t = (TableImpl) Table.forPath(engine, path(table));
    try (CloseableIterator<ColumnarBatch> changes =
             t.getChanges(engine, fromVersion, toVersion, Set.of(DeltaAction.ADD, DeltaAction.REMOVE))) {
      while (changes.hasNext()) {
        ColumnarBatch batch = changes.next();
        ColumnVector version = batch.getColumnVector(batch.getSchema().indexOf("version"));
        ColumnVector add = batch.getColumnVector(batch.getSchema().indexOf("add"));
        ColumnVector remove = batch.getColumnVector(batch.getSchema().indexOf("remove"));
        StructType addType = (StructType) add.getDataType();
        ColumnVector filePath = add.getChild(addType.indexOf("path"));
        ColumnVector dataChange = add.getChild(addType.indexOf("dataChange"));
        for (int i = 0; i < batch.getSize(); i++) {
          if (!remove.isNullAt(i)) {
            rewrites.add(version.getLong(i));
          }
          // dataChange = false marks a rewrite of rows already there (OPTIMIZE), not new rows.
          if (!add.isNullAt(i) && (dataChange.isNullAt(i) || dataChange.getBoolean(i))) {
            // Paths in the log are relative to the table and URL-encoded.
            String p = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path(table)),
                new org.apache.hadoop.fs.Path(java.net.URI.create(filePath.getString(i)))).toString();
            addedByVersion.computeIfAbsent(version.getLong(i), v -> new ArrayList<>()).add(FileStatus.of(p, 0, 0));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + path(table), e);
    }
    List<FileStatus> files = new ArrayList<>();
    addedByVersion.forEach((v, f) -> {
      if (!rewrites.contains(v)) {
        files.addAll(f);
      }
    });
    long rows = 0;
    for (FileStatus f : files) {
      try (CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
          .readParquetFiles(Utils.singletonCloseableIterator(f), readSchema, Optional.empty())) {
        while (data.hasNext()) {
          ColumnarBatch batch = data.next();
          for (int i = 0; i < batch.getSize(); i++) {
            consumer.accept(batch, i);
            rows++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f.getPath(), e);
      }
    }
    return rows;
  }

  private long scan(TableDef table, long version, List<String> columns, Optional<Predicate> filter,
                    ObjIntConsumer<ColumnarBatch> consumer) {
    Snapshot snapshot = Table.forPath(engine, path(table)).getSnapshotAsOfVersion(engine, version);
    ScanBuilder builder = snapshot.getScanBuilder(engine).withReadSchema(engine, KernelSchemas.read(table, columns));
    Scan scan = (filter.isPresent() ? builder.withFilter(engine, filter.get()) : builder).build();
    Row state = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(engine, state);
    long rows = 0;
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            Row file = fileRows.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty());
            try (CloseableIterator<FilteredColumnarBatch> logical =
                     Scan.transformPhysicalData(engine, state, file, data)) {
              while (logical.hasNext()) {
                FilteredColumnarBatch b = logical.next();
                ColumnarBatch batch = b.getData();
                for (int i = 0; i < batch.getSize(); i++) {
                  if (b.getSelectionVector().isEmpty() || b.getSelectionVector().get().getBoolean(i)) {
                    consumer.accept(batch, i);
                    rows++;
                  }
                }
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path(table) + " at version " + version, e);
    }
    return rows;
  }

  private String path(TableDef table) {
    return root + "/" + table.name();
  }
}
