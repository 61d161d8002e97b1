package org.lmm4j.app.inference;

import com.google.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import de.siegmar.fastcsv.writer.CsvWriter;
import org.lmm4j.app.output.OutputFiles;
import org.lmm4j.app.ModelOptions;
import org.lmm4j.app.Plugins;
import org.lmm4j.io.CsvTableReader;
import org.lmm4j.data.DataTable;
import org.lmm4j.inference.FittedModel;
import org.lmm4j.inference.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lmm4j predict}: fits the model, then writes the rows of the fitting data (or of {@code --newdata}) with
 * the columns {@code fitted} (with the BLUPs), {@code fixed} (x'β̂) and, where the response is present,
 * {@code residual} (DESIGN §3), as lme4's {@code predict(m)} and {@code predict(m, newdata)}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Fitted values and residuals of the fitting data, or predictions for new rows, as CSV."},
        footer = {"", "Examples:",
            "  lmm4j predict --data sleepstudy.csv --formula \"Reaction ~ Days + (Days | Subject)\" --out fitted.csv",
            "  lmm4j predict ... --newdata new.csv --out predicted.csv"})
public final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--newdata", paramLabel = "FILE",
            description = "CSV of new rows to predict (every covariate the formula uses; groups the fit has not seen "
                    + "are predicted at the population level). Default: the fitting data.")
    Path newData;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "CSV file to write.")
    Path out;

    private final Plugins plugins;

    @Inject
    PredictCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() {
        FittedModel m = Inference.fit(options, plugins);
        DataTable table = newData == null ? m.table() : CsvTableReader.read(newData);
        Predictions p = newData == null ? m.fitted() : m.predict(table);
        boolean residuals = table.indexOf(m.model().data().response()) >= 0;
        try {
            write(table, p, residuals);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + p.rows().length + " rows to " + out + " (columns fitted, fixed"
                + (residuals ? ", residual" : "") + "; fit " + m.result().status() + ", " + m.result().method() + ")");
        for (String note : p.notes()) {
            w.println("Note: " + note);
        }
        w.flush();
        return 0;
    }

    private void write(DataTable table, Predictions p, boolean residuals) throws IOException {
        List<String> header = new ArrayList<>(table.names());
        header.add("fitted");
        header.add("fixed");
        if (residuals) {
            header.add("residual");
        }
        java.io.StringWriter text = new java.io.StringWriter();
        try (CsvWriter csv = CsvWriter.builder().build(text)) {
            csv.writeRecord(header);
            for (int i = 0; i < p.rows().length; i++) {
                List<String> row = new ArrayList<>(header.size());
                for (String[] column : table.columns()) {
                    String cell = column[p.rows()[i]];
                    row.add(cell == null ? "NA" : cell);
                }
                row.add(Double.toString(p.fitted()[i]));
                row.add(Double.toString(p.fixed()[i]));
                if (residuals) {
                    row.add(Double.isNaN(p.residual()[i]) ? "NA" : Double.toString(p.residual()[i]));
                }
                csv.writeRecord(row);
            }
        }
        // written to a temporary name and moved into place: never a half-written file
        OutputFiles.writeText(out, text.toString());
    }
}
