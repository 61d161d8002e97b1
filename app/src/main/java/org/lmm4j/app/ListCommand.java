package org.lmm4j.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.lmm4j.app.output.FitJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lmm4j list}: every discovered estimator and covariance structure, with its one-line description. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the estimators and covariance structures found on the class path.")
public final class ListCommand implements Callable<Integer> {

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "Output format. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    private final Plugins plugins;

    @Inject
    ListCommand(Plugins plugins) {
        this.plugins = plugins;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.json) {
            ObjectNode root = FitJson.object();
            ObjectNode e = root.putObject("estimators");
            plugins.estimators().forEach((name, impl) -> e.put(name, impl.description()));
            ObjectNode s = root.putObject("structures");
            plugins.structures().forEach((name, impl) -> s.put(name, impl.description()));
            out.println(FitJson.write(root));
        } else {
            int w = 2;
            for (String n : plugins.estimators().keySet()) {
                w = Math.max(w, n.length() + 2);
            }
            for (String n : plugins.structures().keySet()) {
                w = Math.max(w, n.length() + 2);
            }
            String row = "  %-" + w + "s%s%n";
            out.println("Estimators (--estimator):");
            plugins.estimators().forEach((name, impl) -> out.printf(row, name, impl.description()));
            out.println();
            out.println("Covariance structures (--residual for Σ; Ω comes from the random term: | free, || diagonal):");
            plugins.structures().forEach((name, impl) -> out.printf(row, name, impl.description()));
        }
        out.flush();
        return 0;
    }
}
