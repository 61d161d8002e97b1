package org.lmm4j.app.paper;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.lmm4j.app.output.OutputFiles;

/**
 * The paper's Figures 1–3 drawn with JFreeChart and written as PNG and SVG: straight growth curves
 * over ages 8–14, boys solid blue, girls dashed red, with a legend. Figure 1: the least-squares line
 * of every child (free/scalar model); Figure 2: the two gender lines (gender/free model); Figure 3:
 * the BLUP line of every child (gender/random model). All three share one distance axis, so the
 * shrinkage of Figure 3's lines toward the gender lines is visible against Figure 1.
 */
public final class PaperFigures {

    /** Youngest age drawn. */
    static final double AGE_FROM = 8;
    /** Oldest age drawn. */
    static final double AGE_TO = 14;
    static final int WIDTH = 800;
    static final int HEIGHT = 600;

    private static final Color BOYS = new Color(0x1f, 0x4e, 0xc8);
    private static final Color GIRLS = new Color(0xd0, 0x22, 0x22);

    private PaperFigures() {
    }

    /**
     * Writes figure1..3 as .png and .svg into a directory; returns the six paths in that order.
     *
     * @throws org.lmm4j.api.InputException when the directory cannot be written to
     * @throws org.lmm4j.app.output.WriteFailure when a file cannot be written to the end (a full disk)
     */
    public static List<Path> write(PaperResults r, Path dir) {
        double[] range = distanceRange(List.of(r.figure1(), r.figure2(), r.figure3()));
        List<Path> out = new ArrayList<>();
        out.addAll(write(chart("Figure 1. Growth Curves for the Free/Scalar Model", r.figure1(), range, 1.2f),
                dir, "figure1"));
        out.addAll(write(chart("Figure 2. Growth Curves for the Gender/Free Model", r.figure2(), range, 2.5f),
                dir, "figure2"));
        out.addAll(write(chart("Figure 3. Growth Curves for the Mixed Gender Model", r.figure3(), range, 1.2f),
                dir, "figure3"));
        return out;
    }

    /** A figure: one line per growth curve from age 8 to 14, coloured and dashed by sex. */
    static JFreeChart chart(String title, List<GrowthLine> lines, double[] range, float width) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int k = 0; k < lines.size(); k++) {
            GrowthLine l = lines.get(k);
            XYSeries s = new XYSeries(l.label() + " #" + k, false, true);
            s.add(AGE_FROM, l.at(AGE_FROM));
            s.add(AGE_TO, l.at(AGE_TO));
            dataset.addSeries(s);
            renderer.setSeriesPaint(k, l.boy() ? BOYS : GIRLS);
            renderer.setSeriesStroke(k, stroke(l.boy(), width));
        }
        NumberAxis x = new NumberAxis("age (years)");
        x.setRange(AGE_FROM - 0.25, AGE_TO + 0.25);
        x.setTickUnit(new NumberTickUnit(1));
        NumberAxis y = new NumberAxis("distance (mm)");
        y.setRange(range[0], range[1]);
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        LegendItemCollection legend = new LegendItemCollection();
        legend.add(new LegendItem("Boys", "boys: solid", null, null, new Line2D.Double(-12, 0, 12, 0),
                stroke(true, 2f), BOYS));
        legend.add(new LegendItem("Girls", "girls: dashed", null, null, new Line2D.Double(-12, 0, 12, 0),
                stroke(false, 2f), GIRLS));
        plot.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setPaint(Color.BLACK);
        chart.addSubtitle(new TextTitle("boys solid, girls dashed"));
        return chart;
    }

    private static Stroke stroke(boolean boy, float width) {
        return boy ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER)
                : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 5f}, 0f);
    }

    /** One distance range for all figures: the lowest and highest line end, widened to whole millimetres. */
    static double[] distanceRange(List<List<GrowthLine>> figures) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<GrowthLine> f : figures) {
            for (GrowthLine l : f) {
                for (double a : new double[] {AGE_FROM, AGE_TO}) {
                    lo = Math.min(lo, l.at(a));
                    hi = Math.max(hi, l.at(a));
                }
            }
        }
        return new double[] {Math.floor(lo - 0.5), Math.ceil(hi + 0.5)};
    }

    /** One figure as PNG and SVG, each written atomically ({@link OutputFiles}). */
    private static List<Path> write(JFreeChart chart, Path dir, String name) {
        Path png = OutputFiles.write(dir.resolve(name + ".png"), o -> ChartUtils.writeChartAsPNG(o, chart, WIDTH, HEIGHT));
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        Path svg = OutputFiles.writeText(dir.resolve(name + ".svg"), g.getSVGDocument() + "\n");
        return List.of(png, svg);
    }
}
