package org.lmm4j.app.inference;

import org.lmm4j.api.Estimator;
import org.lmm4j.api.FitOptions;
import org.lmm4j.api.MixedModel;
import org.lmm4j.app.ModelOptions;
import org.lmm4j.app.Plugins;
import org.lmm4j.data.DataTable;
import org.lmm4j.inference.FittedModel;

/** The fitted model an inference command works on: the model options' table, model, estimator and fit. */
final class Inference {

    private Inference() {
    }

    static FittedModel fit(ModelOptions options, Plugins plugins) {
        DataTable table = options.table();
        MixedModel model = options.model(table, plugins);
        Estimator estimator = plugins.estimator(options.estimatorName());
        FitOptions fitOptions = options.fitOptions();
        return new FittedModel(model, estimator.fit(model, fitOptions), estimator, fitOptions, options.formula(), table);
    }
}
