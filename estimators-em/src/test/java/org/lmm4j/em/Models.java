package org.lmm4j.em;

import java.util.ServiceLoader;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Dental;

/** Test helpers: structures by name (ServiceLoader) and the dental models of the paper's Table 1. */
final class Models {

    static final String EQUAL = "distance ~ age";
    static final String GENDER = "distance ~ Sex*age";
    static final String FREE = "distance ~ 0 + Subject + Subject:age";
    static final String RANDOM = " + (age | Subject)";

    private Models() {
    }

    static CovarianceStructure structure(String name) {
        for (CovarianceStructure s : ServiceLoader.load(CovarianceStructure.class)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("no covariance structure named " + name);
    }

    /** The dental data with a formula, Σ over the ages, groups the subjects. */
    static MixedModel dental(String formula, String sigma, Method method) {
        CompiledModel c = Dental.compile(formula, new CompileOptions("age", "Subject"));
        return model(c.data(), sigma, c.omegaStructure(), method);
    }

    static MixedModel model(ModelData data, String sigma, String omega, Method method) {
        return new MixedModel(data, structure(sigma), omega == null || data.q() == 0 ? null : structure(omega), method);
    }
}
