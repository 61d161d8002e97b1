package org.lmm4j.app.inference;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;
import org.lmm4j.api.InputException;
import org.lmm4j.inference.Interval;
import org.lmm4j.inference.ParametricBootstrap;
import org.lmm4j.inference.Predictions;
import org.lmm4j.inference.ProfilePoint;

/**
 * The diagnostic plots of a fit (lme4's {@code plot(m)}, {@code qqnorm}, {@code dotplot(ranef(m, condVar = TRUE))}
 * and {@code xyplot(profile(m))}): residuals against fitted values, normal QQ plots of the residuals and of each
 * random effect, a caterpillar plot of the BLUPs with ±z·conditional-sd bars, and the profile traces ζ(v).
 */
public final class DiagnosticPlots {

    /** A chart and its size in pixels. */
    public record Figure(JFreeChart chart, int width, int height) {
    }

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private DiagnosticPlots() {
    }

    /** Writes a figure as PNG or SVG, chosen by the file's extension; a failed write is an I/O error. */
    public static void write(Figure f, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (name.endsWith(".svg")) {
            SVGGraphics2D g = new SVGGraphics2D(f.width(), f.height());
            f.chart().draw(g, new Rectangle(0, 0, f.width(), f.height()));
            SVGUtils.writeToSVG(file.toFile(), g.getSVGElement());
        } else if (name.endsWith(".png")) {
            ChartUtils.saveChartAsPNG(file.toFile(), f.chart(), f.width(), f.height());
        } else {
            throw new InputException("plot file " + file + ": the name must end in .png or .svg");
        }
    }

    /** Residuals y − fitted against the fitted values (with the BLUPs), with the zero line. */
    public static Figure residualsAgainstFitted(Predictions p) {
        XYSeries s = new XYSeries("residuals", false);
        for (int i = 0; i < p.fitted().length; i++) {
            if (Double.isFinite(p.residual()[i])) {
                s.add(p.fitted()[i], p.residual()[i]);
            }
        }
        XYPlot plot = scatter(new XYSeriesCollection(s), "fitted value", "residual");
        plot.addRangeMarker(new ValueMarker(0, Color.GRAY, new BasicStroke(1f)));
        return new Figure(new JFreeChart("Residuals against fitted values", JFreeChart.DEFAULT_TITLE_FONT, plot, false),
                800, 600);
    }

    /**
     * Normal QQ plots, one panel per sample (side by side): sorted values against the normal quantiles at R's
     * {@code ppoints} ((i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10, else 1/2), with {@code qqline}'s line through the
     * quartiles.
     */
    public static Figure qq(String title, List<String> names, List<double[]> samples) {
        NumberAxis shared = new NumberAxis("normal quantile");
        CombinedRangeXYPlot combined = new CombinedRangeXYPlot(shared);
        List<XYPlot> panels = new ArrayList<>();
        for (int k = 0; k < samples.size(); k++) {
            double[] y = samples.get(k).clone();
            Arrays.sort(y);
            int n = y.length;
            double a = n <= 10 ? 3.0 / 8 : 0.5;
            XYSeries points = new XYSeries(names.get(k), false);
            for (int i = 0; i < n; i++) {
                points.add(y[i], NORMAL.inverseCumulativeProbability((i + 1 - a) / (n + 1 - 2 * a)));
            }
            double q1 = ParametricBootstrap.quantile(y, 0.25);
            double q3 = ParametricBootstrap.quantile(y, 0.75);
            double z1 = NORMAL.inverseCumulativeProbability(0.25);
            double z3 = NORMAL.inverseCumulativeProbability(0.75);
            double slope = (q3 - q1) / (z3 - z1);
            double intercept = q1 - slope * z1;
            XYSeries line = new XYSeries("qqline", false);
            double zLo = NORMAL.inverseCumulativeProbability((1 - a) / (n + 1 - 2 * a));
            line.add(intercept + slope * zLo, zLo);
            line.add(intercept - slope * zLo, -zLo);
            XYSeriesCollection data = new XYSeriesCollection(points);
            data.addSeries(line);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
            r.setSeriesLinesVisible(0, false);
            r.setSeriesShapesVisible(1, false);
            r.setSeriesPaint(1, Color.GRAY);
            XYPlot panel = new XYPlot(data, new NumberAxis(names.get(k)), null, r);
            panels.add(panel);
            combined.add(panel);
        }
        return new Figure(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, false),
                Math.max(600, 450 * panels.size()), 500);
    }

    /**
     * The BLUPs of every group with ±z·sd bars (sd from the conditional variance), one panel per random effect,
     * groups ordered by the first effect.
     *
     * @param blups  [group][effect]
     * @param sd     [group][effect], the conditional standard deviations
     */
    public static Figure caterpillar(List<String> groups, List<String> effects, double[][] blups, double[][] sd, double z) {
        Integer[] order = new Integer[groups.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> blups[i][0]));
        String[] labels = new String[order.length];
        for (int r = 0; r < order.length; r++) {
            labels[r] = groups.get(order[r]);
        }
        SymbolAxis groupAxis = new SymbolAxis("group", labels);
        groupAxis.setGridBandsVisible(false);
        CombinedRangeXYPlot combined = new CombinedRangeXYPlot(groupAxis);
        for (int k = 0; k < effects.size(); k++) {
            XYIntervalSeries s = new XYIntervalSeries(effects.get(k));
            for (int r = 0; r < order.length; r++) {
                int i = order[r];
                double b = blups[i][k];
                double h = z * sd[i][k];
                s.add(b, b - h, b + h, r, r, r);
            }
            XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
            data.addSeries(s);
            XYErrorRenderer renderer = new XYErrorRenderer();
            renderer.setDrawYError(false);
            renderer.setDefaultLinesVisible(false);
            XYPlot panel = new XYPlot(data, new NumberAxis(effects.get(k)), null, renderer);
            panel.addDomainMarker(new ValueMarker(0, Color.GRAY, new BasicStroke(1f)));
            combined.add(panel);
        }
        return new Figure(new JFreeChart("Random effects (BLUPs) with " + Math.round(100 * (2 * NORMAL.cumulativeProbability(z) - 1))
                + "% conditional intervals", JFreeChart.DEFAULT_TITLE_FONT, combined, false),
                Math.max(600, 420 * effects.size()), Math.max(400, 22 * groups.size() + 120));
    }

    /** The profile traces ζ(v) of every profiled parameter, one panel each, with the interval's ζ = ±z. */
    public static Figure profiles(List<Interval> intervals) {
        NumberAxis zeta = new NumberAxis("ζ");
        CombinedRangeXYPlot combined = new CombinedRangeXYPlot(zeta);
        int panels = 0;
        for (Interval ci : intervals) {
            if (ci.trace().isEmpty()) {
                continue;
            }
            XYSeries s = new XYSeries(ci.parameter(), true);
            for (ProfilePoint p : ci.trace()) {
                s.add(p.value(), p.zeta());
            }
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            NumberAxis x = new NumberAxis(ci.parameter());
            x.setAutoRangeIncludesZero(false);
            XYPlot panel = new XYPlot(new XYSeriesCollection(s), x, null, r);
            panel.addDomainMarker(new ValueMarker(ci.lower(), Color.GRAY, new BasicStroke(1f)));
            panel.addDomainMarker(new ValueMarker(ci.upper(), Color.GRAY, new BasicStroke(1f)));
            panel.addRangeMarker(new ValueMarker(0, Color.LIGHT_GRAY, new BasicStroke(1f)));
            combined.add(panel);
            panels++;
        }
        if (panels == 0) {
            throw new InputException("there are no profile traces to plot");
        }
        return new Figure(new JFreeChart("Profile traces: ζ = sign(v − v̂)√(Δ(v) − Δ̂)", JFreeChart.DEFAULT_TITLE_FONT,
                combined, false), Math.max(600, 300 * panels), 450);
    }

    private static XYPlot scatter(XYSeriesCollection data, String x, String y) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        NumberAxis xAxis = new NumberAxis(x);
        xAxis.setAutoRangeIncludesZero(false);
        return new XYPlot(data, xAxis, new NumberAxis(y), r);
    }
}
