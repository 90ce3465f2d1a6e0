package io.recflow.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ChartsTest {
  private static final StructType SCHEMA = new StructType().add("name", DataTypes.StringType)
      .add("group", DataTypes.StringType).add("x", DataTypes.LongType).add("y", DataTypes.DoubleType);

  private static Row row(String name, String group, long x, double y) {
    return new GenericRowWithSchema(new Object[] {name, group, x, y}, SCHEMA);
  }

  private static final List<Row> ROWS = List.of(row("a", "g1", 1, 10), row("b", "g1", 2, 100),
      row("c", "g2", 4, 1000), row("d", "g2", 8, 5));

  @Test
  void barsDrawTheFirstSeriesInItsColour() {
    BufferedImage img = Charts.bars("t", "name", "y", ROWS, "name", null, "y");
    assertEquals(Charts.WIDTH, img.getWidth());
    assertEquals(Charts.HEIGHT, img.getHeight());
    assertTrue(pixels(img, Charts.PALETTE.get(0)) > 1000,
        "the bars are drawn in the first series colour");
  }

  @Test
  void emptyResultsDrawNoData() {
    BufferedImage empty = Charts.bars("t", "name", "y", List.of(), "name", null, "y");
    assertEquals(0, pixels(empty, Charts.PALETTE.get(0)));
  }

  @Test
  void linesAndScatterDrawOneSeriesPerGroup() {
    BufferedImage lines = Charts.lines("t", "x", "y", ROWS, "x", "group", "y", true);
    BufferedImage scatter = Charts.scatter("t", "x", "y", ROWS, "x", "y", "group");
    for (BufferedImage img : List.of(lines, scatter)) {
      assertTrue(pixels(img, Charts.PALETTE.get(0)) > 0, "first group drawn");
      assertTrue(pixels(img, Charts.PALETTE.get(1)) > 0, "second group drawn");
    }
  }

  @Test
  void aLaterScatterGroupIsDrawnOverAnEarlierOne() {
    Color cold = Charts.PALETTE.get(1);
    BufferedImage apart = Charts.scatter("t", "x", "y",
        List.of(row("a", "warm", 1, 1), row("b", "warm", 3, 3), row("c", "cold", 2, 2)), "x", "y", "group");
    BufferedImage over = Charts.scatter("t", "x", "y",
        List.of(row("a", "warm", 1, 1), row("b", "warm", 3, 3), row("c", "cold", 1, 1)), "x", "y", "group");
    assertEquals(pixels(apart, cold), pixels(over, cold), "the cold point is whole on top of the warm one");
  }

  @Test
  void aTextColumnCannotBePlottedAsANumber() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Charts.bars("t", "name", "y", ROWS, "name", null, "group"));
    assertTrue(e.getMessage().contains("Column 'group' must be numeric"), e.getMessage());
  }

  private static int pixels(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
          n++;
        }
      }
    }
    return n;
  }
}
