package org.lmm4j.app.bench;

import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.lmm4j.app.output.OutputFiles;

/**
 * The bench plot: median fit time (ms) against the number of rows, both axes logarithmic, one line
 * per estimator, so that linear cost shows as a line of slope one. Written as PNG with JFreeChart.
 */
public final class BenchPlot {

    private BenchPlot() {
    }

    /** The chart for the rows (rows with no valid time, e.g. failed fits, are left out). */
    public static JFreeChart chart(List<BenchRow> rows) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (BenchRow r : rows) {
            if (r.medianMillis() > 0 && Double.isFinite(r.medianMillis())) {
                series.computeIfAbsent(r.estimator(), name -> new XYSeries(name, true, true))
                        .add(r.rows(), r.medianMillis());
            }
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        series.values().forEach(dataset::addSeries);
        LogAxis x = new LogAxis("rows (observations), log scale");
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        LogAxis y = new LogAxis("median fit time (ms), log scale");
        y.setSmallestValue(1e-3);
        y.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        return new JFreeChart("lmm4j bench: " + BenchReport.MODEL, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /**
     * Writes the chart as an 900×600 PNG, atomically ({@link OutputFiles}: exit status 2 for a folder that cannot
     * be written to, 1 for a write that fails part way).
     */
    public static void writePng(List<BenchRow> rows, Path file) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        JFreeChart chart = chart(rows);
        OutputFiles.write(file, o -> ChartUtils.writeChartAsPNG(o, chart, 900, 600));
    }
}
