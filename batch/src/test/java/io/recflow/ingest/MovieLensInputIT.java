package io.recflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.Tables.Col;
import io.recflow.spark.SparkFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovieLensInputIT {
  @TempDir
  Path dir;

  private Input read() {
    return Input.read(SparkFixture.spark(), "movielens", dir.toString());
  }

  private static Row only(List<Row> rows) {
    assertEquals(1, rows.size());
    return rows.get(0);
  }

  @Test
  void readsMlLatestWithTagsInTheItemText() throws Exception {
    Files.write(dir.resolve("ratings.csv"), List.of("userId,movieId,rating,timestamp", "1,10,4.0,964982703",
        "2,10,2.5,964982800"));
    Files.write(dir.resolve("movies.csv"), List.of("movieId,title,genres",
        "10,\"GoldenEye, The (1995)\",Action|Adventure", "11,Nothing (2000),(no genres listed)"));
    Files.write(dir.resolve("tags.csv"), List.of("userId,movieId,tag,timestamp", "1,10,Bond,964982703"));
    Input in = read();
    Row e = in.events().orderBy(Col.USER_ID).head();
    assertEquals("ml-1-10-964982703", e.getString(e.fieldIndex(Col.EVENT_ID)));
    assertEquals("rating", e.getString(e.fieldIndex(Col.EVENT_TYPE)));
    assertEquals("4.0", e.getString(e.fieldIndex(Col.VALUE)));
    assertEquals(2, in.events().count());
    Row item = only(in.items().filter("item_id = '10'").collectAsList());
    assertEquals("GoldenEye, The (1995)", item.getString(item.fieldIndex(Col.TITLE)));
    assertEquals("GoldenEye, The (1995). Genres: Action, Adventure. Tags: bond", item.getString(item.fieldIndex(Col.TEXT)));
    assertEquals(List.of("Action", "Adventure"), item.getList(item.fieldIndex(Col.ATTRIBUTES)));
    Row none = only(in.items().filter("item_id = '11'").collectAsList());
    assertTrue(none.getList(none.fieldIndex(Col.ATTRIBUTES)).isEmpty());
  }

  @Test
  void readsMl1mDoubleColonFiles() throws Exception {
    Files.write(dir.resolve("ratings.dat"), List.of("1::1193::5::978300760", "1::661::3::978302109"));
    Files.write(dir.resolve("movies.dat"), List.of("1193::One Flew Over the Cuckoo's Nest (1975)::Drama"),
        StandardCharsets.ISO_8859_1);
    Input in = read();
    assertEquals(2, in.events().count());
    Row item = in.items().head();
    assertEquals("1193", item.getString(item.fieldIndex(Col.ITEM_ID)));
    assertEquals(List.of("Drama"), item.getList(item.fieldIndex(Col.ATTRIBUTES)));
  }

  @Test
  void readsMl100kTabSeparatedRatingsAndGenreFlags() throws Exception {
    Files.write(dir.resolve("u.data"), List.of("196\t242\t3\t881250949", "186\t302\t3\t891717742"));
    Files.write(dir.resolve("u.item"), List.of(
        "242|Kolya (1996)|24-Jan-1997||http://x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0"), StandardCharsets.ISO_8859_1);
    Input in = read();
    Row e = in.events().orderBy(Col.USER_ID).head();
    assertEquals("186", e.getString(e.fieldIndex(Col.USER_ID)));
    assertEquals("891717742", e.getString(e.fieldIndex(Col.TS)));
    Row item = in.items().head();
    assertEquals("Kolya (1996)", item.getString(item.fieldIndex(Col.TITLE)));
    assertEquals(List.of("Comedy"), item.getList(item.fieldIndex(Col.ATTRIBUTES)));
  }

  @Test
  void aDirectoryWithoutRatingsIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::read);
    assertTrue(e.getMessage().contains("No MovieLens ratings"), e.getMessage());
  }
}
