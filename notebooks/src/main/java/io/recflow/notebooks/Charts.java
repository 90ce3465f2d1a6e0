package io.recflow.notebooks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Charts of query results as images, which the notebook kernel shows as PNG
 * ({@code shown = display(Charts.bars(...));}). Each chart takes the collected rows of a
 * query and the names of the columns to plot, so a notebook cell is one query and one call.
 * A null series column puts every row in one series.
 */
public final class Charts {
  /** Series colours, in order (Tableau 10): distinct, and readable on white. */
  public static final List<Color> PALETTE = List.of(new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
      new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
      new Color(0x9C755F), new Color(0xBAB0AC));
  /** Width of every chart, in pixels. */
  public static final int WIDTH = 820;
  /** Height of every chart, in pixels. */
  public static final int HEIGHT = 440;

  private Charts() {}

  /** Vertical bars: one group per category, one bar per series within it. */
  public static BufferedImage bars(String title, String categoryLabel, String valueLabel, List<Row> rows,
      String categoryCol, String seriesCol, String valueCol) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Row r : rows) {
      data.addValue(number(r, valueCol), seriesCol == null ? valueLabel : text(r, seriesCol), text(r, categoryCol));
    }
    JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, valueLabel, data,
        PlotOrientation.VERTICAL, seriesCol != null, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    for (int s = 0; s < data.getRowCount(); s++) {
      renderer.setSeriesPaint(s, PALETTE.get(s % PALETTE.size()));
    }
    if (data.getColumnCount() > 8) {
      plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    } else {
      plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(1.5f);
      plot.getDomainAxis().setMaximumCategoryLabelLines(2);
    }
    return render(chart);
  }

  /** Lines through (x, y) points, one line per series, in row order; logarithmic axes if asked. */
  public static BufferedImage lines(String title, String xLabel, String yLabel, List<Row> rows, String xCol,
      String seriesCol, String yCol, boolean logLog) {
    XYSeriesCollection data = series(rows, xCol, seriesCol, yCol, yLabel);
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
        seriesCol != null, false, false);
    XYPlot plot = style(chart);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
    for (int s = 0; s < data.getSeriesCount(); s++) {
      renderer.setSeriesStroke(s, new BasicStroke(2f));
      renderer.setSeriesShapesVisible(s, data.getItemCount(s) <= 30);
    }
    if (logLog) {
      plot.setDomainAxis(decades(xLabel));
      plot.setRangeAxis(decades(yLabel));
    } else if (integral(data)) {
      plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
    return render(chart);
  }

  /** Points at (x, y), one colour per group; later groups are drawn over earlier ones. */
  public static BufferedImage scatter(String title, String xLabel, String yLabel, List<Row> rows, String xCol,
      String yCol, String groupCol) {
    XYSeriesCollection data = series(rows, xCol, groupCol, yCol, yLabel);
    JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
        groupCol != null, false, false);
    XYPlot plot = style(chart);
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      // A group of a few points among many (cold items among warm ones) is drawn larger, to be seen.
      double size = data.getItemCount(s) <= 50 && rows.size() > 200 ? 10 : 5;
      plot.getRenderer().setSeriesShape(s, new Ellipse2D.Double(-size / 2, -size / 2, size, size));
    }
    return render(chart);
  }

  private static XYSeriesCollection series(List<Row> rows, String xCol, String seriesCol, String yCol,
      String defaultName) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Row r : rows) {
      String name = seriesCol == null ? defaultName : text(r, seriesCol);
      int index = data.getSeriesIndex(name);
      XYSeries s = index >= 0 ? data.getSeries(index) : new XYSeries(name, false, true);
      if (index < 0) {
        data.addSeries(s);
      }
      s.add(number(r, xCol), number(r, yCol));
    }
    return data;
  }

  /** A log axis labelled at 1, 10, 100, ... in plain numbers. */
  private static LogAxis decades(String label) {
    LogAxis axis = new LogAxis(label);
    axis.setTickUnit(new NumberTickUnit(1.0));
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.##"));
    return axis;
  }

  private static boolean integral(XYSeriesCollection data) {
    for (int s = 0; s < data.getSeriesCount(); s++) {
      for (int i = 0; i < data.getItemCount(s); i++) {
        if (data.getXValue(s, i) != Math.rint(data.getXValue(s, i))) {
          return false;
        }
      }
    }
    return true;
  }

  private static XYPlot style(JFreeChart chart) {
    XYPlot plot = chart.getXYPlot();
    for (int s = 0; s < plot.getDataset().getSeriesCount(); s++) {
      plot.getRenderer().setSeriesPaint(s, PALETTE.get(s % PALETTE.size()));
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }

  private static BufferedImage render(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    return chart.createBufferedImage(WIDTH, HEIGHT);
  }

  private static double number(Row r, String col) {
    Object v = r.getAs(col);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("Column '" + col + "' must be numeric to be plotted, but row " + r
          + " holds " + (v == null ? "null" : v.getClass().getSimpleName()) + ". Cast it in the query.");
    }
    return n.doubleValue();
  }

  private static String text(Row r, String col) {
    Object v = r.getAs(col);
    return v == null ? "(none)" : v.toString();
  }
}
